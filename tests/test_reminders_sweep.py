"""The sweep: only what is due, each reminder once, a crashing record pushed back and
reported, a constant number of queries, and `manage.py send_reminders`."""

import datetime as dt
import logging
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from proposals.models import Status
from responses import deadlines, reminders
from responses.models import (
    AssignmentState,
    CommitteeRules,
    Delivery,
    Notification,
    Reminder,
    ReminderKind,
    ReminderSettings,
)
from responses.reminders import sweeper as reminder_sweep
from tests.factories import (
    AgencyFactory,
    AssignmentFactory,
    OfficerFactory,
    ProposalFactory,
    home_committee,
)

BEIJING = ZoneInfo("Asia/Shanghai")
D = dt.date
SEPT_10 = dt.datetime(2025, 9, 10, 8, 30, tzinfo=BEIJING)  # 30 days before 2025-10-10


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    def run(now=None, **options):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.sweep(now, **options)

    return run


def due_on_oct_10(agency, **kwargs):
    """Assigned 2025-07-10, due 2025-10-10: its first point is 2025-09-10 08:30."""
    assigned_at = dt.datetime(2025, 7, 10, 10, 0, tzinfo=BEIJING)
    with time_machine.travel(assigned_at, tick=False):
        reply = deadlines.reply_deadline(assigned_at, CommitteeRules())
        assignment = AssignmentFactory(
            proposal=ProposalFactory(status=Status.ASSIGNED),
            agency=agency,
            state=AssignmentState.ACCEPTED,
            assigned_at=assigned_at,
            deadline=reply.date,
            **kwargs,
        )
        deadlines.record(assignment, reply)
        reminders.schedule_next_reminder(assignment)
    return assignment


@pytest.fixture
def due(agency):
    return due_on_oct_10(agency)


@time_machine.travel(SEPT_10, tick=False)
def test_running_the_sweep_twice_sends_each_reminder_once(due, bob, sweep, mailoutbox):
    first = sweep()
    second = sweep()

    assert len(first.sent) == 1 and second.sent == []
    assert Reminder.objects.filter(assignment=due).count() == 1
    assert Notification.objects.filter(user=bob).count() == 1
    assert len(mailoutbox) == 1


@time_machine.travel(SEPT_10, tick=False)
def test_a_reminder_already_recorded_is_never_notified_again(due, bob, sweep, mailoutbox):
    # e.g. recorded by a sweep that crashed after committing, or by another process
    Reminder.objects.create(
        assignment=due,
        kind=ReminderKind.BEFORE,
        due_on=D(2025, 9, 10),
        deadline=due.deadline,
        days_left=30,
        notified_at=SEPT_10,
    )

    sweep()

    assert Notification.objects.count() == 0
    assert mailoutbox == []
    due.refresh_from_db()
    assert due.next_reminder_at == dt.datetime(2025, 9, 30, 8, 30, tzinfo=BEIJING)


def test_the_database_refuses_a_second_reminder_for_the_same_kind_and_day(due):
    fields = dict(assignment=due, kind="before", due_on=D(2025, 9, 10), deadline=due.deadline)
    Reminder.objects.create(days_left=30, **fields)

    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(days_left=30, **fields)


@time_machine.travel(SEPT_10, tick=False)
def test_a_record_that_crashes_the_sweep_is_pushed_back_an_hour_and_reported(
    agency, bob, sweep, monkeypatch, caplog
):
    good, bad = due_on_oct_10(agency), due_on_oct_10(agency)
    real_plan = reminders.plan

    def plan(assignment, now, ctx):
        if assignment.pk == bad.pk:
            raise ValueError("broken record")
        return real_plan(assignment, now, ctx)

    monkeypatch.setattr(reminder_sweep, "plan", plan)
    with caplog.at_level(logging.ERROR, logger="responses.reminders"):
        result = sweep()

    assert [s.assignment.pk for s in result.sent] == [good.pk]
    assert result.failures == [(bad.pk, "ValueError('broken record')")]
    assert f"assignment {bad.pk} pushed back one hour" in caplog.text
    bad.refresh_from_db()
    assert bad.next_reminder_at == SEPT_10 + dt.timedelta(hours=1)

    monkeypatch.setattr(reminder_sweep, "plan", real_plan)  # fixed: it goes out an hour later
    assert sweep().sent == []
    with time_machine.travel(SEPT_10 + dt.timedelta(hours=1), tick=False):
        assert [s.assignment.pk for s in sweep().sent] == [bad.pk]


@time_machine.travel(SEPT_10, tick=False)
def test_a_batch_that_fails_while_writing_goes_on_row_by_row_without_the_bad_one(
    agency, bob, sweep, monkeypatch
):
    good, bad = due_on_oct_10(agency), due_on_oct_10(agency)
    real_notification = reminder_sweep.Notification

    def notification(**fields):
        if fields["assignment"].pk == bad.pk:
            raise RuntimeError("cannot write")
        return real_notification(**fields)

    notification.objects = real_notification.objects
    monkeypatch.setattr(reminder_sweep, "Notification", notification)
    result = sweep()

    assert [pk for pk, _error in result.failures] == [bad.pk]
    assert Reminder.objects.filter(assignment=good).count() == 1
    assert Reminder.objects.filter(assignment=bad).count() == 0  # rolled back, not half-sent
    bad.refresh_from_db()
    assert bad.next_reminder_at == SEPT_10 + dt.timedelta(hours=1)


