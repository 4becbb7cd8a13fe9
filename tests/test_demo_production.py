"""The demo stays out of production: not installed, refused, and never a known password."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.test import override_settings

from accounts.models import User
from demo.reference import LOGINS, ReferenceLoader
from proposals.models import Proposal


def production_env(**extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DEMO_APP", "JIANYAN_TESTING"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="x" * 20 + "-production-secret-for-this-test-only-" + "y" * 20,
        JIANYAN_TESTING="false",
        ALLOWED_HOSTS="jianyan.example.gov.cn",
        **extra,
    )
    return env


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_production_installation_does_not_have_the_demo_app():
    result = manage("loaddemo", env=production_env())
    assert result.returncode != 0
    assert "Unknown command: 'loaddemo'" in result.stderr


def test_the_demo_app_can_be_asked_for_in_production_and_then_refuses_without_force():
    result = manage("loaddemo", env=production_env(DEMO_APP="true"))
    assert result.returncode != 0
    assert "DEBUG=false" in result.stderr
    assert "--force" in result.stderr


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_loaddemo_refuses_when_debug_is_off_and_writes_nothing():
    with pytest.raises(CommandError, match="--force"):
        call_command("loaddemo")
    assert not User.objects.exists()
    assert not Proposal.objects.exists()


def test_loaddemo_help_is_readable():
    parser = load_command_class("demo", "loaddemo").create_parser("manage.py", "loaddemo")
    text = parser.format_help()
    assert "--force" in text
    assert "演示数据" in text


@pytest.mark.django_db
def test_forced_demo_logins_get_random_passwords_printed_once():
    refs = ReferenceLoader(random_passwords=True).load()
    assert set(refs.passwords) == set(LOGINS)
    for username, login in LOGINS.items():
        user = User.objects.get(username=username)
        assert not user.check_password(login.password)
        assert user.check_password(refs.passwords[username])
        assert refs.passwords[username] != login.password
        assert len(refs.passwords[username]) >= 16
    again = ReferenceLoader(random_passwords=True).load()
    assert again.passwords == {}  # existing accounts keep the password they have
