"""Login, search and the API are limited per client IP with a clear 429."""

import pytest
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings):
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_LIMITS = {"login": 3, "search": 2, "api": 2}
    cache.clear()
    yield
    cache.clear()


def test_too_many_login_attempts_get_a_clear_429(client):
    for _attempt in range(3):
        response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
        assert response.status_code == 200
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 429
    assert "请求过于频繁" in response.content.decode()
    assert int(response["Retry-After"]) > 0


def test_reading_the_login_page_is_not_counted(client):
    for _visit in range(5):
        assert client.get(reverse("accounts:login")).status_code == 200


def test_search_is_limited_but_browsing_is_not(client):
    url = reverse("public:proposals")
    for _page in range(4):
        assert client.get(url).status_code == 200
    assert client.get(url + "?q=养老").status_code == 200
    assert client.get(url + "?q=养老").status_code == 200
    assert client.get(url + "?q=养老").status_code == 429


def test_the_api_answers_429_as_json(client):
    url = reverse("api:proposal-list")
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
    assert response.json() == {"detail": "请求过于频繁，请稍后再试。"}


def test_each_client_address_has_its_own_count(client):
    url = reverse("api:proposal-list")
    for _request in range(3):
        client.get(url, REMOTE_ADDR="10.0.0.1")
    assert client.get(url, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_a_broken_cache_lets_requests_through(client, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "incr", down)
    for _request in range(4):
        assert client.get(reverse("api:proposal-list")).status_code == 200


def test_the_admin_login_shares_the_login_limit(client):
    url = reverse("admin:login")
    assert url == "/admin/login/"
    for _visit in range(5):  # reading the page is not counted
        assert client.get(url).status_code == 200
    for _attempt in range(3):
        response = client.post(url, {"username": "x", "password": "y"})
        assert response.status_code == 200
    response = client.post(url, {"username": "x", "password": "y"})
    assert response.status_code == 429
    assert "请求过于频繁" in response.content.decode()
    # The site login counts against the same allowance.
    assert client.post(reverse("accounts:login"), {"username": "x"}).status_code == 429


def test_the_admin_login_is_locked_by_axes_too(client, settings, admin_user):
    settings.RATELIMIT_ENABLED = False
    settings.AXES_ENABLED = True
    admin_user.set_password("right-password-1")
    admin_user.save()
    url = reverse("admin:login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "admin", "password": "wrong"})
    response = client.post(url, {"username": "admin", "password": "right-password-1"})
    assert response.status_code == 429
    assert "登录已被暂时锁定" in response.content.decode()
