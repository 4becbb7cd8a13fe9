"""Every main page carries the Content-Security-Policy, no page needs inline script or
style without the nonce, and a stored <script> shows as text wherever it is shown."""

import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.urls import reverse

from tests.officer_data import make_assignment
from tests.public_data import make_published

pytestmark = pytest.mark.django_db

EVIL = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert("


@pytest.fixture
def evil(agency, sponsor, session):
    """A published proposal whose title, body and reply summary each hold a script."""
    proposal = make_published(
        title=f"关于{EVIL}的建议",
        body=f"正文{EVIL}",
        session=session,
        sponsor=sponsor,
        agency=agency,
        summary=f"摘要{EVIL}",
    )
    return proposal


def html_pages(evil, agency):
    assignment = evil.reply.assignment
    return {
        "anonymous": [
            reverse("public:home"),
            reverse("public:proposals"),
            reverse("public:proposals") + "?q=建议",
            reverse("public:proposal", args=[evil.pk]),
            reverse("public:agencies"),
            reverse("public:agency", args=[agency.pk]),
            reverse("accounts:login"),
            reverse("accounts:password_reset"),
        ],
        "alice": [
            reverse("staff:dashboard"),
            reverse("staff:proposal-list"),
            reverse("staff:proposal-detail", args=[evil.pk]),
            reverse("staff:publication"),
            reverse("staff:officers"),
        ],
        "bob": [
            reverse("officer:dashboard"),
            reverse("officer:assignment", args=[assignment.pk]),
        ],
        "dora": [
            reverse("members:my-proposals"),
            reverse("members:my-proposal", args=[evil.pk]),
        ],
    }


def fetch_all(client, users, evil, agency):
    for who, urls in html_pages(evil, agency).items():
        client.logout()
        if who != "anonymous":
            client.force_login(users[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            yield url, response


@pytest.fixture
def users(alice, bob, dora):
    return {"alice": alice, "bob": bob, "dora": dora}


def test_every_main_page_sends_a_strict_content_security_policy(client, users, evil, agency):
    for url, response in fetch_all(client, users, evil, agency):
        policy = response.headers.get("Content-Security-Policy", "")
        # Django adds the nonce to the header only on pages that used one.
        assert re.search(r"script-src 'self'( 'nonce-[^']+')?;", policy), url
        assert "unsafe-inline" not in policy, url
        assert "object-src 'none'" in policy, url


def test_no_page_has_inline_script_or_style_without_the_nonce(client, users, evil, agency):
    for url, response in fetch_all(client, users, evil, agency):
        html = response.content.decode()
        found = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", html):
            if "src=" not in tag:
                assert found and f'nonce="{found[1]}"' in tag, (url, tag)
        assert not re.search(r"<[a-z][^>]*\sstyle=", html), (url, "inline style attribute")
        assert not re.search(r"<[a-z][^>]*\son[a-z]+=", html), (url, "inline event handler")


def test_a_stored_script_shows_as_text_on_every_page(client, users, evil, agency):
    for url, response in fetch_all(client, users, evil, agency):
        html = response.content.decode()
        assert EVIL not in html, url
    client.logout()
    detail = client.get(reverse("public:proposal", args=[evil.pk])).content.decode()
    assert ESCAPED in detail


def test_a_stored_script_is_data_in_the_api_feed_and_csv(client, evil):
    api = client.get(reverse("api:proposal-detail", args=[evil.pk]))
    assert api.headers["Content-Type"].startswith("application/json")
    assert api.json()["title"] == f"关于{EVIL}的建议"
    csv = client.get(reverse("public:export"))
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert csv.headers.get("X-Content-Type-Options") == "nosniff"


def test_an_officer_sees_a_stored_script_as_text(client, bob, agency):
    assignment = make_assignment(agency)
    proposal = assignment.proposal
    proposal.title = EVIL
    proposal.save(update_fields=["title"])
    client.force_login(bob)
    html = client.get(reverse("officer:assignment", args=[assignment.pk])).content.decode()
    assert EVIL not in html
    assert ESCAPED in html


ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_BODY = (
    '正文<script>alert("x")</script><img src=x onerror="alert(1)">'
    '<a href="javascript:alert(2)">点击</a>'
)


class _LiveMarkup(HTMLParser):
    """What a browser would bring to life in an HTML fragment: scripts, event handlers,
    javascript: URLs (and any element at all, which a plain text never has)."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag}[{name}]")


def live_markup(summary) -> list[str]:
    """The summary as a feed reader renders it (RFC 4287 §3.1.1): type="text" is shown as
    text, type="html" is unescaped once and rendered as HTML."""
    kind = summary.get("type", "text")
    if kind == "text":
        return []
    parser = _LiveMarkup()
    parser.feed(summary.text or "")
    return parser.found


def test_the_feed_summaries_are_plain_text_a_reader_never_runs(client, evil, agency, session):
    make_published(title="带恶意正文的提案", body=HOSTILE_BODY, session=session, reply=False)
    from portal.selectors import forget_cached

    forget_cached()
    feed = ElementTree.fromstring(client.get(reverse("public:feed")).content)
    summaries = [entry.find(f"{ATOM}summary") for entry in feed.iter(f"{ATOM}entry")]
    assert len(summaries) >= 3  # the hostile proposal, the evil one and its reply
    for summary in summaries:
        assert not live_markup(summary), ElementTree.tostring(summary, encoding="unicode")
    texts = [summary.text for summary in summaries]
    # Shown as the characters that were typed, not dropped.
    assert any("<script>" in text and "javascript:" in text for text in texts)
    assert any(text.startswith("摘要<script>") for text in texts)


def test_signed_in_pages_are_never_cached_and_public_ones_may_be(client, users, evil, agency):
    anonymous = set(html_pages(evil, agency)["anonymous"])
    for url, response in fetch_all(client, users, evil, agency):
        cache_control = response.headers.get("Cache-Control", "")
        signed_in = settings.SESSION_COOKIE_NAME in client.cookies
        if signed_in:
            assert "private" in cache_control and "no-store" in cache_control, url
        elif not url.startswith("/accounts/"):  # Django's own login pages are never_cache
            assert url in anonymous
            assert "no-store" not in cache_control and "private" not in cache_control, url
    client.force_login(users["alice"])
    for url in (reverse("public:home"), reverse("public:proposal", args=[evil.pk])):
        cache_control = client.get(url).headers.get("Cache-Control", "")
        assert "private" in cache_control and "no-store" in cache_control, url
