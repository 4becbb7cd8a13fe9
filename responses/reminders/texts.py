"""The words of a reminder, composed in the recipient's language when it is made.

The whole design: responses/reminders/__init__.py."""

from __future__ import annotations

from datetime import date

from proposals.models import ProposalKind
from responses import deadlines
from responses.models import (
    Assignment,
    Reminder,
    ReminderKind,
    ReminderTarget,
    Role,
)
from responses.reminders.common import _, label


def proposal_label(proposal) -> str:
    return _("第%(number)s号%(kind)s") % {
        "number": proposal.number,
        "kind": label(ProposalKind, proposal.kind),
    }


def notification_texts(reminder: Reminder, assignment: Assignment, today: date) -> tuple[str, str]:
    """Title and body of a reminder's notification, in the site's language (zh-hans)."""
    proposal = assignment.proposal
    what = _("会办意见") if reminder.target == ReminderTarget.OPINION else _("答复")
    days = (reminder.deadline - today).days
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
    if reminder.target == ReminderTarget.REPLY and deadlines.explain(assignment):
        lines.append(_("期限说明：%(text)s") % {"text": deadlines.explain(assignment)})
    if reminder.note:
        lines.append(_("催办说明：%(note)s") % {"note": reminder.note})
    return title[:200], "\n".join(lines)
