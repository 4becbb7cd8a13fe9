"""The SMS outbox: one row per message, from queued to sent or failed.

A row holds codes and data only (the kind, its template parameters, the phone): the words
are the provider's approved template (responses/sms/kinds.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responses.sms.kinds import SmsKind


class SmsStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class SmsMessage(models.Model):
    committee = models.ForeignKey(
        "committees.Committee",
        verbose_name=_("政协委员会"),
        on_delete=models.CASCADE,
        related_name="sms_messages",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sms_messages",
    )
    phone = models.CharField(_("手机号码"), max_length=11)
    kind = models.CharField(_("类型"), max_length=32, choices=SmsKind.choices)
    params = models.JSONField(_("模板参数"), default=dict)
    dedupe_key = models.CharField(
        _("事件标识"),
        max_length=100,
        help_text=_("同一事件、同一类型、同一号码的短信只发一次。"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=SmsStatus.choices, default=SmsStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送时间"), default=timezone.now)
    claimed_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    provider_id = models.CharField(_("回执编号"), max_length=64, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信")
        verbose_name_plural = _("短信")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "dedupe_key", "phone"], name="one_sms_per_event_and_phone"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SmsStatus.values), name="sms_status_known"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="sms_pending_idx",
            ),
            models.Index(fields=["committee", "status", "-created_at"], name="sms_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.phone}"
