"""When staff change the working calendar: save the day, then move the deadlines still
running that the change affects. A service over the pure rule modules (responses.calendar,
responses.deadlines), which import nothing of it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common import clock
from proposals.models import Action
from proposals.workflow import record_event
from responses.calendar import WorkingCalendar
from responses.deadlines import (
    HISTORY,
    ComputedDate,
    Kind,
    acting_user,
    opinion_deadline,
    reassignment_deadline,
    record,
    shift,
    stated_date,
)
from responses.models import OPINION_ROLES, Assignment, CalendarDay, CommitteeRules, DeadlineChange
from responses.reminders import schedule_next_reminder


@transaction.atomic
def change_calendar_day(
    day: date, *, is_working_day: bool | None, name: str = "", note: str = "", by
) -> list:
    """Set (or, with is_working_day=None, remove) a staff override for one day, then move
    the running deadlines the change affects. Returns the MovedDeadline list."""
    before = WorkingCalendar.load()
    if is_working_day is None:
        CalendarDay.objects.filter(date=day).delete()
    else:
        CalendarDay.objects.update_or_create(
            date=day,
            defaults={
                "is_working_day": is_working_day,
                "name": name,
                "note": note,
                "updated_by": by if getattr(by, "pk", None) else None,
                "updated_at": timezone.now(),
            },
        )
    return recalculate_deadlines([day], before=before, by=by)


def recalculate_deadlines(changed_days, *, before: WorkingCalendar, by) -> list:
    """Move the deadlines still running that the changed days affect, each explained and
    recorded as an event; reminders are rescheduled. (See responses.deadlines.)"""
    return recalculate_after_calendar_change(
        sorted(set(changed_days)), before=before, after=WorkingCalendar.load(), by=by
    )


@dataclass(frozen=True)
class MovedDeadline:
    assignment_id: int
    field: str  # deadline / opinion_deadline / reassignment_deadline
    old: date
    new: date


def recalculate_after_calendar_change(
    changed_days: list[date], *, before: WorkingCalendar, after: WorkingCalendar, by
) -> list[MovedDeadline]:
    """Move the running deadlines of open assignments that a calendar change affects.

    A date moves only if it is what the calendar rule made of its stated date on the old
    calendar (a date staff set deliberately on a rest day stays). Only deadlines still
    running (today or later) move; each move is kept in the deadline's history (the new
    move off a rest day and who changed the calendar), recorded as an event, and
    reminders are rescheduled. The history is read as data: the language it was shown in
    when the dates were set plays no part.
    """
    if not changed_days:
        return []
    today = clock.today()
    first, last = min(changed_days), max(changed_days)
    # A rest-day run is at most a few weeks long, so a changed day can only move dates
    # that fall on it or soon after it; a wide margin keeps this a small indexed query.
    margin = timedelta(days=60)
    since = max(first, today)
    candidates = (
        Assignment.objects.open()
        .filter(
            Q(deadline__gte=since, deadline__lte=last + margin)
            | Q(opinion_deadline__gte=since, opinion_deadline__lte=last + margin)
            | Q(reassignment_deadline__gte=since, reassignment_deadline__lte=last + margin)
        )
        .select_related("proposal", "agency")
        .prefetch_related(HISTORY)
        .order_by("pk")
    )
    moved: list[MovedDeadline] = []
    rules_of = CommitteeRules.of_all()
    for assignment in candidates:
        assigned_on = timezone.localdate(assignment.assigned_at)
        updates: dict = {}
        made: list[MovedDeadline] = []

        nominal = stated_date(assignment.deadline_changes.all())
        if nominal is not None and assignment.deadline >= today:
            new_date, steps = shift(nominal, after, always=True)
            if (
                before.next_working_day(nominal) == assignment.deadline
                and new_date != assignment.deadline
            ):
                calendar_step = DeadlineChange(
                    kind=Kind.CALENDAR,
                    previous=assignment.deadline,
                    date=new_date,
                    by=acting_user(by),
                )
                record(assignment, ComputedDate(new_date, (*steps, calendar_step)))
                updates["deadline"] = new_date
                made.append(MovedDeadline(assignment.pk, "deadline", assignment.deadline, new_date))

        for field, compute in (
            ("opinion_deadline", opinion_deadline),
            ("reassignment_deadline", reassignment_deadline),
        ):
            current = getattr(assignment, field)
            if current is None or current < today:
                continue
            if field == "opinion_deadline" and assignment.role not in OPINION_ROLES:
                continue
            rules = rules_of[assignment.proposal.committee_id]
            old = compute(assigned_on, rules, calendar=before)
            new = compute(assigned_on, rules, calendar=after)
            if old.date == current and new.date != current:
                updates[field] = new.date
                made.append(MovedDeadline(assignment.pk, field, current, new.date))

        if not updates:
            continue
        Assignment.objects.filter(pk=assignment.pk).update(**updates)
        for name, value in updates.items():
            setattr(assignment, name, value)
        for change in made:
            record_event(
                assignment.proposal,
                Action.CHANGE_DEADLINE,
                by=by,
                assignment=assignment,
                cause="calendar",
                days=sorted(changed_days),
                field=change.field,
                previous=change.old,
                deadline=change.new,
            )
        schedule_next_reminder(assignment)
        moved.extend(made)
    return moved
