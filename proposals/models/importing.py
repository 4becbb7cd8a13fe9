from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("已预览，待导入")
    IMPORTED = "imported", _("已导入")
    FAILED = "failed", _("有错误，未导入")


class ImportSource(models.TextChoices):
    WEB = "web", _("网页上传")
    COMMAND = "command", _("命令行")


class ImportBatch(models.Model):
    """One uploaded .xlsx/.csv file of past proposals: previewed, then imported whole.

    The file's bytes are kept on the row (files are small: a year is about 600 rows) so
    that the import the staff confirm is exactly the file they previewed.
    """

    committee = models.ForeignKey(
        "committees.Committee",
        verbose_name=_("政协委员会"),
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    original_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    content = models.BinaryField(_("文件内容"))
    source = models.CharField(
        _("来源"), max_length=16, choices=ImportSource.choices, default=ImportSource.WEB
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    row_count = models.PositiveIntegerField(_("数据行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变化"), default=0)
    error_count = models.PositiveIntegerField(_("错误"), default=0)
    # The last dry run or import, row by row: what would happen or happened, and errors.
    report = models.JSONField(_("结果明细"), default=dict, blank=True)
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
        verbose_name = _("批量导入")
        verbose_name_plural = _("批量导入")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"
