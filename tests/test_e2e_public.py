"""A visitor in headless Chromium: home -> list -> filter -> proposal page, with axe-core
checking every page for serious or critical WCAG 2.1 AA violations, on a desktop and
on a phone-sized screen."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from demo.seed import load_seed
from tests.factories import CategoryFactory
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

    page.get_by_label("类别", exact=True).select_option(label="文化")
    page.get_by_role("button", name="筛选").first.click()
    page.wait_for_url("**/proposals/?*category=*")
    assert page.locator(".record").count() == 3
    assert serious_violations(page) == []

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
