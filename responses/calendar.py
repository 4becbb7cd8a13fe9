"""Working days in China: the official calendar, corrected by staff.

The official holidays and 调休 make-up working days come from the pinned `chinesecalendar`
package; `CalendarDay` rows (edited in the admin) override it day by day, e.g. to add
next year's schedule before the package knows it. Outside the package's years and
without overrides, only weekends are rest days, and explanations say so.

A `WorkingCalendar` is a snapshot: load it once (one query) and pass it along, so that
computing many dates costs no further queries. `change_calendar_day` is the service that
edits a day and moves the deadlines still running.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
# chinesecalendar names holidays in English; its Holiday enum carries the Chinese name.
_HOLIDAY_NAMES = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}
_OFFICIAL_YEARS = range(
    min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1
)


@dataclass(frozen=True)
class DayInfo:
    day: date
    is_working: bool
    label: str  # how an explanation names the day: "周六", "国庆节", "周日（调休上班）"


def weekday_name(day: date) -> str:
    return WEEKDAYS[day.weekday()]


class WorkingCalendar:
    """China's working calendar with staff overrides: {date: (is_working, name)}."""

    def __init__(self, overrides: dict[date, tuple[bool, str]] | None = None):
        self.overrides = dict(overrides or {})
        self._override_years = {day.year for day in self.overrides}

    @classmethod
    def load(cls) -> WorkingCalendar:
        from responses.models import CalendarDay

        rows = CalendarDay.objects.values_list("date", "is_working_day", "name")
        return cls({day: (working, name) for day, working, name in rows})

    def covers(self, year: int) -> bool:
        """Whether the year's public holidays are known (officially or from staff)."""
        return year in _OFFICIAL_YEARS or year in self._override_years

    def info(self, day: date) -> DayInfo:
        weekend = day.weekday() >= 5
        if day in self.overrides:
            working, name = self.overrides[day]
            if working:
                name = name or _("调休上班")
                return DayInfo(day, True, f"{weekday_name(day)}（{name}）" if weekend else name)
            return DayInfo(day, False, name or _("休息日"))
        if day.year in _OFFICIAL_YEARS:
            if day in chinese_calendar.workdays:
                if weekend:
                    return DayInfo(day, True, f"{weekday_name(day)}（{_('调休上班')}）")
                return DayInfo(day, True, "")
            if day in chinese_calendar.holidays:
                english = chinese_calendar.holidays[day]
                return DayInfo(day, False, _HOLIDAY_NAMES.get(english, weekday_name(day)))
        return DayInfo(day, not weekend, weekday_name(day) if weekend else "")

    def is_working_day(self, day: date) -> bool:
        return self.info(day).is_working

    def next_working_day(self, day: date) -> date:
        """The day itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def previous_working_day(self, day: date) -> date:
        """The day itself if it is a working day, else the last working day before it."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def add_working_days(self, start: date, count: int) -> tuple[date, list[DayInfo]]:
        """The `count`-th working day after `start`, and the days skipped or counted
        specially on the way (rest days, and make-up working days on a weekend)."""
        day, counted, notable = start, 0, []
        while counted < count:
            day += timedelta(days=1)
            info = self.info(day)
            if info.is_working:
                counted += 1
                if day.weekday() >= 5:
                    notable.append(info)
            else:
                notable.append(info)
        return day, notable

    def shift(self, nominal: date) -> tuple[date, str]:
        """A due date on a rest day moves to the next working day (调休 counted).

        Returns the date and the explanation segment: "" when nothing needed saying,
        "2025-06-21 周六 → 顺延至 2025-06-23", or "2025-09-28 周日（调休上班），不顺延".
        """
        info = self.info(nominal)
        notes = []
        if info.is_working:
            due = nominal
            if nominal.weekday() >= 5:
                notes.append(_("%(day)s %(label)s，不顺延") % _day(info))
        else:
            due = self.next_working_day(nominal)
            notes.append(
                _("%(day)s %(label)s → 顺延至 %(due)s") % {**_day(info), "due": f"{due:%Y-%m-%d}"}
            )
        uncovered = sorted({y for y in range(nominal.year, due.year + 1) if not self.covers(y)})
        if uncovered:
            notes.append(
                _("%(years)s 年的法定节假日尚未收录，仅按周末计算，请在“工作日历调整”中补录")
                % {"years": "、".join(str(y) for y in uncovered)}
            )
        return due, "；".join(notes)


def _day(info: DayInfo) -> dict:
    return {"day": f"{info.day:%Y-%m-%d}", "label": info.label}


# --- Changing the calendar -------------------------------------------------------------


@transaction.atomic
def change_calendar_day(
    day: date, *, is_working_day: bool | None, name: str = "", note: str = "", by
) -> list:
    """Set (or, with is_working_day=None, remove) a staff override for one day, then move
    the running deadlines the change affects. Returns the DeadlineChange list."""
    from responses.models import CalendarDay

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
    from responses.deadlines import recalculate_after_calendar_change

    return recalculate_after_calendar_change(
        sorted(set(changed_days)), before=before, after=WorkingCalendar.load(), by=by
    )
