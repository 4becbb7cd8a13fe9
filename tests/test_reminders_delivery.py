"""E-mail: one digest per person per day, in Chinese, text and HTML with links; sends
that fail retry with growing waits and then show up for staff; 催办 goes out at once."""

import datetime as dt
import smtplib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail.backends.base import BaseEmailBackend

from proposals.models import Action, Event, Status
from proposals.workflow import TransitionError
from responses import deadlines, reminders
from responses.models import (
    AssignmentState,
    CommitteeRules,
    Delivery,
    DeliveryStatus,
    Notification,
    ReminderKind,
    ReminderSettings,
)
from tests.factories import (
    AgencyFactory,
    AssignmentFactory,
    NotificationFactory,
    ProposalFactory,
    home_committee,
)

BEIJING = ZoneInfo("Asia/Shanghai")
SEPT_10 = dt.datetime(2025, 9, 10, 8, 30, tzinfo=BEIJING)


class FlakyBackend(BaseEmailBackend):
    """Fails the next `failures` sends like a dropped SMTP connection, then delivers."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def flaky(settings, mailoutbox):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakyBackend"}}
    FlakyBackend.failures = 0
    yield FlakyBackend
    FlakyBackend.failures = 0


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    def run(now=None, **options):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.sweep(now, **options)

    return run


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def make_due(agency, state=AssignmentState.ACCEPTED):
    assigned_at = dt.datetime(2025, 7, 10, 10, 0, tzinfo=BEIJING)
    with time_machine.travel(assigned_at, tick=False):
        reply = deadlines.reply_deadline(assigned_at, CommitteeRules())
        assignment = AssignmentFactory(
            proposal=ProposalFactory(
                status=Status.ASSIGNED, number=118, title="关于加快数字经济发展的建议"
            ),
            agency=agency,
            state=state,
            assigned_at=assigned_at,
            deadline=reply.date,
        )
        deadlines.record(assignment, reply)
        reminders.schedule_next_reminder(assignment)
    return assignment


@pytest.fixture
def due(agency):
    return make_due(agency)


@time_machine.travel(SEPT_10, tick=False)
def test_the_digest_is_chinese_text_and_html_with_a_link_to_each_item(due, bob, sweep, mailoutbox):
    sweep()

    (message,) = mailoutbox
    assert message.to == ["bob@example.org"]
    assert message.subject == "[建言] 2025-09-10 办理期限提醒：1 项"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    notification = Notification.objects.get(user=bob)
    link = f"http://127.0.0.1:8000/notifications/{notification.pk}/"
    assert "李联络员，您好：" in message.body
    assert "第118号提案答复期限还有30天（2025-10-10）" in message.body
    assert "提案：第118号提案《关于加快数字经济发展的建议》" in message.body
    assert "期限说明：交办 2025-07-10 + 3个月 = 2025-10-10" in message.body
    assert link in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'<a href="{link}">查看并办理</a>' in html
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.subject == "[建言] 2025-09-10 办理期限提醒：1 项"
    assert delivery.to_email == "bob@example.org"


def test_what_arrives_after_todays_digest_waits_for_tomorrows(due, bob, sweep, mailoutbox):
    with time_machine.travel(SEPT_10, tick=False):
        sweep()
    with time_machine.travel(SEPT_10 + dt.timedelta(hours=2), tick=False):
        NotificationFactory(
            user=bob,
            reminder__assignment__proposal__number=280,
            reminder__assignment__proposal__status=Status.ASSIGNED,
        )
        sweep()
    assert len(mailoutbox) == 1

    with time_machine.travel(SEPT_10 + dt.timedelta(days=1), tick=False):
        sweep()

    assert len(mailoutbox) == 2
    assert "第280号提案答复期限还有7天" in mailoutbox[1].body
    assert Delivery.objects.filter(recipient=bob).count() == 2


@time_machine.travel(SEPT_10, tick=False)
def test_a_delivery_sent_twice_goes_out_once(due, bob, mailoutbox):
    reminders.sweep()  # in the test transaction: records, but queues nothing yet
    delivery = Delivery.objects.get()

    first = reminders.send_delivery(delivery.pk)
    second = reminders.send_delivery(delivery.pk)

    assert (first.status, second.status) == (DeliveryStatus.SENT, "skipped")
    assert len(mailoutbox) == 1


def test_a_send_whose_worker_died_midway_is_taken_over_after_a_while(due, bob, mailoutbox):
    with time_machine.travel(SEPT_10, tick=False):
        reminders.sweep()
        delivery = Delivery.objects.get()
        Delivery.objects.filter(pk=delivery.pk).update(status="sending", claimed_at=SEPT_10)
        assert reminders.send_delivery(delivery.pk).status == "skipped"

    with time_machine.travel(SEPT_10 + dt.timedelta(minutes=16), tick=False):
        assert reminders.send_delivery(delivery.pk).status == DeliveryStatus.SENT
    assert len(mailoutbox) == 1


def test_a_failing_send_retries_with_growing_waits_then_shows_up_for_staff(
    due, bob, alice, sweep, flaky, mailoutbox, on_commit
):
    ReminderSettings.objects.update_or_create(
        committee=home_committee(), defaults={"max_send_attempts": 3}
    )
    flaky.failures = 10

    with time_machine.travel(SEPT_10, tick=False):
        sweep()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.next_attempt_at == SEPT_10 + dt.timedelta(minutes=1)
    assert delivery.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"

    with time_machine.travel(SEPT_10 + dt.timedelta(seconds=30), tick=False):
        sweep()  # too early: no attempt
    delivery.refresh_from_db()
    assert delivery.attempts == 1

    with time_machine.travel(SEPT_10 + dt.timedelta(minutes=1), tick=False):
        sweep()
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at == SEPT_10 + dt.timedelta(minutes=3)  # waited 2 minutes

    with time_machine.travel(SEPT_10 + dt.timedelta(minutes=3), tick=False):
        sweep()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    assert len(delivery.error_log.splitlines()) == 3
    assert mailoutbox == []
    assert reminders.overview(SEPT_10.date())["failed_deliveries"] == [delivery]

    flaky.failures = 0  # the mail server is back; staff send it again
    with time_machine.travel(SEPT_10 + dt.timedelta(hours=1), tick=False), on_commit():
        reminders.resend(delivery, by=alice)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(mailoutbox) == 1


def test_backoff_doubles_and_is_capped_at_an_hour():
    assert [reminders.backoff_seconds(n) for n in (1, 2, 3, 4, 7, 8, 20)] == [
        60,
        120,
        240,
        480,
        3600,
        3600,
        3600,
    ]


# --- 催办 -------------------------------------------------------------------------------------


@time_machine.travel(SEPT_10 + dt.timedelta(hours=2), tick=False)
def test_staff_urge_an_agency_with_one_click_and_it_goes_out_at_once(
    due, bob, alice, on_commit, mailoutbox
):
    with on_commit():
        reminder = reminders.send_urgent_reminder(due, by=alice, note="市领导关注，请本周内答复")

    (message,) = mailoutbox
    assert message.to == ["bob@example.org"]
    assert message.subject == "[建言] 催办：第118号提案请尽快答复（期限 2025-10-10）"
    assert "催办说明：市领导关注，请本周内答复" in message.body
    assert reminder.sent_by == alice
    assert Notification.objects.get(user=bob).kind == ReminderKind.URGENT
    event = Event.objects.get(action=Action.REMIND)
    assert (event.assignment_id, event.actor, event.note) == (
        due.pk,
        alice,
        "市领导关注，请本周内答复",
    )


def test_a_second_click_the_same_day_is_refused_and_the_next_day_allowed(
    due, bob, alice, on_commit, mailoutbox
):
    with time_machine.travel(SEPT_10, tick=False), on_commit():
        reminders.send_urgent_reminder(due, by=alice)
        with pytest.raises(TransitionError, match="今天已经催办过"):
            reminders.send_urgent_reminder(due, by=alice)
    with time_machine.travel(SEPT_10 + dt.timedelta(days=1), tick=False), on_commit():
        reminders.send_urgent_reminder(due, by=alice)

    assert len(mailoutbox) == 2


def test_only_staff_may_urge(due, charlie):
    with pytest.raises(PermissionDenied):
        reminders.send_urgent_reminder(due, by=charlie)


def test_finished_work_is_not_urged(agency, bob, alice):
    replied = make_due(agency, state=AssignmentState.REPLIED)

    with pytest.raises(TransitionError, match="无需催办"):
        reminders.send_urgent_reminder(replied, by=alice)


def test_an_agency_without_officers_cannot_be_urged_in_the_system(alice):
    nobody_home = make_due(AgencyFactory(name="苏州市档案局"))

    with pytest.raises(TransitionError, match="苏州市档案局尚无联络员账号"):
        reminders.send_urgent_reminder(nobody_home, by=alice)
