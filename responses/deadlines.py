"""Every computed date of the handling rules, each able to say which rule made it.

All dates are local (Asia/Shanghai) calendar dates. The committee's periods come from
CommitteeRules; working days follow China's official calendar with staff corrections
(`responses.calendar`). A due date that falls on a rest day moves to the next working
day, make-up working days (调休) count as working days, and the explanation says so:

    交办 2025-07-01 + 3个月 = 2025-10-01；2025-10-01 国庆节 → 顺延至 2025-10-09

The same rule applies to the six-month extension limit: like 《民法典》第二百零三条 for
legal periods, a period whose last day is a rest day ends on the next working day.

Every function takes an optional `calendar` (a loaded WorkingCalendar): pass one when
computing many dates so they cost no further queries; without it, each call loads the
calendar (one small query).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext as _

from common import clock
from responses.calendar import WorkingCalendar
from responses.models import CommitteeRules

SEPARATOR = "；"


@dataclass(frozen=True)
class ComputedDate:
    date: date
    explanation: str


def _rules(rules: CommitteeRules | None) -> CommitteeRules:
    return rules or CommitteeRules.current()


def _calendar(calendar: WorkingCalendar | None) -> WorkingCalendar:
    return calendar or WorkingCalendar.load()


def _local(day: date | datetime) -> date:
    if isinstance(day, datetime):
        return timezone.localdate(day) if timezone.is_aware(day) else day.date()
    return day


def _join(*segments: str) -> str:
    return SEPARATOR.join(segment for segment in segments if segment)


def _shifted(nominal: date, head: str, calendar: WorkingCalendar) -> ComputedDate:
    due, note = calendar.shift(nominal)
    return ComputedDate(due, _join(head, note))


def _months_after(start: date, months: int, prefix: str, calendar: WorkingCalendar):
    nominal = start + relativedelta(months=months)
    head = _("%(prefix)s%(start)s + %(months)s个月 = %(nominal)s") % {
        "prefix": prefix,
        "start": f"{start:%Y-%m-%d}",
        "months": months,
        "nominal": f"{nominal:%Y-%m-%d}",
    }
    return _shifted(nominal, head, calendar)


def reply_deadline(
    assigned_on: date, rules: CommitteeRules | None = None, *, calendar=None
) -> ComputedDate:
    """答复期限: 交办 + N months (default 3), moved off rest days."""
    months = _rules(rules).reply_months
    return _months_after(_local(assigned_on), months, _("交办 "), _calendar(calendar))


def latest_extension(
    assigned_on: date, rules: CommitteeRules | None = None, *, calendar=None
) -> ComputedDate:
    """延期上限: an extension never passes 交办 + N months (default 6)."""
    months = _rules(rules).max_months
    return _months_after(_local(assigned_on), months, _("延期上限：交办 "), _calendar(calendar))


def opinion_deadline(
    assigned_on: date, rules: CommitteeRules | None = None, *, calendar=None
) -> ComputedDate:
    """会办意见: joint/assisting agencies send their opinion within N months (default 1),
    and never later than the lead's reply deadline."""
    rules, calendar = _rules(rules), _calendar(calendar)
    start = _local(assigned_on)
    computed = _months_after(start, rules.joint_opinion_months, _("会办意见：交办 "), calendar)
    reply = reply_deadline(start, rules, calendar=calendar)
    if computed.date > reply.date:
        note = _("不晚于答复期限 %(date)s") % {"date": f"{reply.date:%Y-%m-%d}"}
        return ComputedDate(reply.date, _join(computed.explanation, note))
    return computed


