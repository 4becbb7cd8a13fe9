"""交办: assigning agencies, adding one, changing a deadline, 签收.

See responses/services/__init__.py for the rules every service keeps."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policies import may_act_as_staff
from common import clock
from proposals import transitions
from proposals.models import Action, Proposal, Status
from proposals.workflow import (
    TransitionError,
    lock,
    record_event,
    required_text,
    state_label,
)
from responses import deadlines, handling, oversight, policies
from responses.models import (
    OPINION_ROLES,
    Agency,
    Assignment,
    AssignmentState,
    CommitteeRules,
    Role,
)
from responses.services.base import after_deadline_change, set_state


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
    may_act_as_staff(by, proposal.committee_id).enforce()
    if any(agency.committee_id != proposal.committee_id for agency, _role in agencies):
        raise TransitionError(_("承办单位不属于本政协委员会。"))
    current = lock(proposal)
    if not transitions.allows(Action.ASSIGN, current.status):
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
    rules = CommitteeRules.of(current.committee_id)
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
        after_deadline_change(assignment)
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
    may_act_as_staff(by, proposal.committee_id).enforce()
    if agency.committee_id != proposal.committee_id:
        raise TransitionError(_("承办单位不属于本政协委员会。"))
    current = lock(proposal)
    if not transitions.allows(transitions.ADD_ASSIGNMENT, current.status):
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
        rules=CommitteeRules.of(current.committee_id),
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
    after_deadline_change(assignment)
    return assignment


@transaction.atomic
def change_deadline(assignment: Assignment, *, deadline: date, reason: str, by) -> Assignment:
    """Staff move a running deadline by hand (with a reason), within the extension limit."""
    oversight.may_change_deadline(by, assignment).enforce()
    current = lock(assignment)
    oversight.may_change_deadline(by, current).enforce()
    reason = required_text(reason, _("请说明调整期限的理由。"))
    latest = deadlines.latest_extension(
        timezone.localdate(current.assigned_at), deadlines.rules_for(current)
    )
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
    after_deadline_change(assignment)
    return assignment


@transaction.atomic
def accept_assignment(assignment: Assignment, *, by) -> Assignment:
    """签收: the agency acknowledges the assignment."""
    policies.may_accept(by, assignment).enforce()
    set_state(
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
