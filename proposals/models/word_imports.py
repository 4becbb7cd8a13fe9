"""从 Word 导入, several files at once: each sponsor's .docx/.doc/.wps kept byte for byte,
converted and read by a Celery task (progress counted on the batch), previewed, then
imported file by file (staff/importing/word_batches.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WordBatchStatus(models.TextChoices):
    READING = "reading", _("正在读取")
    PREVIEWED = "previewed", _("已读取，待确认")
    IMPORTING = "importing", _("正在导入")
    IMPORTED = "imported", _("已导入")


class WordFileStatus(models.TextChoices):
    PENDING = "pending", _("待读取")
    READY = "ready", _("可导入")
    REFUSED = "refused", _("无法读取")
    CREATED = "created", _("已录入")
    FAILED = "failed", _("未录入")


class WordImportBatch(models.Model):
    """One upload of sponsors' Word files, in one committee and one session."""

    committee = models.ForeignKey(
        "committees.Committee",
        verbose_name=_("政协"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    session = models.ForeignKey(
        "proposals.Session", verbose_name=_("届次会议"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=WordBatchStatus.choices, default=WordBatchStatus.READING
    )
    total = models.PositiveIntegerField(_("文件数"), default=0)
    done = models.PositiveIntegerField(_("已读取"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    imported_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("Word 文件导入")
        verbose_name_plural = _("Word 文件导入")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.total} ({self.get_status_display()})"


class WordImportFile(models.Model):
    """One uploaded file: its bytes as sent, what was read from it, and what became of it.
    For a file imported, this row is the created proposal's source document."""

    batch = models.ForeignKey(WordImportBatch, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField(_("序号"))
    original_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    content = models.BinaryField(_("文件内容"))
    doc_type = models.CharField(_("文件类型"), max_length=8, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=WordFileStatus.choices, default=WordFileStatus.PENDING
    )
    # What was read (title, lead_name, co_names, kind, category_name, number, body) and
    # the warnings; the error as its source-language message, translated when shown.
    fields = models.JSONField(_("读取结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    proposal = models.ForeignKey(
        "proposals.Proposal",
        verbose_name=_("提案"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="word_sources",
    )

    class Meta:
        verbose_name = _("Word 导入文件")
        verbose_name_plural = _("Word 导入文件")
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="word_file_position")
        ]

    def __str__(self):
        return self.original_name
