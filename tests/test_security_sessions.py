"""Idle and absolute session time-outs (SESSION_IDLE_TIMEOUT_MINUTES,
SESSION_ABSOLUTE_TIMEOUT_MINUTES): signed out, sent to the login page with the reason."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, SecurityAudit
from common import clock

pytestmark = pytest.mark.django_db


def later(minutes):
    return clock.at(timezone.now() + dt.timedelta(minutes=minutes))


def test_a_user_idle_longer_than_the_limit_is_signed_out_with_the_reason(client, alice, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    client.force_login(alice)
    with later(31):
        response = client.get(reverse("staff:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    page = client.get(response.url).content.decode()
    assert "因长时间未操作，已自动退出" in page
    assert client.get(reverse("staff:dashboard")).status_code == 302  # signed out for good
    row = SecurityAudit.objects.filter(action=AuditAction.SESSION_TIMEOUT).get()
    assert row.actor_username == "alice" and row.detail == {"reason": "idle"}


def test_activity_keeps_the_session_alive(client, alice, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    client.force_login(alice)
    for minutes in (20, 40, 60):
        with later(minutes):
            assert client.get(reverse("staff:dashboard")).status_code == 200, minutes


def test_however_active_a_sign_in_ends_at_the_absolute_limit(client, alice, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    settings.SESSION_ABSOLUTE_TIMEOUT_MINUTES = 60
    client.force_login(alice)
    for minutes in (20, 40):
        with later(minutes):
            assert client.get(reverse("staff:dashboard")).status_code == 200
    with later(61):
        response = client.get(reverse("staff:dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert "登录时间已达上限" in client.get(response.url).content.decode()


def test_an_idle_officer_is_signed_out_too(client, bob, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5
    client.force_login(bob)
    with later(6):
        response = client.get(reverse("officer:dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
