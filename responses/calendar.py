"""Working days in China: the official calendar, corrected by staff.

The official holidays and 调休 make-up working days come from the pinned `chinesecalendar`
package; `CalendarDay` rows (edited in the admin) override it day by day, e.g. to add
next year's schedule before the package knows it. Outside the package's years and
without overrides, only weekends are rest days, and explanations say so. Days are named
(`day_label`) when shown, in the reader's language, from the data a deadline's history
keeps: the date, the staff's name for it, the official holiday's code.

A `WorkingCalendar` is a snapshot: load it once (one query) and pass it along, so that
computing many dates costs no further queries. `change_calendar_day` is the service that
edits a day and moves the deadlines still running.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from django.utils.translation import gettext_lazy as _

WEEKDAYS = (_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日"))
# chinesecalendar names a holiday by an English value; its enum's name is the code a
# deadline's history keeps (DeadlineChange.holiday), shown in the reader's language.
HOLIDAY_NAMES = {
    "new_years_day": _("元旦"),
    "spring_festival": _("春节"),
    "tomb_sweeping_day": _("清明"),
    "labour_day": _("劳动节"),
    "dragon_boat_festival": _("端午"),
    "national_day": _("国庆节"),
    "mid_autumn_festival": _("中秋"),
    "anti_fascist_70th_day": _("抗战胜利70周年纪念日"),
}
_HOLIDAY_CODES = {holiday.value: holiday.name for holiday in chinese_calendar.Holiday}
_OFFICIAL_YEARS = range(
    min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1
)


def weekday_name(day: date) -> str:
    return str(WEEKDAYS[day.weekday()])


def day_label(day: date, *, is_working: bool, name: str = "", holiday: str = "") -> str:
    """How an explanation names a day, in the reader's language: "周六", "国庆节",
    "周日（调休上班）", or the name staff gave it."""
    weekend = day.weekday() >= 5
    if is_working:
        if weekend:
            makeup = name or _("调休上班")
            return f"{weekday_name(day)}（{makeup}）"
        return name
    if name:
        return name
    if holiday in HOLIDAY_NAMES:
        return str(HOLIDAY_NAMES[holiday])
    return weekday_name(day) if weekend else str(_("休息日"))


@dataclass(frozen=True)
class DayInfo:
    day: date
    is_working: bool
    name: str = ""  # the name staff gave the day (CalendarDay.name): their words
    holiday: str = ""  # the official holiday's code (HOLIDAY_NAMES)

    @property
    def label(self) -> str:
        return day_label(self.day, is_working=self.is_working, name=self.name, holiday=self.holiday)


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
        if day in self.overrides:
            working, name = self.overrides[day]
            return DayInfo(day, working, name)
        if day.year in _OFFICIAL_YEARS:
            if day in chinese_calendar.workdays:
                return DayInfo(day, True)
            if day in chinese_calendar.holidays:
                english = chinese_calendar.holidays[day]
                return DayInfo(day, False, holiday=_HOLIDAY_CODES.get(english, ""))
        return DayInfo(day, day.weekday() < 5)

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


# --- Changing the calendar -------------------------------------------------------------
