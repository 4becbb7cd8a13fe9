"""Every computed date of the handling rules, kept as data that says which rule made it.

All dates are local (Asia/Shanghai) calendar dates. The committee's periods come from
CommitteeRules; working days follow China's official calendar with staff corrections
(`responses.calendar`). A due date that falls on a rest day moves to the next working
day, make-up working days (调休) count as working days.

A deadline's history is a list of DeadlineChange rows (the rule and its start, each move
off a rest day, each extension, each change by staff or by the calendar): data, never
sentences. `explain` says it when it is shown, in the reader's language:

    交办 2025-07-01 + 3个月 = 2025-10-01；2025-10-01 国庆节 → 顺延至 2025-10-09

and `responses.recalculation` reads the same rows to move a deadline when the
calendar changes.

The same rule applies to the six-month extension limit: like 《民法典》第二百零三条 for
legal periods, a period whose last day is a rest day ends on the next working day.

Every function takes an optional `calendar` (a loaded WorkingCalendar): pass one when
computing many dates so they cost no further queries; without it, each call loads the
calendar (one small query).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from common import clock
from responses.calendar import _OFFICIAL_YEARS, WorkingCalendar, day_label
from responses.models import (
    SETTING_KINDS,
    CommitteeRules,
    DeadlineChange,
    DeadlineChangeKind,
    DeadlineRule,
)

Kind = DeadlineChangeKind

# Load an assignment's history with it: Assignment.objects.prefetch_related(HISTORY).
HISTORY = Prefetch("deadline_changes", queryset=DeadlineChange.objects.select_related("by"))


def join(*segments: str) -> str:
    separator = pgettext("deadline explanation", "；")
    return separator.join(segment for segment in segments if segment)


@dataclass(frozen=True)
class ComputedDate:
    """A date and how it was made: the steps (unsaved DeadlineChange rows, which the
    services store with the assignment) and, for dates that are only shown, notes. The
    explanation is composed when read, in the language active then."""

    date: date
    changes: tuple[DeadlineChange, ...] = ()
    notes: tuple[Callable[[], str], ...] = ()

    @property
    def explanation(self) -> str:
        return join(*describe(self.changes), *(note() for note in self.notes))

    @property
    def unknown_years(self) -> list[int]:
        return unknown_years(self.changes)


def rules_for(assignment) -> CommitteeRules:
    """The rules of the committee the assignment's proposal belongs to."""
    return CommitteeRules.of(assignment.proposal.committee_id)


def _calendar(calendar: WorkingCalendar | None) -> WorkingCalendar:
    return calendar or WorkingCalendar.load()


def _local(day: date | datetime) -> date:
    if isinstance(day, datetime):
        return timezone.localdate(day) if timezone.is_aware(day) else day.date()
    return day


def shift(nominal: date, calendar: WorkingCalendar, *, always=False):
    """The deadline a stated date gives on `calendar` (moved off a rest day) and the
    SHIFT step that says so: none when there is nothing to say, unless `always` (a
    recalculation records the new state even when it is "no move")."""
    info = calendar.info(nominal)
    due = nominal if info.is_working else calendar.next_working_day(nominal)
    known = all(calendar.covers(year) for year in range(nominal.year, due.year + 1))
    if due == nominal and known and nominal.weekday() < 5 and not always:
        return due, ()
    step = DeadlineChange(
        kind=Kind.SHIFT,
        day=nominal,
        date=due,
        day_name=info.name,
        holiday=info.holiday,
        calendar_known=known,
    )
    return due, (step,)


def acting_user(by):
    """The user a step names (None for the system, or anything that is not a user)."""
    return by if hasattr(by, "_meta") else None


def _period(rule: str, start: date, months: int, calendar: WorkingCalendar) -> ComputedDate:
    nominal = start + relativedelta(months=months)
    step = DeadlineChange(kind=Kind.RULE, rule=rule, start=start, months=months, date=nominal)
    due, moved = shift(nominal, calendar)
    return ComputedDate(due, (step, *moved))


def reply_deadline(assigned_on: date, rules: CommitteeRules, *, calendar=None) -> ComputedDate:
    """答复期限: 交办 + N months (default 3), moved off rest days."""
    months = rules.reply_months
    return _period(DeadlineRule.REPLY, _local(assigned_on), months, _calendar(calendar))


def latest_extension(assigned_on: date, rules: CommitteeRules, *, calendar=None) -> ComputedDate:
    """延期上限: an extension never passes 交办 + N months (default 6)."""
    months = rules.max_months
    return _period(DeadlineRule.LIMIT, _local(assigned_on), months, _calendar(calendar))


