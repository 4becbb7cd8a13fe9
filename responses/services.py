"""Handling a proposal: assignment, the agencies' requests and opinions, replies and
feedback — one function per transition (docs/domain.md, docs/conventions.md).

Each checks who may act and its rules, runs in one transaction, writes an Event row, and
raises TransitionError (message for the user) or PermissionDenied, leaving nothing
changed. Computed dates come from responses.deadlines and say which rule made them.
None sets a proposal's status itself: each ends with responses.handling.refresh_status,
which derives it from the assignments.
"""

import hashlib
from datetime import date, datetime, timedelta

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policies import may_act_as_staff
from common import clock
from proposals.models import Action, Proposal, Sponsor, Status
from proposals.workflow import (
    TransitionError,
    lock,
    record_event,
    required_text,
    state_label,
)
from responses import deadlines, handling, policies
from responses.handling import missing_opinions, reply_sponsors
from responses.models import (
    CLASSIFICATION_LABELS,
    OPEN_STATES,
    OPINION_ROLES,
    REPLYING_ROLES,
    Agency,
    Assignment,
    AssignmentState,
    CommitteeRules,
    DeadlineRule,
    ExtensionRequest,
    Feedback,
    JointOpinion,
    ReassignmentRequest,
    Reply,
    ReplyDocument,
    ReplyStatus,
    RequestStatus,
    Role,
    Satisfaction,
)

__all__ = [
    "TransitionError",
    "accept_assignment",
    "add_assignment",
    "assign_proposal",
    "attach_document",
    "change_deadline",
    "confirm_reply",
    "decide_extension",
    "decide_reassignment",
    "file_joint_opinion",
    "file_reply",
    "record_feedback",
    "remove_document",
    "reopen_reply",
    "request_extension",
    "request_reassignment",
    "send_back_for_rehandling",
    "waive_joint_opinions",
]

HANDLING = frozenset({Status.ASSIGNED, Status.REHANDLING})


def _after_deadline_change(assignment: Assignment) -> None:
    from responses.reminders import schedule_next_reminder

    schedule_next_reminder(assignment)


def _refuse_state(assignment: Assignment, action: str):
    raise TransitionError(
        _("%(agency)s的交办当前状态为“%(state)s”，不能%(action)s。"),
        params={
            "agency": assignment.agency.name,
            "state": state_label(AssignmentState, assignment.state),
            "action": str(Action(action).label),
        },
    )


def _set_state(assignment: Assignment, *, allowed, to, action, by, note="", **fields):
    """Lock the assignment, check its state, update it and record the event."""
    current = lock(assignment)
    if current.state not in allowed:
        assignment.state = current.state
        _refuse_state(assignment, action)
    from_state = current.state
    fields["state"] = to
    for name, value in fields.items():
        setattr(assignment, name, value)
    Assignment.objects.filter(pk=assignment.pk).update(**fields)
    record_event(
        assignment.proposal,
        action,
        by=by,
        assignment=assignment,
        from_state=from_state,
        to_state=to,
        note=note,
        agency=assignment.agency.name,
    )
    return assignment


def _validate_roles(roles: list[str]) -> None:
    """独办 alone; 主办 with any 会办/协办; 分办 two or more, alone."""
    if not roles:
        raise TransitionError(_("请至少选择一个承办单位。"))
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise TransitionError(_("未知的办理方式：%(roles)s"), params={"roles": ", ".join(unknown)})
    count = {role: roles.count(role) for role in Role.values}
    if count[Role.SOLE] and len(roles) > 1:
        raise TransitionError(_("独办只能有一个承办单位；多个单位请选择主办、会办、协办或分办。"))
    if count[Role.LEAD] > 1:
        raise TransitionError(_("主办单位只能有一个。"))
    if (count[Role.JOINT] or count[Role.ASSISTING]) and count[Role.LEAD] != 1:
        raise TransitionError(_("有会办或协办单位时，必须指定一个主办单位。"))
    if count[Role.SEPARATE] and (count[Role.LEAD] or count[Role.SOLE]):
        raise TransitionError(_("分办不能与主办或独办同时使用。"))
    if count[Role.SEPARATE] == 1 and len(roles) == 1:
        raise TransitionError(_("只有一个承办单位时请选择独办。"))


