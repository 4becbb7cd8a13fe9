"""400, 403, 404 and 500 in Chinese (English for an English reader), in the site's frame,
with a way back; the API keeps JSON."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_a_chinese_404_in_the_frame(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert "返回首页" in html
    assert "Not Found" not in html
    assert 'href="/"' in html


def test_a_refusal_says_why_in_chinese(client, bob):
    client.force_login(bob)
    response = client.get(reverse("staff:dashboard"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "没有权限" in html
    assert "只有提案委员会工作人员可以使用此页面。" in html  # the reason the check gave
    assert "403 Forbidden" not in html
    assert "回到我的工作台" in html


def test_a_request_for_another_host_is_a_chinese_400(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "请求无效" in response.content.decode()


def test_the_pages_are_english_for_an_english_reader(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_api_keeps_json_for_a_refusal_and_a_missing_url(client):
    missing = client.get("/api/v1/no-such-thing/")
    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("application/json")


def test_the_500_page_needs_no_request_and_is_chinese():
    html = render_to_string("500.html")
    assert "系统出错" in html and "返回首页" in html


@pytest.mark.parametrize("path", ["/no-such-page/", "/proposals/999999/"])
def test_with_debug_on_a_404_is_still_the_sites_page_not_the_url_list(client, settings, path):
    settings.DEBUG = True
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert "URLconf" not in html and "Using the URLconf" not in html


def test_a_developer_may_ask_for_the_technical_404(client, settings):
    settings.DEBUG = True
    settings.DEBUG_TECHNICAL_404 = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()
