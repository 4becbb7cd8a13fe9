"""答复: filing a reply, its letters, confirming and reopening it.

See responses/services/__init__.py for the rules every service keeps."""

import hashlib
from datetime import datetime, timedelta

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policies import may_act_as_staff
from common import clock
from proposals.models import Action
from proposals.workflow import (
    TransitionError,
    lock,
    record_event,
    required_text,
)
from responses import deadlines, handling, oversight, policies
from responses.handling import missing_opinions
from responses.models import (
    CLASSIFICATION_LABELS,
    REPLYING_ROLES,
    Assignment,
    AssignmentState,
    Reply,
    ReplyDocument,
    ReplyStatus,
)
from responses.services.base import (
    after_deadline_change,
    refuse_state,
    set_state,
)


def _classification_scheme(code: str, assignment: Assignment) -> str:
    """The committee's scheme, which the reply's code must belong to."""
    scheme = deadlines.rules_for(assignment).classification_scheme
    if code not in CLASSIFICATION_LABELS[scheme]:
        raise TransitionError(
            _("办理类型必须是 %(codes)s 之一。"),
            params={"codes": "/".join(CLASSIFICATION_LABELS[scheme])},
        )
    return scheme


@transaction.atomic
def file_reply(
    assignment: Assignment,
    *,
    classification: str,
    replied_at: datetime,
    signer: str,
    by,
    contact: str = "",
    contact_phone: str = "",
    is_public: bool = True,
    summary: str = "",
    upload=None,
) -> Reply:
    """答复 (draft): a sole/lead/separate agency files its letter. It is confirmed separately
    after the officer has seen the rendered PDF.

    Rules: the agency owes a reply and has signed for the assignment (or is re-handling);
    a lead waits for its joint opinions unless staff waived them; classification follows
    the committee's scheme; the reply date is not in the future nor before assignment.
    Filing again before confirmation updates the draft.
    """
    policies.may_file_reply(by, assignment).enforce()
    current = lock(assignment)
    if current.role not in REPLYING_ROLES:
        raise TransitionError(_("会办、协办单位不直接答复提案人，请提交会办意见。"))
    if current.state == AssignmentState.PENDING:
        raise TransitionError(_("请先签收该交办，再填报答复。"))
    if current.state not in {AssignmentState.ACCEPTED, AssignmentState.REHANDLING}:
        refuse_state(current, Action.FILE_REPLY)
    waiting = missing_opinions(current)
    if waiting:
        raise TransitionError(
            _("尚未收到会办意见：%(agencies)s。请等待其提交，或联系提案委员会免于等待。"),
            params={"agencies": "、".join(a.agency.name for a in waiting)},
        )
    scheme = _classification_scheme(classification, current)
    signer = required_text(signer, _("请填写签发人。"))
    if replied_at > clock.now() + timedelta(minutes=5):
        raise TransitionError(_("答复时间不能晚于现在。"))
    if timezone.localdate(replied_at) < timezone.localdate(current.assigned_at):
        raise TransitionError(_("答复时间不能早于交办时间。"))
    round_ = current.replies.filter(status=ReplyStatus.CONFIRMED).count() + 1
    fields = {
        "classification": classification,
        "classification_scheme": scheme,
        "replied_at": replied_at,
        "signer": signer,
        "contact": (contact or "").strip(),
        "contact_phone": (contact_phone or "").strip(),
        "is_public": is_public,
        "summary": (summary or "").strip(),
        "filed_by": by,
    }
    reply, created = Reply.objects.update_or_create(
        assignment=assignment, round=round_, status=ReplyStatus.DRAFT, defaults=fields
    )
    record_event(
        assignment.proposal,
        Action.FILE_REPLY,
        by=by,
        assignment=assignment,
        classification=classification,
        round=round_,
        updated=not created,
    )
    if upload is not None:
        attach_document(reply, upload=upload, by=by)
    return reply


