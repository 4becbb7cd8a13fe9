"""The password policy (等保 level 3): complexity by role, not the username, history and
expiry, as settings (config/settings.py PASSWORD_*)."""

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import PasswordHistory, Role
from common import clock
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def refusal(password, user) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


def test_staff_and_administrators_need_twelve_characters_others_eight(alice, bob):
    assert "password_too_short" in refusal("Ab3$efgh1x", alice)  # 10 characters
    assert refusal("Ab3$efgh1xyz", alice) == []
    assert refusal("Ab3$efgh", bob) == []
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        admin = UserFactory(username=f"x-{role}", role=role)
        assert "password_too_short" in refusal("Ab3$efgh1x", admin)


def test_three_of_four_character_classes_are_needed(alice):
    assert "password_too_simple" in refusal("abcdefgh12345", alice)  # lower + digit
    assert refusal("abcdefgh1234X", alice) == []  # lower + digit + upper
    assert refusal("abcdefgh-ijk!", alice) == ["password_too_simple"]
    assert refusal("abcdefgh-1jk!", alice) == []  # lower + symbol + digit


def test_the_password_may_not_contain_the_username(alice):
    assert "password_contains_username" in refusal("Xy1!ALICE-2026", alice)


def test_the_messages_are_chinese_with_english_translations(alice):
    with pytest.raises(ValidationError) as error:
        validate_password("short", alice)
    assert "至少需要 12 个字符" in " ".join(error.value.messages)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        validate_password("short", alice)
    text = " ".join(error.value.messages)
    assert "at least 12 characters" in text and "contain" in text


def test_the_last_five_passwords_cannot_be_used_again(alice, settings):
    settings.PASSWORD_HISTORY_COUNT = 5
    used = [f"Used-password-{n}x" for n in range(6)]
    for password in used:
        alice.set_password(password)
        alice.save()
    assert PasswordHistory.objects.filter(user=alice).count() == 5
    for password in used[1:]:
        assert refusal(password, alice) == ["password_reused"], password
    assert refusal(used[0], alice) == []  # the sixth-last is allowed again


def test_a_password_change_through_the_page_refuses_a_recent_one(client, alice):
    alice.set_password("First-passw0rd!")
    alice.save()
    client.force_login(alice)
    form = {
        "old_password": "First-passw0rd!",
        "new_password1": "First-passw0rd!",
        "new_password2": "First-passw0rd!",
    }
    response = client.post(reverse("accounts:password_change"), form)
    assert response.status_code == 200
    assert "不能使用最近 5 次用过的密码" in response.content.decode()
    form["new_password1"] = form["new_password2"] = "Second-passw0rd!"
    assert client.post(reverse("accounts:password_change"), form).status_code == 302
    from accounts.models import AuditAction, SecurityAudit

    row = SecurityAudit.objects.filter(action=AuditAction.PASSWORD_CHANGED).get()
    assert (row.actor_username, row.target) == ("alice", f"accounts.user:{alice.pk}")


def test_an_expired_password_is_changed_before_anything_else(client, alice, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    alice.password_changed_at = timezone.now() - dt.timedelta(days=91)
    alice.save(update_fields=["password_changed_at"])
    client.force_login(alice)
    response = client.get(reverse("staff:dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change")
    page = client.get(response.url)
    assert page.status_code == 200 and "请先修改密码" in page.content.decode()
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "pw-for-tests-1",
            "new_password1": "A-new-passw0rd!",
            "new_password2": "A-new-passw0rd!",
        },
    )
    alice.refresh_from_db()
    assert timezone.now() - alice.password_changed_at < dt.timedelta(minutes=1)
    assert client.get(reverse("staff:dashboard")).status_code == 200


def test_a_password_within_its_age_or_with_expiry_off_is_left_alone(client, alice, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    alice.password_changed_at = timezone.now() - dt.timedelta(days=89)
    alice.save(update_fields=["password_changed_at"])
    client.force_login(alice)
    assert client.get(reverse("staff:dashboard")).status_code == 200
    settings.PASSWORD_MAX_AGE_DAYS = 0
    with clock.at(timezone.now() + dt.timedelta(days=400)):
        alice.refresh_from_db()
        from accounts.passwords import is_expired

        assert not is_expired(alice)


def test_a_rehash_at_login_does_not_restart_the_passwords_age(alice):
    old = timezone.now() - dt.timedelta(days=30)
    alice.password_changed_at = old
    alice.save(update_fields=["password_changed_at"])
    alice.refresh_from_db()
    alice.check_password("pw-for-tests-1")  # may rehash: not a new password
    alice.refresh_from_db()
    assert alice.password_changed_at == old
