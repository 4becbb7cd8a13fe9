"""The audit administrator reads the audit log (who changed what and when), filtered and
paginated; nobody else does (三员分立)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from proposals.models import Event
from tests.staff_data import registered, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(alice, session, sponsor):
    first = registered(alice, session, sponsor, title="关于甲的建议")
    second = submitted(alice, session, sponsor, title="关于乙的建议")
    return first, second


def test_the_audit_admin_sees_who_changed_what_and_when(client, auditor, history):
    client.force_login(auditor)
    html = client.get(reverse("audit:log")).content.decode()
    assert "关于甲的建议" in html
    assert "关于乙的建议" in html
    assert "alice" in html


def test_the_log_filters_by_proposal_user_action_and_date(client, auditor, history, alice):
    first, second = history
    client.force_login(auditor)
    url = reverse("audit:log")
    page = client.get(url, {"proposal": second.pk}).context["page_obj"]
    assert {event.proposal_id for event in page} == {second.pk}
    action = Event.objects.filter(proposal=first).latest("pk").action
    page = client.get(url, {"action": action}).context["page_obj"]
    assert page.object_list and all(event.action == action for event in page)
    assert client.get(url, {"user": "nobody"}).context["page_obj"].paginator.count == 0
    assert client.get(url, {"user": "alice"}).context["page_obj"].paginator.count == (
        Event.objects.filter(actor=alice).count()
    )
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert client.get(url, {"date_from": tomorrow}).context["page_obj"].paginator.count == 0


def test_the_log_is_paginated_with_a_fixed_number_of_queries(
    client, auditor, history, django_assert_max_num_queries
):
    first, _second = history
    Event.objects.bulk_create(
        Event(proposal=first, action=Event.objects.first().action, note=f"第{n}条")
        for n in range(120)
    )
    client.force_login(auditor)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("audit:log"), {"page": 2})
    assert len(response.context["page_obj"].object_list) == 50


def test_staff_who_are_not_admins_cannot_read_the_log(client, alice):
    client.force_login(alice)
    assert client.get(reverse("audit:log")).status_code == 403


@pytest.mark.parametrize("name", ["audit:log", "audit:security", "audit:security-export"])
def test_neither_the_system_nor_the_security_admin_nor_a_superuser_reads_the_logs(
    client, sysadmin, secadmin, admin_user, name
):
    for user in (sysadmin, secadmin, admin_user):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403, (user.username, name)
