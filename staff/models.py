"""The staff's own rows: printable compilations of a session (staff/compilations/)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common import clock


class CompilationKind(models.TextChoices):
    PROPOSALS = "proposals", _("提案汇编")
    REPLIES = "replies", _("答复汇编")
    CATALOGUE = "catalogue", _("提案目录")


class CompilationStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    BUILDING = "building", _("正在生成")
    READY = "ready", _("已完成")
    FAILED = "failed", _("生成失败")


class CompilationError(models.TextChoices):
    TOO_MANY = "too_many", _("提案数超过汇编上限")
    EMPTY = "empty", _("没有可汇编的提案")
    FAILED = "failed", _("生成时出错")


ACTIVE = (CompilationStatus.QUEUED, CompilationStatus.BUILDING)


class Compilation(models.Model):
    """One printable compilation of a session (its committee is the session's), built by a
    Celery task into a private PDF and .docx. One build per (session, kind) runs at a time."""

    session = models.ForeignKey(
        "proposals.Session",
        verbose_name=_("届次会议"),
        on_delete=models.CASCADE,
        related_name="compilations",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=CompilationKind.choices)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=CompilationStatus.choices,
        default=CompilationStatus.QUEUED,
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    # The language the words composed from codes are written in: the requester's.
    language = models.CharField(_("语言"), max_length=16, default="zh-hans")
    proposal_count = models.PositiveIntegerField(_("提案数"), default=0)
    error = models.CharField(_("错误"), max_length=16, choices=CompilationError.choices, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="compilations/%Y/%m/", blank=True)
    docx = models.FileField(_("Word"), upload_to="compilations/%Y/%m/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), default=clock.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("汇编")
        verbose_name_plural = _("汇编")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "kind"],
                condition=Q(status__in=["queued", "building"]),
                name="one_active_compilation",
            ),
        ]

    def __str__(self):
        return f"{self.session} {self.get_kind_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE
