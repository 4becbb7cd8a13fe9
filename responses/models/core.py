from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committees.models import PerCommittee
from common import clock
from responses.models.redaction import PublicCheck


class Agency(models.Model):
    """承办单位 of one committee, e.g. 苏州市工业和信息化局."""

    committee = models.ForeignKey(
        "committees.Committee",
        verbose_name=_("政协委员会"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    email = models.EmailField(_("单位邮箱"), blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="agency_name"),
        ]

    def __str__(self):
        return self.name


class ClassificationScheme(models.TextChoices):
    ABC = "ABC", _("A/B/C 三类")
    ABCD = "ABCD", _("A/B/C/D 四类")


CLASSIFICATION_LABELS = {
    "ABC": {
        "A": _("已经解决或基本解决"),
        "B": _("正在解决或列入计划解决"),
        "C": _("因条件限制留作参考"),
    },
    "ABCD": {
        "A": _("已经解决或基本解决"),
        "B": _("正在解决或列入计划解决"),
        "C": _("需以后解决"),
        "D": _("留作参考"),
    },
}


def classification_label(scheme: str, code: str) -> str:
    """What a classification code means in a scheme, in the reader's language."""
    label = CLASSIFICATION_LABELS.get(scheme, {}).get(code)
    return str(label) if label is not None else ""


def classification_text(scheme: str, code: str) -> str:
    """The code and its meaning: "A：已经解决或基本解决" ("A: Resolved or largely resolved")."""
    label = classification_label(scheme, code)
    if not label:
        return code
    return gettext("%(code)s：%(label)s") % {"code": code, "label": label}


# The days before a deadline that reminders go out: a comma-separated list of whole
# numbers of days, 0 meaning the day itself (e.g. "30,7,1,0"). Stored as text, normalised
# (largest first, no repeats) by CommitteeRules.clean().
MAX_REMINDER_DAYS = 366


def parse_reminder_days(value: str) -> list[int]:
    """The days of a reminder_days_before text, largest first; ValidationError if any
    entry is not a whole number of days from 0 to MAX_REMINDER_DAYS."""
    tokens = [token.strip() for token in (value or "").replace("，", ",").split(",")]
    tokens = [token for token in tokens if token]
    if not tokens or not all(token.isascii() and token.isdigit() for token in tokens):
        raise ValidationError(
            _("请填写以逗号分隔的天数（0 到 %(max)s 的整数，0 表示到期当天），如 30,7,1,0。"),
            code="invalid_days",
            params={"max": MAX_REMINDER_DAYS},
        )
    days = sorted({int(token) for token in tokens}, reverse=True)
    if days[0] > MAX_REMINDER_DAYS:
        raise ValidationError(
            _("提醒天数不能超过 %(max)s 天。"),
            code="too_many_days",
            params={"max": MAX_REMINDER_DAYS},
        )
    return days


def validate_reminder_days(value: str) -> None:
    parse_reminder_days(value)


class CommitteeRules(PerCommittee, models.Model):
    """The periods and the classification scheme a committee's admin can change.

    One row per committee, edited in the admin. `CommitteeRules.of(committee_id)` only
    reads: until an admin saves that committee's rules, it returns the defaults of
    docs/domain.md as an unsaved instance. The periods are checked by clean() (the
    admin's form) and by CheckConstraints.
    """

    committee = models.OneToOneField(
        "committees.Committee",
        verbose_name=_("政协委员会"),
        on_delete=models.CASCADE,
        related_name="rules",
    )
    reply_months = models.PositiveSmallIntegerField(
        _("答复期限（月）"), default=3, validators=[MinValueValidator(1)]
    )
    max_months = models.PositiveSmallIntegerField(
        _("延期上限（自交办起，月）"), default=6, validators=[MinValueValidator(1)]
    )
    reassignment_working_days = models.PositiveSmallIntegerField(
        _("申请调整期限（工作日）"), default=10, validators=[MinValueValidator(1)]
    )
    joint_opinion_months = models.PositiveSmallIntegerField(
        _("会办意见期限（月）"), default=1, validators=[MinValueValidator(1)]
    )
    rehandling_months = models.PositiveSmallIntegerField(
        _("重新办理期限（月）"), default=1, validators=[MinValueValidator(1)]
    )
    classification_scheme = models.CharField(
        _("答复类别方案"),
        max_length=4,
        choices=ClassificationScheme.choices,
        default=ClassificationScheme.ABC,
    )
    reminder_days_before = models.CharField(
        _("到期前提醒（天，逗号分隔）"),
        max_length=64,
        default="30,7,1,0",
        validators=[validate_reminder_days],
        help_text=_("如 30,7,1,0：到期前 30 天、7 天、1 天和到期当天各提醒一次。"),
    )
    overdue_reminder_every_days = models.PositiveSmallIntegerField(
        _("逾期后每隔几天提醒"), default=7, help_text=_("0 表示逾期后只提醒一次。")
    )
    redact_landlines = models.BooleanField(
        _("公开时遮盖固定电话"),
        default=False,
        help_text=_("勾选后，答复函中的固定电话号码也作为个人信息标出并默认遮盖。"),
    )

    class Meta:
        verbose_name = _("办理规则")
        verbose_name_plural = _("办理规则")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    reply_months__gte=1,
                    max_months__gte=1,
                    reassignment_working_days__gte=1,
                    joint_opinion_months__gte=1,
                    rehandling_months__gte=1,
                ),
                name="committee_rules_periods_positive",
            ),
            models.CheckConstraint(
                condition=Q(max_months__gte=F("reply_months")),
                name="committee_rules_max_not_below_reply",
            ),
        ]

    def __str__(self):
        return str(_("办理规则"))

    def clean(self):
        super().clean()
        errors = {}
        if self.reply_months and self.max_months and self.max_months < self.reply_months:
            errors["max_months"] = ValidationError(
                _("延期上限（%(max)s 个月）不能短于答复期限（%(reply)s 个月）。"),
                code="max_below_reply",
                params={"max": self.max_months, "reply": self.reply_months},
            )
        try:
            days = parse_reminder_days(self.reminder_days_before)
        except ValidationError:
            pass  # the field's validator reports it
        else:
            self.reminder_days_before = ",".join(str(day) for day in days)
        if errors:
            raise ValidationError(errors)

    def classification_choices(self) -> list[tuple[str, str]]:
        scheme = self.classification_scheme
        return [(code, classification_text(scheme, code)) for code in CLASSIFICATION_LABELS[scheme]]