def reassignment_deadline(
    assigned_on: date, rules: CommitteeRules | None = None, *, calendar=None
) -> ComputedDate:
    """申请调整: within N working days after assignment (default 10), counted on China's
    working calendar: holidays and weekends skipped, 调休 make-up days counted."""
    days = _rules(rules).reassignment_working_days
    start = _local(assigned_on)
    due, notable = _calendar(calendar).add_working_days(start, days)
    segments = [
        _("申请调整：交办 %(start)s 起 %(days)s 个工作日 = %(due)s")
        % {"start": f"{start:%Y-%m-%d}", "days": days, "due": f"{due:%Y-%m-%d}"}
    ]
    rest = [info for info in notable if not info.is_working]
    holidays = list(dict.fromkeys(i.label for i in rest if not i.label.startswith("周")))
    if rest:
        segments.append(
            _("不计休息日 %(count)s 天%(names)s")
            % {"count": len(rest), "names": f"（含{'、'.join(holidays)}）" if holidays else ""}
        )
    makeup = [info for info in notable if info.is_working]
    if makeup:
        segments.append(
            _("调休上班日 %(days)s 计入") % {"days": "、".join(f"{i.day:%Y-%m-%d}" for i in makeup)}
        )
    return ComputedDate(due, _join(*segments))


def rehandling_deadline(
    started_on: date, rules: CommitteeRules | None = None, *, calendar=None
) -> ComputedDate:
    """重新办理: N months (default 1) from being sent back, moved off rest days."""
    months = _rules(rules).rehandling_months
    return _months_after(_local(started_on), months, _("重新办理："), _calendar(calendar))


def extended_deadline(
    assigned_on: date,
    requested: date,
    *,
    approved_by,
    approved_on: date | None = None,
    previous: str = "",
    rules: CommitteeRules | None = None,
    calendar=None,
) -> ComputedDate:
    """延期: the requested date, never past the extension limit, moved off rest days;
    the explanation continues `previous` and names who approved the extension."""
    calendar = _calendar(calendar)
    approved_on = approved_on or clock.today()
    latest = latest_extension(assigned_on, rules, calendar=calendar)
    who = {"who": approved_by, "when": f"{approved_on:%Y-%m-%d}"}
    if requested > latest.date:
        head = _(
            "申请延至 %(requested)s，超过延期上限（交办 %(start)s + %(months)s个月），"
            "按上限 %(date)s（%(who)s 于 %(when)s 批准）"
        ) % {
            **who,
            "requested": f"{requested:%Y-%m-%d}",
            "start": f"{_local(assigned_on):%Y-%m-%d}",
            "months": _rules(rules).max_months,
            "date": f"{latest.date:%Y-%m-%d}",
        }
        return ComputedDate(latest.date, _join(previous, head))
    head = _("延期至 %(date)s（%(who)s 于 %(when)s 批准）") % {
        **who,
        "date": f"{requested:%Y-%m-%d}",
    }
    computed = _shifted(requested, head, calendar)
    return ComputedDate(computed.date, _join(previous, computed.explanation))


# --- Recomputing after a calendar change ---------------------------------------------------

# The phrases that state a deadline's date before any move off a rest day: this module's
# "= date", and the services' extension, override and hand-set phrases.
_NOMINAL = re.compile(r"(?:= |延期至 |改为 |调整为 |指定 |按上限 )(\d{4}-\d{2}-\d{2})")
_SPLIT = re.compile(r"；|; ")


def _is_calendar_note(segment: str) -> bool:
    return "顺延" in segment or "尚未收录" in segment


def _is_recalculation_note(segment: str) -> bool:
    return segment.startswith("日历调整")


def nominal_date(explanation: str) -> date | None:
    """The date a deadline's explanation last set, before any move off a rest day."""
    found = None
    for segment in _SPLIT.split(explanation or ""):
        if _is_calendar_note(segment) or _is_recalculation_note(segment):
            continue
        matches = _NOMINAL.findall(segment)
        if matches:
            found = date.fromisoformat(matches[-1])
    return found


