"""个人信息审核 in headless Chromium: the officer's reply page lists what was found with
masked previews, the review page marks an item "keep", staff see the same; every page
passes axe (WCAG 2.1 AA, serious and critical)."""

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect, sync_playwright

from responses.models import RedactionDecision, RenderStatus
from tests.browser_login import sign_in
from tests.test_e2e_officer import (  # noqa: F401 - autouse fixtures
    CHROMIUM_ARGS,
    check,
    eager_tasks,
    private_media,
)
from tests.test_redaction_detect import MOBILE, split_runs_docx
from tests.test_redaction_review import letter

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def log_in(page, base, username):
    sign_in(page, base + "/accounts/login/", username, lands_on="**")


def test_officer_and_staff_review_the_personal_data_of_a_letter(
    live_server, browser, agency, bob, alice
):
    document = letter(agency)
    document.original.save("letter.docx", ContentFile(split_runs_docx()), save=True)
    finding = document.findings.get()
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    page = context.new_page()

    log_in(page, live_server.url, "bob")
    page.goto(f"{live_server.url}/agency/replies/{document.reply_id}/")
    table = page.get_by_role("table", name="“答复函.docx”中的个人信息")
    expect(table).to_contain_text("138****5678")
    expect(page.locator("body")).not_to_contain_text(MOBILE)
    check(page, "redaction-1-reply")

    page.get_by_role("link", name="个人信息审核（遮盖或保留）").click()
    expect(page.locator("h1")).to_have_text("个人信息审核")
    check(page, "redaction-2-review")
    page.get_by_role("group", name="手机号码 138****5678 的处理").get_by_label("保留").check()
    with page.expect_navigation():
        page.get_by_role("button", name="保存处理方式").click()
    expect(page.locator(".message-success")).to_contain_text("公开版 PDF 将按新的处理方式重新生成")
    finding.refresh_from_db()
    assert finding.decision == RedactionDecision.KEEP

    context.clear_cookies()
    log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/staff/documents/{document.pk}/redaction/")
    expect(page.get_by_role("heading", name="公开原件")).to_be_visible()
    check(page, "redaction-3-staff")
    document.refresh_from_db()
    assert document.render_status == RenderStatus.READY  # rendered again, eagerly
    context.close()
