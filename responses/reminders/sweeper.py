"""The sweep: select the assignments whose reminder time has come, claim them, record each
reminder once and notify.

The whole design: responses/reminders/__init__.py."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role as UserRole
from accounts.models import User
from common import clock
from responses.models import (
    AgencyMembership,
    Assignment,
    Notification,
    Reminder,
    ReminderKind,
)
from responses.reminders.common import BATCH_SIZE, CLAIM_LEASE, log
from responses.reminders.delivery import queue_digests
from responses.reminders.schedule import Contexts, Point, _reschedule, plan, target_of


@dataclass
class Sent:
    """One reminder the sweep recorded (or, in a dry run, would record)."""

    assignment: Assignment
    point: Point
    recipients: list[int]
    escalated: bool


@dataclass
class SweepResult:
    now: datetime
    dry_run: bool = False
    sent: list[Sent] = field(default_factory=list)
    notifications: int = 0
    rescheduled: int = 0
    digests: list[int] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)

    def merge(self, other: SweepResult) -> None:
        self.sent += other.sent
        self.notifications += other.notifications
        self.rescheduled += other.rescheduled
        self.failures += other.failures


def _due(now: datetime):
    return Assignment.objects.filter(next_reminder_at__lte=now)


def _claim(ids: list[int], now: datetime) -> list[int]:
    """Claim rows with one conditional UPDATE: only those still due are taken, so of two
    sweeps running at once each row goes to exactly one. The claim pushes the row an hour
    ahead: if we crash before rescheduling it, it comes back then."""
    table = connection.ops.quote_name(Assignment._meta.db_table)
    column = connection.ops.quote_name("next_reminder_at")
    pk = connection.ops.quote_name("id")
    marks = ", ".join(["%s"] * len(ids))
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = %s "  # noqa: S608 - names quoted, values bound
            f"WHERE {pk} IN ({marks}) AND {column} <= %s RETURNING {pk}",
            [adapt(now + CLAIM_LEASE), *ids, adapt(now)],
        )
        return [row[0] for row in cursor.fetchall()]


def _claim_plain(ids: list[int], now: datetime) -> list[int]:
    """What _claim does, in plain ORM (its reference in tests; not safe against a
    concurrent sweep, which the conditional UPDATE is)."""
    due = Assignment.objects.filter(pk__in=ids, next_reminder_at__lte=now)
    claimed = sorted(due.values_list("pk", flat=True))
    Assignment.objects.filter(pk__in=claimed).update(next_reminder_at=now + CLAIM_LEASE)
    return claimed


def _load(ids) -> list[Assignment]:
    return list(
        Assignment.objects.filter(pk__in=ids)
        .select_related("proposal", "agency")
        .defer("proposal__body")  # long, and not needed to remind
        .order_by("pk")
    )


def _recipients(
    assignment, point, today, ctx, officers, supervisors
) -> tuple[list[tuple[int, str]], bool]:
    """The agency's officers; staff too once overdue (escalation); a key proposal's
    supervising leader too. As (user id, e-mail) pairs, and whether it escalated."""
    people = dict(officers.get(assignment.agency_id, ()))
    escalated = False
    overdue_days = (today - point.deadline).days
    if (
        point.kind == ReminderKind.OVERDUE
        and ctx.settings.escalate_to_staff
        and overdue_days >= ctx.settings.escalate_after_days
    ):
        people.update(dict(ctx.staff()))
        escalated = True
    proposal = assignment.proposal
    if ctx.settings.notify_supervisor and proposal.is_key and proposal.supervisor_id in supervisors:
        people.setdefault(proposal.supervisor_id, supervisors[proposal.supervisor_id])
    return sorted(people.items()), escalated


def _officers(agency_ids) -> dict[int, list[tuple[int, str]]]:
    by_agency = defaultdict(list)
    rows = AgencyMembership.objects.filter(
        agency_id__in=agency_ids, user__role=UserRole.OFFICER, user__is_active=True
    ).values_list("agency_id", "user_id", "user__email")
    for agency_id, pk, email in rows:
        by_agency[agency_id].append((pk, email))
    return by_agency


def _apply(assignments: list[Assignment], now: datetime, contexts: Contexts, result: SweepResult):
    """Record, notify and reschedule a claimed batch, in a constant number of queries."""
    today = timezone.localdate(now)
    planned = []
    for assignment in assignments:
        try:
            current, next_at = plan(assignment, now, contexts.of(assignment))
        except Exception as error:  # one bad record must not stop the others
            log.exception("reminder sweep: assignment %s failed, retried in 1 h", assignment.pk)
            result.failures.append((assignment.pk, repr(error)))
            continue
        planned.append((assignment, current, next_at))

    due = [(a, p) for a, p, _next in planned if p is not None]
    officers = _officers({a.agency_id for a, _p in due}) if due else {}
    supervisor_ids = {
        a.proposal.supervisor_id for a, _p in due if a.proposal.is_key and a.proposal.supervisor_id
    }
    supervisors = (
        dict(User.objects.filter(pk__in=supervisor_ids, is_active=True).values_list("pk", "email"))
        if supervisor_ids
        else {}
    )
    audience = {}
    rows = []
    for assignment, point in due:
        ctx = contexts.of(assignment)
        people, escalated = _recipients(assignment, point, today, ctx, officers, supervisors)
        audience[(assignment.pk, point.kind, point.on)] = (assignment, point, people, escalated)
        target = target_of(assignment, ctx)[1]
        rows.append(
            Reminder(
                assignment=assignment,
                kind=point.kind,
                due_on=point.on,
                target=target,
                deadline=point.deadline,
                days_left=(point.deadline - today).days,
                escalated=escalated,
                created_at=now,
            )
        )

    if result.dry_run:
        for assignment, point, people, escalated in audience.values():
            result.sent.append(Sent(assignment, point, [pk for pk, _e in people], escalated))
        return

    if rows:
        # The unique key drops a reminder that already exists; only the rows inserted
        # here are still un-notified, and only they get notifications.
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)
        fresh = [
            r
            for r in Reminder.objects.filter(
                assignment_id__in=[a.pk for a, _p in due], notified_at__isnull=True
            ).exclude(kind=ReminderKind.URGENT)
            if (r.assignment_id, r.kind, r.due_on) in audience
        ]
        notes = []
        for reminder in fresh:
            assignment, point, people, escalated = audience[
                (reminder.assignment_id, reminder.kind, reminder.due_on)
            ]
            notes += [
                Notification(
                    user_id=pk,
                    reminder=reminder,
                    assignment=assignment,
                    kind=reminder.kind,
                    created_at=now,
                    email_wanted=bool(email),
                )
                for pk, email in people
            ]
            result.sent.append(Sent(assignment, point, [pk for pk, _e in people], escalated))
        Notification.objects.bulk_create(notes, ignore_conflicts=True)
        Reminder.objects.filter(pk__in=[r.pk for r in fresh]).update(notified_at=now)
        result.notifications += len(notes)

    if planned:
        _reschedule(planned)
    result.rescheduled += len(planned)


def _process(ids: list[int], now: datetime, contexts: Contexts, result: SweepResult) -> None:
    assignments = _load(ids)
    # Each attempt reports into its own result, merged only once its transaction commits.
    attempts = [assignments]
    batch = SweepResult(now=now)
    try:
        with transaction.atomic():
            _apply(assignments, now, contexts, batch)
        result.merge(batch)
        return
    except Exception:
        log.exception("reminder sweep: batch failed, processing its rows one by one")
        attempts = [[assignment] for assignment in assignments]
    # Isolate the record that broke the batch: each row on its own. One that still fails
    # keeps its claim (back in an hour) and is reported.
    for rows in attempts:
        one = SweepResult(now=now)
        try:
            with transaction.atomic():
                _apply(rows, now, contexts, one)
        except Exception as error:
            log.exception("reminder sweep: assignment %s failed, retried in 1 h", rows[0].pk)
            result.failures.append((rows[0].pk, repr(error)))
            continue
        result.merge(one)


def sweep(now: datetime | None = None, *, dry_run: bool = False, batch_size: int = BATCH_SIZE):
    """Send what is due at `now` (default: the current time). See the module docstring.

    A dry run claims nothing and writes nothing: it reports what would be sent."""
    now = now or clock.now()
    contexts = Contexts()
    result = SweepResult(now=now, dry_run=dry_run)
    if dry_run:
        last_pk = 0
        while True:
            ids = list(
                _due(now)
                .filter(pk__gt=last_pk)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            _apply(_load(ids), now, contexts, result)
            last_pk = ids[-1]
        return result
    while True:
        ids = list(
            _due(now).order_by("next_reminder_at", "pk").values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        claimed = _claim(ids, now)
        if claimed:
            _process(claimed, now, contexts, result)
    result.digests = queue_digests(now, contexts)
    for pk, error in result.failures:
        log.error("reminder sweep: assignment %s pushed back one hour: %s", pk, error)
    return result
