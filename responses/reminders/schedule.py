"""The schedule: which reminder points an assignment has, and its next one in the indexed
`next_reminder_at`.

The whole design: responses/reminders/__init__.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from django.db import connection
from django.utils import timezone

from accounts.models import Role as UserRole
from accounts.models import User
from common import clock
from responses import timeliness
from responses.calendar import WorkingCalendar
from responses.models import (
    OPINION_ROLES,
    Assignment,
    CommitteeRules,
    ReminderKind,
    ReminderSettings,
    ReminderTarget,
)
from responses.reminders.common import log


@dataclass(frozen=True)
class Point:
    on: date  # the local day it goes out
    kind: str  # ReminderKind
    deadline: date


@dataclass
class Context:
    """What the schedule of one committee needs: its rules and reminder settings, and the
    working calendar. Loaded once (three small queries) per call, or for every committee
    at once by `Contexts`."""

    rules: CommitteeRules
    settings: ReminderSettings
    calendar: WorkingCalendar
    _staff: list | None = field(default=None, repr=False)

    @classmethod
    def load(cls, committee_id: int) -> Context:
        return cls(
            CommitteeRules.of(committee_id),
            ReminderSettings.of(committee_id),
            WorkingCalendar.load(),
        )

    @classmethod
    def of(cls, assignment: Assignment) -> Context:
        return cls.load(assignment.proposal.committee_id)

    @property
    def committee_id(self) -> int:
        return self.rules.committee_id

    def at(self, day: date) -> datetime:
        """The moment a point of that day is due: the day at the send time, Beijing time."""
        naive = datetime.combine(day, self.settings.send_time)
        return timezone.make_aware(naive, timezone.get_default_timezone())

    @cached_property
    def days_before(self) -> tuple[list[int], bool]:
        """The configured days before the deadline (largest first), and whether to
        remind on the day itself ("0"). Malformed entries are ignored and logged."""
        days = set()
        for token in self.rules.reminder_days_before.replace("，", ",").split(","):
            token = token.strip()
            if not token:
                continue
            try:
                days.add(int(token))
            except ValueError:
                log.warning("reminder_days_before: ignoring %r", token)
        return sorted((d for d in days if d > 0), reverse=True), 0 in days

    def staff(self) -> list[tuple[int, str]]:
        """The committee's staff (escalations go to them)."""
        if self._staff is None:
            self._staff = list(
                User.objects.filter(
                    role=UserRole.STAFF, is_active=True, committee_id=self.committee_id
                ).values_list("pk", "email")
            )
        return self._staff


class Contexts:
    """Every committee's Context for one sweep: the rules and settings of all committees
    in two queries and one calendar, whatever the number of committees."""

    def __init__(self):
        rules, settings = CommitteeRules.of_all(), ReminderSettings.of_all()
        calendar = WorkingCalendar.load()
        self.by_committee = {pk: Context(rules[pk], settings[pk], calendar) for pk in rules}

    def of(self, assignment: Assignment) -> Context:
        return self.by_committee[assignment.proposal.committee_id]

    def __iter__(self):
        return iter(self.by_committee.values())


def target_of(assignment: Assignment, ctx: Context) -> tuple[date, str] | None:
    """The due date an assignment is reminded of, or None when it owes nothing (withdrawn,
    ended with its proposal, finished, its opinion waived: responses.timeliness)."""
    if not timeliness.owes(assignment):
        return None
    if assignment.role in OPINION_ROLES:
        if not ctx.settings.remind_joint_opinions:
            return None
        return timeliness.due_date(assignment), ReminderTarget.OPINION
    return timeliness.due_date(assignment), ReminderTarget.REPLY


def points(assignment: Assignment, ctx: Context) -> Iterator[Point]:
    """The assignment's reminder points in time order; overdue points never end."""
    target = target_of(assignment, ctx)
    if target is None:
        return
    deadline, _target = target
    calendar = ctx.calendar
    assigned_on = timezone.localdate(assignment.assigned_at)
    before, on_the_day = ctx.days_before
    # Before the deadline: a rest day sends on the working day before it, so two points
    # may land on the same day (7 and 1 days before the National Day week): sent once.
    early = sorted(
        {
            day
            for d in before
            if assigned_on <= (day := calendar.previous_working_day(deadline - timedelta(d)))
            and day < deadline
        }
    )
    for day in early:
        yield Point(day, ReminderKind.BEFORE, deadline)
    if on_the_day:
        yield Point(deadline, ReminderKind.DUE, deadline)
    every = ctx.rules.overdue_reminder_every_days
    last, k = deadline, 0
    while True:
        day = calendar.next_working_day(deadline + timedelta(days=1 + k * every))
        if day > last:
            yield Point(day, ReminderKind.OVERDUE, deadline)
            last = day
        if every == 0:
            return
        k += 1


def plan(
    assignment: Assignment, now: datetime, ctx: Context
) -> tuple[Point | None, datetime | None]:
    """The latest point due by `now` (what to send) and when the next one is due."""
    current = None
    for point in points(assignment, ctx):
        if ctx.at(point.on) > now:
            return current, ctx.at(point.on)
        current = point
    return current, None


def schedule_next_reminder(assignment: Assignment, *, now=None, ctx: Context | None = None):
    """Set the assignment's next_reminder_at from its current deadline and state.

    The services call this after every assignment, extension, reply or state change;
    a closed assignment gets None and drops out of the sweep's index."""
    _current, next_at = plan(assignment, now or clock.now(), ctx or Context.of(assignment))
    Assignment.objects.filter(pk=assignment.pk).update(next_reminder_at=next_at)
    assignment.next_reminder_at = next_at
    return next_at


def reschedule_open_assignments(*, now=None, batch_size: int = 2000) -> int:
    """Recompute next_reminder_at for every open assignment, after the schedule itself
    changed (days before, send time, overdue interval). Returns how many were updated.

    The sweep fixes a stale value by itself once it comes due, but a point added before
    it (say "14 days before") would be missed without this."""
    now = now or clock.now()
    contexts = Contexts()
    changed, last_pk = 0, 0
    while True:
        chunk = list(
            Assignment.objects.open()
            .filter(pk__gt=last_pk)
            .select_related("proposal")
            .order_by("pk")[:batch_size]
        )
        if not chunk:
            return changed
        planned = []
        for assignment in chunk:
            _current, next_at = plan(assignment, now, contexts.of(assignment))
            if next_at != assignment.next_reminder_at:
                planned.append((assignment, None, next_at))
        if planned:
            _reschedule(planned)
            changed += len(planned)
        last_pk = chunk[-1].pk


def _reschedule(planned) -> None:
    """Store each row's next point: one UPDATE for the whole batch."""
    if connection.vendor == "postgresql":
        # bulk_update's CASE WHEN costs ~1 ms a row to build; unnest pairs cost nothing.
        table = connection.ops.quote_name(Assignment._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS a SET next_reminder_at = v.at "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at) WHERE a.id = v.id",
                [[a.pk for a, _p, _n in planned], [n for _a, _p, n in planned]],
            )
        return
    _reschedule_plain(planned)


def _reschedule_plain(planned) -> None:
    """What _reschedule does, with bulk_update (SQLite's way, and its reference in tests)."""
    for assignment, _point, next_at in planned:
        assignment.next_reminder_at = next_at
    Assignment.objects.bulk_update([a for a, _p, _n in planned], ["next_reminder_at"])
