import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import PerCommittee


class ReminderSettings(PerCommittee, models.Model):
    """How a committee's reminders go out. One row per committee, edited in the admin;
    `ReminderSettings.of(committee_id)` only reads (the defaults, unsaved, until an admin
    saves the row).

    The schedule's days (30, 7, 1 days before, on the day, every 7 days after) are
    CommitteeRules.reminder_days_before and overdue_reminder_every_days; this row holds
    the rest.
    """

    committee = models.OneToOneField(
        "committees.Committee",
        verbose_name=_("政协委员会"),
        on_delete=models.CASCADE,
        related_name="reminder_settings",
    )
    send_time = models.TimeField(
        _("每日提醒时间"),
        default=dt.time(8, 30),
        help_text=_("北京时间；当天的提醒和汇总邮件在此时间后发出。"),
    )
    escalate_to_staff = models.BooleanField(_("逾期时通知工作人员"), default=True)
    escalate_after_days = models.PositiveSmallIntegerField(
        _("逾期几天后通知工作人员"), default=0, help_text=_("0 表示一逾期即通知。")
    )
    notify_supervisor = models.BooleanField(_("重点提案同时提醒督办领导"), default=True)
    remind_joint_opinions = models.BooleanField(_("提醒会办/协办单位提交会办意见"), default=True)
    max_send_attempts = models.PositiveSmallIntegerField(
        _("邮件最多尝试次数"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("每次失败后间隔加倍重试，最长间隔一小时。"),
    )

    class Meta:
        verbose_name = _("提醒设置")
        verbose_name_plural = _("提醒设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_send_attempts__gte=1), name="reminder_settings_attempts_positive"
            ),
        ]

    def __str__(self):
        return str(_("提醒设置"))


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("到期前提醒")
    DUE = "due", _("到期当日提醒")
    OVERDUE = "overdue", _("逾期提醒")
    URGENT = "urgent", _("催办")


class ReminderTarget(models.TextChoices):
    REPLY = "reply", _("答复")
    OPINION = "opinion", _("会办意见")


class Reminder(models.Model):
    """One reminder about one assignment, due on one day: the sweep's idempotency key.

    (assignment, kind, due_on) is unique, so two beats, a retry or a restart can never
    record — and so never notify or mail — the same reminder twice.
    """

    assignment = models.ForeignKey(
        "responses.Assignment",
        verbose_name=_("交办"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=ReminderKind.choices)
    due_on = models.DateField(_("提醒日期"))
    target = models.CharField(
        _("提醒事项"), max_length=16, choices=ReminderTarget.choices, default=ReminderTarget.REPLY
    )
    deadline = models.DateField(_("所涉期限"))
    days_left = models.IntegerField(_("剩余天数"), help_text=_("负数为逾期天数"))
    escalated = models.BooleanField(_("已通知工作人员"), default=False)
    note = models.TextField(_("催办说明"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("催办人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        ordering = ["-due_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind", "due_on"], name="one_reminder_per_kind_and_day"
            ),
        ]
        indexes = [models.Index(fields=["due_on"], name="reminder_due_on_idx")]

    def __str__(self):
        return f"{self.due_on:%Y-%m-%d} {self.get_kind_display()} {self.assignment_id}"


class DeliveryKind(models.TextChoices):
    DIGEST = "digest", _("每日汇总")
    URGENT = "urgent", _("催办通知")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    EMPTY = "empty", _("无需发送")


class Delivery(models.Model):
    """One e-mail to one person — a day's digest or an urgent notice — and every attempt
    to send it, with the error of each failed attempt."""

    kind = models.CharField(_("类型"), max_length=16, choices=DeliveryKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    day = models.DateField(_("日期"))
    to_email = models.EmailField(_("收件地址"), blank=True)
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送时间"), default=timezone.now)
    claimed_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    error_log = models.TextField(_("发送记录"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("邮件发送记录")
        verbose_name_plural = _("邮件发送记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "day"],
                condition=Q(kind="digest"),
                name="one_digest_per_recipient_and_day",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="delivery_pending_idx",
            ),
            models.Index(fields=["status", "-created_at"], name="delivery_status_idx"),
        ]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()} → {self.recipient}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_user(self, user):
        return self.filter(user=user)


class Notification(models.Model):
    """An in-app message for one user about one reminder; e-mailed in that day's digest
    when they have an address. It stores no words: its title and lines are composed from
    the reminder when shown, in the reader's language (responses.reminders.texts)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    reminder = models.ForeignKey(
        Reminder,
        verbose_name=_("提醒"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    assignment = models.ForeignKey(
        "responses.Assignment",
        verbose_name=_("交办"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=ReminderKind.choices)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    email_wanted = models.BooleanField(_("需要邮件"), default=True)
    delivery = models.ForeignKey(
        Delivery,
        verbose_name=_("邮件"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "reminder"], name="one_notification_per_user_and_reminder"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_idx"),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            models.Index(
                fields=["user"],
                condition=Q(delivery__isnull=True, email_wanted=True),
                name="notification_unmailed_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.user_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
