"""Shared steps of the handling services: moving an assignment's state, claiming a request.

See responses/services/__init__.py for the rules every service keeps."""

from django.utils import timezone
from django.utils.translation import gettext as _

from proposals.models import Action
from proposals.workflow import (
    TransitionError,
    lock,
    record_event,
    state_label,
)
from responses.models import (
    Assignment,
    AssignmentState,
    RequestStatus,
)


def after_deadline_change(assignment: Assignment) -> None:
    from responses.reminders import schedule_next_reminder

    schedule_next_reminder(assignment)


def refuse_state(assignment: Assignment, action: str):
    raise TransitionError(
        _("%(agency)s的交办当前状态为“%(state)s”，不能%(action)s。"),
        params={
            "agency": assignment.agency.name,
            "state": state_label(AssignmentState, assignment.state),
            "action": str(Action(action).label),
        },
    )


def set_state(assignment: Assignment, *, allowed, to, action, by, note="", **fields):
    """Lock the assignment, check its state, update it and record the event."""
    current = lock(assignment)
    if current.state not in allowed:
        assignment.state = current.state
        refuse_state(assignment, action)
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


def claim_request(request, model):
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
