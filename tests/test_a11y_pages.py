"""Every kind of page, for the role that uses it, in headless Chromium: axe-core finds no
WCAG 2.1 A/AA violation (GB/T 37668-2019), whatever its impact, in the normal look and in
care mode (关怀模式, on one page of each layout); on our own pages (not Django's admin)
none of axe's best practices either (heading order, one main landmark, content in
landmarks, no empty table header)."""

import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import sync_playwright

from portal.care import COOKIE_NAME as CARE_COOKIE
from proposals.models import Proposal
from responses.models import AssignmentState
from tests import staff_data
from tests.a11y_support import CHROMIUM_ARGS, new_context, violations
from tests.factories import CategoryFactory, ProposalFactory
from tests.officer_data import make_assignment, make_document, make_draft_reply
from tests.public_data import make_118, make_published

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def setting_up(settings, tmp_path):
    from portal.selectors import forget_cached

    forget_cached()
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread for as long as the browser
    # lives (every test of the module, database teardown included); our DB calls stay sync.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def world(session, sponsor, agency, other_agency, alice, bob, dora, admin_user):
    session.is_current = True
    session.save()
    CategoryFactory(name="文化")
    published = make_118(
        session=session, sponsor=sponsor, agency=agency, assisting_agency=other_agency
    )
    make_published(title="关于昆曲传承的提案", session=session, agency=other_agency)
    registered = staff_data.registered(alice, session, sponsor, title="关于城市更新的建议")
    pending = staff_data.assigned(alice, session, sponsor, agency, title="关于数字政府的建议")
    accepted = make_assignment(
        agency,
        state=AssignmentState.ACCEPTED,
        proposal=ProposalFactory(
            session=session,
            number=900,
            title="关于养老服务的建议",
            status="assigned",
            lead_sponsor=sponsor,
        ),
    )
    draft = make_draft_reply(accepted)
    make_document(draft)
    reply = staff_data.replied(alice, session, sponsor, agency, title="关于托育服务的建议")
    return SimpleNamespace(
        published=published,
        registered=registered,
        pending=pending,
        accepted=accepted,
        draft=draft,
        reply=reply,
        users={"alice": alice, "bob": bob, "dora": dora, "admin": admin_user},
    )


def reset_link(w):
    user = w.users["dora"]
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/accounts/password/reset/{uid}/{default_token_generator.make_token(user)}/"


def log_out(page):
    with page.expect_navigation():
        page.get_by_role("button", name="退出登录").click()


def submit(button):
    """Submit the page's form as it stands (empty or wrong): the page with its errors."""

    def then(page):
        with page.expect_navigation():
            page.get_by_role("button", name=button, exact=True).first.click()

    return then


def rate(choice):
    """Rate the reply (the choice is required, so the browser would not send it empty)."""

    def then(page):
        page.get_by_label(choice, exact=True).first.check()
        submit("提交满意度")(page)

    return then


def wrong_password(page):
    page.get_by_label("用户名").fill("dora")
    page.get_by_label("密码").fill("not-the-password")
    submit("登录")(page)


