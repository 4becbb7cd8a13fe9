"""The staff's and the sponsor's whole paths in headless Chromium, on a desktop screen and
on a phone (issue #13).

Staff: log in, enter a proposal (录入提案), register it, assign it to a lead and an
assisting agency, find it in the lists, and close it once the lead agency's reply is in.
Sponsor: log in, see their own proposals, open one's reply and rate it.

On the phone every page must fit its width (no sideways scrolling of the page) and keep
its primary action on screen reach (visible, not clipped or hidden). Set
JIANYAN_SCREENSHOTS=<dir> to keep a screenshot of every step.
"""

import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from proposals.models import Proposal, Status
from responses.models import Assignment, Feedback, Satisfaction
from responses.models import Role as AssignmentRole
from responses.services import (
    accept_assignment,
    confirm_reply,
    file_joint_opinion,
    file_reply,
)
from tests import staff_data
from tests.browser_login import sign_in
from tests.factories import (
    CategoryFactory,
    OfficerFactory,
    ProposalFactory,
    SponsorFactory,
)
from tests.officer_data import make_document
from tests.test_zh_wording import DENIED, compile_catalogues

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True},
}
TITLE = "关于推进老旧小区加装电梯的建议"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def browser_thread(monkeypatch, settings, tmp_path):
    # Playwright's sync API runs an event loop in this thread; our DB calls stay sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(params=list(SCREENS))
def screen(request):
    return request.param


@pytest.fixture
def page(browser, screen):
    # axe is injected as a script: let it past the CSP.
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", bypass_csp=True, **SCREENS[screen]
    )
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm asks before 办结
    yield page
    context.close()


def overflow(page) -> dict:
    """How far the page is wider than the screen, and the widest elements that stick out."""
    return page.evaluate(
        """() => {
            const width = window.innerWidth;
            const out = [...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > width + 1)
                .filter(e => !e.closest('.table-scroll, [data-scroll]'))
                .slice(0, 5)
                .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                          + ' ' + Math.round(e.getBoundingClientRect().right));
            return {excess: document.scrollingElement.scrollWidth - width, out};
        }"""
    )


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run({exclude: [['.messages']]}, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    return [
        f"{v['id']}: {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def check(page, screen, name, *primary):
    """Every page: it fits the phone's width, its primary actions show, no script error
    and no serious accessibility fault."""
    folder = os.environ.get("JIANYAN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{screen}-{name}.png"), full_page=True)
    for action in primary:
        expect(action).to_be_visible()
        box = action.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    if screen == "phone":
        measured = overflow(page)
        assert measured["excess"] <= 1, (name, measured)
    assert page.problems == []
    assert serious_violations(page) == [], name


def log_in(page, live_server, username, lands_on):
    sign_in(page, f"{live_server.url}/accounts/login/", username, lands_on=f"**{lands_on}")


# --- Staff --------------------------------------------------------------------------------


@pytest.fixture
def staff_world(session, sponsor, agency, other_agency, alice, bob):
    session.is_current = True
    session.save()
    CategoryFactory(name="城建")
    SponsorFactory(name="市民盟")
    return session


def reply_as_agencies(proposal, officer, assisting_officer):
    """The agencies' part, through the services (tests/test_e2e_officer.py drives it in
    the browser): the assisting agency sends its opinion; the lead agency signs for the
    proposal, files its reply with a rendered letter and confirms it."""
    assisting = Assignment.objects.get(proposal=proposal, role=AssignmentRole.ASSISTING)
    accept_assignment(assisting, by=assisting_officer)
    file_joint_opinion(assisting, body="同意主办单位意见。", by=assisting_officer)
    lead = Assignment.objects.get(proposal=proposal, role=AssignmentRole.LEAD)
    accept_assignment(lead, by=officer)
    reply = file_reply(
        lead,
        classification="A",
        replied_at=timezone.now(),
        signer="张局长",
        summary="已列入年度民生实事项目。",
        by=officer,
    )
    make_document(reply)
    confirm_reply(reply, by=officer)


def test_staff_take_a_proposal_from_intake_to_closing(
    live_server, page, screen, staff_world, agency, other_agency, bob
):
    log_in(page, live_server, "alice", "/staff/")
    intake = page.get_by_role("navigation", name="工作台菜单").get_by_role("link", name="录入提案")
    check(page, screen, "staff-1-dashboard", intake)

    intake.click()
    page.wait_for_url("**/staff/proposals/new/")
    expect(page.locator("#id_session")).to_have_value(str(staff_world.pk))
    page.get_by_label("建议", exact=True).check()
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("领衔提案人").fill("市致公党")
    page.get_by_label("类别").select_option(label="城建")
    page.get_by_label("内容").fill("建议对老旧小区加装电梯给予补贴。")
    save = page.get_by_role("button", name="保存并提交审查")
    check(page, screen, "staff-2-intake", save)
    save.click()
    expect(page.locator(".messages")).to_contain_text("号建议。")
    proposal = Proposal.objects.get(title=TITLE)
    assert proposal.status == Status.SUBMITTED

    register = page.get_by_role("button", name="立案", exact=True)
    check(page, screen, "staff-3-submitted", register)
    register.click()
    expect(page.locator(".messages")).to_contain_text("已立案")

    assign = page.get_by_role("link", name="交办…")
    check(page, screen, "staff-4-registered", assign)
    assign.click()
    page.wait_for_url("**/assign/")
    page.get_by_label("主办（独办）单位").fill(agency.name)
    # The assisting agencies' box takes names one by one through its 添加 helper.
    helper = page.get_by_role("combobox", name="添加协办单位")
    helper.fill(other_agency.name)
    helper.press("Enter")
    expect(page.get_by_role("textbox", name="协办单位")).to_have_value(other_agency.name)
    confirm = page.get_by_role("button", name="确认交办")
    check(page, screen, "staff-5-assign", confirm)
    confirm.click()
    expect(page.locator(".messages")).to_contain_text(
        f"已交办：{agency.name}（主办）、{other_agency.name}（协办）"
    )
    roles = dict(Assignment.objects.filter(proposal=proposal).values_list("agency__name", "role"))
    assert roles == {agency.name: AssignmentRole.LEAD, other_agency.name: AssignmentRole.ASSISTING}
    check(page, screen, "staff-6-assigned")

    # The lists: the proposal list finds it by its title, at 办理中.
    page.get_by_role("navigation", name="工作台菜单").get_by_role(
        "link", name="提案", exact=True
    ).click()
    page.wait_for_url("**/staff/proposals/")
    page.get_by_label("标题或编号").fill("加装电梯")
    page.get_by_role("button", name="筛选").click()
    row = page.locator("tbody tr").filter(has_text=TITLE)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("办理中")
    title = row.get_by_role("link", name=TITLE)
    check(page, screen, "staff-7-list", title)
    # On the phone the table scrolls in its own region rather than squeezing the title.
    assert title.bounding_box()["width"] >= 100

    reply_as_agencies(proposal, bob, OfficerFactory(username="czj", agency=other_agency))
    row.get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"**/staff/proposals/{proposal.pk}/")
    expect(page.locator("main")).to_contain_text("已答复")
    close = page.get_by_role("button", name="办结")
    check(page, screen, "staff-8-replied", close)
    close.click()
    expect(page.locator(".messages")).to_contain_text("已办结")
    check(page, screen, "staff-9-closed")
    proposal.refresh_from_db()
    assert proposal.status == Status.CLOSED


