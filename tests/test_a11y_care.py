"""关怀模式 (care mode, portal/care.py): a plain link turns it on and off without
JavaScript, a cookie remembers it, the server marks <html>, and the page then has
larger type, 7:1 text, larger targets and one column."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import sync_playwright

from portal import pages
from portal.care import COOKIE_NAME
from tests.a11y_support import CHROMIUM_ARGS, new_context
from tests.public_data import make_published

CARE_CLASS = re.compile(r'<html lang="[^"]+" class="care-mode">')


def switch(client, **query):
    return client.get(reverse("care_mode"), query)


@pytest.mark.django_db
def test_the_switch_sets_a_lax_http_only_cookie_and_goes_back():
    client = Client()
    response = switch(client, on="1", next="/proposals/?q=工业")
    assert response.status_code == 302
    assert response["Location"] == "/proposals/?q=%E5%B7%A5%E4%B8%9A"
    assert "no-store" in response["Cache-Control"]
    cookie = response.cookies[COOKIE_NAME]
    assert cookie.value == "1"
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
    assert not cookie["secure"]  # plain HTTP: a Secure cookie would not come back
    assert cookie["max-age"] >= 300 * 24 * 3600
    assert CARE_CLASS.search(client.get("/proposals/").content.decode())


@pytest.mark.django_db
def test_over_https_the_cookie_is_secure():
    response = Client().get(reverse("care_mode"), {"on": "1", "next": "/"}, secure=True)
    assert response.cookies[COOKIE_NAME]["secure"] is True


@pytest.mark.django_db
def test_turning_it_off_clears_the_cookie():
    client = Client()
    switch(client, on="1", next="/")
    response = switch(client, on="0", next="/agencies/")
    assert response["Location"] == "/agencies/"
    assert response.cookies[COOKIE_NAME].value == ""
    assert response.cookies[COOKIE_NAME]["max-age"] == 0
    html = client.get("/agencies/").content.decode()
    assert "care-mode" not in html.split("<head>")[0]


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http://testserver/proposals/",  # same host, but not a path: refused too
        "",
    ],
)
@pytest.mark.django_db
def test_it_goes_back_only_to_a_path_of_this_site(target):
    response = switch(Client(), on="1", next=target)
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_only_get_switches_it():
    assert Client().post(reverse("care_mode"), {"on": "1"}).status_code == 405


@pytest.mark.django_db
def test_every_page_offers_the_switch_back_to_itself(client):
    html = client.get("/proposals/", {"q": "工业"}).content.decode()
    # next= is the page's own address, quoted once more to travel in a query string.
    assert (
        'href="/care-mode/?on=1&amp;next=/proposals/%3Fq%3D%25E5%25B7%25A5%25E4%25B8%259A"' in html
    )
    assert ">关怀模式</a>" in html
    client.cookies[COOKIE_NAME] = "1"
    html = client.get("/agencies/").content.decode()
    assert 'href="/care-mode/?on=0&amp;next=/agencies/"' in html
    assert ">退出关怀模式</a>" in html


@pytest.mark.django_db
def test_signed_in_pages_follow_the_cookie_too(client, bob):
    client.force_login(bob)
    client.cookies[COOKIE_NAME] = "1"
    assert CARE_CLASS.search(client.get(reverse("officer:dashboard")).content.decode())


@pytest.mark.django_db
def test_a_care_mode_visit_neither_gets_nor_makes_the_stored_page(session, agency, settings):
    settings.MEDIA_ROOT = "var/test-media-unused"
    proposal = make_published(session=session, agency=agency)
    url = reverse("public:proposal", args=[proposal.pk])
    care = Client()
    care.cookies[COOKIE_NAME] = "1"

    response = care.get(url)
    assert CARE_CLASS.search(response.content.decode())
    assert "private" in response["Cache-Control"]
    assert not pages.PublicPage.objects.filter(proposal=proposal).exists()

    plain = Client().get(url)
    assert "care-mode" not in plain.content.decode().split("<head>")[0]
    assert "private" not in plain.get("Cache-Control", "")
    assert pages.PublicPage.objects.filter(proposal=proposal).exists()  # stored now
    response = care.get(url)  # and still not served to the care-mode reader
    assert CARE_CLASS.search(response.content.decode())


# --- In the browser ----------------------------------------------------------------------


def channel(value: str) -> float:
    c = int(value) / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: str) -> float:
    r, g, b = re.findall(r"[\d.]+", rgb)[:3]
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(foreground: str, background: str) -> float:
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# The text colour of an element and the first opaque background behind it.
COLOURS = """(element) => {
    let node = element, background = 'rgb(255, 255, 255)';
    while (node) {
        const colour = getComputedStyle(node).backgroundColor;
        if (colour !== 'transparent' && !colour.startsWith('rgba(0, 0, 0, 0)')) {
            background = colour; break;
        }
        node = node.parentElement;
    }
    return [getComputedStyle(element).color, background];
}"""


def measure(page):
    def px(selector, prop="fontSize"):
        return page.eval_on_selector(selector, f"e => parseFloat(getComputedStyle(e).{prop})")

    return {
        "body": px("body"),
        "h1": px("h1"),
        "filter-button": page.eval_on_selector(
            ".filters button[type=submit]", "e => e.getBoundingClientRect().height"
        ),
        "text": contrast(*page.eval_on_selector(".record-title", COLOURS)),
        "meta": contrast(*page.eval_on_selector(".record-meta", COLOURS)),
        "muted": contrast(*page.eval_on_selector(".pagination-summary, .results-summary", COLOURS)),
        # One column: the filters sit above the results, not beside them.
        "columns": page.evaluate(
            """() => {
                const a = document.querySelector('.filters').getBoundingClientRect();
                const b = document.querySelector('.results').getBoundingClientRect();
                return b.top >= a.bottom ? 1 : 2;
            }"""
        ),
    }


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_care_mode_in_a_browser_without_javascript(live_server, session, agency, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    make_published(title="关于养老服务的建议", session=session, agency=agency)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = new_context(browser, live_server, java_script_enabled=False)
        page = context.new_page()
        page.goto(live_server.url + "/proposals/")
        normal = measure(page)

        with page.expect_navigation():
            page.get_by_role("link", name="关怀模式", exact=True).click()
        assert page.url == live_server.url + "/proposals/"
        assert page.locator("html").get_attribute("class") == "care-mode"
        care = measure(page)
        cookie = next(c for c in context.cookies() if c["name"] == COOKIE_NAME)
        assert cookie["sameSite"] == "Lax" and cookie["httpOnly"]

        page.goto(live_server.url + "/agencies/")  # remembered on the next page
        assert page.locator("html").get_attribute("class") == "care-mode"
        with page.expect_navigation():
            page.get_by_role("link", name="退出关怀模式").click()
        assert page.locator("html").get_attribute("class") is None
        context.close()
        browser.close()

    print("normal", normal, "care", care)
    assert normal["body"] == 16 and care["body"] >= 18
    assert care["h1"] > normal["h1"] * 1.15
    assert care["filter-button"] >= 48 > normal["filter-button"]
    for text in ("text", "meta", "muted"):
        assert care[text] >= 7, text
    assert normal["columns"] == 2 and care["columns"] == 1