def opinion_deadline(assigned_on: date, rules: CommitteeRules, *, calendar=None) -> ComputedDate:
    """会办意见: joint/assisting agencies send their opinion within N months (default 1),
    and never later than the lead's reply deadline."""
    calendar = _calendar(calendar)
    start = _local(assigned_on)
    computed = _period(DeadlineRule.OPINION, start, rules.joint_opinion_months, calendar)
    reply = reply_deadline(start, rules, calendar=calendar)
    if computed.date > reply.date:

        def capped():
            return _("不晚于答复期限 %(date)s") % {"date": f"{reply.date:%Y-%m-%d}"}

        return ComputedDate(reply.date, computed.changes, (capped,))
    return computed


def reassignment_deadline(
    assigned_on: date, rules: CommitteeRules, *, calendar=None
) -> ComputedDate:
    """申请调整: within N working days after assignment (default 10), counted on China's
    working calendar: holidays and weekends skipped, 调休 make-up days counted."""
    days = rules.reassignment_working_days
    start = _local(assigned_on)
    due, notable = _calendar(calendar).add_working_days(start, days)
    rest = [info for info in notable if not info.is_working]
    makeup = [info for info in notable if info.is_working]

    def counted():
        segments = [
            _("申请调整：交办 %(start)s 起 %(days)s 个工作日 = %(due)s")
            % {"start": f"{start:%Y-%m-%d}", "days": days, "due": f"{due:%Y-%m-%d}"}
        ]
        if rest:
            named = list(dict.fromkeys(i.label for i in rest if i.holiday or i.name))
            names = _("（含%(names)s）") % {"names": "、".join(named)} if named else ""
            values = {"count": len(rest), "names": names}
            segments.append(_("不计休息日 %(count)s 天%(names)s") % values)
        if makeup:
            segments.append(
                _("调休上班日 %(days)s 计入")
                % {"days": "、".join(f"{i.day:%Y-%m-%d}" for i in makeup)}
            )
        return join(*segments)

    return ComputedDate(due, (), (counted,))


def rehandling_deadline(started_on: date, rules: CommitteeRules, *, calendar=None) -> ComputedDate:
    """重新办理: N months (default 1) from being sent back, moved off rest days."""
    months = rules.rehandling_months
    return _period(DeadlineRule.REHANDLING, _local(started_on), months, _calendar(calendar))


def extended_deadline(
    assigned_on: date,
    requested: date,
    *,
    approved_by,
    approved_at: datetime | None = None,
    reason: str = "",
    previous: date | None = None,
    rules: CommitteeRules,
    calendar=None,
) -> ComputedDate:
    """延期: the requested date, never past the extension limit, moved off rest days;
    the step keeps who approved it, when, why, and the date asked for."""
    calendar = _calendar(calendar)
    latest = latest_extension(assigned_on, rules, calendar=calendar)
    step = DeadlineChange(
        kind=Kind.EXTENSION,
        requested=requested,
        previous=previous,
        reason=reason,
        by=acting_user(approved_by),
        at=approved_at or clock.now(),
    )
    if requested > latest.date:
        step.date, step.start, step.months = latest.date, _local(assigned_on), rules.max_months
        return ComputedDate(latest.date, (step,))
    step.date = requested
    due, moved = shift(requested, calendar)
    return ComputedDate(due, (step, *moved))


def set_by_staff(
    deadline: date, *, previous: date | None, by, reason: str = "", rule: str = ""
) -> ComputedDate:
    """A date staff chose (with their reason): kept as they set it, rest day or not."""
    step = DeadlineChange(
        kind=Kind.MANUAL,
        rule=rule,
        previous=previous,
        date=deadline,
        reason=reason,
        by=acting_user(by),
    )
    return ComputedDate(deadline, (step,))


def record(assignment, computed: ComputedDate) -> None:
    """Store the steps of `computed` as the assignment's newest deadline history."""
    names = [f.attname for f in DeadlineChange._meta.concrete_fields if not f.primary_key]
    rows = []
    for step in computed.changes:
        row = DeadlineChange(**{name: getattr(step, name) for name in names})
        row.assignment = assignment
        rows.append(row)
    DeadlineChange.objects.bulk_create(rows)
    getattr(assignment, "_prefetched_objects_cache", {}).pop("deadline_changes", None)


# --- Saying it -------------------------------------------------------------------------------


def history(assignment) -> list[DeadlineChange]:
    """The assignment's deadline history, oldest first (prefetched with HISTORY or read)."""
    if "deadline_changes" in getattr(assignment, "_prefetched_objects_cache", {}):
        return list(assignment.deadline_changes.all())
    if assignment.pk is None:
        return []
    return list(assignment.deadline_changes.select_related("by"))


def explain(assignment) -> str:
    """How the assignment's deadline came to be, in the reader's language."""
    return join(*describe(history(assignment)))


