"""Several Word submissions at once: kept, read in a Celery task (progress counted on the
batch), previewed, then imported file by file, each in its own transaction.

Messages are kept in the source language (Chinese, the msgid) and translated when shown.
"""

import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.policies import may_act_as_staff
from committees import scope
from common import clock
from proposals.models import (
    Category,
    ProposalKind,
    Session,
    Sponsor,
    WordBatchStatus,
    WordFileStatus,
    WordImportBatch,
    WordImportFile,
)
from proposals.services import create_proposal
from proposals.workflow import TransitionError
from staff.importing.word import WordImportError
from staff.importing.word_files import read_word_file

MAX_FILES = 50


def _clean_name(name: str) -> str:
    return (name or "submission").replace("\\", "/").rsplit("/", 1)[-1][:255]


def new_word_batch(files: list[tuple[str, bytes]], *, session: Session, by) -> WordImportBatch:
    """Keep the files byte for byte and queue their reading after commit."""
    may_act_as_staff(by).enforce()
    committee = scope.of_user(by)
    if session.committee_id != committee.pk:
        raise TransitionError(_("请选择本政协的届次会议。"))
    if not files:
        raise TransitionError(_("请选择要导入的文件。"))
    if len(files) > MAX_FILES:
        raise TransitionError(_("一次最多导入 %(max)s 个文件。"), params={"max": MAX_FILES})
    with transaction.atomic():
        batch = WordImportBatch.objects.create(
            committee=committee,
            session=session,
            total=len(files),
            created_by=by,
            created_at=clock.now(),
        )
        WordImportFile.objects.bulk_create(
            WordImportFile(
                batch=batch,
                position=position,
                original_name=_clean_name(name),
                sha256=hashlib.sha256(content).hexdigest(),
                content=content,
            )
            for position, (name, content) in enumerate(files, start=1)
        )
        transaction.on_commit(lambda: _queue_reading(batch.pk))
    return batch


def _queue_reading(batch_id: int) -> None:
    from staff.tasks import read_word_batch_task

    read_word_batch_task.delay(batch_id)


def read_word_batch(batch_id: int) -> None:
    """Read each file still pending, counting progress on the batch. Idempotent: a file
    read before (a retried task) is not read again."""
    pending = WordImportFile.objects.filter(
        batch_id=batch_id, status=WordFileStatus.PENDING
    ).values_list("pk", flat=True)
    for file_id in list(pending):
        _read_one(file_id)
    with transaction.atomic():
        batch = WordImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status != WordBatchStatus.READING:
            return
        batch.done = batch.files.exclude(status=WordFileStatus.PENDING).count()
        if batch.done == batch.total:
            batch.status = WordBatchStatus.PREVIEWED
        batch.save(update_fields=["done", "status"])


def _read_one(file_id: int) -> None:
    upload = WordImportFile.objects.get(pk=file_id)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            submission, doc_type = read_word_file(bytes(upload.content), upload.original_name)
        except WordImportError as error:
            upload.status, upload.error = WordFileStatus.REFUSED, str(error)
        else:
            upload.status, upload.doc_type = WordFileStatus.READY, doc_type
            upload.fields = {
                "title": submission.title,
                "lead_name": submission.lead_name,
                "co_names": submission.co_names,
                "kind": submission.kind,
                "category_name": submission.category_name,
                "number": submission.number,
                "body": submission.body,
                "warnings": submission.warnings,
            }
    with transaction.atomic():
        WordImportFile.objects.filter(pk=file_id, status=WordFileStatus.PENDING).update(
            status=upload.status, error=upload.error, doc_type=upload.doc_type, fields=upload.fields
        )
        done = WordImportFile.objects.filter(batch_id=upload.batch_id).exclude(
            status=WordFileStatus.PENDING
        )
        WordImportBatch.objects.filter(pk=upload.batch_id).update(done=done.count())


def import_word_batch(batch: WordImportBatch, *, by) -> WordImportBatch:
    """Create a proposal from each file read; a file that cannot become one is reported
    and the others are still created (each file is its own transaction)."""
    may_act_as_staff(by).enforce()
    with transaction.atomic():
        batch = WordImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.committee_id != scope.of_user(by).pk:
            raise TransitionError(_("这批文件不属于本政协。"))
        if batch.status in (WordBatchStatus.IMPORTING, WordBatchStatus.IMPORTED):
            raise TransitionError(_("这批文件已经导入过了。"))
        if batch.status != WordBatchStatus.PREVIEWED:
            raise TransitionError(_("文件还在读取中，请稍候。"))
        batch.status = WordBatchStatus.IMPORTING
        batch.save(update_fields=["status"])
    for file_id in batch.files.filter(status=WordFileStatus.READY).values_list("pk", flat=True):
        _import_one(file_id, batch, by=by)
    batch.status, batch.imported_at = WordBatchStatus.IMPORTED, clock.now()
    batch.save(update_fields=["status", "imported_at"])
    return batch


def _import_one(file_id: int, batch: WordImportBatch, *, by) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with transaction.atomic():
                upload = WordImportFile.objects.select_for_update().get(pk=file_id)
                if upload.status != WordFileStatus.READY:
                    return
                upload.proposal = _create(upload.fields, batch, by=by)
                upload.status = WordFileStatus.CREATED
                upload.save(update_fields=["proposal", "status"])
        except TransitionError as error:
            WordImportFile.objects.filter(pk=file_id, status=WordFileStatus.READY).update(
                status=WordFileStatus.FAILED, error=" ".join(error.messages)
            )


def _create(fields: dict, batch: WordImportBatch, *, by):
    committee_id = batch.committee_id
    lead = _sponsor(fields.get("lead_name", ""), committee_id)
    co = [_sponsor(name, committee_id) for name in fields.get("co_names", [])]
    category = None
    if fields.get("category_name"):
        category = Category.objects.filter(
            committee_id=committee_id, name=fields["category_name"]
        ).first()
    number = fields.get("number")
    if number and batch.session.proposals.filter(number=number).exists():
        number = None  # taken: the next free number, as the one-file import does
    kind = fields.get("kind")
    return create_proposal(
        session=batch.session,
        title=fields.get("title", ""),
        body=fields.get("body", ""),
        lead_sponsor=lead,
        co_sponsors=co,
        category=category,
        number=number,
        kind=kind if kind in ProposalKind.values else ProposalKind.PROPOSAL,
        by=by,
    )


def _sponsor(name: str, committee_id: int) -> Sponsor:
    if not name:
        raise TransitionError(_("文件中没有“提案人：”一行，无法确定提案人。"))
    matches = list(Sponsor.objects.filter(committee_id=committee_id, name=name)[:2])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise TransitionError(
            _("找不到提案人“%(name)s”，请先在数据管理中添加该提案人。"), params={"name": name}
        )
    raise TransitionError(
        _("有多个名为“%(name)s”的提案人，请逐件从 Word 导入并选择。"), params={"name": name}
    )