class Role(models.TextChoices):
    SOLE = "sole", _("独办")
    LEAD = "lead", _("主办")
    JOINT = "joint", _("会办")
    ASSISTING = "assisting", _("协办")
    SEPARATE = "separate", _("分办")


# Sole, lead and separate agencies each owe the sponsor a reply; joint and assisting
# agencies send their opinion to the lead instead.
REPLYING_ROLES = frozenset({Role.SOLE, Role.LEAD, Role.SEPARATE})
OPINION_ROLES = frozenset({Role.JOINT, Role.ASSISTING})


class AssignmentState(models.TextChoices):
    PENDING = "pending", _("待签收")
    ACCEPTED = "accepted", _("办理中")
    REASSIGNMENT_REQUESTED = "reassignment_requested", _("申请调整中")
    WITHDRAWN = "withdrawn", _("已调整撤回")
    OPINION_FILED = "opinion_filed", _("已提交会办意见")
    REPLIED = "replied", _("已答复")
    REHANDLING = "rehandling", _("重新办理")
    # Its proposal was closed or merged while it was still open (responses.handling).
    ENDED = "ended", _("已结束")


OPEN_STATES = frozenset(
    {
        AssignmentState.PENDING,
        AssignmentState.ACCEPTED,
        AssignmentState.REASSIGNMENT_REQUESTED,
        AssignmentState.REHANDLING,
    }
)


class AssignmentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def for_agency(self, agency):
        return self.filter(agency=agency)

    def owing_reply(self):
        return self.filter(role__in=REPLYING_ROLES)


