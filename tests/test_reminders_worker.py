"""A real Celery worker on Redis runs the sweep twice (two beats) and sends the digest it
queued once: broker, JSON arguments, on_commit queueing and the claims, end to end.

The worker runs in a thread of this process (celery.contrib.testing, as in
test_documents_worker), so it shares the test database, SQLite or PostgreSQL; it listens
on a queue of its own, so no other worker on the same Redis takes its messages.
"""

import datetime as dt
import time
import uuid
from zoneinfo import ZoneInfo

import pytest
import redis
import time_machine
from celery import Celery
from celery.contrib.testing.worker import start_worker

import responses.tasks  # noqa: F401 - registers the shared tasks with every app
from config.celery_app import app as main_app
from proposals.models import Status
from responses import deadlines, reminders
from responses.models import (
    AssignmentState,
    CommitteeRules,
    Delivery,
    DeliveryStatus,
    Reminder,
)
from tests.factories import AssignmentFactory, ProposalFactory
from tests.test_celery_worker import redis_url  # noqa: F401 - REDIS_URL, or a private server

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BEIJING = ZoneInfo("Asia/Shanghai")
WAIT_SECONDS = 60


@pytest.fixture
def worker_app(redis_url):  # noqa: F811 - the imported fixture
    queue = f"test-reminders-{uuid.uuid4().hex[:12]}"
    app = Celery("jianyan-reminders-test")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=redis_url,
        result_backend=redis_url,
        task_always_eager=False,
        task_default_queue=queue,
    )
    try:
        # The embedded worker makes its app the current one: the digest the sweep queues
        # goes through this app's broker and queue too.
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]):
            yield app
    finally:
        main_app.set_current()
        main_app.set_default()
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"*{queue}*"):
            client.delete(key)


@pytest.fixture
def due(agency):
    assigned_at = dt.datetime(2025, 7, 10, 10, 0, tzinfo=BEIJING)
    with time_machine.travel(assigned_at, tick=False):
        reply = deadlines.reply_deadline(assigned_at, CommitteeRules())
        assignment = AssignmentFactory(
            proposal=ProposalFactory(status=Status.ASSIGNED, number=118),
            agency=agency,
            state=AssignmentState.ACCEPTED,
            assigned_at=assigned_at,
            deadline=reply.date,
        )
        deadlines.record(assignment, reply)
        reminders.schedule_next_reminder(assignment)
    return assignment


def test_a_real_worker_sweeps_twice_and_mails_the_digest_once(worker_app, due, bob, mailoutbox):
    sweep = worker_app.tasks["responses.tasks.sweep_reminders_task"]
    now = "2025-09-10T08:30:00+08:00"

    first = sweep.delay(now=now).get(timeout=WAIT_SECONDS)
    second = sweep.delay(now=now).get(timeout=WAIT_SECONDS)

    assert (first["sent"], first["emails_queued"]) == (1, 1)
    assert (second["sent"], second["emails_queued"]) == (0, 0)
    deadline = time.monotonic() + WAIT_SECONDS
    while not mailoutbox and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # room for a duplicate to show up, were there one
    assert [m.to for m in mailoutbox] == [["bob@example.org"]]
    assert "第118号提案答复期限还有30天（2025-10-10）" in mailoutbox[0].body
    assert Reminder.objects.filter(assignment=due).count() == 1
    assert Delivery.objects.get().status == DeliveryStatus.SENT
