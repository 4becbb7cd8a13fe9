"""Deadlines on China's working calendar: each rule, each move off a rest day, explained.

2025's National Day: 2025-10-01..08 off (国庆节 with 中秋 on 10-06), 2025-09-28 (Sunday)
and 2025-10-11 (Saturday) worked (调休).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accounts.models import User
from responses import deadlines
from responses.calendar import WorkingCalendar
from responses.models import CalendarDay, CommitteeRules, DeadlineChangeKind, DeadlineRule

D = dt.date
JUNE_10 = dt.datetime(2025, 6, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
WANG = User(username="wang", display_name="王工作人员")  # unsaved: named, not stored


@pytest.fixture
def rules():
    return CommitteeRules()  # the defaults, unsaved: these tests need no database


@pytest.fixture
def official():
    return WorkingCalendar()


def test_the_official_calendar_knows_holidays_and_make_up_working_days(official):
    assert not official.is_working_day(D(2025, 10, 1))
    assert not official.is_working_day(D(2025, 10, 8))
    assert official.is_working_day(D(2025, 9, 28))  # Sunday, worked
    assert official.is_working_day(D(2025, 10, 11))  # Saturday, worked
    assert not official.is_working_day(D(2025, 6, 21))  # an ordinary Saturday
    assert official.info(D(2025, 10, 1)).label == "国庆节"
    assert official.info(D(2025, 10, 6)).label == "中秋"
    assert official.info(D(2025, 9, 28)).label == "周日（调休上班）"


def test_a_three_month_deadline_on_a_working_day_stays_and_says_how_it_was_made(rules, official):
    computed = deadlines.reply_deadline(D(2025, 3, 20), rules, calendar=official)

    assert computed.date == D(2025, 6, 20)
    assert computed.explanation == "交办 2025-03-20 + 3个月 = 2025-06-20"


def test_a_deadline_on_a_saturday_moves_to_monday_and_says_so(rules, official):
    computed = deadlines.reply_deadline(D(2025, 3, 21), rules, calendar=official)

    assert computed.date == D(2025, 6, 23)
    assert computed.explanation == (
        "交办 2025-03-21 + 3个月 = 2025-06-21；2025-06-21 周六 → 顺延至 2025-06-23"
    )


def test_a_deadline_in_the_national_day_week_moves_past_the_whole_holiday(rules, official):
    computed = deadlines.reply_deadline(D(2025, 7, 1), rules, calendar=official)

    assert computed.date == D(2025, 10, 9)
    assert "2025-10-01 国庆节 → 顺延至 2025-10-09" in computed.explanation


def test_a_deadline_on_a_make_up_working_sunday_does_not_move(rules, official):
    computed = deadlines.reply_deadline(D(2025, 6, 28), rules, calendar=official)

    assert computed.date == D(2025, 9, 28)
    assert "2025-09-28 周日（调休上班），不顺延" in computed.explanation


def test_the_reassignment_window_counts_ten_working_days_across_the_holiday(rules, official):
    computed = deadlines.reassignment_deadline(D(2025, 9, 26), rules, calendar=official)

    # 9-28 (Sun, worked), 9-29, 9-30, 10-09, 10-10, 10-11 (Sat, worked), 10-13..10-16
    assert computed.date == D(2025, 10, 16)
    assert "10 个工作日 = 2025-10-16" in computed.explanation
    assert "含国庆节、中秋" in computed.explanation
    assert "调休上班日 2025-09-28、2025-10-11 计入" in computed.explanation


def test_the_reassignment_window_follows_the_committees_number_of_days(official):
    rules = CommitteeRules(reassignment_working_days=5)

    assert deadlines.reassignment_deadline(D(2025, 6, 16), rules, calendar=official).date == D(
        2025, 6, 23
    )


def test_joint_opinions_are_due_one_month_after_assignment_moved_off_holidays(rules, official):
    computed = deadlines.opinion_deadline(D(2025, 9, 1), rules, calendar=official)

    assert computed.date == D(2025, 10, 9)
    assert computed.explanation.startswith("会办意见：交办 2025-09-01 + 1个月 = 2025-10-01")


def test_joint_opinions_are_never_due_after_the_leads_reply(official):
    rules = CommitteeRules(joint_opinion_months=4, reply_months=3)

    computed = deadlines.opinion_deadline(D(2025, 3, 20), rules, calendar=official)

    assert computed.date == D(2025, 6, 20)
    assert "不晚于答复期限 2025-06-20" in computed.explanation


def test_rehandling_gets_one_month_from_being_sent_back(rules, official):
    computed = deadlines.rehandling_deadline(D(2025, 8, 21), rules, calendar=official)

    assert computed.date == D(2025, 9, 22)  # 9-21 is a Sunday
    assert computed.explanation.startswith("重新办理：2025-08-21 + 1个月 = 2025-09-21")


def test_the_extension_limit_is_six_months_from_assignment(rules, official):
    computed = deadlines.latest_extension(D(2025, 3, 20), rules, calendar=official)

    assert computed.date == D(2025, 9, 22)  # 9-20 is a Saturday
    assert computed.explanation.startswith("延期上限：交办 2025-03-20 + 6个月 = 2025-09-20")


def test_an_extension_names_who_approved_it_and_moves_off_a_rest_day(rules, official):
    base = deadlines.reply_deadline(D(2025, 3, 20), rules, calendar=official)

    extended = deadlines.extended_deadline(
        D(2025, 3, 20),
        D(2025, 8, 23),
        approved_by=WANG,
        approved_at=JUNE_10,
        reason="需协调多部门",
        previous=base.date,
        rules=rules,
        calendar=official,
    )

    assert extended.date == D(2025, 8, 25)
    assert extended.explanation == (
        "延期至 2025-08-23（王工作人员 于 2025-06-10 批准）；2025-08-23 周六 → 顺延至 2025-08-25"
    )
    assert deadlines.join(*deadlines.describe(base.changes + extended.changes)) == (
        "交办 2025-03-20 + 3个月 = 2025-06-20；"
        "延期至 2025-08-23（王工作人员 于 2025-06-10 批准）；"
        "2025-08-23 周六 → 顺延至 2025-08-25"
    )
    step = extended.changes[0]
    assert (step.kind, step.requested, step.date, step.previous, step.reason, step.by) == (
        DeadlineChangeKind.EXTENSION,
        D(2025, 8, 23),
        D(2025, 8, 23),
        D(2025, 6, 20),
        "需协调多部门",
        WANG,
    )


def test_an_extension_never_passes_six_months_from_assignment(rules, official):
    extended = deadlines.extended_deadline(
        D(2025, 3, 20),
        D(2025, 12, 31),
        approved_by=WANG,
        approved_at=JUNE_10,
        rules=rules,
        calendar=official,
    )

    assert extended.date == D(2025, 9, 22)
    assert "超过延期上限（交办 2025-03-20 + 6个月），按上限 2025-09-22" in extended.explanation


def test_a_year_the_official_calendar_does_not_know_is_counted_by_weekends_and_says_so(
    rules, official
):
    computed = deadlines.reply_deadline(D(2026, 10, 20), rules, calendar=official)

    assert computed.date == D(2027, 1, 20)
    # Said once per page by whoever shows it (templatetags/deadline_words), not per date.
    assert computed.unknown_years == [2027]
    assert "尚未收录" not in computed.explanation


def test_staff_corrections_override_the_official_calendar(rules):
    # e.g. next year's Spring Festival, published after the package's release
    calendar = WorkingCalendar({D(2027, 1, 20): (False, "春节"), D(2027, 1, 21): (False, "春节")})

    computed = deadlines.reply_deadline(D(2026, 10, 20), rules, calendar=calendar)

    assert computed.date == D(2027, 1, 22)
    assert "2027-01-20 春节 → 顺延至 2027-01-22" in computed.explanation
    assert computed.unknown_years == []


def test_the_calendar_loads_staff_corrections_from_the_database(db, rules):
    CalendarDay.objects.create(date=D(2025, 6, 20), is_working_day=False, name="临时停工")

    computed = deadlines.reply_deadline(D(2025, 3, 20), rules)

    assert computed.date == D(2025, 6, 23)
    assert "2025-06-20 临时停工 → 顺延至 2025-06-23" in computed.explanation


def test_the_stated_date_is_the_latest_rule_extension_or_change_by_staff(rules, official):
    base = deadlines.reply_deadline(D(2025, 7, 1), rules, calendar=official)
    extended = deadlines.extended_deadline(
        D(2025, 7, 1), D(2025, 11, 15), approved_by=WANG, rules=rules, calendar=official
    )
    chosen = deadlines.set_by_staff(D(2025, 11, 20), previous=D(2025, 11, 17), by=WANG)

    assert base.date == D(2025, 10, 9)
    assert deadlines.stated_date(base.changes) == D(2025, 10, 1)  # before the holiday
    assert deadlines.stated_date(base.changes + extended.changes) == D(2025, 11, 15)
    assert deadlines.stated_date(base.changes + extended.changes + chosen.changes) == D(
        2025, 11, 20
    )
    assert deadlines.stated_date(()) is None


def test_each_rule_is_kept_as_a_code_with_its_start_and_months(rules, official):
    computed = deadlines.reply_deadline(D(2025, 7, 1), rules, calendar=official)

    rule, moved = computed.changes
    assert (rule.kind, rule.rule, rule.start, rule.months, rule.date) == (
        DeadlineChangeKind.RULE,
        DeadlineRule.REPLY,
        D(2025, 7, 1),
        3,
        D(2025, 10, 1),
    )
    assert (moved.kind, moved.day, moved.date, moved.holiday) == (
        DeadlineChangeKind.SHIFT,
        D(2025, 10, 1),
        D(2025, 10, 9),
        "national_day",
    )
