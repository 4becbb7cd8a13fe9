"""An uploaded file's life: previewed (a dry run), then imported once, each step recorded
on its ImportBatch row."""

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policies import may_act_as_staff
from committees import scope
from proposals.models import ImportBatch, ImportSource, ImportStatus
from proposals.workflow import TransitionError
from staff.importing.bulk import ImportReport, run_import


def _record(batch: ImportBatch, report: ImportReport, *, imported: bool) -> ImportBatch:
    batch.report = report.as_dict()
    batch.row_count = len(report.rows)
    batch.created_count = report.count("created")
    batch.updated_count = report.count("updated")
    batch.unchanged_count = report.count("unchanged")
    batch.error_count = len(report.error_rows) + len(report.file_errors)
    if report.has_errors:
        batch.status = ImportStatus.FAILED
    elif imported:
        batch.status, batch.imported_at = ImportStatus.IMPORTED, timezone.now()
    else:
        batch.status = ImportStatus.PREVIEWED
    batch.save()
    return batch


def new_batch(content: bytes, filename: str, *, by, source=ImportSource.WEB) -> ImportBatch:
    may_act_as_staff(by).enforce()
    return ImportBatch.objects.create(
        committee=scope.of_user(by),
        original_name=(filename or "import").replace("\\", "/").rsplit("/", 1)[-1][:255],
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        source=source,
        created_by=by,
    )


def dry_run_batch(batch: ImportBatch, *, by, progress=None, on_rows=None) -> ImportBatch:
    """Find out what importing the batch's file would do; the database is left as it was."""
    report = run_import(
        bytes(batch.content),
        batch.original_name,
        by=by,
        dry_run=True,
        progress=progress,
        on_rows=on_rows,
    )
    return _record(batch, report, imported=False)


def preview_file(content: bytes, filename: str, *, by, source=ImportSource.WEB) -> ImportBatch:
    """Keep the file and dry-run it: the batch's report says what importing would do."""
    return dry_run_batch(new_batch(content, filename, by=by, source=source), by=by)


def import_batch(batch: ImportBatch, *, by, progress=None, on_rows=None) -> ImportBatch:
    """Import a previewed file. Refused twice over: a batch imports once, and the import
    itself finds nothing new in a file already imported."""
    may_act_as_staff(by, batch.committee_id).enforce()
    with transaction.atomic():
        current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if current.status == ImportStatus.IMPORTED:
            raise TransitionError(_("该文件已于%(when)s导入。"), params={"when": _when(current)})
        if current.status == ImportStatus.FAILED:
            raise TransitionError(_("该文件有错误，请修改后重新上传。"))
        report = run_import(
            bytes(current.content),
            current.original_name,
            by=by,
            dry_run=False,
            progress=progress,
            on_rows=on_rows,
        )
        return _record(current, report, imported=True)


def _when(batch: ImportBatch) -> str:
    return f"{timezone.localtime(batch.imported_at):%Y-%m-%d %H:%M}" if batch.imported_at else ""


def batch_report(batch: ImportBatch) -> ImportReport:
    return ImportReport.from_dict(batch.report or {})
