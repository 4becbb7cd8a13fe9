"""Request bodies are bounded before they are read, and the language cookie is as
guarded as the session's."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HUNDRED_MB = str(100 * 1024 * 1024)


@pytest.mark.parametrize(
    "url",
    ["/accounts/login/", "/i18n/setlang/", "/accounts/password/reset/", "/"],
)
def test_an_anonymous_100_mb_post_is_refused_before_it_is_read(client, url):
    response = client.generic(
        "POST", url, b"x" * 16, content_type="text/plain", CONTENT_LENGTH=HUNDRED_MB
    )
    assert response.status_code == 413
    content = response.content.decode()
    assert "提交的内容过大" in content and "上限为 25.0\xa0MB" in content


def test_a_signed_in_upload_over_the_bound_is_refused_too(client, bob):
    client.force_login(bob)
    response = client.generic("POST", "/agency/", b"x", CONTENT_LENGTH=HUNDRED_MB)
    assert response.status_code == 413


def test_the_api_answers_413_as_json(client):
    response = client.generic(
        "POST", reverse("api:proposal-list"), b"{}", content_type="application/json",
        CONTENT_LENGTH=HUNDRED_MB,
    )  # fmt: skip
    assert response.status_code == 413
    assert "提交的内容过大" in response.json()["detail"]


def test_a_body_within_the_bound_goes_through(client, settings):
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 200
    settings.REQUEST_MAX_BYTES = 10
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 413


def test_the_language_cookie_is_httponly_and_same_site(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    cookie = response.cookies["django_language"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_the_language_cookie_is_secure_in_production(tmp_path):
    import subprocess
    import sys

    from tests.test_settings_env import clean_env

    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        " print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE, s.REQUEST_MAX_BYTES)"
    )
    started = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=clean_env(tmp_path, DEBUG="false", SECRET_KEY="s" * 20 + "k" * 40),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["True", "Lax", str(25 * 1024 * 1024)]


def test_the_shipped_proxy_bounds_bodies_like_the_app(settings):
    from pathlib import Path

    conf = (Path(settings.BASE_DIR) / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert "client_max_body_size 25m;" in conf
    assert settings.REQUEST_MAX_BYTES == 25 * 1024 * 1024