def _new_assignment(
    proposal, *, agency, role, assigned_at, deadline, deadline_reason, rules, by
) -> Assignment:
    assigned_on = timezone.localdate(assigned_at)
    computed = deadlines.reply_deadline(assigned_on, rules)
    latest = deadlines.latest_extension(assigned_on, rules)
    chosen = None
    if deadline is not None and deadline != computed.date:
        if not (deadline_reason or "").strip():
            raise TransitionError(_("修改默认办理期限时请说明理由。"))
        if deadline <= assigned_on:
            raise TransitionError(_("办理期限必须晚于交办日期。"))
        if deadline > latest.date:
            raise TransitionError(
                _("办理期限不能晚于%(latest)s（%(rule)s）。"),
                params={"latest": latest.date, "rule": latest.explanation},
            )
        chosen = deadlines.set_by_staff(
            deadline, previous=computed.date, by=by, reason=deadline_reason.strip()
        )
    assignment = Assignment.objects.create(
        proposal=proposal,
        agency=agency,
        role=role,
        assigned_at=assigned_at,
        deadline=chosen.date if chosen else computed.date,
        reassignment_deadline=deadlines.reassignment_deadline(assigned_on, rules).date,
        opinion_deadline=(
            deadlines.opinion_deadline(assigned_on, rules).date if role in OPINION_ROLES else None
        ),
    )
    deadlines.record(assignment, computed)
    if chosen:
        deadlines.record(assignment, chosen)
    return assignment


@transaction.atomic
def assign_proposal(
    proposal: Proposal,
    *,
    agencies: list[tuple[Agency, str]],
    by,
    assigned_at: datetime | None = None,
    deadline: date | None = None,
    deadline_reason: str = "",
) -> list[Assignment]:
    """交办: a registered proposal goes to its agencies with their roles and deadlines.

    Rules: staff only; the proposal is registered; roles form one of 独办 / 主办 (+会办/协办)
    / 分办×2+; no agency twice. The deadline defaults to the committee's period (3 months)
    and may be overridden with a reason, never past the extension limit (6 months).
    """
    may_act_as_staff(by).enforce()
    current = lock(proposal)
    if current.status != Status.REGISTERED:
        raise TransitionError(
            _("提案第%(number)s号当前状态为“%(state)s”，只有已立案的提案可以交办。"),
            params={"number": current.number, "state": state_label(Status, current.status)},
        )
    agency_ids = [agency.pk for agency, _role in agencies]
    if len(set(agency_ids)) != len(agency_ids):
        raise TransitionError(_("同一承办单位不能重复交办。"))
    inactive = [agency.name for agency, _role in agencies if not agency.is_active]
    if inactive:
        raise TransitionError(_("承办单位已停用：%(names)s"), params={"names": "、".join(inactive)})
    # Assigned again after its agency's reassignment: the joint/assisting agencies
    # still on it keep their part, and the new roles must fit with theirs.
    live = current.assignments.exclude(state__in=handling.NOT_LIVE)
    taken = live.filter(agency_id__in=agency_ids).select_related("agency").first()
    if taken is not None:
        raise TransitionError(_("%(agency)s已在办理此提案。"), params={"agency": taken.agency.name})
    _validate_roles([*live.values_list("role", flat=True), *(role for _a, role in agencies)])
    rules = CommitteeRules.current()
    assigned_at = assigned_at or clock.now()
    created = [
        _new_assignment(
            proposal,
            agency=agency,
            role=role,
            assigned_at=assigned_at,
            deadline=deadline,
            deadline_reason=deadline_reason,
            rules=rules,
            by=by,
        )
        for agency, role in agencies
    ]
    handling.refresh_status(
        proposal,
        by=by,
        action=Action.ASSIGN,
        agencies=[{"agency": a.agency.name, "role": a.role} for a in created],
    )
    for assignment in created:
        record_event(
            proposal,
            Action.ASSIGN,
            by=by,
            assignment=assignment,
            to_state=AssignmentState.PENDING,
            agency=assignment.agency.name,
            role=assignment.role,
            deadline=assignment.deadline,
        )
        _after_deadline_change(assignment)
    return created