class Assignment(models.Model):
    """交办: one agency's part in handling one proposal, with its deadline."""

    proposal = models.ForeignKey(
        "proposals.Proposal",
        verbose_name=_("提案"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("办理方式"), max_length=16, choices=Role.choices)
    state = models.CharField(
        _("状态"),
        max_length=32,
        choices=AssignmentState.choices,
        default=AssignmentState.PENDING,
        db_index=True,
    )
    assigned_at = models.DateTimeField(_("交办时间"), default=clock.now)
    # How the deadline came to be is kept as data in its history (DeadlineChange rows);
    # deadline_explanation says it in the reader's language.
    deadline = models.DateField(_("办理期限"))
    opinion_deadline = models.DateField(_("会办意见期限"), null=True, blank=True)
    reassignment_deadline = models.DateField(_("申请调整截止"), null=True, blank=True)
    opinions_waived = models.BooleanField(_("免于等待会办意见"), default=False)
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签收人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    next_reminder_at = models.DateTimeField(_("下次提醒时间"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "agency"],
                condition=~Q(state="withdrawn"),
                name="one_live_assignment_per_agency",
            ),
            models.UniqueConstraint(
                fields=["proposal"],
                condition=Q(role__in=["sole", "lead"]) & ~Q(state="withdrawn"),
                name="one_lead_agency",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_reminder_at"],
                condition=Q(next_reminder_at__isnull=False),
                name="assignment_reminder_due_idx",
            ),
            models.Index(fields=["agency", "state", "deadline"], name="assignment_agency_idx"),
            # The public list's agency filter and agency page: an agency's live
            # assignments, their proposals and ids, from the index alone.
            models.Index(
                fields=["agency", "proposal", "id"],
                condition=~Q(state="withdrawn"),
                name="assignment_live_agency_idx",
            ),
        ]

    def __str__(self):
        return f"{self.proposal.number} → {self.agency} ({self.get_role_display()})"

    @property
    def owes_reply(self) -> bool:
        return self.role in REPLYING_ROLES

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("未同意")


class AgencyRequest(models.Model):
    assignment = models.ForeignKey(Assignment, verbose_name=_("交办"), on_delete=models.CASCADE)
    reason = models.TextField(_("理由"))
    status = models.CharField(
        _("审批状态"),
        max_length=16,
        choices=RequestStatus.choices,
        default=RequestStatus.PENDING,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), default=clock.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-requested_at"]


class ReassignmentRequest(AgencyRequest):
    """申请调整: the matter is outside the agency's remit."""

    suggested_agency = models.CharField(_("建议改由单位"), max_length=100, blank=True)

    class Meta(AgencyRequest.Meta):
        verbose_name = _("调整申请")
        verbose_name_plural = _("调整申请")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status="pending"),
                name="one_pending_reassignment",
            ),
        ]

    def __str__(self):
        return f"{self.assignment.agency} {self.get_status_display()}"


class ExtensionRequest(AgencyRequest):
    """延期申请: never past the committee's maximum from assignment."""

    requested_deadline = models.DateField(_("申请延至"))
    previous_deadline = models.DateField(_("原期限"))

    class Meta(AgencyRequest.Meta):
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"], condition=Q(status="pending"), name="one_pending_extension"
            ),
        ]

    def __str__(self):
        return f"{self.assignment.agency} → {self.requested_deadline} {self.get_status_display()}"


class JointOpinion(models.Model):
    """会办意见: a joint or assisting agency's opinion, sent to the lead agency."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("会办/协办交办"),
        on_delete=models.CASCADE,
        related_name="opinions",
    )
    body = models.TextField(_("意见内容"))
    attachment = models.FileField(_("附件"), upload_to="opinions/%Y/%m/", blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("提交时间"), default=clock.now)

    class Meta:
        verbose_name = _("会办意见")
        verbose_name_plural = _("会办意见")
        ordering = ["-filed_at"]

    def __str__(self):
        return f"{self.assignment.agency} {self.filed_at:%Y-%m-%d}"


class ReplyStatus(models.TextChoices):
    DRAFT = "draft", _("待确认")
    CONFIRMED = "confirmed", _("已确认")


class ReplyQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status=ReplyStatus.CONFIRMED, is_public=True)


class Reply(models.Model):
    """答复: the letter a lead, sole or separate agency sends the sponsor."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("交办"), on_delete=models.CASCADE, related_name="replies"
    )
    round = models.PositiveSmallIntegerField(
        _("办理轮次"), default=1, help_text=_("重新办理后的答复为第 2 轮及以后")
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ReplyStatus.choices, default=ReplyStatus.DRAFT
    )
    # The code only; its words come from the scheme in force when the reply was filed
    # (a C means something else under A/B/C than under A/B/C/D), shown in the reader's
    # language by get_classification_display().
    classification = models.CharField(_("办理类型"), max_length=1)
    classification_scheme = models.CharField(
        _("答复类别方案"),
        max_length=4,
        choices=ClassificationScheme.choices,
        default=ClassificationScheme.ABC,
    )
    replied_at = models.DateTimeField(_("答复时间"))
    signer = models.CharField(_("签发人"), max_length=64)
    contact = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    is_public = models.BooleanField(_("公开答复"), default=True)
    summary = models.TextField(_("答复内容"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("填报时间"), default=clock.now)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    objects = ReplyQuerySet.as_manager()

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["-replied_at"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "round"], name="one_reply_per_round"),
            models.CheckConstraint(
                condition=Q(classification__in=["A", "B", "C", "D"]),
                name="reply_classification_code",
            ),
            models.CheckConstraint(
                condition=~Q(classification="D", classification_scheme="ABC"),
                name="reply_classification_in_scheme",
            ),
        ]
        indexes = [
            # "Latest replies" on the portal and the feed sort confirmed public replies.
            models.Index(
                fields=["-confirmed_at"],
                condition=Q(status="confirmed", is_public=True),
                name="reply_public_confirmed_idx",
            ),
            # An agency's public replies (its public page): from its assignments to their
            # public replies, in date order, from the index alone.
            models.Index(
                fields=["assignment", "-replied_at", "id"],
                condition=Q(status="confirmed", is_public=True),
                name="reply_public_assignment_idx",
            ),
        ]

    def __str__(self):
        return f"{self.assignment} {self.classification}"

    @property
    def classification_label(self) -> str:
        return classification_label(self.classification_scheme, self.classification)

    def get_classification_display(self) -> str:
        return classification_text(self.classification_scheme, self.classification)

    @property
    def classification_display(self) -> str:
        return self.get_classification_display()


