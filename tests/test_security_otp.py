"""Two-factor login for staff and administrators (django-otp, TOTP): enrolment with a QR
code, the code after the password, backup codes, wrong codes counted by django-axes, the
admin site behind it, and the security administrator's reset."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditAction, SecurityAudit

pytestmark = pytest.mark.django_db


def sign_in(client, username, password="pw-for-tests-1"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def code_for(device, drift=0):
    return f"{totp(device.bin_key, drift=drift):06d}"


def enrolled(user):
    return TOTPDevice.objects.create(user=user, name="totp", confirmed=True)


def test_staff_are_asked_for_the_code_after_the_password(client, alice):
    device = enrolled(alice)
    response = sign_in(client, "alice")
    assert response.status_code == 302
    response = client.get(reverse("staff:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:otp-verify"))
    assert "动态口令" in client.get(response.url).content.decode()
    response = client.post(
        reverse("accounts:otp-verify"),
        {"token": code_for(device), "next": reverse("staff:dashboard")},
    )
    assert response.status_code == 302 and response.url == reverse("staff:dashboard")
    assert client.get(reverse("staff:dashboard")).status_code == 200


def test_officers_and_sponsors_need_no_second_factor(client, bob):
    sign_in(client, "bob")
    assert client.get(reverse("officer:dashboard")).status_code == 200


def test_the_required_roles_are_a_setting(client, bob, settings):
    settings.OTP_REQUIRED_ROLES = ["officer"]
    sign_in(client, "bob")
    response = client.get(reverse("officer:dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp-setup"))


def test_a_user_without_a_device_enrols_with_a_qr_code_and_gets_backup_codes(client, alice):
    sign_in(client, "alice")
    response = client.get(reverse("staff:dashboard"))
    assert response.url.startswith(reverse("accounts:otp-setup"))
    page = client.get(response.url).content.decode()
    assert "<svg" in page and "<img" not in page.split("<main", 1)[-1]
    secret = re.search(r'class="otp-secret">([A-Z2-7 ]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    from base64 import b32encode

    assert secret.replace(" ", "") == b32encode(device.bin_key).decode().rstrip("=")
    wrong = client.post(reverse("accounts:otp-setup"), {"token": "000000"})
    assert wrong.status_code == 200 and "动态口令不正确" in wrong.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp slows the next try down
    device.throttle_reset()  # as if the user had waited
    response = client.post(reverse("accounts:otp-setup"), {"token": code_for(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and all(code in response.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("staff:dashboard")).status_code == 200
    assert SecurityAudit.objects.filter(action=AuditAction.OTP_ENROLLED, actor_id=alice.pk)


def test_a_user_with_a_device_cannot_enrol_another_before_passing_it(client, alice):
    enrolled(alice)
    sign_in(client, "alice")
    response = client.get(reverse("accounts:otp-setup"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp-verify"))


def test_a_backup_code_works_once(client, alice):
    from accounts import otp

    enrolled(alice)
    codes = otp.new_backup_codes(alice)
    sign_in(client, "alice")
    response = client.post(reverse("accounts:otp-verify"), {"token": codes[0]})
    assert response.status_code == 302
    assert client.get(reverse("staff:dashboard")).status_code == 200
    assert StaticToken.objects.filter(device__user=alice).count() == 9
    client.post(reverse("accounts:logout"))
    sign_in(client, "alice")
    response = client.post(reverse("accounts:otp-verify"), {"token": codes[0]})
    assert response.status_code == 200
    assert client.get(reverse("staff:dashboard")).status_code == 302


def test_wrong_codes_are_audited_and_lock_the_account_like_wrong_passwords(client, alice, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    enrolled(alice)
    sign_in(client, "alice")
    for _ in range(2):
        response = client.post(reverse("accounts:otp-verify"), {"token": "000000"})
        assert response.status_code == 200
    response = client.post(reverse("accounts:otp-verify"), {"token": "000000"})
    assert response.status_code == 429  # axes' lock-out page, and the session is gone
    assert client.get(reverse("staff:dashboard")).url.startswith(reverse("accounts:login"))
    assert SecurityAudit.objects.filter(action=AuditAction.OTP_FAILED).count() == 3
    # Locked: even the right password is refused now.
    assert sign_in(client, "alice").status_code == 429


def test_the_admin_site_needs_the_second_factor(client, admin_user):
    client.force_login(admin_user, otp=False)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:otp-setup"))
    from django.test import RequestFactory

    from accounts.admin_site import AdminSite

    request = RequestFactory().get("/admin/")
    request.user = admin_user
    admin_user.is_verified = lambda: False
    assert not AdminSite().has_permission(request)
    admin_user.is_verified = lambda: True
    assert AdminSite().has_permission(request)


def test_the_security_admin_resets_a_users_device_and_it_is_audited(client, secadmin, alice):
    enrolled(alice)
    client.force_login(secadmin)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [alice.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=alice).exists()
    row = SecurityAudit.objects.filter(action=AuditAction.OTP_RESET).get()
    assert (row.actor_username, row.target) == ("sec", f"accounts.user:{alice.pk}")


def test_nobody_else_resets_a_device_nor_the_security_admin_their_own(
    client, secadmin, sysadmin, alice
):
    enrolled(alice)
    enrolled(secadmin)
    client.force_login(sysadmin)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [alice.pk]},
    )
    assert TOTPDevice.objects.filter(user=alice).exists()
    client.force_login(secadmin)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [secadmin.pk]},
    )
    assert TOTPDevice.objects.filter(user=secadmin).exists()
    assert not SecurityAudit.objects.filter(action=AuditAction.OTP_RESET).exists()