def describe(changes: Iterable[DeadlineChange]) -> list[str]:
    """A sentence per step. A move off a rest day that a later calendar change replaced
    (before the next stated date) is left out: the calendar-change step says it."""
    changes = list(changes)
    sentences = []
    for i, change in enumerate(changes):
        if change.kind == Kind.SHIFT and _replaced(changes[i + 1 :]):
            continue
        sentences.append(_sentence(change))
    return [sentence for sentence in sentences if sentence]


def _replaced(later: list[DeadlineChange]) -> bool:
    for change in later:
        if change.kind in SETTING_KINDS:
            return False
        if change.kind == Kind.SHIFT:
            return True
    return False


def _day(value: date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else "?"


def _who_when(change: DeadlineChange) -> dict:
    who = str(change.by) if change.by_id or change.by else _("工作人员")
    when = _day(timezone.localdate(change.at)) if change.at else "?"
    return {"who": who, "when": when}


_PREFIXES = {
    DeadlineRule.REPLY: lambda: _("交办 "),
    DeadlineRule.REHANDLING: lambda: _("重新办理："),
    DeadlineRule.OPINION: lambda: _("会办意见：交办 "),
    DeadlineRule.LIMIT: lambda: _("延期上限：交办 "),
}


def _sentence(change: DeadlineChange) -> str:
    if change.kind == Kind.RULE:
        if change.rule not in _PREFIXES or change.start is None:
            return _("期限 %(date)s（计算依据不详）") % {"date": _day(change.date)}
        return _("%(prefix)s%(start)s + %(months)s个月 = %(nominal)s") % {
            "prefix": _PREFIXES[change.rule](),
            "start": _day(change.start),
            "months": change.months,
            "nominal": _day(change.date),
        }
    if change.kind == Kind.SHIFT:
        return _shift_sentence(change)
    if change.kind == Kind.EXTENSION:
        if change.requested and change.start and change.requested > change.date:
            return _(
                "申请延至 %(requested)s，超过延期上限（交办 %(start)s + %(months)s个月），"
                "按上限 %(date)s（%(who)s 于 %(when)s 批准）"
            ) % {
                **_who_when(change),
                "requested": _day(change.requested),
                "start": _day(change.start),
                "months": change.months,
                "date": _day(change.date),
            }
        return _("延期至 %(date)s（%(who)s 于 %(when)s 批准）") % {
            **_who_when(change),
            "date": _day(change.date),
        }
    if change.kind == Kind.MANUAL:
        values = {**_who_when(change), "date": _day(change.date), "reason": change.reason}
        if change.rule == DeadlineRule.REHANDLING:
            return _("重新办理：%(who)s 于 %(when)s 指定 %(date)s") % values
        if change.reason:
            return _("%(who)s 于 %(when)s 调整为 %(date)s，理由：%(reason)s") % values
        return _("%(who)s 于 %(when)s 调整为 %(date)s") % values
    if change.kind == Kind.CALENDAR:
        return _("日历调整（%(who)s %(when)s）：%(old)s → %(new)s") % {
            **_who_when(change),
            "old": _day(change.previous),
            "new": _day(change.date),
        }
    return ""


def _shift_sentence(change: DeadlineChange) -> str:
    day, due = change.day or change.date, change.date
    label = day_label(day, is_working=day == due, name=change.day_name, holiday=change.holiday)
    notes = []
    values = {"day": _day(day), "label": label, "due": _day(due)}
    if day != due:
        notes.append(_("%(day)s %(label)s → 顺延至 %(due)s") % values)
    elif day.weekday() >= 5:
        notes.append(_("%(day)s %(label)s，不顺延") % values)
    return join(*notes)


def unknown_years(changes: Iterable[DeadlineChange]) -> list[int]:
    """The years whose public holidays the calendar did not know when a step shown in the
    explanation moved (or kept) the date: counted by weekends only. Not a sentence: the
    page says it once, to whoever can add the year (templatetags/deadline_words.py)."""
    changes = list(changes)
    years = set()
    for i, change in enumerate(changes):
        if change.kind != Kind.SHIFT or change.calendar_known or _replaced(changes[i + 1 :]):
            continue
        day, due = change.day or change.date, change.date
        missing = [y for y in range(day.year, due.year + 1) if y not in _OFFICIAL_YEARS]
        years.update(missing or [day.year])
    return sorted(years)


# --- Recomputing after a calendar change ---------------------------------------------------


def stated_date(changes: Iterable[DeadlineChange]) -> date | None:
    """The date the deadline's latest rule, extension or change by staff stated, before
    any move off a rest day: what a changed calendar moves again."""
    found = None
    for change in changes:
        if change.kind in SETTING_KINDS:
            found = change.date
    return found
