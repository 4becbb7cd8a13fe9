"""Rendering a stored ReplyDocument: claim it, render it, keep only the derived files.

Rules:
- A document is claimed with a conditional UPDATE (waiting/failed -> rendering); whoever
  changes the row renders it, anyone else stops. A task redelivered after its worker died
  (late acks) may take over a row left in `rendering`.
- The original is never written: a render reads it and replaces the PDF and text only,
  so re-rendering is always safe.
- The public PDF is rendered from a redacted copy (render.py, findings.py): the items found
  are stored as findings and the check's verdict as `public_check`; the portal serves
  the PDF only once the check passed.
- A failure leaves a message an officer understands (encrypted, damaged, empty, not a
  Word file, too large, timed out). Transient ones (LibreOffice or storage unavailable)
  go back to `waiting` and are retried by the task with backoff, up to MAX_ATTEMPTS.
"""

import logging

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from common import clock
from proposals import signals
from responses.documents.cover import cover_for_document
from responses.documents.findings import plan_for, store_findings
from responses.documents.render import RenderError, render_bytes
from responses.models import PublicCheck, RenderStatus, ReplyDocument, ReplyStatus

logger = logging.getLogger(__name__)

# Claims of one document, retries and redeliveries included: a file that kills its
# worker every time must end as `failed`, not loop.
MAX_ATTEMPTS = 8

# What reading or writing the media storage raises when it is unavailable: OSError for a
# folder (full disk, NFS away), botocore's errors for an S3 bucket (MEDIA_STORAGE=s3:
# endpoint unreachable, timeout, 5xx, missing object). A render that meets one is retried.
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


def queue_render(document: ReplyDocument) -> None:
    """Queue the render once the surrounding transaction has committed."""
    from responses.documents.tasks import render_reply_document_task

    document_id = document.pk

    def send():
        # Broker (Redis) down: the upload is already committed and stays `waiting`;
        # `manage.py rerender_replies --queue <id>` queues it again. Never fail the request.
        try:
            render_reply_document_task.delay(document_id)
        except Exception:  # noqa: BLE001 - kombu OperationalError and friends
            logger.exception(
                "render not queued, broker unavailable; document stays waiting",
                extra={"document_id": document_id},
            )

    transaction.on_commit(send)


def _claim(document_id: int, *, takeover: bool) -> bool:
    claimable = [RenderStatus.WAITING, RenderStatus.FAILED]
    if takeover:
        claimable.append(RenderStatus.RENDERING)
    changed = ReplyDocument.objects.filter(
        id=document_id, render_status__in=claimable, render_attempts__lt=MAX_ATTEMPTS
    ).update(render_status=RenderStatus.RENDERING, render_attempts=F("render_attempts") + 1)
    if changed:
        return True
    # Out of attempts: say so instead of leaving the row waiting for ever.
    ReplyDocument.objects.filter(
        id=document_id, render_status__in=claimable, render_attempts__gte=MAX_ATTEMPTS
    ).update(
        render_status=RenderStatus.FAILED,
        render_error=_("多次尝试转换均未成功，请重新上传答复函或联系管理员。"),
    )
    return False


def _finish(document_id: int, **fields) -> bool:
    return bool(
        ReplyDocument.objects.filter(id=document_id, render_status=RenderStatus.RENDERING).update(
            **fields
        )
    )


def render_document(
    document: ReplyDocument, *, takeover: bool = False, retry: bool = False
) -> bool:
    """Render one document if it can be claimed; True when it ended `ready`.

    takeover: also claim a row left in `rendering` (a redelivered task: its worker died).
    retry: on a transient failure put the row back to `waiting` and raise the RenderError
    for the caller to retry later; without it the failure is recorded as final.
    """
    if not _claim(document.pk, takeover=takeover):
        logger.info("document %s not claimable; another worker has it or it is done", document.pk)
        return False
    document = ReplyDocument.objects.select_related(
        "reply__assignment__proposal__session",
        "reply__assignment__proposal__committee",
        "reply__assignment__agency",
    ).get(pk=document.pk)

    try:
        try:
            with document.original.open("rb") as handle:
                data = handle.read()
        except STORAGE_ERRORS as error:
            raise RenderError("storage", detail=str(error)) from error
        result = render_bytes(
            data,
            name=document.original_name,
            cover=cover_for_document(document),
            plan=plan_for(document),
        )
        old_pdf = document.pdf.name
        try:
            document.pdf.save(f"reply-{document.pk}.pdf", ContentFile(result.pdf), save=False)
        except STORAGE_ERRORS as error:
            raise RenderError("storage", detail=str(error)) from error
    except RenderError as error:
        final = not (error.transient and retry)
        logger.warning(
            "render of document %s failed (%s): %s",
            document.pk,
            error.reason,
            error.detail or error.message,
        )
        _finish(
            document.pk,
            render_status=RenderStatus.FAILED if final else RenderStatus.WAITING,
            render_error=error.message,
        )
        if not final:
            raise
        return False
    except Exception:
        # A bug, not the file's fault: record it plainly and let the task log the traceback.
        _finish(
            document.pk,
            render_status=RenderStatus.FAILED,
            render_error=_("转换时发生系统错误，已通知管理员。"),
        )
        raise

    with transaction.atomic():
        done = _finish(
            document.pk,
            pdf=document.pdf.name,
            text=result.text,
            render_status=RenderStatus.READY,
            render_error="",
            rendered_at=timezone.now(),
            public_check=PublicCheck.BLOCKED if result.leaks else PublicCheck.PASSED,
            public_checked_at=clock.now(),
        )
        if done:
            store_findings(document, result)
    if not done:  # reset under our feet (e.g. a re-render was requested): drop our file
        delete_quietly(document.pdf.storage, document.pdf.name)
        return False
    if old_pdf and old_pdf != document.pdf.name:
        delete_quietly(document.pdf.storage, old_pdf)
    if document.reply.status == ReplyStatus.CONFIRMED:
        # A re-render of a published reply changes the text the portal searches.
        signals.changed([document.reply.assignment.proposal_id], signals.Reason.LETTER)
    if result.leaks:
        logger.warning(
            "document %s: public PDF blocked, %d item(s) of personal data still readable",
            document.pk,
            len(result.leaks),
        )
    logger.info(
        "document %s rendered by %s in %.2f s (%d pages, %d item(s) redacted)",
        document.pk,
        result.engine,
        result.seconds,
        result.pages,
        result.redacted,
    )
    return True


def delete_quietly(storage, name: str) -> None:
    """Delete a file nothing refers to any more. If the storage is unavailable the file
    stays behind, logged: an orphan costs space, failing the caller would cost work."""
    try:
        storage.delete(name)
    except STORAGE_ERRORS:
        logger.warning("could not delete %s from media storage; left behind", name, exc_info=True)


def reset_for_rerender(queryset) -> int:
    """Put documents back to `waiting` (attempts reset) so they can be rendered again."""
    return queryset.update(
        render_status=RenderStatus.WAITING, render_attempts=0, public_check=PublicCheck.PENDING
    )
