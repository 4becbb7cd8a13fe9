"""What every transition shares: its error and its audit row. (Who may make it is
asked of accounts.policies and responses.policies.)"""

from django.core.exceptions import ValidationError
from django.db import models

from common import clock
from proposals.models import Event, Proposal


class TransitionError(ValidationError):
    """An illegal move, refused before anything changed. The message is for the user."""

    def __init__(self, message, params=None):
        super().__init__(message, code="transition", params=params)

    def __str__(self):
        return " ".join(self.messages)


def required_text(value: str | None, message) -> str:
    """The value without surrounding blanks; a blank one is refused with `message`."""
    value = (value or "").strip()
    if not value:
        raise TransitionError(message)
    return value


def state_label(choices: type[models.TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def record_event(
    proposal: Proposal,
    action: str,
    *,
    by,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    assignment=None,
    **data,
) -> Event:
    """The audit row of a transition. It also announces the change (proposals.signals):
    the version of the proposal's stored public page moves in the same transaction as
    the change it records, the derived data is refreshed after commit. `assignment`, the
    responses.Assignment the transition is about, is kept by its id."""
    from proposals import signals

    signals.changed([proposal.pk], signals.Reason.EVENT)
    return Event.objects.create(
        proposal=proposal,
        assignment_id=assignment.pk if assignment is not None else None,
        actor=by if getattr(by, "pk", None) else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data={key: _jsonable(value) for key, value in data.items()},
    )


def _jsonable(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def move_proposal(
    proposal: Proposal, to: str, *, action: str, by, note: str = "", fields=None, **data
) -> Event:
    """Set a proposal's status (and `fields`) and record the move from its current status.

    The caller has locked the row (see `lock`) and checked that the move is allowed.
    """
    from_state = proposal.status
    changes = {"status": to, "updated_at": clock.now(), **(fields or {})}
    Proposal.objects.filter(pk=proposal.pk).update(**changes)
    for name, value in changes.items():
        setattr(proposal, name, value)
    return record_event(
        proposal, action, by=by, from_state=from_state, to_state=to, note=note, **data
    )


def lock(model_instance):
    """Re-read a row under a row lock (PostgreSQL) inside the current transaction.

    On SQLite the IMMEDIATE transaction mode already serialises writers.
    """
    return type(model_instance).objects.select_for_update().get(pk=model_instance.pk)
