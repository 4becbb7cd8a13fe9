"""The committee's rules are checked where they are edited (the admin, with Chinese
messages) and in the database, and reading them never writes."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from responses.models import CommitteeRules, ReminderSettings
from tests.factories import CommitteeFactory, home_committee

VALID = {
    "reply_months": "3",
    "max_months": "6",
    "reassignment_working_days": "10",
    "joint_opinion_months": "1",
    "rehandling_months": "1",
    "classification_scheme": "ABC",
    "reminder_days_before": "30,7,1,0",
    "overdue_reminder_every_days": "7",
}


@pytest.fixture
def admin(client, admin_user):
    client.force_login(admin_user)
    return client


def save_rules(admin, **changes):
    rules, _created = CommitteeRules.objects.get_or_create(committee=home_committee())
    return admin.post(
        reverse("admin:responses_committeerules_change", args=[rules.pk]), {**VALID, **changes}
    )


def test_an_extension_limit_shorter_than_the_reply_period_is_refused_in_chinese(admin):
    response = save_rules(admin, reply_months="7", max_months="6")

    assert response.status_code == 200  # the form again, with its error
    assert "延期上限（6 个月）不能短于答复期限（7 个月）。" in response.content.decode()
    rules = CommitteeRules.objects.get()
    assert (rules.reply_months, rules.max_months) == (3, 6)


def test_reminder_days_that_are_not_numbers_are_refused_in_chinese(admin):
    response = save_rules(admin, reminder_days_before="abc")

    assert response.status_code == 200
    assert "请填写以逗号分隔的天数" in response.content.decode()
    assert CommitteeRules.objects.get().reminder_days_before == "30,7,1,0"


def test_negative_or_huge_reminder_days_are_refused(admin):
    negative = save_rules(admin, reminder_days_before="7,-1").content.decode()
    huge = save_rules(admin, reminder_days_before="400").content.decode()

    assert "请填写以逗号分隔的天数" in negative
    assert "提醒天数不能超过 366 天。" in huge
    assert CommitteeRules.objects.get().reminder_days_before == "30,7,1,0"


def test_a_period_of_zero_is_refused(admin):
    response = save_rules(admin, reply_months="0")

    assert response.status_code == 200
    assert "确保该值大于或等于1。" in response.content.decode()
    assert CommitteeRules.objects.get().reply_months == 3


def test_reminder_days_typed_with_chinese_commas_and_spaces_are_saved_tidy(admin):
    response = save_rules(admin, reminder_days_before="7， 30,1 ,7,0")

    assert response.status_code == 302
    assert CommitteeRules.objects.get().reminder_days_before == "30,7,1,0"


def test_the_rules_saved_in_the_admin_for_a_committee_are_the_ones_it_reads(admin):
    home, district = home_committee(), CommitteeFactory()
    response = admin.post(
        reverse("admin:responses_committeerules_add"),
        {**VALID, "committee": str(district.pk), "reply_months": "2"},
    )

    assert response.status_code == 302
    assert CommitteeRules.of(district.pk).reply_months == 2
    assert CommitteeRules.of(home.pk).reply_months == 3  # the other keeps the defaults
    again = admin.post(
        reverse("admin:responses_committeerules_add"),
        {**VALID, "committee": str(district.pk), "reply_months": "4"},
    )
    assert again.status_code == 200  # one row per committee
    assert CommitteeRules.of(district.pk).reply_months == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "values",
    [
        {"reply_months": 7, "max_months": 6},
        {"reply_months": 0},
        {"rehandling_months": 0},
        {"reassignment_working_days": 0},
    ],
)
def test_the_database_refuses_invalid_rules_too(values):
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeRules.objects.create(committee=home_committee(), **values)


@pytest.mark.django_db
def test_the_database_refuses_reminder_settings_that_never_send():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSettings.objects.create(committee=home_committee(), max_send_attempts=0)


@pytest.mark.django_db
@pytest.mark.parametrize("model", [CommitteeRules, ReminderSettings])
def test_reading_the_current_rules_never_writes(model):
    home = home_committee()
    with CaptureQueriesContext(connection) as queries:
        defaults = model.of(home.pk)
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["SELECT"]
    assert defaults._state.adding and not model.objects.exists()
    assert defaults.committee_id == home.pk

    model.objects.create(committee=home)
    with CaptureQueriesContext(connection) as queries:
        saved = model.of(home.pk)
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["SELECT"]
    assert not saved._state.adding


@pytest.mark.django_db
def test_the_default_rules_are_valid():
    home = home_committee()
    CommitteeRules(committee=home).full_clean()
    ReminderSettings(committee=home).full_clean()
