"""Overdue and on time: the one definition every page, count, report and reminder uses.

Each rule comes twice, as a Q expression over Assignment rows (for querysets, counts and
EXISTS) and as a Python predicate over one Assignment; tests pin that the two agree.

The rule, precisely:

- **Due date.** What an assignment owes is judged by the deadline in force for it: a
  sole, lead or separate agency by its reply deadline (`deadline`, which already holds
  any approved extension, a staff change or the new date set for re-handling); a joint
  or assisting agency by its opinion deadline (`opinion_deadline`, or `deadline` when it
  has none).
- **Owes.** An assignment owes while it is open (待签收, 办理中, 申请调整中, 重新办理):
  a reply when its role replies; an opinion when it is a joint or assisting agency whose
  opinion is still awaited (staff have not waived it). Withdrawn (已调整撤回), ended with
  its proposal (已结束: closed or merged), replied and opinion-filed assignments owe
  nothing.
- **Overdue** on day D (the committee's day, Asia/Shanghai, `common.clock.today()`):
  it owes, and its due date is before D. The deadline day itself is not overdue.
- **Finished**: the reply confirmed (已答复) or the opinion filed (已提交会办意见);
  `completed_at` is that moment (a finished row without it is neither on time nor late).
- **On time**: finished on or before its due date (the day of `completed_at` in
  Asia/Shanghai). A finished assignment's due date never changes afterwards — extensions,
  staff changes and calendar recalculations touch open assignments only, and re-handling
  or a reopened reply makes it open again until the next confirmation — so this is the
  deadline in force when it finished. **Late**: finished after it.
- **On-time rate** (按期完成率, 按期答复率) = on time / fallen due, where *fallen due* is
  finished or overdue: of everything whose deadline has come, the share done by it.
  Open work not yet due is left out; the rate is None when nothing has fallen due.
"""

from datetime import date

from django.db.models import Case, DateField, F, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from common import clock
from responses.models import (
    OPEN_STATES,
    OPINION_ROLES,
    REPLYING_ROLES,
    Assignment,
    AssignmentState,
)

FINISHED_STATES = frozenset({AssignmentState.REPLIED, AssignmentState.OPINION_FILED})


# --- Q expressions --------------------------------------------------------------------------


def owes_q() -> Q:
    return Q(state__in=OPEN_STATES) & (
        Q(role__in=REPLYING_ROLES) | Q(role__in=OPINION_ROLES, opinions_waived=False)
    )


def _due(lookup: str, value) -> Q:
    """The due date compared with `value` (`lookup` is lt, lte, gte…), without annotations
    so it works in filter(), Count(filter=…) and EXISTS alike."""
    return (
        Q(role__in=REPLYING_ROLES, **{f"deadline__{lookup}": value})
        | Q(role__in=OPINION_ROLES, **{f"opinion_deadline__{lookup}": value})
        | Q(role__in=OPINION_ROLES, opinion_deadline__isnull=True, **{f"deadline__{lookup}": value})
    )


def overdue_q(today: date | None = None) -> Q:
    return owes_q() & _due("lt", today or clock.today())


def due_between_q(first: date, last: date) -> Q:
    """Owing, and due between `first` and `last` (both included)."""
    return owes_q() & _due("gte", first) & _due("lte", last)


def not_yet_due_q(today: date | None = None) -> Q:
    return owes_q() & _due("gte", today or clock.today())


def finished_q() -> Q:
    return Q(state__in=FINISHED_STATES)


def on_time_q() -> Q:
    return finished_q() & _due("gte", F("completed_at__date"))


def late_q() -> Q:
    return finished_q() & _due("lt", F("completed_at__date"))


def fallen_due_q(today: date | None = None) -> Q:
    return finished_q() | overdue_q(today)


def due_expression() -> Case:
    """The due date as a column, for ordering and display (`with_due`)."""
    return Case(
        When(role__in=OPINION_ROLES, then=Coalesce("opinion_deadline", "deadline")),
        default=F("deadline"),
        output_field=DateField(),
    )


def with_due(queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Annotate each row's due date as `due`."""
    return queryset.annotate(due=due_expression())


def overdue_assignments(today: date | None = None) -> QuerySet[Assignment]:
    """Every overdue assignment with its due date, the longest overdue first."""
    return with_due(Assignment.objects.filter(overdue_q(today))).order_by("due", "id")


# --- The same rules in Python ---------------------------------------------------------------


def due_date(assignment: Assignment) -> date:
    if assignment.role in OPINION_ROLES:
        return assignment.opinion_deadline or assignment.deadline
    return assignment.deadline


def owes(assignment: Assignment) -> bool:
    if assignment.state not in OPEN_STATES:
        return False
    return assignment.role in REPLYING_ROLES or not assignment.opinions_waived


def is_overdue(assignment: Assignment, today: date | None = None) -> bool:
    return owes(assignment) and due_date(assignment) < (today or clock.today())


def days_left(assignment: Assignment, today: date | None = None) -> int:
    """Days until the due date; negative once it has passed (the days overdue)."""
    return (due_date(assignment) - (today or clock.today())).days


def is_finished(assignment: Assignment) -> bool:
    return assignment.state in FINISHED_STATES


def finished_on(assignment: Assignment) -> date | None:
    """The day it finished, or None (not finished, or no time on record)."""
    if not is_finished(assignment) or assignment.completed_at is None:
        return None
    return timezone.localdate(assignment.completed_at)


def is_on_time(assignment: Assignment) -> bool:
    day = finished_on(assignment)
    return day is not None and day <= due_date(assignment)


def is_late(assignment: Assignment) -> bool:
    day = finished_on(assignment)
    return day is not None and day > due_date(assignment)


def on_time_rate(on_time: int, fallen_due: int) -> float | None:
    """The share (0–1) done on time of what has fallen due; None when nothing has."""
    return on_time / fallen_due if fallen_due else None
