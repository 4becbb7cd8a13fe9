"""The words of a reminder, composed when they are shown, in the reader's language.

A notification stores codes only (its reminder: kind, target, deadline, days left, the
催办 note); its title and lines are made here each time a page or an e-mail shows it.

The whole design: responses/reminders/__init__.py."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from proposals.models import ProposalKind
from responses import deadlines
from responses.models import (
    Assignment,
    Notification,
    Reminder,
    ReminderKind,
    ReminderTarget,
    Role,
)
from responses.reminders.common import _, label


@dataclass(frozen=True)
class Text:
    title: str
    lines: tuple[str, ...]

    @property
    def body(self) -> str:
        return "\n".join(self.lines)


def proposal_label(proposal) -> str:
    return _("第%(number)s号%(kind)s") % {
        "number": proposal.number,
        "kind": label(ProposalKind, proposal.kind),
    }


def reminder_text(reminder: Reminder, assignment: Assignment) -> Text:
    """Title and lines of a reminder, in the active language. The days are those of the
    day the reminder was made (`days_left`), so an old notification reads as it did."""
    proposal = assignment.proposal
    what = _("会办意见") if reminder.target == ReminderTarget.OPINION else _("答复")
    days = reminder.days_left
    values = {
        "proposal": proposal_label(proposal),
        "what": what,
        "deadline": f"{reminder.deadline:%Y-%m-%d}",
        "days": abs(days),
        "agency": assignment.agency.name,
    }
    if reminder.kind == ReminderKind.URGENT:
        title = _("催办：%(proposal)s请尽快%(what)s（期限 %(deadline)s）") % values
    elif days > 0:
        title = _("%(proposal)s%(what)s期限还有%(days)s天（%(deadline)s）") % values
    elif days == 0:
        title = _("%(proposal)s%(what)s今天到期（%(deadline)s）") % values
    else:
        title = _("%(proposal)s%(what)s已逾期%(days)s天（期限 %(deadline)s）") % values
    lines = [
        _("提案：%(label)s《%(title)s》") % {"label": values["proposal"], "title": proposal.title},
        _("承办单位：%(agency)s（%(role)s）")
        % {"agency": values["agency"], "role": label(Role, assignment.role)},
        _("%(what)s期限：%(deadline)s") % values,
    ]
    if reminder.target == ReminderTarget.REPLY:
        explanation = deadlines.explain(assignment)
        if explanation:
            lines.append(_("期限说明：%(text)s") % {"text": explanation})
    if reminder.note:
        lines.append(_("催办说明：%(note)s") % {"note": reminder.note})
    return Text(title, tuple(lines))


def notification_text(notification: Notification) -> Text:
    return reminder_text(notification.reminder, notification.assignment)


def with_text(notifications: Iterable[Notification]) -> list[Notification]:
    """The notifications, each with `.text` composed in the active language."""
    notifications = list(notifications)
    for notification in notifications:
        notification.text = notification_text(notification)
    return notifications


def displayable(notifications: QuerySet) -> QuerySet:
    """The notifications with what composing their texts reads, in a fixed number of
    queries whatever their number."""
    return notifications.select_related(
        "reminder", "assignment__proposal", "assignment__agency"
    ).prefetch_related(
        Prefetch("assignment__deadline_changes", queryset=deadlines.HISTORY.queryset)
    )