@transaction.atomic
def add_assignment(
    proposal: Proposal,
    *,
    agency: Agency,
    role: str,
    by,
    assigned_at: datetime | None = None,
    deadline: date | None = None,
    deadline_reason: str = "",
) -> Assignment:
    """Add one agency to a proposal already being handled (e.g. after a reassignment)."""
    may_act_as_staff(by).enforce()
    current = lock(proposal)
    if current.status not in HANDLING | {Status.REPLIED}:
        raise TransitionError(
            _("提案第%(number)s号当前状态为“%(state)s”，不能追加承办单位。"),
            params={"number": current.number, "state": state_label(Status, current.status)},
        )
    live = current.assignments.exclude(state__in=handling.NOT_LIVE)
    if live.filter(agency=agency).exists():
        raise TransitionError(_("%(agency)s已在办理此提案。"), params={"agency": agency.name})
    _validate_roles([*live.values_list("role", flat=True), role])
    assignment = _new_assignment(
        current,
        agency=agency,
        role=role,
        assigned_at=assigned_at or clock.now(),
        deadline=deadline,
        deadline_reason=deadline_reason,
        rules=CommitteeRules.current(),
        by=by,
    )
    # A new agency that owes a reply takes a replied proposal back to 办理中.
    handling.refresh_status(proposal, by=by, action=Action.ASSIGN, agency=agency.name)
    record_event(
        current,
        Action.ASSIGN,
        by=by,
        assignment=assignment,
        to_state=AssignmentState.PENDING,
        agency=agency.name,
        role=role,
        deadline=assignment.deadline,
    )
    _after_deadline_change(assignment)
    return assignment


@transaction.atomic
def change_deadline(assignment: Assignment, *, deadline: date, reason: str, by) -> Assignment:
    """Staff move a running deadline by hand (with a reason), within the extension limit."""
    may_act_as_staff(by).enforce()
    current = lock(assignment)
    if current.state not in {
        AssignmentState.PENDING,
        AssignmentState.ACCEPTED,
        AssignmentState.REASSIGNMENT_REQUESTED,
        AssignmentState.REHANDLING,
    }:
        _refuse_state(current, Action.CHANGE_DEADLINE)
    reason = required_text(reason, _("请说明调整期限的理由。"))
    latest = deadlines.latest_extension(timezone.localdate(current.assigned_at))
    if current.state != AssignmentState.REHANDLING and deadline > latest.date:
        raise TransitionError(
            _("办理期限不能晚于%(latest)s（%(rule)s）。"),
            params={"latest": latest.date, "rule": latest.explanation},
        )
    previous = current.deadline
    Assignment.objects.filter(pk=assignment.pk).update(deadline=deadline)
    assignment.deadline = deadline
    deadlines.record(
        assignment, deadlines.set_by_staff(deadline, previous=previous, by=by, reason=reason)
    )
    record_event(
        assignment.proposal,
        Action.CHANGE_DEADLINE,
        by=by,
        assignment=assignment,
        note=reason,
        previous=previous,
        deadline=deadline,
    )
    _after_deadline_change(assignment)
    return assignment


@transaction.atomic
def accept_assignment(assignment: Assignment, *, by) -> Assignment:
    """签收: the agency acknowledges the assignment."""
    policies.may_accept(by, assignment).enforce()
    _set_state(
        assignment,
        allowed={AssignmentState.PENDING},
        to=AssignmentState.ACCEPTED,
        action=Action.ACCEPT,
        by=by,
        accepted_at=clock.now(),
        accepted_by=by,
    )
    handling.refresh_status(assignment.proposal, by=by, action=Action.ACCEPT)
    return assignment


@transaction.atomic
def request_reassignment(assignment: Assignment, *, reason: str, by, suggested_agency: str = ""):
    """申请调整: outside the agency's remit; only within the window after assignment."""
    policies.may_request_reassignment(by, assignment).enforce()
    reason = required_text(reason, _("请说明申请调整的理由。"))
    today = clock.today()
    if assignment.reassignment_deadline and today > assignment.reassignment_deadline:
        raise TransitionError(
            _("申请调整须在%(date)s前提出，已超过期限；如确需调整，请联系提案委员会。"),
            params={"date": assignment.reassignment_deadline},
        )
    _set_state(
        assignment,
        allowed={AssignmentState.PENDING, AssignmentState.ACCEPTED},
        to=AssignmentState.REASSIGNMENT_REQUESTED,
        action=Action.REQUEST_REASSIGNMENT,
        by=by,
        note=reason,
    )
    request = ReassignmentRequest.objects.create(
        assignment=assignment,
        reason=reason,
        suggested_agency=(suggested_agency or "").strip(),
        requested_by=by,
    )
    handling.refresh_status(assignment.proposal, by=by, action=Action.REQUEST_REASSIGNMENT)
    return request


