"""Staff in headless Chromium: log in, enter proposal 118 from the seed page, register it
and assign it to 苏州市工业和信息化局 with the 3-month deadline the rules propose.

Screenshots of each step go to tmp_path (or to $STAFF_E2E_SCREENSHOTS when set, to look
at them)."""

import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from demo.seed import load_seed
from proposals.models import Action, Event, Proposal, ProposalKind, Status
from responses import deadlines
from responses.deadlines import reply_deadline
from responses.models import (
    Assignment,
    CommitteeRules,
)
from responses.models import Role as AssignmentRole
from tests.factories import CategoryFactory, SponsorFactory

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def browser_thread(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; our DB calls stay sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def current_code(secret: str) -> str:
    """The code an authenticator app shows now for this base32 key."""
    from base64 import b32decode

    from django_otp.oath import totp

    key = b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("STAFF_E2E_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def world(session, sponsor, agency, other_agency, alice):
    session.is_current = True
    session.save()
    CategoryFactory(name="经济")
    SponsorFactory(name="市民盟")  # the picker has more than one sponsor to offer
    return session


def test_staff_enter_proposal_118_and_assign_it_for_three_months(
    live_server, browser, world, agency, shots
):
    seed = load_seed()
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    problems = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))

    # Log in: staff enrol an authenticator app at their first login (two-factor login),
    # keep the backup codes, and land on their dashboard.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-for-tests-1")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/otp/setup/**")
    expect(page.locator(".otp-qr svg")).to_be_visible()
    secret = page.locator(".otp-secret").inner_text().replace(" ", "")
    page.fill("#id_token", current_code(secret))
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".otp-codes li")).to_have_count(10)
    page.get_by_role("link", name="继续").click()
    page.wait_for_url("**/staff/")
    expect(page.locator("h1")).to_have_text("提案工作台")
    page.screenshot(path=shots / "1-dashboard.png", full_page=True)

    # Enter the proposal: every field of the seed page.
    page.get_by_role("link", name="录入提案", exact=True).first.click()
    page.wait_for_url("**/staff/proposals/new/")
    expect(page.locator("#id_session")).to_have_value(str(world.pk))
    page.fill("#id_number", str(seed.number))
    page.get_by_label("建议", exact=True).check()
    page.fill("#id_title", seed.title)
    page.fill("#id_lead_sponsor", "市致")
    # The picker fetches suggestions from the JSON endpoint as staff type.
    expect(page.locator('#sponsors-options option[value="市致公党"]')).to_have_count(1)
    page.fill("#id_lead_sponsor", seed.sponsor)
    page.select_option("#id_category", label="经济")
    page.fill("#id_body", seed.body)
    page.screenshot(path=shots / "2-entry-form.png", full_page=True)
    page.get_by_role("button", name="保存并提交审查").click()

    expect(page.locator(".messages")).to_contain_text("已录入第118号建议。")
    proposal = Proposal.objects.get(session=world, number=118)
    assert (proposal.kind, proposal.title, proposal.status) == (
        ProposalKind.SUGGESTION,
        seed.title,
        Status.SUBMITTED,
    )
    assert proposal.lead_sponsor.name == "市致公党"
    assert proposal.body == seed.body

    # Review: register it.
    page.get_by_role("button", name="立案").click()
    expect(page.locator(".messages")).to_contain_text("第118号已立案。")

    # Assign it to 苏州市工业和信息化局; the deadline field already holds 交办 + 3 months.
    page.get_by_role("link", name="交办…").click()
    page.wait_for_url("**/assign/")
    expected = reply_deadline(timezone.localdate(), CommitteeRules())
    expect(page.locator("#id_deadline")).to_have_value(expected.date.isoformat())
    expect(page.locator(".explanation").first).to_contain_text("+ 3个月")
    page.fill("#id_lead_agency", "苏州市工业和信息化局")
    page.screenshot(path=shots / "3-assign-form.png", full_page=True)
    page.get_by_role("button", name="确认交办").click()

    expect(page.locator(".messages")).to_contain_text(
        f"已交办：苏州市工业和信息化局（主办），办理期限 {expected.date:%Y-%m-%d}。"
    )
    expect(page.locator(".history")).to_contain_text("已立案 → 办理中")
    page.screenshot(path=shots / "4-proposal-page.png", full_page=True)

    assignment = Assignment.objects.get(proposal=proposal)
    assert (assignment.agency, assignment.role) == (agency, AssignmentRole.LEAD)
    assert assignment.deadline == expected.date
    assert "+ 3个月" in deadlines.explain(assignment)
    proposal.refresh_from_db()
    assert proposal.status == Status.ASSIGNED
    assert list(
        Event.objects.filter(proposal=proposal, assignment_id=None)
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    ) == [Action.CREATE, Action.REGISTER, Action.ASSIGN]
    assert problems == []
