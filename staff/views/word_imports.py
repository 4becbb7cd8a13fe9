"""从 Word 导入, several files: the batch page (progress while the files are read, then
each file's preview or the reason it cannot be read), and the confirmation."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from committees import scope
from proposals.models import WordBatchStatus, WordFileStatus, WordImportBatch
from proposals.workflow import TransitionError
from staff.importing.word_batches import import_word_batch
from staff.views.common import staff_render


def _batch(request, pk) -> WordImportBatch:
    return get_object_or_404(
        WordImportBatch.objects.select_related("session"),
        pk=pk,
        committee=scope.of_user(request.user),
    )


def _rows(batch: WordImportBatch) -> list[dict]:
    rows = []
    for upload in batch.files.defer("content").select_related("proposal"):
        fields = upload.fields or {}
        rows.append(
            {
                "file": upload,
                "fields": fields,
                "co_names": "、".join(fields.get("co_names", [])),
                "warnings": [_(warning) for warning in fields.get("warnings", [])],
                # kept in the source language; the catalogue gives the reader's words
                "error": _(upload.error) if upload.error else "",
            }
        )
    return rows


def word_batch(request, pk):
    batch = _batch(request, pk)
    rows = _rows(batch)
    counts = {
        status: sum(1 for row in rows if row["file"].status == status)
        for status in WordFileStatus.values
    }
    return staff_render(
        request,
        "staff/word_batch.html",
        {
            "batch": batch,
            "rows": rows,
            "counts": counts,
            "reading": batch.status == WordBatchStatus.READING,
            "can_import": batch.status == WordBatchStatus.PREVIEWED
            and counts[WordFileStatus.READY] > 0,
            "imported": batch.status == WordBatchStatus.IMPORTED,
        },
        section="create",
    )


@require_GET
def word_batch_progress(request, pk):
    """{"done", "total", "finished"} for the progress bar on the batch page."""
    batch = _batch(request, pk)
    return JsonResponse(
        {
            "done": batch.done,
            "total": batch.total,
            "finished": batch.status != WordBatchStatus.READING,
        }
    )


@require_POST
def word_batch_import(request, pk):
    batch = _batch(request, pk)
    try:
        batch = import_word_batch(batch, by=request.user)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        files = batch.files.all()
        created = files.filter(status=WordFileStatus.CREATED).count()
        not_created = files.exclude(status=WordFileStatus.CREATED).count()
        messages.success(
            request,
            _("导入完成：录入 %(created)s 件，未录入 %(failed)s 个文件。")
            % {"created": created, "failed": not_created},
        )
    return redirect("staff:word-batch", pk=batch.pk)
