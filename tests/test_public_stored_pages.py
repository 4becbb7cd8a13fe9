"""Stored detail pages (portal/pages.py): served to anonymous visitors as stored,
made theirs (CSRF token, live view count), and never served once anything on them has
changed."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import pages
from proposals.models import Proposal, PublicPage
from proposals.services import publish_proposal
from proposals.workflow import record_event
from responses.models import Assignment
from tests.public_data import make_118, make_published


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def url(proposal):
    return reverse("public:proposal", args=[proposal.pk])


def visit(proposal, client=None, **extra):
    response = (client or Client()).get(url(proposal), **extra)
    assert response.status_code == 200
    return response.content.decode()


def stored(proposal, language="zh-hans"):
    return PublicPage.objects.filter(proposal=proposal, language=language).first()


def test_a_visit_stores_the_page_and_the_next_is_served_from_it(session, agency):
    proposal = make_published(session=session, agency=agency, summary="答复摘要")
    first = visit(proposal)
    page = stored(proposal)
    assert page is not None and "答复摘要" in page.html
    with CaptureQueriesContext(connection) as queries:
        second = visit(proposal, REMOTE_ADDR="10.0.0.9")
    # On PostgreSQL one statement finds the page and counts the view; SQLite has no
    # INSERT in a WITH, so there it is a query, then an INSERT and an UPDATE in a savepoint.
    assert len(queries) == (1 if connection.vendor == "postgresql" else 5)
    assert "publicpage" in queries.captured_queries[0]["sql"]
    assert not any("proposals_sponsorship" in q["sql"] for q in queries.captured_queries)

    # The same page but for the visitor's token and the count, one higher.
    def same(html):
        return re.sub(r'value="[^"]{64}"', "", html).replace('count">1<', 'count">2<')

    assert same(first) == same(second)


def test_the_stored_page_is_made_each_visitors_own(session, agency):
    proposal = make_published(session=session, agency=agency)
    one, two = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    first, second = visit(proposal, one), visit(proposal, two)
    assert '<span class="view-count">1</span>' in first
    assert '<span class="view-count">2</span>' in second
    for html in (first, second):
        assert pages.CSRF_SLOT not in html and pages.VIEWS_SLOT not in html


def test_an_anonymous_page_sets_no_cookie_and_its_language_switcher_works(session, agency):
    proposal = make_published(session=session, agency=agency)
    visitor = Client(enforce_csrf_checks=True)
    for _ in range(2):  # rendered, then served stored
        response = visitor.get(url(proposal))
        assert not response.cookies and "csrfmiddlewaretoken" not in response.content.decode()
    switched = visitor.post(reverse("set_language"), {"language": "en", "next": url(proposal)})
    assert switched.status_code == 302 and switched["Location"] == url(proposal)
    assert 'lang="en"' in visitor.get(url(proposal)).content.decode()


def test_a_csrf_slot_would_get_each_visitors_own_token(rf):
    html = f'<form method="post"><input name="csrfmiddlewaretoken" value="{pages.CSRF_SLOT}">'
    tokens = {pages.fill(html + pages.VIEWS_SLOT, rf.get("/"), 3) for _ in range(2)}
    assert len(tokens) == 2
    assert all(pages.CSRF_SLOT not in t and t.endswith(">3") for t in tokens)


def test_text_that_looks_like_a_slot_stays_text(session, agency):
    proposal = make_published(
        session=session, agency=agency, body=f"正文里写着 {pages.VIEWS_SLOT} 和 {pages.CSRF_SLOT}"
    )
    visit(proposal)
    html = visit(proposal, REMOTE_ADDR="10.0.0.3")
    assert "&lt;jy-slot-views&gt;" in html and "&lt;jy-slot-csrf&gt;" in html


def test_the_seed_proposal_shows_every_field_from_the_stored_page(
    session, sponsor, agency, other_agency
):
    proposal = make_118(
        session=session, sponsor=sponsor, agency=agency, assisting_agency=other_agency
    )
    rendered = visit(proposal)
    served = visit(proposal, REMOTE_ADDR="10.0.0.4")
    assert stored(proposal) is not None
    for field in ("建议人", "建议号", "建议内容", "承办单位", "办理期限", "答复时间", "办理类型"):
        assert field in served
    assert proposal.title in served and agency.name in served and other_agency.name in served
    assert len(served) == len(rendered)  # the same page, the count one higher


def test_signed_in_users_get_their_own_rendering(client, alice, session, agency):
    proposal = make_published(session=session, agency=agency)
    visit(proposal)  # stored for anonymous visitors
    client.force_login(alice)
    html = visit(proposal, client)
    assert alice.display_name in html and "退出登录" in html
    assert pages.CSRF_SLOT not in html


def test_a_query_string_is_rendered_not_served(session, agency):
    proposal = make_published(session=session, agency=agency)
    visit(proposal)
    html = Client().get(url(proposal) + "?from=feed").content.decode()
    assert "?from=feed" in html  # the language switcher returns to this very URL
    assert "?from=feed" not in stored(proposal).html


def test_unpublishing_hides_a_stored_page(session, agency):
    proposal = make_published(session=session, agency=agency)
    visit(proposal)
    Proposal.objects.filter(pk=proposal.pk).update(is_published=False)
    assert Client().get(url(proposal)).status_code == 404


def test_a_renamed_agency_shows_on_the_next_visit(session, agency):
    proposal = make_published(session=session, agency=agency)
    assert agency.name in visit(proposal)
    agency.name = "苏州市新名称局"
    agency.save()
    assert "苏州市新名称局" in visit(proposal, REMOTE_ADDR="10.0.0.5")


def test_a_change_recorded_by_a_transition_shows_on_the_next_visit(session, agency, alice):
    proposal = make_published(session=session, agency=agency)
    visit(proposal)
    assignment = Assignment.objects.get(proposal=proposal)
    # A service changes rows with UPDATE (no save signal) and records its event.
    Assignment.objects.filter(pk=assignment.pk).update(deadline=dt.date(2031, 7, 9))
    record_event(proposal, "change_deadline", by=alice, assignment=assignment)
    assert "2031-07-09" in visit(proposal, REMOTE_ADDR="10.0.0.6")


def test_a_new_release_renders_again(session, agency, monkeypatch):
    proposal = make_published(session=session, agency=agency)
    visit(proposal)
    monkeypatch.setattr(pages, "release", lambda: "next-release")
    visit(proposal, REMOTE_ADDR="10.0.0.7")
    assert stored(proposal).release == "next-release"


def test_an_old_page_is_rendered_again(session, agency, time_machine):
    time_machine.move_to(dt.datetime(2025, 10, 1, 9, 0, tzinfo=dt.UTC))
    proposal = make_published(session=session, agency=agency)
    visit(proposal)
    first = stored(proposal).rendered_at
    time_machine.move_to(first + pages.MAX_AGE + dt.timedelta(minutes=1))
    visit(proposal, REMOTE_ADDR="10.0.0.8")
    assert stored(proposal).rendered_at > first + pages.MAX_AGE


def test_each_language_has_its_page(session, agency):
    proposal = make_published(session=session, agency=agency)
    visit(proposal)
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    html = visit(proposal, english)
    assert 'lang="en"' in html and stored(proposal, "en") is not None
    assert 'lang="zh-hans"' in stored(proposal).html


def test_publishing_builds_the_page(session, agency, alice, django_capture_on_commit_callbacks):
    proposal = make_published(session=session, agency=agency, published=False)
    with django_capture_on_commit_callbacks(execute=True):
        publish_proposal(proposal, by=alice)
    page = stored(proposal)
    assert page is not None and proposal.title in page.html
    with CaptureQueriesContext(connection) as queries:
        visit(proposal)
    assert not any("proposals_sponsorship" in q["sql"] for q in queries.captured_queries)


def test_the_command_builds_what_is_missing_once(session, agency):
    published = [make_published(session=session, agency=agency) for _ in range(3)]
    hidden = make_published(session=session, agency=agency, published=False)
    out, err = io.StringIO(), io.StringIO()
    call_command("build_public_pages", stdout=out, stderr=err)
    assert "3" in out.getvalue() and "3/3" in err.getvalue()  # the progress bar
    assert {p.proposal_id for p in PublicPage.objects.all()} == {p.pk for p in published}
    assert stored(hidden) is None
    out = io.StringIO()
    call_command("build_public_pages", "--no-progress", stdout=out)
    assert "已生成 0 个" in out.getvalue()
    call_command("build_public_pages", "--all", "--language", "en", "--no-progress", stdout=out)
    assert PublicPage.objects.filter(language="en").count() == 3