def _claim_request(request, model):
    current = model.objects.select_for_update().get(pk=request.pk)
    if current.status != RequestStatus.PENDING:
        raise TransitionError(
            _("该申请已于%(when)s处理（%(status)s）。"),
            params={
                "when": f"{timezone.localtime(current.decided_at):%Y-%m-%d %H:%M}",
                "status": current.get_status_display(),
            },
        )
    return current


@transaction.atomic
def decide_reassignment(
    request: ReassignmentRequest,
    *,
    approve: bool,
    by,
    note: str = "",
    new_agency: Agency | None = None,
) -> ReassignmentRequest:
    """Staff approve (the assignment is withdrawn, optionally handed to `new_agency` in the
    same role with a fresh deadline) or refuse (with a note; the assignment resumes).

    Approved without a new agency, the proposal's status is derived again: 已答复 when the
    agencies left have all replied, 已立案 (to be assigned again) when no agency that
    owes a reply is left."""
    may_act_as_staff(by).enforce()
    request = _claim_request(request, ReassignmentRequest)
    note = (note or "").strip()
    if not approve and not note:
        raise TransitionError(_("不同意调整时请填写审批意见。"))
    assignment = request.assignment
    if approve:
        _set_state(
            assignment,
            allowed={AssignmentState.REASSIGNMENT_REQUESTED},
            to=AssignmentState.WITHDRAWN,
            action=Action.DECIDE_REASSIGNMENT,
            by=by,
            note=note,
            completed_at=clock.now(),
            next_reminder_at=None,
        )
    else:
        resumed = AssignmentState.ACCEPTED if assignment.accepted_at else AssignmentState.PENDING
        _set_state(
            assignment,
            allowed={AssignmentState.REASSIGNMENT_REQUESTED},
            to=resumed,
            action=Action.DECIDE_REASSIGNMENT,
            by=by,
            note=note,
        )
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    request.decided_by, request.decided_at, request.decision_note = by, clock.now(), note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve and new_agency is not None:
        add_assignment(assignment.proposal, agency=new_agency, role=assignment.role, by=by)
    else:
        handling.refresh_status(
            assignment.proposal, by=by, action=Action.DECIDE_REASSIGNMENT, note=note
        )
    _after_deadline_change(assignment)
    return request


@transaction.atomic
def request_extension(
    assignment: Assignment, *, requested_deadline: date, reason: str, by
) -> ExtensionRequest:
    """延期申请: to a later date, never past the limit from assignment (default 6 months)."""
    policies.may_request_extension(by, assignment).enforce()
    current = lock(assignment)
    if current.state not in {AssignmentState.PENDING, AssignmentState.ACCEPTED}:
        _refuse_state(current, Action.REQUEST_EXTENSION)
    reason = required_text(reason, _("请说明申请延期的理由。"))
    if requested_deadline <= current.deadline:
        raise TransitionError(
            _("申请延至的日期必须晚于现在的期限 %(deadline)s。"),
            params={"deadline": current.deadline},
        )
    latest = deadlines.latest_extension(timezone.localdate(current.assigned_at))
    if requested_deadline > latest.date:
        raise TransitionError(
            _("延期不能超过%(latest)s（%(rule)s）。"),
            params={"latest": latest.date, "rule": latest.explanation},
        )
    if current.extensionrequest_set.filter(status=RequestStatus.PENDING).exists():
        raise TransitionError(_("已有一份延期申请等待审批。"))
    extension = ExtensionRequest.objects.create(
        assignment=assignment,
        reason=reason,
        requested_deadline=requested_deadline,
        previous_deadline=current.deadline,
        requested_by=by,
    )
    record_event(
        assignment.proposal,
        Action.REQUEST_EXTENSION,
        by=by,
        assignment=assignment,
        note=reason,
        requested_deadline=requested_deadline,
    )
    return extension


