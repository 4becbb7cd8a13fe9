"""期限总览: the staff's overview of what is due and overdue, per agency.

The whole design: responses/reminders/__init__.py."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count

from responses import timeliness
from responses.deadlines import HISTORY
from responses.models import (
    Assignment,
    AssignmentState,
    Delivery,
    DeliveryStatus,
)


def _rate(on_time: int, fallen_due: int) -> float | None:
    rate = timeliness.on_time_rate(on_time, fallen_due)
    return None if rate is None else round(100 * rate, 1)


def overview(today: date, *, committee_id: int | None = None, limit: int = 100) -> dict:
    """期限总览 for staff, in a fixed number of queries: what is due this week, what is
    overdue, and per agency its open, due, overdue and finished work with its on-time
    rate — all as responses.timeliness defines them (joint and assisting agencies by
    their opinion deadline; the rate over everything that has fallen due). Of one
    committee's work when `committee_id` is given."""
    scoped = Assignment.objects.all()
    if committee_id is not None:
        scoped = scoped.filter(proposal__committee_id=committee_id)
    week_end = today + timedelta(days=6 - today.weekday())
    owing = (
        timeliness.with_due(scoped.filter(timeliness.owes_q()))
        .select_related("proposal", "agency")
        .prefetch_related(HISTORY)  # each deadline's explanation
    )
    this_week = timeliness.due_between_q(today, week_end)
    due_this_week = list(owing.filter(this_week).order_by("due", "pk")[:limit])
    overdue = list(owing.filter(timeliness.overdue_q(today)).order_by("due", "pk")[:limit])
    rows = list(
        scoped.exclude(state__in=[AssignmentState.WITHDRAWN, AssignmentState.ENDED])
        .values("agency_id", "agency__name")
        .annotate(
            open=Count("pk", filter=timeliness.owes_q()),
            due_this_week=Count("pk", filter=this_week),
            overdue=Count("pk", filter=timeliness.overdue_q(today)),
            finished=Count("pk", filter=timeliness.finished_q()),
            on_time=Count("pk", filter=timeliness.on_time_q()),
        )
        .order_by("agency__name")
    )
    for row in rows:
        row["on_time_rate"] = _rate(row["on_time"], row["finished"] + row["overdue"])
    totals = {
        key: sum(row[key] for row in rows)
        for key in ("open", "due_this_week", "overdue", "finished", "on_time")
    }
    totals["on_time_rate"] = _rate(totals["on_time"], totals["finished"] + totals["overdue"])
    failed = list(
        Delivery.objects.filter(status=DeliveryStatus.FAILED)
        .select_related("recipient")
        .order_by("-created_at")[:50]
    )
    return {
        "week_end": week_end,
        "due_this_week": due_this_week,
        "overdue": overdue,
        "agencies": rows,
        "totals": totals,
        "failed_deliveries": failed,
        "limit": limit,
    }
