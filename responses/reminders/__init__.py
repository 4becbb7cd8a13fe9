"""Deadline reminders: the schedule, the sweep, the digests and 催办.

The schedule (CommitteeRules + ReminderSettings, editable in the admin): 30, 7 and 1 days
before a deadline, on the day, then every 7 days after it. A point that falls on a rest
day goes out on the working day before it (before the deadline) or after it (overdue),
so nobody is reminded on a holiday and no reminder comes too late. Reply deadlines are
reminded to sole/lead/separate agencies, opinion deadlines to joint/assisting ones.

Deadlines as data (healthchecks' way): each open assignment stores its next point in the
indexed `next_reminder_at`; `schedule_next_reminder` keeps it right after every change.
The sweep selects only rows whose time has come, claims them with one conditional
UPDATE per batch, records one `Reminder` per (assignment, kind, day) — a unique key, so
a second beat, a retry or a restart never records or sends one twice — makes in-app
`Notification`s for the agency's officers (staff too once overdue; a key proposal's
supervisor too), and queues one digest e-mail (`Delivery`) per recipient per day.
A record that crashes the sweep keeps its claim for an hour (then comes back) and is
reported; the rest of its batch goes on.

The parts: schedule, sweeper, delivery (digests and sending), urge (催办), figures (the
staff overview) and texts; common holds what they share.
"""

from responses.reminders.delivery import (
    backoff_seconds,
    mark_read,
    queue_digests,
    resend,
    send_delivery,
)
from responses.reminders.figures import overview
from responses.reminders.schedule import (
    Context,
    plan,
    points,
    reschedule_open_assignments,
    schedule_next_reminder,
    target_of,
)
from responses.reminders.sweeper import SweepResult, sweep
from responses.reminders.texts import (
    Text,
    displayable,
    notification_text,
    proposal_label,
    reminder_text,
    with_text,
)
from responses.reminders.urge import send_urgent_reminder

__all__ = [
    "Context",
    "SweepResult",
    "backoff_seconds",
    "mark_read",
    "Text",
    "displayable",
    "notification_text",
    "reminder_text",
    "with_text",
    "overview",
    "plan",
    "points",
    "proposal_label",
    "queue_digests",
    "reschedule_open_assignments",
    "resend",
    "schedule_next_reminder",
    "send_delivery",
    "send_urgent_reminder",
    "sweep",
    "target_of",
]