class DocumentType(models.TextChoices):
    DOC = "doc", "Word 97-2003 (.doc)"
    DOCX = "docx", "Word (.docx)"
    WPS = "wps", "WPS (.wps)"
    RTF = "rtf", "RTF (.rtf)"
    PDF = "pdf", "PDF (.pdf)"


class RenderStatus(models.TextChoices):
    WAITING = "waiting", _("等待转换")
    RENDERING = "rendering", _("正在转换")
    READY = "ready", _("已完成")
    FAILED = "failed", _("转换失败")


class ReplyDocument(models.Model):
    """附件: an uploaded reply letter, kept byte for byte, and what we derive from it."""

    reply = models.ForeignKey(
        Reply, verbose_name=_("答复"), on_delete=models.CASCADE, related_name="documents"
    )
    original = models.FileField(_("原件"), upload_to="replies/originals/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    doc_type = models.CharField(_("文件类型"), max_length=8, choices=DocumentType.choices)
    pdf = models.FileField(_("PDF"), upload_to="replies/pdf/%Y/%m/", blank=True)
    text = models.TextField(_("提取文本"), blank=True)
    render_status = models.CharField(
        _("转换状态"),
        max_length=16,
        choices=RenderStatus.choices,
        default=RenderStatus.WAITING,
        db_index=True,
    )
    render_error = models.TextField(_("转换错误"), blank=True)
    render_attempts = models.PositiveSmallIntegerField(_("转换次数"), default=0)
    rendered_at = models.DateTimeField(_("转换完成时间"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=clock.now)
    # The public PDF is rendered from a redacted copy and checked afterwards
    # (responses/documents/redaction.py); the portal serves it only once it passed.
    public_check = models.CharField(
        _("公开前检查"), max_length=16, choices=PublicCheck.choices, default=PublicCheck.PENDING
    )
    public_checked_at = models.DateTimeField(_("检查时间"), null=True, blank=True)
    # Staff publish the (scrubbed) original deliberately, after the redaction review.
    original_public = models.BooleanField(_("公开原件"), default=False)

    class Meta:
        verbose_name = _("答复附件")
        verbose_name_plural = _("答复附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class Feedback(models.Model):
    """征询意见: a sponsor's satisfaction with a reply."""

    reply = models.ForeignKey(
        Reply, verbose_name=_("答复"), on_delete=models.CASCADE, related_name="feedback"
    )
    sponsor = models.ForeignKey(
        "proposals.Sponsor",
        verbose_name=_("提案人"),
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    satisfaction = models.CharField(_("满意度"), max_length=16, choices=Satisfaction.choices)
    comment = models.TextField(_("意见"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("录入时间"), default=clock.now)

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        ordering = ["-recorded_at"]
        constraints = [
            models.UniqueConstraint(fields=["reply", "sponsor"], name="one_feedback_per_reply"),
        ]

    def __str__(self):
        return f"{self.sponsor}: {self.get_satisfaction_display()}"
