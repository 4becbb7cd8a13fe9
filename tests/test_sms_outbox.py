"""The SMS outbox without a provider: the file and console backends, what a message may
hold (a real mobile number, exactly its template's parameters), the settings check, and
two workers racing for one message."""

import json
from datetime import date

import pytest
from django.core import checks
from django.core.exceptions import ValidationError
from django.utils import translation

from responses.models import SmsMessage, SmsStatus
from responses.sms import backends, service
from responses.sms.kinds import MAX_PARAM_LENGTH, SmsKind, clean_params, normalize_phone
from tests.factories import home_committee

PARAMS = {"number": "第15040号", "agency": "苏州市工业和信息化局", "deadline": date(2025, 9, 30)}


@pytest.fixture
def templates(settings):
    settings.SMS_TEMPLATE_CODES = {"assigned": "SMS_4615", "replied": "SMS_4616"}
    settings.SMS_SIGN_NAME = "苏州政协"
    backends.outbox.clear()
    yield
    backends.outbox.clear()


def send(django_capture_on_commit_callbacks, phone="13800138000", key="assignment:7"):
    with django_capture_on_commit_callbacks(execute=True):
        message, _created = service.queue_sms(
            home_committee(), SmsKind.ASSIGNED, phone, PARAMS, dedupe_key=key
        )
    message.refresh_from_db()
    return message


def test_the_file_backend_writes_one_json_line_per_message(
    db, templates, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms")

    first = send(django_capture_on_commit_callbacks)
    second = send(django_capture_on_commit_callbacks, phone="13900000001")

    [day_file] = (tmp_path / "sms").iterdir()
    lines = [json.loads(line) for line in day_file.read_text(encoding="utf-8").splitlines()]
    assert [line["phone"] for line in lines] == ["13800138000", "13900000001"]
    assert lines[0]["template_code"] == "SMS_4615"
    assert lines[0]["sign_name"] == "苏州政协"
    assert lines[0]["params"] == {
        "number": "第15040号",
        "agency": "苏州市工业和信息化局",
        "deadline": "2025-09-30",
    }
    assert [first.provider_id, second.provider_id] == [line["biz_id"] for line in lines]
    assert first.status == second.status == SmsStatus.SENT


def test_the_console_backend_prints_the_message(
    db, templates, settings, capsys, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "console"

    message = send(django_capture_on_commit_callbacks)

    printed = capsys.readouterr().out
    assert f"SMS {message.provider_id} " in printed
    assert "13800138000" in printed and "SMS_4615" in printed and "苏州市工业和信息化局" in printed
    assert message.status == SmsStatus.SENT


def test_the_database_keeps_codes_and_parameters_not_words(
    db, templates, django_capture_on_commit_callbacks
):
    message = send(django_capture_on_commit_callbacks)

    row = SmsMessage.objects.values("kind", "params", "phone").get(pk=message.pk)
    assert row == {
        "kind": "assigned",
        "params": {
            "number": "第15040号",
            "agency": "苏州市工业和信息化局",
            "deadline": "2025-09-30",
        },
        "phone": "13800138000",
    }
    assert [sent.template_code for sent in backends.outbox] == ["SMS_4615"]


@pytest.mark.parametrize("phone", ["12345", "02112345678", "1380013800a", "", "138001380001"])
def test_a_phone_that_is_not_a_mobile_number_is_refused_and_nothing_saved(db, templates, phone):
    with pytest.raises(ValidationError) as refused:
        service.queue_sms(home_committee(), "assigned", phone, PARAMS, dedupe_key="x")

    assert "不是有效的手机号码" in refused.value.messages[0]
    assert SmsMessage.objects.count() == 0


def test_the_refusal_is_in_the_readers_language(db):
    with pytest.raises(ValidationError) as refused:
        normalize_phone("12345")

    with translation.override("en"):  # composed when shown, in the reader's language
        assert refused.value.messages[0] == (
            "“12345” is not a valid mobile number (11 digits, mainland China)."
        )


def test_a_number_is_stored_as_its_eleven_digits():
    assert normalize_phone("+86 138-0013-8000") == "13800138000"
    assert normalize_phone("0086 (138) 0013 8000") == "13800138000"


def test_parameters_must_be_exactly_those_of_the_template():
    with pytest.raises(ValidationError) as refused:
        clean_params("assigned", {"number": "1", "agency": "x"})
    assert "deadline" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        clean_params("assigned", {**PARAMS, "extra": "1"})
    with pytest.raises(ValidationError):
        clean_params("no-such-kind", {})


def test_a_long_value_is_shortened_to_what_the_provider_accepts():
    long_name = "苏州市" + "某" * 60 + "局"

    cleaned = clean_params("replied", {"number": "1", "agency": long_name})

    assert len(cleaned["agency"]) == MAX_PARAM_LENGTH
    assert cleaned["agency"].endswith("…")


def test_a_kind_without_a_template_code_fails_for_staff_to_see(
    db, templates, settings, django_capture_on_commit_callbacks
):
    settings.SMS_TEMPLATE_CODES = {"replied": "SMS_4616"}

    message = send(django_capture_on_commit_callbacks)

    assert message.status == SmsStatus.FAILED
    assert "no template for assigned" in message.last_error
    assert backends.outbox == []


def test_the_settings_check_names_unknown_kinds_and_missing_templates(settings):
    settings.SMS_TEMPLATE_CODES = {"assigned": "SMS_1", "asigned": "SMS_2"}
    settings.SMS_BACKEND = "aliyun"

    found = {error.id: error.msg for error in checks.run_checks() if error.id.startswith("resp")}

    assert "asigned" in found["responses.E101"]
    assert "registered" in found["responses.E102"] and "replied" in found["responses.E102"]


def test_a_sent_message_is_not_sent_again_by_staff(
    db, templates, django_capture_on_commit_callbacks
):
    message = send(django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        queued = service.resend(message)

    assert queued is False
    assert len(backends.outbox) == 1
