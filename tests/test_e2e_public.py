"""A visitor in headless Chromium: home -> list -> filter -> proposal page, with axe-core
checking every page for serious or critical WCAG 2.1 AA violations, on a desktop and
on a phone-sized screen."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from demo.seed import load_seed
from tests.factories import CategoryFactory, SponsorFactory
from tests.public_data import make_118, make_published

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
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
def fresh_cache():
    # Home, feed and agency figures are cached; each test starts without them.
    from portal.selectors import forget_cached

    forget_cached()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Playwright's sync API runs an event loop in this thread; our DB calls stay sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def open_filters(page):
    """On a phone the filters are folded: open them as a visitor would."""
    summary = page.locator(".filters-summary")
    if summary.is_visible() and not page.get_by_label("类别", exact=True).is_visible():
        summary.click()


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def data(session, sponsor, agency, other_agency):
    make_118(session=session, sponsor=sponsor, agency=agency, assisting_agency=other_agency)
    culture = CategoryFactory(name="文化")
    for n in range(3):
        make_published(
            title=f"关于昆曲传承第{n}项的提案",
            session=session,
            category=culture,
            agency=other_agency,
            summary="我局将加大对昆曲的扶持。",
        )


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 375, "height": 740}]
)
def test_a_visitor_browses_filters_and_reads_a_proposal(live_server, browser, data, viewport):
    # axe is injected as a script: let it past the CSP, which refuses inline code.
    context = browser.new_context(bypass_csp=True, viewport=viewport, locale="zh-CN")
    page = context.new_page()
    seed = load_seed()

    page.goto(live_server.url + "/")
    assert page.locator("h1").first.inner_text() == "政协提案与答复公开"
    assert serious_violations(page) == []

    page.get_by_role("link", name="全部公开提案", exact=True).click()
    page.wait_for_url("**/proposals/")
    assert page.locator(".record").count() == 4
    assert serious_violations(page) == []

    open_filters(page)
    page.get_by_label("类别", exact=True).select_option(label="文化")
    page.get_by_role("button", name="筛选").first.click()
    page.wait_for_url("**/proposals/?*category=*")
    assert page.locator(".record").count() == 3
    assert serious_violations(page) == []

    open_filters(page)
    page.get_by_label("关键词", exact=True).fill("型工业")
    page.get_by_label("类别", exact=True).select_option(label="全部类别")
    page.get_by_role("button", name="筛选").first.click()
    page.wait_for_url("**q=*")
    assert page.locator(".record").count() == 1
    assert page.locator(".record mark").first.inner_text() == "型工业"
    assert serious_violations(page) == []

    page.get_by_role("link", name=seed.title).click()
    page.wait_for_url("**/proposals/*/")
    assert page.locator("h1").inner_text().endswith(seed.title)
    assert "A：已经解决" in page.content()
    assert page.locator(".view-count").inner_text() == "1"
    assert serious_violations(page) == []
    # Readable on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.reload()
    assert page.locator(".view-count").inner_text() == "1"
    context.close()


# --- Issue 13: search by number and sponsor, folded filters, chips, the API page ------

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def many(session, sponsor, agency, other_agency):
    """Proposal 118 and 100, a sponsor 钱斌, and enough others for a long list."""
    p118 = make_118(session=session, sponsor=sponsor, agency=agency)
    qian = SponsorFactory(name="钱斌")
    make_published(title="关于优化公交线路的提案", session=session, number=100, sponsor=qian)
    make_published(
        title="关于督办第 118 号提案的建议", session=session, number=7, body="第 118 号提案。"
    )
    for n in range(12):
        make_published(title=f"关于社区养老第{n}项的提案", session=session, number=200 + n)
    return p118


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_search_by_number_and_sponsor_chips_and_the_api_page(live_server, browser, many, device):
    context = browser.new_context(bypass_csp=True, locale="zh-CN", **device)
    page = context.new_page()
    phone = device is PHONE

    page.goto(live_server.url + "/proposals/")
    # The filters: open beside the results on a desktop, folded on a phone, where the
    # first result is on the first screen.
    category = page.get_by_label("类别", exact=True)
    assert category.is_visible() is not phone
    first = page.locator(".record").first.bounding_box()
    assert first["y"] + 40 < page.viewport_size["height"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_violations(page) == []

    # Search by number: proposal 100 itself; 第 118 号 finds 118 before its mention.
    page.goto(live_server.url + "/")
    page.get_by_label("搜索提案和答复").fill("100")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**q=100*")
    assert page.locator(".record-title").first.inner_text().startswith("100.")
    page.goto(live_server.url + "/proposals/?q=第 118 号")
    titles = page.locator(".record-title").all_inner_texts()
    assert titles[0].startswith("118.") and titles[1].startswith("7.")

    # By sponsor, typed; then followed from a proposal's page: the filter shows as a chip.
    page.goto(live_server.url + "/proposals/?q=钱斌")
    assert page.locator(".record-title").all_inner_texts() == ["100. 关于优化公交线路的提案"]
    page.get_by_role("link", name="100. 关于优化公交线路的提案").click()
    page.get_by_role("link", name="钱斌", exact=True).click()
    page.wait_for_url("**sponsor=*")
    chip = page.locator(".filter-chips .chip")
    assert chip.count() == 1 and "提案人：钱斌" in chip.inner_text()
    assert chip.is_visible()
    assert page.locator(".record").count() == 1
    if phone:
        assert "（已选 1 项）" in page.locator(".filters-summary").inner_text()
    assert serious_violations(page) == []
    page.get_by_role("link", name="去掉筛选条件：提案人 钱斌").click()
    page.wait_for_url("**/proposals/")
    assert page.locator(".filter-chips").count() == 0
    assert page.locator(".record").count() == 15

    # Agency table headings on one line each.
    page.goto(live_server.url + "/agencies/")
    heights = page.locator(".data-table thead th").evaluate_all(
        "cells => cells.map(c => c.getBoundingClientRect().height)"
    )
    assert heights and max(heights) < 48, heights

    # The API page from the footer, in Chinese, with a curl example; the schema keeps
    # its own name when saved.
    page.goto(live_server.url + "/")
    page.locator(".site-footer").get_by_role("link", name="数据接口说明").click()
    page.wait_for_url("**/open-data/api/")
    assert page.locator("h1").inner_text() == "数据接口说明"
    assert "curl --get" in page.locator("pre.code").first.inner_text()
    assert page.get_by_text("GET /api/v1/proposals/{id}/").count() >= 1
    assert serious_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="机器可读的 OpenAPI 说明（YAML）").click()
    assert download.value.suggested_filename == "建言 Jianyan open data API (v1).yaml"
    context.close()
