"""The aliyun SMS backend, through Alibaba's SDK, against a local server that speaks the
Dysmsapi SendSms protocol and checks the signature (tests/sms_server.py): a sent message
keeps its BizId, flow control is retried with back-off and then failed, a network error
is retried, a refused number fails at once, and no message goes out twice."""

import json
import socket
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import Role
from common import clock
from responses.models import SmsMessage, SmsStatus
from responses.sms import service
from responses.sms.kinds import SmsKind
from responses.tasks import requeue_sms_task, send_sms_task
from tests.factories import CommitteeFactory, UserFactory, home_committee
from tests.sms_server import ACCESS_KEY_ID, ACCESS_KEY_SECRET, SmsServer

PARAMS = {"number": "第15040号", "agency": "苏州市工业和信息化局", "deadline": "2025-09-30"}


@pytest.fixture
def provider(settings):
    server = SmsServer().start()
    settings.SMS_BACKEND = "aliyun"
    settings.SMS_ALIYUN_ENDPOINT = server.endpoint
    settings.SMS_ALIYUN_ACCESS_KEY_ID = ACCESS_KEY_ID
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = ACCESS_KEY_SECRET
    settings.SMS_SIGN_NAME = "苏州政协"
    settings.SMS_TEMPLATE_CODES = {"assigned": "SMS_4615", "replied": "SMS_4616"}
    settings.SMS_MAX_ATTEMPTS = 3
    settings.SMS_TIMEOUT_SECONDS = 2
    yield server
    server.stop()


