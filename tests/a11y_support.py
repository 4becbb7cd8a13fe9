"""Shared by the accessibility tests (tests/test_a11y_*.py): the browser, a signed-in
browser context without typing a password, and axe-core's verdict on a page."""

from pathlib import Path

from django.conf import settings
from django.test import Client

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# WCAG 2.1 A and AA: what GB/T 37668-2019 asks of a web page.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def new_context(browser, live_server, user=None, **options):
    """A browser context (CSP bypassed so axe can be injected), signed in as `user`."""
    options.setdefault("viewport", {"width": 1280, "height": 900})
    options.setdefault("locale", "zh-CN")
    context = browser.new_context(bypass_csp=True, **options)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


def violations(page, *, best_practice=False) -> list[str]:
    """Every WCAG 2.1 A/AA violation axe finds on the page, whatever its impact; with
    best_practice, also axe's best practices (heading order, landmarks, empty headers)."""
    page.add_script_tag(path=str(AXE))
    tags = WCAG_TAGS + ["best-practice"] if best_practice else WCAG_TAGS
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        tags,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        f"{[(n['target'], n['failureSummary'][:160]) for n in v['nodes']][:4]}"
        for v in result["violations"]
    ]
