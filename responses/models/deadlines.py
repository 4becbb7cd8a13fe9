from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import clock


class DeadlineRule(models.TextChoices):
    """The committee's rule a period came from (CommitteeRules holds its length)."""

    REPLY = "reply", _("答复期限")
    REHANDLING = "rehandling", _("重新办理期限")
    OPINION = "opinion", _("会办意见期限")
    LIMIT = "limit", _("延期上限")
    # A deadline whose rule is not known (one converted from text no rule matched).
    UNKNOWN = "unknown", _("依据不详")


class DeadlineChangeKind(models.TextChoices):
    RULE = "rule", _("按规定计算")
    SHIFT = "shift", _("遇休息日顺延")
    EXTENSION = "extension", _("批准延期")
    MANUAL = "manual", _("工作人员调整")
    CALENDAR = "calendar", _("工作日历调整")


# The kinds that state a deadline's own date (the date a later SHIFT moves off a rest
# day); SHIFT and CALENDAR rows only follow one of them.
SETTING_KINDS = frozenset(
    {DeadlineChangeKind.RULE, DeadlineChangeKind.EXTENSION, DeadlineChangeKind.MANUAL}
)


class DeadlineChange(models.Model):
    """One step of how an assignment's deadline (Assignment.deadline) came to be: data,
    never sentences. responses.deadlines.explain() says them in the reader's language,
    and recalculation after a calendar change reads them.

    - RULE: `rule` applied to `start` for `months` gives `date` (交办 2025-07-01 + 3个月).
    - SHIFT: `day` (the date before) was a rest day, so the deadline moved to `date`;
      `day == date` records a weekend make-up working day (不顺延) or a year whose holidays
      were not known (`calendar_known`). `name`/`holiday` say what the day was.
    - EXTENSION: `by` approved at `at`, for `reason`, the `requested` date; `date` is the
      date granted, capped at the limit (`start` + `months`) when asked past it.
    - MANUAL: staff (`by`, `at`, `reason`) set `date` instead of `previous`; with
      `rule`=rehandling, the date of a re-handling.
    - CALENDAR: `by` changed the working calendar at `at`: `previous` → `date`.
    """

    assignment = models.ForeignKey(
        "responses.Assignment",
        verbose_name=_("交办"),
        on_delete=models.CASCADE,
        related_name="deadline_changes",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=DeadlineChangeKind.choices)
    rule = models.CharField(_("规则"), max_length=16, choices=DeadlineRule.choices, blank=True)
    start = models.DateField(_("起算日"), null=True, blank=True)
    months = models.PositiveSmallIntegerField(_("期限（月）"), null=True, blank=True)
    previous = models.DateField(_("原期限"), null=True, blank=True)
    date = models.DateField(_("日期"))
    day = models.DateField(_("遇到的日期"), null=True, blank=True)
    day_name = models.CharField(_("日期名称"), max_length=32, blank=True)
    holiday = models.CharField(_("法定节假日"), max_length=32, blank=True)
    calendar_known = models.BooleanField(_("当年节假日已收录"), default=True)
    requested = models.DateField(_("申请延至"), null=True, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=clock.now)

    class Meta:
        verbose_name = _("期限变动")
        verbose_name_plural = _("期限变动")
        ordering = ["id"]

    def __str__(self):
        return f"{self.assignment_id} {self.get_kind_display()} {self.date:%Y-%m-%d}"