@transaction.atomic
def decide_extension(
    request: ExtensionRequest, *, approve: bool, by, note: str = ""
) -> ExtensionRequest:
    """Staff grant the requested date (the deadline explains who approved it) or refuse."""
    may_act_as_staff(by).enforce()
    request = _claim_request(request, ExtensionRequest)
    note = (note or "").strip()
    if not approve and not note:
        raise TransitionError(_("不同意延期时请填写审批意见。"))
    assignment = lock(request.assignment)
    if approve:
        if assignment.state not in {AssignmentState.PENDING, AssignmentState.ACCEPTED}:
            _refuse_state(assignment, Action.DECIDE_EXTENSION)
        extended = deadlines.extended_deadline(
            timezone.localdate(assignment.assigned_at),
            request.requested_deadline,
            approved_by=by,
            reason=request.reason,
            previous=assignment.deadline,
        )
        Assignment.objects.filter(pk=assignment.pk).update(deadline=extended.date)
        assignment.deadline = extended.date
        deadlines.record(assignment, extended)
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    request.decided_by, request.decided_at, request.decision_note = by, clock.now(), note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_event(
        assignment.proposal,
        Action.DECIDE_EXTENSION,
        by=by,
        assignment=assignment,
        note=note,
        approved=approve,
        deadline=assignment.deadline,
    )
    if approve:
        _after_deadline_change(assignment)
    return request


@transaction.atomic
def file_joint_opinion(assignment: Assignment, *, body: str, by, attachment=None) -> JointOpinion:
    """会办意见: a joint or assisting agency sends its opinion to the lead agency."""
    policies.may_file_opinion(by, assignment).enforce()
    if assignment.role not in OPINION_ROLES:
        raise TransitionError(_("只有会办或协办单位提交会办意见；主办单位请直接答复。"))
    body = required_text(body, _("请填写会办意见。"))
    attachment_name = _checked_opinion_attachment(attachment) if attachment is not None else ""
    _set_state(
        assignment,
        allowed={AssignmentState.PENDING, AssignmentState.ACCEPTED},
        to=AssignmentState.OPINION_FILED,
        action=Action.FILE_OPINION,
        by=by,
        completed_at=clock.now(),
        next_reminder_at=None,
    )
    opinion = JointOpinion(assignment=assignment, body=body, filed_by=by)
    if attachment is not None:
        opinion.attachment.save(attachment_name, attachment, save=False)
    opinion.save()
    handling.refresh_status(assignment.proposal, by=by, action=Action.FILE_OPINION)
    return opinion


def _checked_opinion_attachment(upload) -> str:
    """The same content check as a reply letter (a renamed page or program is refused);
    the stored name keeps the uploaded stem with the suffix of what the file really is."""
    from pathlib import PurePath

    from responses.documents.sniff import RejectedDocument, inspect_upload

    try:
        inspection = inspect_upload(upload)
    except RejectedDocument as exc:
        raise TransitionError(str(exc)) from None
    upload.seek(0)
    stem = PurePath((upload.name or "").replace("\\", "/")).stem or "opinion"
    return f"{stem}.{inspection.doc_type}"


@transaction.atomic
def waive_joint_opinions(assignment: Assignment, *, by, note: str = "") -> Assignment:
    """Staff let the lead reply without waiting for the missing joint opinions. The joint
    and assisting agencies that have not filed theirs no longer owe it: they are neither
    reminded nor overdue (their rows carry the waiver too), though they may still file."""
    may_act_as_staff(by).enforce()
    if assignment.role != Role.LEAD:
        raise TransitionError(_("只有主办单位的交办需要等待会办意见。"))
    helpers = list(
        Assignment.objects.filter(
            proposal_id=assignment.proposal_id,
            role__in=OPINION_ROLES,
            state__in=OPEN_STATES,
            opinions_waived=False,
        )
    )
    Assignment.objects.filter(pk__in=[assignment.pk, *(h.pk for h in helpers)]).update(
        opinions_waived=True
    )
    assignment.opinions_waived = True
    record_event(
        assignment.proposal, Action.WAIVE_OPINIONS, by=by, assignment=assignment, note=note
    )
    for helper in helpers:
        helper.opinions_waived = True
        _after_deadline_change(helper)
    handling.refresh_status(assignment.proposal, by=by, action=Action.WAIVE_OPINIONS)
    return assignment


