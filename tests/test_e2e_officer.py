"""An agency officer in headless Chromium: log in, open the assignment, accept it, file
the reply with the real reply-118.doc, see its rendered PDF, confirm it.

The render is queued with transaction.on_commit and runs eagerly (no Redis in tests) in
the live server's thread, so this also proves the after-commit hook fires in a real
request. Set JIANYAN_SCREENSHOTS=<dir> to keep a screenshot of every page.
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from config.celery_app import app as celery_app
from proposals.models import Status
from responses import deadlines
from responses.models import Assignment, AssignmentState, RenderStatus, Reply, ReplyStatus
from responses.models import Role as AssignmentRole
from responses.services import accept_assignment, assign_proposal, waive_joint_opinions
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

    page.get_by_role("link", name="确认答复…").click()
    page.wait_for_url(f"**/agency/replies/{reply.pk}/confirm/")
    expect(page.get_by_text("此操作不能撤销。")).to_be_visible()
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


# --- The reply flow of a lead agency (issue #13), on a desktop and on a phone ------------

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def waiting_lead(alice, bob, agency, other_agency, session):
    """Bob's agency leads; the assisting 苏州市财政局 has not sent its opinion. Assigned
    three days ago, so a reply dated yesterday afternoon is a real, past time."""
    proposal = ProposalFactory(
        session=session, number=280, title="关于优化营商环境的建议", status=Status.REGISTERED
    )
    lead, _assisting = assign_proposal(
        proposal,
        agencies=[(agency, AssignmentRole.LEAD), (other_agency, AssignmentRole.ASSISTING)],
        by=alice,
    )
    accept_assignment(lead, by=bob)
    Assignment.objects.filter(pk=lead.pk).update(assigned_at=timezone.now() - timedelta(days=3))
    return lead


def fits_the_screen(page):
    """Nothing wider than the window (a phone must not scroll sideways)."""
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth") + 1, f"{page.url}: {width}px wide"


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_lead_is_told_of_the_missing_opinion_keeps_its_letter_and_confirms_on_a_second_page(
    live_server, browser, waiting_lead, alice, device
):
    context = browser.new_context(bypass_csp=True, locale="zh-CN", **device)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("bob")
    page.get_by_label("密码").fill("pw-for-tests-1")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/agency/")

    # Before anything is typed: the assignment page says who is missing and what to do.
    page.goto(f"{live_server.url}/agency/assignments/{waiting_lead.pk}/")
    notice = page.locator(".notice-missing-opinions")
    expect(notice).to_contain_text("尚未收到会办意见：苏州市财政局（协办")
    expect(notice).to_contain_text("免于等待会办意见")
    expect(page.get_by_role("link", name="填报答复")).to_have_count(0)
    fits_the_screen(page)
    check(page, f"flow-1-assignment-{device['viewport']['width']}")

    # …and so does the top of the reply form.
    page.goto(f"{live_server.url}/agency/assignments/{waiting_lead.pk}/reply/")
    top = page.locator(".notice-missing-opinions")
    expect(top).to_be_visible()
    assert top.bounding_box()["y"] < page.get_by_label("答复函").bounding_box()["y"]
    fits_the_screen(page)

    yesterday = timezone.localdate() - timedelta(days=1)
    page.get_by_label("答复函").set_input_files(str(corpus.path("zh/reply-118.doc")))
    page.get_by_label("A：已经解决或基本解决").check()
    page.get_by_label("答复内容").fill("已将建议纳入年度工作计划。")
    page.get_by_label("签发人").fill("张局长")
    page.get_by_label("答复日期").fill(f"{yesterday:%Y-%m-%d}")
    page.get_by_label("答复时间").fill("14:57")
    page.get_by_role("button", name="保存并预览").click()

    # Refused, and the letter is kept: no need to choose it again.
    expect(page.locator(".form-errors")).to_contain_text("尚未收到会办意见：苏州市财政局")
    expect(page.locator(".kept-letter")).to_have_text("已上传：reply-118.doc（保留）")
    assert not Reply.objects.exists()
    fits_the_screen(page)
    check(page, f"flow-2-refused-{device['viewport']['width']}")

    waive_joint_opinions(waiting_lead, by=alice)  # staff decide not to wait
    page.get_by_role("button", name="保存并预览").click()
    page.wait_for_url("**/agency/replies/*/")
    reply = Reply.objects.get()
    assert reply.documents.get().original_name == "reply-118.doc"
    expect(page.get_by_text(f"{yesterday:%Y-%m-%d} 14:57")).to_be_visible()
    page.locator("iframe.pdf-frame").wait_for(timeout=RENDER_TIMEOUT_MS)
    fits_the_screen(page)

    # 确认答复 asks on a page of its own, which says it cannot be undone.
    page.get_by_role("link", name="确认答复…").click()
    page.wait_for_url(f"**/agency/replies/{reply.pk}/confirm/")
    expect(page.get_by_text("此操作不能撤销。")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{yesterday:%Y-%m-%d} 14:57")
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.DRAFT
    confirm = page.get_by_role("button", name="确认答复")
    confirm.scroll_into_view_if_needed()
    expect(confirm).to_be_in_viewport()
    fits_the_screen(page)
    check(page, f"flow-3-confirm-{device['viewport']['width']}")
    with page.expect_navigation():
        confirm.click()
    expect(page.locator(".message-success")).to_contain_text("答复已确认")
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.CONFIRMED
    assert timezone.localtime(reply.replied_at).strftime("%H:%M") == "14:57"
    context.close()
