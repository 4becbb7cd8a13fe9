"""Two sweeps at the same moment (two beats, or a beat and `manage.py send_reminders`),
each in its own thread with its own database connection: every reminder, notification
and e-mail exists once. PostgreSQL only (CI runs it), as in test_workflow_concurrency:
the in-memory SQLite test database cannot host two writing threads."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from proposals.models import Status
from responses import deadlines, reminders
from responses.models import (
    AssignmentState,
    CommitteeRules,
    Delivery,
    Notification,
    Reminder,
)
from tests.factories import AgencyFactory, AssignmentFactory, OfficerFactory, ProposalFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="two writers need PostgreSQL (CI runs it)"
    ),
]

BEIJING = ZoneInfo("Asia/Shanghai")
ASSIGNED = dt.datetime(2025, 7, 10, 10, 0, tzinfo=BEIJING)
SEPT_10 = dt.datetime(2025, 9, 10, 8, 30, tzinfo=BEIJING)
AGENCIES, PER_AGENCY = 6, 7


@pytest.fixture
def due():
    """42 assignments, 7 in each of 6 agencies with one officer each, all due 2025-10-10."""
    with time_machine.travel(ASSIGNED, tick=False):
        reply = deadlines.reply_deadline(ASSIGNED, CommitteeRules())
        assignments = []
        for n in range(AGENCIES):
            agency = AgencyFactory()
            OfficerFactory(username=f"officer{n}", agency=agency, email=f"o{n}@example.gov.cn")
            for _ in range(PER_AGENCY):
                assignment = AssignmentFactory(
                    proposal=ProposalFactory(status=Status.ASSIGNED),
                    agency=agency,
                    state=AssignmentState.ACCEPTED,
                    assigned_at=ASSIGNED,
                    deadline=reply.date,
                )
                deadlines.record(assignment, reply)
                reminders.schedule_next_reminder(assignment)
                assignments.append(assignment)
    return assignments


def sweep_together(count=2):
    """Start `count` sweeps at once; return their results (re-raising any error)."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            # Small batches, so the two sweeps interleave over many claims.
            results.append(reminders.sweep(batch_size=5))
        except Exception as error:  # reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def test_two_sweeps_at_the_same_moment_send_each_reminder_once(due, mailoutbox):
    with time_machine.travel(SEPT_10, tick=False):
        results = sweep_together()

    assert sum(len(r.sent) for r in results) == len(due)
    assert Reminder.objects.count() == len(due)
    assert Notification.objects.count() == len(due)  # one officer each
    # One digest per officer. Should one sweep mail an officer's digest while the other
    # still adds to it, the late items wait for the next digest: never lost, never twice.
    assert Delivery.objects.count() == AGENCIES
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        f"o{n}@example.gov.cn" for n in range(AGENCIES)
    )
    mailed = Notification.objects.filter(delivery__isnull=False).count()
    waiting = Notification.objects.filter(delivery__isnull=True, email_wanted=True).count()
    assert mailed + waiting == len(due)
    assert sum(m.body.count("查看：") for m in mailoutbox) == mailed


def test_a_second_pair_of_sweeps_at_the_same_moment_sends_nothing_more(due, mailoutbox):
    with time_machine.travel(SEPT_10, tick=False):
        sweep_together()
        again = sweep_together()

    assert [len(r.sent) for r in again] == [0, 0]
    assert Reminder.objects.count() == len(due)
    assert len(mailoutbox) == AGENCIES
