"""Personal data found in a reply letter, and what the officer or staff decided for it.

One row per distinct item of a letter (the same mobile number written twice is one row):
its kind, a keyed hash of its normalised value, a masked preview and where it first
appears. The value itself is never stored. docs/redaction.md tells the whole story.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonalDataKind(models.TextChoices):
    MOBILE = "mobile", _("手机号码")
    ID_NUMBER = "id_number", _("身份证号码")
    EMAIL = "email", _("电子邮箱")
    ADDRESS = "address", _("住址")
    BANK_CARD = "bank_card", _("银行卡号")
    LANDLINE = "landline", _("固定电话")


class RedactionDecision(models.TextChoices):
    REDACT = "redact", _("遮盖")
    KEEP = "keep", _("保留")


class PublicCheck(models.TextChoices):
    """Whether a letter's public PDF was checked for personal data after rendering."""

    PENDING = "pending", _("待检查")
    PASSED = "passed", _("已通过")
    BLOCKED = "blocked", _("已阻止公开")


class PersonalDataFinding(models.Model):
    document = models.ForeignKey(
        "responses.ReplyDocument",
        verbose_name=_("答复附件"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    kind = models.CharField(_("类别"), max_length=16, choices=PersonalDataKind.choices)
    digest = models.CharField(_("摘要"), max_length=64)
    preview = models.CharField(_("遮盖预览"), max_length=200)
    page = models.PositiveSmallIntegerField(_("页码"))
    start = models.PositiveIntegerField(_("起始位置"))
    end = models.PositiveIntegerField(_("结束位置"))
    occurrences = models.PositiveSmallIntegerField(_("出现次数"), default=1)
    decision = models.CharField(
        _("处理"),
        max_length=8,
        choices=RedactionDecision.choices,
        default=RedactionDecision.REDACT,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    # The public PDF's check still read this item although it was to be redacted.
    leaked = models.BooleanField(_("公开版中仍可读到"), default=False)

    class Meta:
        verbose_name = _("个人信息")
        verbose_name_plural = _("个人信息")
        ordering = ["page", "start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "digest"], name="one_finding_per_value"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.preview}"
