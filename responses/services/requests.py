"""The agencies' requests: 申请调整 (reassignment) and 申请延期 (extension), and staff's decisions.

See responses/services/__init__.py for the rules every service keeps."""

from datetime import date

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
from responses import deadlines, handling, policies
from responses.models import (
    Agency,
    Assignment,
    AssignmentState,
    ExtensionRequest,
    ReassignmentRequest,
    RequestStatus,
)
from responses.services.assignment import add_assignment
from responses.services.base import after_deadline_change, claim_request, refuse_state, set_state


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
    set_state(
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
    may_act_as_staff(by, request.assignment.proposal.committee_id).enforce()
    request = claim_request(request, ReassignmentRequest)
    note = (note or "").strip()
    if not approve and not note:
        raise TransitionError(_("不同意调整时请填写审批意见。"))
    assignment = request.assignment
    if approve:
        set_state(
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
        set_state(
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
    after_deadline_change(assignment)
    return request


@transaction.atomic
def request_extension(
    assignment: Assignment, *, requested_deadline: date, reason: str, by
) -> ExtensionRequest:
    """延期申请: to a later date, never past the limit from assignment (default 6 months)."""
    policies.may_request_extension(by, assignment).enforce()
    current = lock(assignment)
    if current.state not in {AssignmentState.PENDING, AssignmentState.ACCEPTED}:
        refuse_state(current, Action.REQUEST_EXTENSION)
    reason = required_text(reason, _("请说明申请延期的理由。"))
    if requested_deadline <= current.deadline:
        raise TransitionError(
            _("申请延至的日期必须晚于现在的期限 %(deadline)s。"),
            params={"deadline": current.deadline},
        )
    latest = deadlines.latest_extension(
        timezone.localdate(current.assigned_at), deadlines.rules_for(current)
    )
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
    may_act_as_staff(by, request.assignment.proposal.committee_id).enforce()
    request = claim_request(request, ExtensionRequest)
    note = (note or "").strip()
    if not approve and not note:
        raise TransitionError(_("不同意延期时请填写审批意见。"))
    assignment = lock(request.assignment)
    if approve:
        if assignment.state not in {AssignmentState.PENDING, AssignmentState.ACCEPTED}:
            refuse_state(assignment, Action.DECIDE_EXTENSION)
        extended = deadlines.extended_deadline(
            timezone.localdate(assignment.assigned_at),
            request.requested_deadline,
            approved_by=by,
            reason=request.reason,
            previous=assignment.deadline,
            rules=deadlines.rules_for(assignment),
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
        after_deadline_change(assignment)
    return request
