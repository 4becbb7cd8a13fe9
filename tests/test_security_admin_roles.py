"""三员分立: the system, security and audit administrators, one role per account, each
with their own powers only; the old `admin` role became the system administrator."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import AuditAction, Role, SecurityAudit, User
from accounts.policies import may_change_role, may_manage_credentials, may_read_audit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_old_admin_role_becomes_the_system_administrator_and_back():
    migration = importlib.import_module("accounts.migrations.0006_admin_role_becomes_system_admin")
    old = UserFactory(username="root", role=Role.STAFF, is_superuser=True, is_staff=True)
    User.objects.filter(pk=old.pk).update(role="admin", password_changed_at=None)
    migration.forwards(global_apps, None)
    old.refresh_from_db()
    assert (old.role, old.is_superuser, old.is_staff) == (Role.SYSTEM_ADMIN, True, True)
    assert old.password_changed_at is not None  # expiry counts from the migration
    assert old.is_staff_member  # keeps every right in the workflow
    migration.backwards(global_apps, None)
    old.refresh_from_db()
    assert old.role == "admin"


@pytest.mark.parametrize("role", [Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_the_security_and_audit_administrators_are_never_superusers(role):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="both", role=role, is_superuser=True)


def test_the_policies_keep_the_three_apart(sysadmin, secadmin, auditor, admin_user, bob):
    assert [bool(may_read_audit(u)) for u in (sysadmin, secadmin, auditor, admin_user)] == [
        False,
        False,
        True,
        False,
    ]
    assert [bool(may_change_role(u, bob)) for u in (sysadmin, secadmin, auditor, admin_user)] == [
        False,
        True,
        False,
        False,
    ]
    assert not may_change_role(secadmin, secadmin)
    assert not may_manage_credentials(secadmin, secadmin)
    assert may_manage_credentials(secadmin, sysadmin)
    assert not may_manage_credentials(sysadmin, bob)
    assert not auditor.is_staff_member and not secadmin.is_staff_member
    assert sysadmin.is_staff_member


def test_only_the_security_admin_sets_someone_elses_password_and_it_is_audited(
    client, secadmin, sysadmin, bob
):
    url = reverse("admin:auth_user_password_change", args=[bob.pk])
    form = {"password1": "Reset-by-sec-2026!", "password2": "Reset-by-sec-2026!"}
    client.force_login(sysadmin)
    assert client.post(url, form).status_code == 403
    client.force_login(secadmin)
    assert client.post(url, form).status_code == 302
    bob.refresh_from_db()
    assert bob.check_password("Reset-by-sec-2026!")
    row = SecurityAudit.objects.filter(action=AuditAction.PASSWORD_RESET).get()
    assert (row.actor_username, row.target) == ("sec", f"accounts.user:{bob.pk}")
    own = reverse("admin:auth_user_password_change", args=[secadmin.pk])
    assert client.post(own, form).status_code == 403


def test_the_security_admin_locks_and_unlocks_an_account(client, secadmin, bob):
    client.force_login(secadmin)
    page = client.get(reverse("admin:accounts_user_change", args=[bob.pk]))
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields if name != "password"}
    data.update(
        {
            "is_active": "",
            "role": "officer",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "00:00:00",
            "agency_membership-TOTAL_FORMS": 0,
            "agency_membership-INITIAL_FORMS": 0,
            "sponsor_account-TOTAL_FORMS": 0,
            "sponsor_account-INITIAL_FORMS": 0,
        }
    )
    data = {key: value for key, value in data.items() if value != "" or key == "is_active"}
    data.pop("is_active")
    response = client.post(reverse("admin:accounts_user_change", args=[bob.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    bob.refresh_from_db()
    assert not bob.is_active
    assert SecurityAudit.objects.filter(action=AuditAction.USER_LOCKED, actor_username="sec")


def test_the_audit_admin_changes_nothing_in_the_admin(client, auditor, bob):
    client.force_login(auditor)
    url = reverse("admin:accounts_user_change", args=[bob.pk])
    response = client.post(url, {"username": "renamed", "role": "staff"})
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    bob.refresh_from_db()
    assert (bob.username, bob.role) == ("bob", Role.OFFICER)


def test_the_audit_admin_lands_on_the_security_log_and_filters_and_exports_it(client, auditor, bob):
    client.post(reverse("accounts:login"), {"username": "bob", "password": "wrong"})
    client.force_login(auditor)
    response = client.get(reverse("accounts:after-login"))
    assert response.url == reverse("audit:security")
    page = client.get(reverse("audit:security"), {"action": "login_failed"})
    rows = list(page.context["page_obj"])
    assert rows and all(row.action == AuditAction.LOGIN_FAILED for row in rows)
    assert "username:bob" in page.content.decode()
    export = client.get(reverse("audit:security-export"), {"action": "login_failed"})
    assert export["Content-Type"].startswith("text/csv")
    text = export.content.decode("utf-8-sig")
    assert "username:bob" in text and "登录失败" in text
    # The export is itself in the log.
    assert SecurityAudit.objects.filter(action=AuditAction.EXPORT, actor_username="audrey")


def test_the_security_log_is_paginated(client, auditor):
    from accounts import audit

    for n in range(60):
        audit.record(AuditAction.LOGIN_FAILED, target=f"username:u{n}")
    client.force_login(auditor)
    page = client.get(reverse("audit:security"), {"page": 2}).context["page_obj"]
    assert page.number == 2 and page.paginator.num_pages >= 2
