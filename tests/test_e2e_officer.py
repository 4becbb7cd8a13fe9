"""An agency officer in headless Chromium: log in, open the assignment, accept it, file
the reply with the real reply-118.doc, see its rendered PDF, confirm it.

The render is queued with transaction.on_commit and runs eagerly (no Redis in tests) in
the live server's thread, so this also proves the after-commit hook fires in a real
request. Set JIANYAN_SCREENSHOTS=<dir> to keep a screenshot of every page.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from config.celery_app import app as celery_app
from proposals.models import Status
from responses import deadlines
from responses.models import AssignmentState, RenderStatus, Reply, ReplyStatus
from responses.models import Role as AssignmentRole
from responses.services import assign_proposal
from tests import corpus
from tests.factories import ProposalFactory

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
RENDER_TIMEOUT_MS = 180_000

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Playwright's sync API runs an event loop in this thread; our DB calls stay sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def eager_tasks():
    """Render in-process even where REDIS_URL is set (CI may run a worker elsewhere)."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def assignment(alice, bob, agency, session):
    proposal = ProposalFactory(
        session=session,
        number=118,
        title="关于加快推进我市工业互联网发展的建议",
        status=Status.REGISTERED,
    )
    (assignment,) = assign_proposal(proposal, agencies=[(agency, AssignmentRole.SOLE)], by=alice)
    return assignment


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    # The flash messages come from the shared frame (templates/includes/messages.html),
    # checked by the frame's own tests; here we judge the officer's pages.
    result = page.evaluate(
        """async () => await axe.run({exclude: [['.messages']]}, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def check(page, name, *, pdf_frame=None):
    """Every page: no serious accessibility fault; a screenshot when asked for."""
    folder = os.environ.get("JIANYAN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"officer-{name}.png"), full_page=True)
        if pdf_frame is not None:  # the PDF viewer paints only inside the viewport
            pdf_frame.scroll_into_view_if_needed()
            page.wait_for_timeout(2000)
            pdf_frame.screenshot(path=str(Path(folder) / f"officer-{name}-pdf.png"))
    assert serious_violations(page) == []


def test_an_officer_accepts_files_previews_and_confirms_a_reply(live_server, browser, assignment):
    # axe is injected as a script: let it past the CSP (our own pages need no inline code).
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    page = context.new_page()

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("bob")
    page.get_by_label("密码").fill("pw-for-tests-1")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/agency/")
    expect(page.locator("h1")).to_have_text("我的办理")
    row = page.locator("tbody tr").filter(has_text="关于加快推进我市工业互联网发展的建议")
    expect(row).to_contain_text("待签收")
    check(page, "1-dashboard")

    row.get_by_role("link", name="关于加快推进我市工业互联网发展的建议").click()
    page.wait_for_url(f"**/agency/assignments/{assignment.pk}/")
    expect(page.locator(".deadline-big")).to_contain_text(f"{assignment.deadline:%Y-%m-%d}")
    deadline_box = page.get_by_role("region", name="办理期限")
    expect(deadline_box).to_contain_text(deadlines.explain(assignment))
    check(page, "2-assignment")

    with page.expect_navigation():
        page.get_by_role("button", name="签收").click()
    expect(page.locator(".message-success")).to_have_text("已签收。")
    page.get_by_role("link", name="填报答复").click()
    page.wait_for_url(f"**/agency/assignments/{assignment.pk}/reply/")
    check(page, "3-reply-form")

    page.get_by_label("答复函").set_input_files(str(corpus.path("zh/reply-118.doc")))
    page.get_by_label("A：已经解决或基本解决").check()
    page.get_by_label("答复内容").fill("我局已将工业互联网平台建设列入年度重点工作。")
    page.get_by_label("签发人").fill("张局长")
    page.get_by_label("联系人").fill("李联络员")
    page.get_by_label("联系电话").fill("0512-68000000")
    page.get_by_label("公开", exact=True).check()
    page.get_by_role("button", name="保存并预览").click()

    page.wait_for_url("**/agency/replies/*/")
    # Rendered on commit; while it runs the page reloads itself until the PDF is ready.
    frame = page.locator("iframe.pdf-frame")
    frame.wait_for(timeout=RENDER_TIMEOUT_MS)
    reply = Reply.objects.get(assignment=assignment)
    document = reply.documents.get()
    assert document.render_status == RenderStatus.READY, document.render_error
    assert document.original_name == "reply-118.doc"
    pdf = context.request.get(live_server.url + frame.get_attribute("src"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    expect(page.locator(".tag-render-ready")).to_have_text("已完成")
    check(page, "4-preview", pdf_frame=frame)

    with page.expect_navigation():
        page.get_by_role("button", name="确认答复").click()
    expect(page.locator(".message-success")).to_contain_text("答复已确认")
    expect(page.get_by_text("答复已确认并锁定。")).to_be_visible()
    expect(page.get_by_role("button", name="确认答复")).to_have_count(0)
    check(page, "5-confirmed")

    reply.refresh_from_db()
    assignment.refresh_from_db()
    assert reply.status == ReplyStatus.CONFIRMED
    assert (reply.classification, reply.signer, reply.is_public) == ("A", "张局长", True)
    assert assignment.state == AssignmentState.REPLIED
    assert assignment.proposal.status == Status.REPLIED
    context.close()
