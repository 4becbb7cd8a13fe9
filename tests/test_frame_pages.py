"""The site's frame: header, navigation per role, footer, and the shared includes."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.urls import reverse


class _NavLinks(HTMLParser):
    """Collects (href, text) of the links inside <nav class="site-nav">."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.links = []
        self._href = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "site-nav" in (attrs.get("class") or ""):
            self.depth = 1
        elif self.depth and tag == "nav":
            self.depth += 1
        elif self.depth and tag == "a":
            self._href = attrs.get("href")
            self.links.append([self._href, "", attrs.get("aria-current")])

    def handle_endtag(self, tag):
        if self.depth and tag == "nav":
            self.depth -= 1
        elif tag == "a":
            self._href = None

    def handle_data(self, data):
        if self.depth and self._href is not None:
            self.links[-1][1] += data.strip()


def nav_links(response):
    parser = _NavLinks()
    parser.feed(response.content.decode())
    return parser.links


def get_home(client, user=None):
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("public:home"))
    assert response.status_code == 200
    return response


# --- The frame ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_page_wears_the_frame_for_an_anonymous_visitor(client):
    content = get_home(client).content.decode()
    assert '<html lang="zh-hans">' in content
    assert "建言" in content and "政协提案办理与公开" in content
    assert '<a class="skip-link" href="#main">跳到主要内容</a>' in content
    assert '<main id="main"' in content
    assert "<header" in content and "<footer" in content
    assert 'aria-label="主导航"' in content
    assert "/static/css/site.css" in content
    assert f'href="{reverse("accounts:login")}"' in content
    assert "退出登录" not in content


@pytest.mark.django_db
def test_a_signed_in_user_sees_their_name_role_and_a_logout_button_that_posts(client, bob):
    content = get_home(client, bob).content.decode()
    assert "李联络员" in content and "（承办单位联络员）" in content
    logout_form = re.search(
        r'<form method="post" action="([^"]+)">\s*<input type="hidden" name="csrfmiddlewaretoken"',
        content,
    )
    assert logout_form and logout_form.group(1) == reverse("accounts:logout")
    assert ">登录</a>" not in content


@pytest.mark.django_db
def test_logging_out_by_post_ends_the_session_and_returns_home(client, bob):
    client.force_login(bob)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("public:home")
    assert "_auth_user_id" not in client.session


# --- Navigation per role --------------------------------------------------------------------

STAFF_PREFIXES = ("/staff/", "/admin/")
OFFICER_PREFIXES = ("/agency/",)


@pytest.mark.django_db
def test_an_anonymous_visitor_is_offered_only_public_pages(client):
    hrefs = [href for href, _text, _current in nav_links(get_home(client))]
    assert reverse("public:home") in hrefs
    assert not [h for h in hrefs if h.startswith(STAFF_PREFIXES + OFFICER_PREFIXES)]


@pytest.mark.django_db
def test_staff_with_admin_access_are_offered_the_data_management(client, alice):
    alice.is_staff = True
    alice.save(update_fields=["is_staff"])
    links = nav_links(get_home(client, alice))
    assert [reverse("admin:index"), "数据管理", None] in links
    assert not [h for h, _t, _c in links if h.startswith(OFFICER_PREFIXES)]


@pytest.mark.django_db
def test_staff_without_admin_access_are_not_sent_to_the_admin(client, alice):
    hrefs = [href for href, _text, _current in nav_links(get_home(client, alice))]
    assert reverse("admin:index") not in hrefs


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["bob", "dora"])
def test_officers_and_sponsors_are_offered_no_staff_pages(client, request, who):
    user = request.getfixturevalue(who)
    hrefs = [href for href, _text, _current in nav_links(get_home(client, user))]
    assert reverse("public:home") in hrefs
    assert not [h for h in hrefs if h.startswith(STAFF_PREFIXES)]


@pytest.mark.django_db
def test_the_superuser_is_offered_the_data_management(client, admin_user):
    hrefs = [href for href, _text, _current in nav_links(get_home(client, admin_user))]
    assert reverse("admin:index") in hrefs


@pytest.mark.django_db
def test_the_current_page_is_marked_in_the_navigation(client):
    links = nav_links(get_home(client))
    assert [reverse("public:home"), "首页", "page"] in links


# --- Accessibility and the content security policy ------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", [None, "alice", "bob"])
def test_pages_carry_no_inline_script_or_style_the_csp_would_block(client, request, who):
    user = request.getfixturevalue(who) if who else None
    response = get_home(client, user)
    content = response.content.decode()
    assert "Content-Security-Policy" in response.headers
    assert " style=" not in content
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", content):
        assert "src=" in tag or "nonce=" in tag, tag


@pytest.mark.django_db
def test_the_language_switcher_offers_both_languages_and_marks_the_current_one(client):
    content = get_home(client).content.decode()
    assert f'action="{reverse("set_language")}"' in content
    assert re.search(r'value="zh-hans"[^>]*aria-current="true"[^>]*>简体中文</button>', content)
    assert re.search(r'value="en"[^>]*>English</button>', content)


def test_error_messages_are_announced_as_alerts():
    html = render_to_string(
        "includes/messages.html",
        {
            "messages": [
                Message(constants.ERROR, "出错了"),
                Message(constants.SUCCESS, "已保存"),
            ]
        },
    )
    # The role sits inside the list item, which keeps the list a list (axe: list).
    assert '<li class="message message-error"><div role="alert">出错了' in html
    assert '<li class="message message-success"><div role="status">已保存' in html


# --- Pagination ---------------------------------------------------------------------------


def render_pagination(rf, *, count, page, query=""):
    request = rf.get(f"/list/?{query}")
    page_obj = Paginator(range(count), 10).get_page(page)
    return render_to_string("includes/pagination.html", {"page": page_obj}, request=request)


def test_pagination_keeps_the_other_query_parameters(rf):
    html = render_pagination(rf, count=100, page=5, query="category=3&q=%E4%BA%A4%E9%80%9A&page=5")
    assert 'href="?category=3&amp;q=%E4%BA%A4%E9%80%9A&amp;page=6" rel="next"' in html
    assert 'href="?category=3&amp;q=%E4%BA%A4%E9%80%9A&amp;page=4" rel="prev"' in html


def test_pagination_shows_first_last_and_the_pages_near_the_current_one(rf):
    html = render_pagination(rf, count=200, page=10)
    numbers = re.findall(r"page=(\d+)\" aria-label", html)
    assert numbers == ["1", "8", "9", "11", "12", "20"]
    assert '<span class="page-current" aria-current="page">' in html
    assert html.count("…") == 2
    assert "第 10 / 20 页，共 200 条" in html


def test_pagination_offers_no_previous_link_on_the_first_page(rf):
    html = render_pagination(rf, count=30, page=1)
    assert 'rel="prev"' not in html
    assert 'rel="next"' in html


def test_a_single_page_needs_no_pagination(rf):
    assert render_pagination(rf, count=7, page=1).strip() == ""