def reshift(explanation: str, calendar: WorkingCalendar) -> ComputedDate | None:
    """The deadline an explanation describes, re-moved off rest days on `calendar`.

    None when the explanation states no date this module can read (then the deadline is
    left as it is)."""
    nominal = nominal_date(explanation)
    if nominal is None:
        return None
    segments = _SPLIT.split(explanation)
    last = max(
        i
        for i, segment in enumerate(segments)
        if _NOMINAL.search(segment)
        and not _is_calendar_note(segment)
        and not _is_recalculation_note(segment)
    )
    kept = segments[: last + 1] + [s for s in segments[last + 1 :] if not _is_calendar_note(s)]
    due, note = calendar.shift(nominal)
    return ComputedDate(due, _join(*kept, note))


@dataclass(frozen=True)
class DeadlineChange:
    assignment_id: int
    field: str  # deadline / opinion_deadline / reassignment_deadline
    old: date
    new: date
    explanation: str


def recalculate_after_calendar_change(
    changed_days: list[date], *, before: WorkingCalendar, after: WorkingCalendar, by
) -> list[DeadlineChange]:
    """Move the running deadlines of open assignments that a calendar change affects.

    A date moves only if it is what the calendar rule made of its stated date on the old
    calendar (a date staff set deliberately on a rest day stays). Only deadlines still
    running (today or later) move; each move is explained on the assignment
    ("日历调整（…）：old → new"), recorded as an event, and reminders are rescheduled.
    """
    from django.db.models import Q

    from proposals.models import Action
    from proposals.workflow import record_event
    from responses.models import OPINION_ROLES, Assignment
    from responses.reminders import schedule_next_reminder

    if not changed_days:
        return []
    today = timezone.localdate()
    first, last = min(changed_days), max(changed_days)
    # A rest-day run is at most a few weeks long, so a changed day can only move dates
    # that fall on it or soon after it; a wide margin keeps this a small indexed query.
    margin = timedelta(days=60)
    since = max(first, today)
    rules = CommitteeRules.current()
    candidates = (
        Assignment.objects.open()
        .filter(
            Q(deadline__gte=since, deadline__lte=last + margin)
            | Q(opinion_deadline__gte=since, opinion_deadline__lte=last + margin)
            | Q(reassignment_deadline__gte=since, reassignment_deadline__lte=last + margin)
        )
        .select_related("proposal", "agency")
        .order_by("pk")
    )
    note_head = _("日历调整（%(who)s %(when)s）") % {"who": by, "when": f"{today:%Y-%m-%d}"}
    changes: list[DeadlineChange] = []
    for assignment in candidates:
        assigned_on = timezone.localdate(assignment.assigned_at)
        updates: dict = {}
        made: list[DeadlineChange] = []

        old_rule = reshift(assignment.deadline_explanation, before)
        new_rule = reshift(assignment.deadline_explanation, after)
        if (
            old_rule
            and new_rule
            and assignment.deadline >= today
            and old_rule.date == assignment.deadline
            and new_rule.date != assignment.deadline
        ):
            explanation = _join(
                new_rule.explanation,
                f"{note_head}：{assignment.deadline:%Y-%m-%d} → {new_rule.date:%Y-%m-%d}",
            )
            updates.update(deadline=new_rule.date, deadline_explanation=explanation)
            made.append(
                DeadlineChange(
                    assignment.pk, "deadline", assignment.deadline, new_rule.date, explanation
                )
            )

        for field, compute in (
            ("opinion_deadline", opinion_deadline),
            ("reassignment_deadline", reassignment_deadline),
        ):
            current = getattr(assignment, field)
            if current is None or current < today:
                continue
            if field == "opinion_deadline" and assignment.role not in OPINION_ROLES:
                continue
            old = compute(assigned_on, rules, calendar=before)
            new = compute(assigned_on, rules, calendar=after)
            if old.date == current and new.date != current:
                updates[field] = new.date
                made.append(
                    DeadlineChange(assignment.pk, field, current, new.date, new.explanation)
                )

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
                note=f"{note_head}：{change.explanation}",
                field=change.field,
                previous=change.old,
                deadline=change.new,
            )
        schedule_next_reminder(assignment)
        changes.extend(made)
    return changes