# --- Sponsor ------------------------------------------------------------------------------


@pytest.fixture
def sponsor_world(alice, dora, session, sponsor, agency, other_agency):
    reply = staff_data.replied(alice, session, sponsor, agency, title=TITLE)
    reply.summary = "已列入年度民生实事项目，年内完成二十台加装。"
    reply.save(update_fields=["summary"])
    make_document(reply, name="答复函.docx")
    others = SponsorFactory(name="市民盟")
    staff_data.submitted(alice, session, others, title="别人的提案")
    return reply


def test_a_sponsor_reads_a_reply_and_rates_it(live_server, page, screen, sponsor_world, sponsor):
    log_in(page, live_server, "dora", "/accounts/my-proposals/")
    link = page.get_by_role("link", name=TITLE)
    expect(page.locator("h1")).to_have_text("我的提案")
    expect(page.get_by_text("别人的提案")).to_have_count(0)
    check(page, screen, "sponsor-1-list", link)

    link.click()
    page.wait_for_url(f"**/accounts/my-proposals/{sponsor_world.assignment.proposal_id}/")
    reply = page.locator("section").filter(has_text="已列入年度民生实事项目")
    expect(reply).to_contain_text("苏州市工业和信息化局")
    letter = reply.get_by_role("link", name="答复函")
    submit = reply.get_by_role("button", name="提交满意度")
    check(page, screen, "sponsor-2-reply", letter, submit)
    pdf = page.context.request.get(live_server.url + letter.get_attribute("href"))
    assert pdf.status == 200
    assert pdf.body().startswith(b"%PDF")

    expect(reply.get_by_role("radio", checked=True)).to_have_count(0)  # nothing chosen for them
    reply.get_by_label("基本满意", exact=True).check()
    reply.get_by_label("意见").fill("希望加快进度。")
    submit.click()
    expect(page.locator(".messages")).to_contain_text("已记录您的满意度意见")
    expect(page.locator("main")).to_contain_text("您的意见：基本满意 — 希望加快进度。")
    check(page, screen, "sponsor-3-rated", page.get_by_role("button", name="修改满意度"))
    feedback = Feedback.objects.get(reply=sponsor_world)
    assert (feedback.sponsor, feedback.satisfaction, feedback.comment) == (
        sponsor,
        Satisfaction.BASICALLY,
        "希望加快进度。",
    )


# --- The admin's date and time helpers --------------------------------------------------


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
def test_the_admins_date_helpers_speak_chinese(
    live_server, browser, admin_user, zone, settings, tmp_path
):
    """The note under a time field shows only where the browser's clock is in another
    zone than the committee's (Asia/Shanghai; the server says so in data-admin-utc-offset),
    and then in Chinese, as do the calendar and clock shortcuts the admin's script adds."""
    settings.LOCALE_PATHS = [compile_catalogues(tmp_path / "locale")]
    proposal = ProposalFactory(title="关于加快推进我市工业互联网发展的建议")
    context = browser.new_context(locale="zh-CN", timezone_id=zone, **SCREENS["desktop"])
    page = context.new_page()
    sign_in(page, f"{live_server.url}/admin/login/?next=/admin/", "admin", lands_on="**/admin/")
    page.goto(f"{live_server.url}/admin/proposals/proposal/{proposal.pk}/change/")
    expect(page.locator("body")).to_have_attribute("data-admin-utc-offset", "28800")
    expect(page.locator(".datetimeshortcuts").first).to_contain_text("今天")
    note = page.locator(".timezonewarning")
    if zone == "Asia/Shanghai":
        expect(note).to_have_count(0)
    else:
        expect(note.first).to_have_text(
            "注意：请按 Asia/Shanghai 时区填写时间（您的电脑时间比它慢 8 小时）。"
        )
    assert DENIED.findall(page.locator("body").inner_text()) == []
    context.close()