def _classification_scheme(code: str) -> str:
    """The committee's scheme, which the reply's code must belong to."""
    scheme = CommitteeRules.current().classification_scheme
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
        _refuse_state(current, Action.FILE_REPLY)
    waiting = missing_opinions(current)
    if waiting:
        raise TransitionError(
            _("尚未收到会办意见：%(agencies)s。请等待其提交，或联系提案委员会免于等待。"),
            params={"agencies": "、".join(a.agency.name for a in waiting)},
        )
    scheme = _classification_scheme(classification)
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
    _set_state(
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
    _after_deadline_change(assignment)
    return reply


@transaction.atomic
def reopen_reply(reply: Reply, *, by, note: str) -> Reply:
    """Staff send a confirmed reply back to draft so the agency can correct it (audited)."""
    may_act_as_staff(by).enforce()
    note = required_text(note, _("请说明退回答复的理由。"))
    if lock(reply).status != ReplyStatus.CONFIRMED:
        raise TransitionError(_("只有已确认的答复可以退回修改。"))
    if reply.feedback.exists():
        raise TransitionError(_("提案人已对该答复作出评价，不能退回；如不满意请安排重新办理。"))
    assignment = reply.assignment
    _set_state(
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
    _after_deadline_change(assignment)
    return reply


@transaction.atomic
def record_feedback(
    reply: Reply, *, sponsor: Sponsor, satisfaction: str, by, comment: str = ""
) -> Feedback:
    """征询意见: a sponsor's satisfaction with a confirmed reply, by the sponsor or by staff
    on their behalf. Recording again replaces the earlier answer (audited)."""
    policies.may_record_feedback(by, reply, sponsor=sponsor).enforce()
    if satisfaction not in Satisfaction.values:
        raise TransitionError(_("请选择满意、基本满意或不满意。"))
    reply = Reply.objects.select_related("assignment__proposal").get(pk=reply.pk)
    if reply.status != ReplyStatus.CONFIRMED:
        raise TransitionError(_("答复尚未确认，不能评价。"))
    proposal = reply.assignment.proposal
    if sponsor not in reply_sponsors(proposal):
        raise TransitionError(
            _("%(sponsor)s不是该提案的提案人。"), params={"sponsor": sponsor.name}
        )
    feedback, _created = Feedback.objects.update_or_create(
        reply=reply,
        sponsor=sponsor,
        defaults={
            "satisfaction": satisfaction,
            "comment": (comment or "").strip(),
            "recorded_by": by,
            "recorded_at": clock.now(),
        },
    )
    record_event(
        proposal,
        Action.RECORD_FEEDBACK,
        by=by,
        assignment=reply.assignment,
        note=feedback.comment,
        sponsor=sponsor.name,
        satisfaction=satisfaction,
    )
    # 已评价 once every replying agency's latest reply has an answer.
    handling.refresh_status(proposal, by=by, action=Action.RECORD_FEEDBACK)
    return feedback


@transaction.atomic
def send_back_for_rehandling(
    assignment: Assignment, *, by, note: str = "", deadline: date | None = None
) -> Assignment:
    """重新办理: after a 不满意, the agency handles the proposal again with a new deadline
    (default 1 month from today)."""
    may_act_as_staff(by).enforce()
    latest = assignment.replies.filter(status=ReplyStatus.CONFIRMED).order_by("-round").first()
    if (
        latest is None
        or not latest.feedback.filter(satisfaction=Satisfaction.DISSATISFIED).exists()
    ):
        raise TransitionError(_("只有提案人对答复不满意时才能安排重新办理。"))
    computed = deadlines.rehandling_deadline(clock.today())
    if deadline is not None:
        computed = deadlines.set_by_staff(
            deadline,
            previous=assignment.deadline,
            by=by,
            reason=(note or "").strip(),
            rule=DeadlineRule.REHANDLING,
        )
    new_deadline = computed.date
    if new_deadline <= clock.today():
        raise TransitionError(_("重新办理期限必须晚于今天。"))
    _set_state(
        assignment,
        allowed={AssignmentState.REPLIED},
        to=AssignmentState.REHANDLING,
        action=Action.SEND_BACK,
        by=by,
        note=note,
        deadline=new_deadline,
        completed_at=None,
    )
    deadlines.record(assignment, computed)
    handling.refresh_status(
        assignment.proposal, by=by, action=Action.SEND_BACK, note=note, reopen=True
    )
    _after_deadline_change(assignment)
    return assignment
