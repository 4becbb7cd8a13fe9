"""Time travel through every point of the reminder schedule, across 2025's National Day.

2025-10-01..08 are off; 2025-09-28 (Sunday) and 2025-10-11 (Saturday) are worked.
The schedule (defaults): 30, 7 and 1 days before, on the day, then every 7 days after;
a point on a rest day goes out the working day before (before the deadline) or after
(overdue). Sweeps run at 08:00 (before the send time), 08:30 and 17:00 every day.
"""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine

from proposals.models import Status
from responses import deadlines, reminders
from responses.models import (
    AssignmentState,
    CommitteeRules,
    Notification,
    Reminder,
    ReminderKind,
    ReminderTarget,
)
from responses.models import Role as AssignmentRole
from tests.factories import AssignmentFactory, ProposalFactory, UserFactory, home_committee

BEIJING = ZoneInfo("Asia/Shanghai")
D = dt.date
BEFORE, DUE, OVERDUE = ReminderKind.BEFORE, ReminderKind.DUE, ReminderKind.OVERDUE


def at(day: dt.date, hour=8, minute=30) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BEIJING)


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """The sweep as beat runs it, with the e-mails it queues sent (tasks run eagerly)."""

    def run(now=None, **options):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.sweep(now, **options)

    return run


def assign(agency, assigned_at, role=AssignmentRole.LEAD, proposal=None):
    """An assignment made at `assigned_at` with the rule's deadlines and its first point."""
    with time_machine.travel(assigned_at, tick=False):
        reply = deadlines.reply_deadline(assigned_at, CommitteeRules())
        opinion = deadlines.opinion_deadline(assigned_at, CommitteeRules())
        assignment = AssignmentFactory(
            proposal=proposal or ProposalFactory(status=Status.ASSIGNED),
            agency=agency,
            role=role,
            state=AssignmentState.ACCEPTED,
            assigned_at=assigned_at,
            deadline=reply.date,
            opinion_deadline=opinion.date if role == AssignmentRole.JOINT else None,
        )
        deadlines.record(assignment, reply)
        reminders.schedule_next_reminder(assignment)
    return assignment


def run_days(sweep, first: dt.date, last: dt.date, times=((8, 0), (8, 30), (17, 0))):
    day = first
    while day <= last:
        for hour, minute in times:
            with time_machine.travel(at(day, hour, minute), tick=False):
                sweep()
        day += dt.timedelta(days=1)


def sent(assignment):
    return list(
        Reminder.objects.filter(assignment=assignment)
        .order_by("due_on")
        .values_list("due_on", "kind")
    )


@pytest.fixture
def before_holiday(agency):
    """Due Friday 2025-10-10, the day after the National Day week."""
    return assign(agency, at(D(2025, 7, 10), 10, 0))


@pytest.fixture
def after_holiday(agency):
    """Due Tuesday 2025-10-28; 30 days before is the worked Sunday 2025-09-28."""
    return assign(agency, at(D(2025, 7, 28), 10, 0))


def test_a_new_assignment_is_first_reminded_thirty_days_before_its_deadline(before_holiday):
    assert before_holiday.deadline == D(2025, 10, 10)
    assert before_holiday.next_reminder_at == at(D(2025, 9, 10))


def test_every_point_goes_out_once_on_a_working_day_across_the_national_day(
    before_holiday, after_holiday, bob, alice, sweep
):
    run_days(sweep, D(2025, 9, 1), D(2025, 10, 31))

    assert sent(before_holiday) == [
        (D(2025, 9, 10), BEFORE),  # 30 days before
        (D(2025, 9, 30), BEFORE),  # 7 days before is 10-03 (holiday): the working day before
        (D(2025, 10, 9), BEFORE),  # 1 day before
        (D(2025, 10, 10), DUE),
        (D(2025, 10, 11), OVERDUE),  # a Saturday, but worked (调休)
        (D(2025, 10, 20), OVERDUE),  # 10-18 is a Saturday off: the next working day
        (D(2025, 10, 27), OVERDUE),  # 10-25 likewise
    ]
    assert sent(after_holiday) == [
        (D(2025, 9, 28), BEFORE),  # 30 days before: a Sunday, but worked (调休)
        (D(2025, 10, 21), BEFORE),
        (D(2025, 10, 27), BEFORE),
        (D(2025, 10, 28), DUE),
        (D(2025, 10, 29), OVERDUE),
    ]


def test_the_officer_gets_one_digest_a_day_and_staff_only_once_work_is_overdue(
    before_holiday, after_holiday, bob, alice, sweep, mailoutbox
):
    run_days(sweep, D(2025, 9, 1), D(2025, 10, 31))

    to_bob = [m for m in mailoutbox if m.to == [bob.email]]
    to_alice = [m for m in mailoutbox if m.to == [alice.email]]
    assert [m.subject[5:15] for m in to_bob] == [
        "2025-09-10",
        "2025-09-28",
        "2025-09-30",
        "2025-10-09",
        "2025-10-10",
        "2025-10-11",
        "2025-10-20",
        "2025-10-21",
        "2025-10-27",
        "2025-10-28",
        "2025-10-29",
    ]
    assert [m.subject[5:15] for m in to_alice] == [
        "2025-10-11",
        "2025-10-20",
        "2025-10-27",
        "2025-10-29",
    ]
    # 10-27: one is 1 day before its deadline, the other 17 days overdue: one e-mail.
    digest = next(m for m in to_bob if "2025-10-27" in m.subject)
    assert digest.subject == "[建言] 2025-10-27 办理期限提醒：2 项（其中逾期 1 项）"
    assert "答复期限还有1天（2025-10-28）" in digest.body
    assert "已逾期17天（期限 2025-10-10）" in digest.body