@pytest.fixture
def queue(db, django_capture_on_commit_callbacks):
    def queue(phone="138 0013 8000", key="assignment:1", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            message, created = service.queue_sms(
                home_committee(), SmsKind.ASSIGNED, phone, PARAMS, dedupe_key=key, **extra
            )
        message.refresh_from_db()
        return message

    return queue


def later(message, seconds=1):
    """Run the message's task once its back-off is over."""
    with clock.at(message.next_attempt_at + timedelta(seconds=seconds)):
        send_sms_task.delay(message.pk)
    message.refresh_from_db()
    return message


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_sent_message_keeps_the_providers_biz_id(provider, queue):
    message = queue()

    assert provider.problems == []
    [request] = provider.requests
    assert request["PhoneNumbers"] == "13800138000"
    assert request["SignName"] == "苏州政协"
    assert request["TemplateCode"] == "SMS_4615"
    assert json.loads(request["TemplateParam"]) == PARAMS
    assert request["OutId"] == str(message.pk)
    assert message.status == SmsStatus.SENT
    assert message.provider_id.endswith("^0") and message.provider_id.startswith("9")
    assert message.attempts == 1
    assert message.sent_at is not None


def test_flow_control_is_retried_with_growing_waits_then_failed(provider, queue):
    provider.answers = ["isv.BUSINESS_LIMIT_CONTROL"] * 5
    first = queue()

    assert first.status == SmsStatus.PENDING
    assert first.attempts == 1
    assert "isv.BUSINESS_LIMIT_CONTROL" in first.last_error
    first_wait = first.next_attempt_at - first.claimed_at
    send_sms_task.delay(first.pk)  # before its time: nothing is sent
    assert len(provider.requests) == 1

    second = later(first)
    assert second.status == SmsStatus.PENDING
    assert second.next_attempt_at - second.claimed_at == 2 * first_wait == timedelta(minutes=2)

    third = later(second)
    assert third.status == SmsStatus.FAILED
    assert third.attempts == 3
    assert "isv.BUSINESS_LIMIT_CONTROL" in third.last_error
    assert len(provider.requests) == 3
    later(third)
    assert len(provider.requests) == 3


def test_a_refused_number_fails_at_once(provider, queue):
    provider.answers = ["isv.MOBILE_NUMBER_ILLEGAL"]

    message = queue()

    assert message.status == SmsStatus.FAILED
    assert message.attempts == 1
    assert "isv.MOBILE_NUMBER_ILLEGAL" in message.last_error


def test_a_provider_fault_is_retried(provider, queue):
    provider.answers = [503]

    message = later(queue())

    assert message.status == SmsStatus.SENT
    assert message.attempts == 2


def test_wrong_keys_are_not_retried(provider, queue, settings):
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "not-the-secret"

    message = queue()

    assert provider.problems == ["SignatureDoesNotMatch"]
    assert message.status == SmsStatus.FAILED
    assert "SignatureDoesNotMatch" in message.last_error


def test_a_network_error_is_retried_until_the_provider_answers(provider, queue, settings):
    settings.SMS_ALIYUN_ENDPOINT = f"http://127.0.0.1:{closed_port()}"

    message = queue()

    assert message.status == SmsStatus.PENDING
    assert "network" in message.last_error
    settings.SMS_ALIYUN_ENDPOINT = provider.endpoint
    message = later(message)
    assert message.status == SmsStatus.SENT
    assert len(provider.requests) == 1


def test_the_same_message_is_not_sent_twice_when_the_task_runs_twice(provider, queue):
    message = queue()

    send_sms_task.delay(message.pk)
    send_sms_task.delay(message.pk)
    later(message, seconds=3600)

    assert len(provider.requests) == 1
    message.refresh_from_db()
    assert message.attempts == 1


def test_the_same_event_queues_one_message(provider, queue):
    first = queue()
    second = queue(phone="+86 138-0013-8000")

    assert second.pk == first.pk
    assert len(provider.requests) == 1
    assert SmsMessage.objects.count() == 1


def test_a_lost_task_is_queued_again_by_the_beat(provider, db, django_capture_on_commit_callbacks):
    # Queued outside a transaction's commit (as if the worker lost the task).
    message = SmsMessage.objects.create(
        committee=home_committee(), phone="13900000000", kind="assigned", params=PARAMS,
        dedupe_key="lost", next_attempt_at=clock.now(),
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        requeue_sms_task.delay()

    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    assert len(provider.requests) == 1


def test_staff_send_a_failed_message_again_from_the_admin(
    provider, queue, client, alice, django_capture_on_commit_callbacks
):
    provider.answers = ["isv.MOBILE_NUMBER_ILLEGAL"]
    message = queue()
    assert message.status == SmsStatus.FAILED
    alice.is_staff = True  # may open the admin
    alice.save(update_fields=["is_staff"])
    client.force_login(alice)

    url = reverse("admin:responses_smsmessage_changelist")
    page = client.get(url)
    assert "isv.MOBILE_NUMBER_ILLEGAL" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "send_again", "_selected_action": [message.pk]}, follow=True
        )

    assert "已重新排队发送 1 条短信" in response.content.decode()
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    assert len(provider.requests) == 2


def test_staff_of_another_committee_do_not_see_the_message(provider, queue, client):
    queue()
    elsewhere = UserFactory(
        username="zhang", committee=CommitteeFactory(), role=Role.STAFF, is_staff=True
    )
    client.force_login(elsewhere)

    page = client.get(reverse("admin:responses_smsmessage_changelist"))

    assert page.status_code == 200
    assert "13800138000" not in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_same_message_send_it_once(provider):
    provider.delay = 0.5
    message = SmsMessage.objects.create(
        committee=home_committee(), phone="13800138000", kind="assigned", params=PARAMS,
        dedupe_key="race",
    )  # fmt: skip
    outcomes = []
    start = threading.Barrier(2)

    def worker():
        start.wait()
        try:
            outcomes.append(service.send_message(message.pk).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["sent", "skipped"]
    assert len(provider.requests) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (SmsStatus.SENT, 1)


def test_a_provider_that_does_not_answer_is_given_up_on_in_time_and_retried(
    provider, queue, settings
):
    settings.SMS_TIMEOUT_SECONDS = 1
    provider.delay = 4
    started = time.monotonic()

    message = queue()

    assert time.monotonic() - started < 3.5
    assert message.status == SmsStatus.PENDING
    assert "network" in message.last_error