# (name, who, path, then): `then` acts on the page before axe looks, for a page that
# only a POST shows.
PAGES = [
    # The public
    ("public-home", None, lambda w: "/", None),
    ("public-list", None, lambda w: "/proposals/", None),
    ("public-search", None, lambda w: "/proposals/?q=工业", None),
    ("public-detail", None, lambda w: f"/proposals/{w.published.pk}/", None),
    ("public-agencies", None, lambda w: "/agencies/", None),
    ("public-agency", None, lambda w: f"/agencies/{w.pending.agency_id}/", None),
    ("public-404", None, lambda w: "/proposals/999999/", None),
    ("public-403", "bob", lambda w: "/staff/", None),
    # Signing in
    ("login", None, lambda w: "/accounts/login/", None),
    ("login-refused", None, lambda w: "/accounts/login/", wrong_password),
    ("password-reset", None, lambda w: "/accounts/password/reset/", None),
    ("password-reset-done", None, lambda w: "/accounts/password/reset/done/", None),
    ("password-reset-confirm", None, reset_link, None),
    ("password-reset-complete", None, lambda w: "/accounts/password/reset/complete/", None),
    ("password-change", "dora", lambda w: "/accounts/password/change/", None),
    ("password-change-done", "dora", lambda w: "/accounts/password/change/done/", None),
    ("logged-out", "dora", lambda w: "/", log_out),
    # Staff
    ("staff-dashboard", "alice", lambda w: "/staff/", None),
    ("staff-proposals", "alice", lambda w: "/staff/proposals/", None),
    ("staff-proposal", "alice", lambda w: f"/staff/proposals/{w.pending.proposal_id}/", None),
    ("staff-intake", "alice", lambda w: "/staff/proposals/new/", None),
    ("staff-intake-errors", "alice", lambda w: "/staff/proposals/new/", submit("保存并提交审查")),
    ("staff-assign", "alice", lambda w: f"/staff/proposals/{w.registered.pk}/assign/", None),
    (
        "staff-assign-errors",
        "alice",
        lambda w: f"/staff/proposals/{w.registered.pk}/assign/",
        submit("确认交办"),
    ),
    ("staff-requests", "alice", lambda w: "/staff/requests/", None),
    ("staff-key", "alice", lambda w: "/staff/key/", None),
    ("staff-publication", "alice", lambda w: "/staff/publication/", None),
    ("staff-imports", "alice", lambda w: "/staff/import/", None),
    ("staff-officers", "alice", lambda w: "/staff/officers/", None),
    ("staff-reports", "alice", lambda w: "/staff/reports/", None),
    ("staff-overdue", "alice", lambda w: "/staff/overdue/", None),
    ("staff-deadlines", "alice", lambda w: "/notifications/overview/", None),
    # Agency officers
    ("officer-dashboard", "bob", lambda w: "/agency/", None),
    ("officer-assignment", "bob", lambda w: f"/agency/assignments/{w.pending.pk}/", None),
    ("officer-accept", "bob", lambda w: f"/agency/assignments/{w.pending.pk}/accept/", None),
    ("officer-reply-form", "bob", lambda w: f"/agency/assignments/{w.accepted.pk}/reply/", None),
    (
        "officer-reply-errors",
        "bob",
        lambda w: f"/agency/assignments/{w.accepted.pk}/reply/",
        submit("保存并预览"),
    ),
    ("officer-accepted", "bob", lambda w: f"/agency/assignments/{w.pending.pk}/", submit("签收")),
    ("officer-reply", "bob", lambda w: f"/agency/replies/{w.draft.pk}/", None),
    ("officer-notifications", "bob", lambda w: "/notifications/", None),
    # Sponsors
    ("sponsor-proposals", "dora", lambda w: "/accounts/my-proposals/", None),
    (
        "sponsor-proposal",
        "dora",
        lambda w: f"/accounts/my-proposals/{w.reply.assignment.proposal_id}/",
        None,
    ),
    (
        "sponsor-rated",
        "dora",
        lambda w: f"/accounts/my-proposals/{w.reply.assignment.proposal_id}/",
        rate("基本满意"),
    ),
    # The admin, as staff use it
    ("admin-index", "admin", lambda w: "/admin/", None),
    ("admin-changelist", "admin", lambda w: "/admin/proposals/proposal/", None),
    (
        "admin-change",
        "admin",
        lambda w: f"/admin/proposals/proposal/{Proposal.objects.first().pk}/change/",
        None,
    ),
    (
        "admin-agency",
        "admin",
        lambda w: f"/admin/responses/agency/{w.pending.agency_id}/change/",
        None,
    ),
    ("admin-reply", "admin", lambda w: f"/admin/responses/reply/{w.reply.pk}/change/", None),
    ("admin-add", "admin", lambda w: "/admin/proposals/proposal/add/", None),
]


# Care mode belongs to the site's frame (templates/base.html; the admin has its own) and
# changes its style sheet, not the pages' markup: it is checked on one page of each layout
# and each kind of content (lists, tables, forms with and without errors, a document
# page), which keeps the browser part of the suite within its time.
CARE_PAGES = {
    "public-home",
    "public-list",
    "public-detail",
    "public-agencies",
    "login-refused",
    "staff-dashboard",
    "staff-proposal",
    "staff-intake-errors",
    "staff-reports",
    "officer-dashboard",
    "officer-reply-errors",
    "sponsor-proposal",
}
CASES = [
    pytest.param(*page, care, id=f"{page[0]}-{'care' if care else 'normal'}")
    for page in PAGES
    for care in (False, True)
    if not care or page[0] in CARE_PAGES
]


def test_every_care_page_is_a_page():
    assert {page[0] for page in PAGES} >= CARE_PAGES


@pytest.mark.parametrize(("name", "who", "path", "then", "care"), CASES)
def test_page_has_no_wcag_violation(live_server, browser, world, name, who, path, then, care):
    user = world.users[who] if who else None
    context = new_context(browser, live_server, user)
    if care:
        context.add_cookies([{"name": CARE_COOKIE, "value": "1", "url": live_server.url}])
    page = context.new_page()
    response = page.goto(live_server.url + path(world))
    assert response.status < 500
    if then is not None:
        then(page)
    page.wait_for_load_state("networkidle")  # the admin's scripts have run
    if folder := os.environ.get("JIANYAN_SCREENSHOTS"):  # to look at the pages
        shot = Path(folder) / f"a11y-{name}-{'care' if care else 'normal'}.png"
        page.screenshot(path=str(shot), full_page=True)
    assert page.locator("html").get_attribute("lang")
    assert ("care-mode" in (page.locator("html").get_attribute("class") or "")) == care
    # Our own pages keep axe's best practices too; the admin's markup is Django's.
    found = violations(page, best_practice=not name.startswith("admin-"))
    context.close()
    assert found == [], "\n".join(found)
