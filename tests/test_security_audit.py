"""Admins read the audit log (who changed what and when), filtered and paginated."""

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


def test_an_admin_sees_who_changed_what_and_when(client, admin_user, history):
    client.force_login(admin_user)
    html = client.get(reverse("audit:log")).content.decode()
    assert "关于甲的建议" in html
    assert "关于乙的建议" in html
    assert "alice" in html


def test_the_log_filters_by_proposal_user_action_and_date(client, admin_user, history, alice):
    first, second = history
    client.force_login(admin_user)
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
    client, admin_user, history, django_assert_max_num_queries
):
    first, _second = history
    Event.objects.bulk_create(
        Event(proposal=first, action=Event.objects.first().action, note=f"第{n}条")
        for n in range(120)
    )
    client.force_login(admin_user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("audit:log"), {"page": 2})
    assert len(response.context["page_obj"].object_list) == 50


def test_staff_who_are_not_admins_cannot_read_the_log(client, alice):
    client.force_login(alice)
    assert client.get(reverse("audit:log")).status_code == 403