def test_the_sweep_looks_only_at_rows_whose_time_has_come(agency, bob, sweep):
    due = due_on_oct_10(agency)
    later = due_on_oct_10(agency)
    later.next_reminder_at = SEPT_10 + dt.timedelta(days=1)
    later.save()

    with time_machine.travel(SEPT_10, tick=False):
        result = sweep()

    assert [s.assignment.pk for s in result.sent] == [due.pk]
    assert result.rescheduled == 1


def test_the_sweeps_queries_do_not_grow_with_the_number_of_due_assignments(agency, bob):
    # The e-mails it queues are sent by their own tasks (one per recipient), not counted
    # here: in a test transaction they are not run.
    def queries_for(count):
        assignments = [due_on_oct_10(AgencyFactory()) for _ in range(count)]
        for assignment in assignments:  # every agency has an officer
            OfficerFactory(username=f"officer-{assignment.pk}", agency=assignment.agency)
        with time_machine.travel(SEPT_10, tick=False), CaptureQueriesContext(connection) as ctx:
            result = reminders.sweep()
        assert len(result.sent) == count
        Reminder.objects.all().delete()
        Notification.objects.all().delete()
        Delivery.objects.all().delete()
        return len(ctx.captured_queries)

    queries_for(1)  # warm up the rows the sweep creates once (settings)
    assert queries_for(3) == queries_for(30)


@time_machine.travel(SEPT_10, tick=False)
def test_a_dry_run_reports_what_would_be_sent_and_changes_nothing(due, bob, sweep, mailoutbox):
    before = due.next_reminder_at

    result = sweep(dry_run=True)

    assert [(s.assignment.pk, s.point.kind, s.recipients) for s in result.sent] == [
        (due.pk, ReminderKind.BEFORE, [bob.pk])
    ]
    assert Reminder.objects.count() == 0 and Notification.objects.count() == 0
    assert mailoutbox == []
    due.refresh_from_db()
    assert due.next_reminder_at == before


def test_staff_are_told_of_overdue_work_only_if_the_settings_say_so(agency, bob, alice, sweep):
    ReminderSettings.objects.update_or_create(
        committee=home_committee(), defaults={"escalate_after_days": 7}
    )
    assignment = due_on_oct_10(agency)
    overdue = dt.datetime(2025, 10, 11, 8, 30, tzinfo=BEIJING)

    with time_machine.travel(overdue, tick=False):
        sweep(overdue)
    with time_machine.travel(overdue + dt.timedelta(days=9), tick=False):  # 10-20
        sweep()

    notified = Notification.objects.filter(assignment=assignment).order_by(
        "created_at", "user__username"
    )
    assert [(n.reminder.due_on, n.user.username) for n in notified] == [
        (D(2025, 10, 11), "bob"),
        (D(2025, 10, 20), "alice"),
        (D(2025, 10, 20), "bob"),
    ]


@time_machine.travel(SEPT_10, tick=False)
def test_an_officer_without_an_address_is_notified_in_the_app_only(agency, sweep, mailoutbox):
    officer = OfficerFactory(username="noaddress", agency=agency, email="")
    due_on_oct_10(agency)

    sweep()

    assert Notification.objects.get(user=officer).email_wanted is False
    assert mailoutbox == []


def test_the_command_prints_what_it_would_send_and_then_sends_it(due, bob, mailoutbox):
    out = StringIO()
    call_command("send_reminders", "--dry-run", "--now", "2025-09-10T08:30+08:00", stdout=out)

    assert "将发送 2025-09-10 到期前提醒" in out.getvalue()
    assert "期限 2025-10-10 → bob" in out.getvalue()
    assert Reminder.objects.count() == 0

    out = StringIO()
    call_command("send_reminders", "--now", "2025-09-10T08:30+08:00", stdout=out)

    assert "已发送 2025-09-10 到期前提醒" in out.getvalue()
    assert "已发送提醒 1 条，站内通知 1 条" in out.getvalue()
    assert Reminder.objects.count() == 1


def test_the_command_takes_a_bare_time_as_beijing_time(due, bob):
    out = StringIO()
    call_command("send_reminders", "--dry-run", "--now", "2025-09-10 08:30", stdout=out)

    assert "2025-09-10T08:30+08:00：将发送提醒 1 条" in out.getvalue()


@time_machine.travel(SEPT_10, tick=False)
def test_finished_work_still_in_the_index_is_dropped_without_a_reminder(due, bob, sweep):
    # e.g. a reply confirmed by a path that forgot to clear next_reminder_at
    due.state = AssignmentState.REPLIED
    due.save()

    result = sweep()

    assert result.sent == [] and result.rescheduled == 1
    due.refresh_from_db()
    assert due.next_reminder_at is None