def test_nothing_goes_out_before_the_days_send_time(before_holiday, bob, sweep, mailoutbox):
    with time_machine.travel(at(D(2025, 9, 10), 8, 29), tick=False):
        sweep()

    assert sent(before_holiday) == []
    assert mailoutbox == []


def test_after_each_point_the_next_one_is_scheduled(before_holiday, bob, sweep):
    expected_next = [
        at(D(2025, 9, 30)),
        at(D(2025, 10, 9)),
        at(D(2025, 10, 10)),
        at(D(2025, 10, 11)),
        at(D(2025, 10, 20)),
    ]
    moment = before_holiday.next_reminder_at
    for expected in expected_next:
        with time_machine.travel(moment, tick=False):
            sweep()
        before_holiday.refresh_from_db()
        assert before_holiday.next_reminder_at == expected
        moment = expected


def test_a_sweep_that_was_down_for_days_sends_only_the_latest_point(before_holiday, bob, sweep):
    with time_machine.travel(at(D(2025, 10, 9), 9, 0), tick=False):  # nothing ran since 9-01
        sweep()

    assert sent(before_holiday) == [(D(2025, 10, 9), BEFORE)]


def test_a_key_proposals_supervisor_is_reminded_too(agency, bob, sweep):
    leader = UserFactory(username="leader", display_name="赵主席")
    proposal = ProposalFactory(status=Status.ASSIGNED, is_key=True, supervisor=leader)
    assignment = assign(agency, at(D(2025, 7, 10), 10, 0), proposal=proposal)

    with time_machine.travel(at(D(2025, 9, 10)), tick=False):
        sweep()

    assert set(
        Notification.objects.filter(assignment=assignment).values_list("user__username", flat=True)
    ) == {"bob", "leader"}


def test_joint_agencies_are_reminded_of_their_opinion_deadline(
    agency, other_agency, charlie, sweep
):
    proposal = ProposalFactory(status=Status.ASSIGNED)
    assign(agency, at(D(2025, 9, 1), 10, 0), proposal=proposal)
    joint = assign(other_agency, at(D(2025, 9, 1), 10, 0), AssignmentRole.JOINT, proposal)
    assert joint.opinion_deadline == D(2025, 10, 9)  # 10-01 + holiday

    run_days(sweep, D(2025, 9, 1), D(2025, 10, 10), times=((8, 30),))

    assert sent(joint) == [
        (D(2025, 9, 9), BEFORE),  # 30 days before is 9-09
        (D(2025, 9, 30), BEFORE),  # 7 and 1 days before fall in the holiday: one reminder
        (D(2025, 10, 9), DUE),
        (D(2025, 10, 10), OVERDUE),
    ]
    assert set(Reminder.objects.filter(assignment=joint).values_list("target", flat=True)) == {
        ReminderTarget.OPINION
    }
    note = Notification.objects.get(user=charlie, reminder__due_on=D(2025, 9, 30))
    assert reminders.notification_text(note).title.endswith("会办意见期限还有9天（2025-10-09）")


def test_finished_work_drops_out_of_the_sweep(before_holiday, bob, sweep):
    before_holiday.state = AssignmentState.REPLIED
    before_holiday.save()
    reminders.schedule_next_reminder(before_holiday)

    assert before_holiday.next_reminder_at is None
    run_days(sweep, D(2025, 9, 1), D(2025, 10, 15), times=((8, 30),))
    assert sent(before_holiday) == []


def test_the_schedule_follows_the_committees_settings(agency, bob, sweep):
    from responses.models import CommitteeRules

    CommitteeRules.objects.update_or_create(
        committee=home_committee(),
        defaults={"reminder_days_before": "14,3", "overdue_reminder_every_days": 0},
    )
    assignment = assign(agency, at(D(2025, 7, 10), 10, 0))

    run_days(sweep, D(2025, 9, 1), D(2025, 11, 30), times=((8, 30),))

    assert sent(assignment) == [
        (D(2025, 9, 26), BEFORE),  # 14 days before
        (D(2025, 9, 30), BEFORE),  # 3 days before (10-07) is in the holiday
        (D(2025, 10, 11), OVERDUE),  # no "on the day" (no 0), one overdue notice only
    ]


def test_a_changed_schedule_reaches_assignments_already_waiting(before_holiday, bob, sweep):
    from django.core.management import call_command

    from responses.models import CommitteeRules

    assert before_holiday.next_reminder_at == at(D(2025, 9, 10))
    CommitteeRules.objects.update_or_create(
        committee=home_committee(), defaults={"reminder_days_before": "45,7,1,0"}
    )

    with time_machine.travel(at(D(2025, 8, 1)), tick=False):
        call_command("send_reminders", "--reschedule", stdout=StringIO())

    before_holiday.refresh_from_db()
    assert before_holiday.next_reminder_at == at(D(2025, 8, 26))  # 45 days before