@transaction.atomic
def attach_document(reply: Reply, *, upload, by) -> ReplyDocument:
    """附件: the letter is checked by its content (not its name), kept byte for byte with its
    sha256, and rendered to PDF after the transaction commits."""
    from responses.documents import queue_render
    from responses.documents.sniff import RejectedDocument, inspect_upload

    policies.may_change_letters(by, reply).enforce()
    if lock(reply).status != ReplyStatus.DRAFT:
        raise TransitionError(_("答复已确认，不能再更换附件；如需修改请联系提案委员会退回。"))
    try:
        inspection = inspect_upload(upload)
    except RejectedDocument as exc:
        raise TransitionError(str(exc)) from None
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    original_name = (upload.name or "reply").replace("\\", "/").rsplit("/", 1)[-1][:255]
    document = ReplyDocument(
        reply=reply,
        original_name=original_name,
        sha256=digest.hexdigest(),
        size=upload.size,
        doc_type=inspection.doc_type,
        uploaded_by=by,
    )
    upload.seek(0)
    # Stored under a neutral name: the original name is kept in the row, not on disk.
    stored_name = f"{document.sha256[:16]}.{inspection.doc_type}"
    document.original.save(stored_name, File(upload), save=False)
    document.save()
    record_event(
        reply.assignment.proposal,
        Action.ATTACH_DOCUMENT,
        by=by,
        assignment=reply.assignment,
        name=original_name,
        sha256=document.sha256,
        size=document.size,
    )
    queue_render(document)
    return document


@transaction.atomic
def remove_document(document: ReplyDocument, *, by) -> None:
    """Take a letter off a draft reply (e.g. one that failed to render) so a corrected one
    can replace it. Confirmed replies keep their letters; the event keeps name and sha256."""
    reply = document.reply
    policies.may_change_letters(by, reply).enforce()
    if lock(reply).status != ReplyStatus.DRAFT:
        raise TransitionError(_("答复已确认，不能再更换附件；如需修改请联系提案委员会退回。"))
    record_event(
        reply.assignment.proposal,
        Action.REMOVE_DOCUMENT,
        by=by,
        assignment=reply.assignment,
        name=document.original_name,
        sha256=document.sha256,
    )
    files = [f for f in (document.original, document.pdf) if f]
    document.delete()

    def delete_files():
        from responses.documents.service import delete_quietly

        for file in files:
            delete_quietly(file.storage, file.name)

    transaction.on_commit(delete_files)


@transaction.atomic
def confirm_reply(reply: Reply, *, by) -> Reply:
    """确认答复: locks the reply. Needs at least one letter rendered to PDF. The proposal
    becomes 已答复 once every agency that owes a reply has confirmed one."""
    policies.may_confirm_reply(by, reply).enforce()
    if lock(reply).status != ReplyStatus.DRAFT:
        raise TransitionError(_("该答复已经确认。"))
    documents = list(reply.documents.all())
    if not documents:
        raise TransitionError(_("请先上传答复函。"))
    not_ready = [d for d in documents if d.render_status != "ready"]
    if not_ready:
        raise TransitionError(
            _("答复函尚未转换为 PDF（%(names)s），请待转换完成并核对后再确认。"),
            params={"names": "、".join(d.original_name for d in not_ready)},
        )
    assignment = reply.assignment
    set_state(
        assignment,
        allowed={AssignmentState.ACCEPTED, AssignmentState.REHANDLING},
        to=AssignmentState.REPLIED,
        action=Action.CONFIRM_REPLY,
        by=by,
        completed_at=clock.now(),
        next_reminder_at=None,
    )
    reply.status, reply.confirmed_at = ReplyStatus.CONFIRMED, clock.now()
    reply.save(update_fields=["status", "confirmed_at"])
    handling.refresh_status(assignment.proposal, by=by, action=Action.CONFIRM_REPLY)
    after_deadline_change(assignment)
    return reply


@transaction.atomic
def reopen_reply(reply: Reply, *, by, note: str) -> Reply:
    """Staff send a confirmed reply back to draft so the agency can correct it (audited)."""
    may_act_as_staff(by, reply.assignment.proposal.committee_id).enforce()
    note = required_text(note, _("请说明退回答复的理由。"))
    oversight.may_reopen_reply(by, lock(reply)).enforce()
    assignment = reply.assignment
    set_state(
        assignment,
        allowed={AssignmentState.REPLIED},
        to=AssignmentState.REHANDLING if reply.round > 1 else AssignmentState.ACCEPTED,
        action=Action.REOPEN_REPLY,
        by=by,
        note=note,
        completed_at=None,
    )
    reply.status, reply.confirmed_at = ReplyStatus.DRAFT, None
    reply.save(update_fields=["status", "confirmed_at"])
    handling.refresh_status(
        assignment.proposal, by=by, action=Action.REOPEN_REPLY, note=note, reopen=True
    )
    after_deadline_change(assignment)
    return reply
