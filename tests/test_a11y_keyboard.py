"""Keyboard only (Tab, Shift+Tab, Enter, Space, and typing into the focused field): an
officer files a reply with a letter, a sponsor rates it. Every stop the Tab key makes
shows where the focus is, and every page starts with a working skip link."""

import pytest
from playwright.sync_api import sync_playwright

from config.celery_app import app as celery_app
from responses.models import Feedback, Reply
from tests import corpus, staff_data
from tests.a11y_support import CHROMIUM_ARGS, new_context

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
MAX_TABS = 80

# Where the focus is, and whether it can be seen: an outline or a ring of box-shadow.
FOCUSED = """() => {
    const e = document.activeElement;
    const style = getComputedStyle(e);
    const box = e.getBoundingClientRect();
    const label = e.labels && e.labels.length ? e.labels[0].innerText : '';
    return {
        tag: e.tagName.toLowerCase(), type: e.type || '', name: e.name || '',
        text: (e.innerText || e.value || '').trim().slice(0, 60), label: label.trim(),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        ring: style.boxShadow !== 'none',
        onScreen: box.width > 0 && box.height > 0 && box.bottom > 0
            && box.top < window.innerHeight,
    };
}"""


@pytest.fixture(autouse=True)
def setting_up(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # the letter is checked in-process
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


class Keyboard:
    def __init__(self, page):
        self.page = page
        self.stops = 0

    def focused(self):
        return self.page.evaluate(FOCUSED)

    def tab(self, backwards=False):
        self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
        self.stops += 1
        now = self.focused()
        if now["tag"] != "body":
            assert now["outline"] or now["ring"], f"focus not visible on {now}"
            assert now["onScreen"], f"focused element off screen: {now}"
        return now

    def tab_to(self, wanted, backwards=False):
        """Tab until the focused element is the wanted one; fails after MAX_TABS."""
        for _ in range(MAX_TABS):
            now = self.tab(backwards)
            if wanted(now):
                return now
        raise AssertionError(f"never reached by Tab; last stop {self.focused()}")

    def enter(self):
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def skip_to_main(self):
        """The first Tab stop of a page is the skip link; Enter moves focus to <main>."""
        self.page.evaluate("() => document.activeElement && document.activeElement.blur()")
        first = self.tab()
        assert (first["tag"], first["text"]) == ("a", "跳到主要内容")
        self.page.keyboard.press("Enter")
        assert self.page.evaluate("() => document.activeElement.id") == "main"


def text_is(value):
    return lambda f: f["text"] == value


def label_is(value):
    return lambda f: f["label"].rstrip(":：") == value


def test_an_officer_files_a_reply_with_the_keyboard_only(
    live_server, browser, alice, bob, agency, session, sponsor
):
    assignment = staff_data.assigned(alice, session, sponsor, agency, title="关于养老服务的建议")
    context = new_context(browser, live_server, bob)
    page = context.new_page()
    keys = Keyboard(page)
    page.goto(live_server.url + "/agency/")

    keys.skip_to_main()
    keys.tab_to(text_is("关于养老服务的建议"))
    keys.enter()
    assert page.url.endswith(f"/agency/assignments/{assignment.pk}/")

    keys.skip_to_main()
    keys.tab_to(text_is("签收"))
    keys.enter()
    assert page.locator(".message-success").inner_text() == "已签收。"

    keys.skip_to_main()
    keys.tab_to(text_is("填报答复"))
    keys.enter()
    assert page.url.endswith(f"/agency/assignments/{assignment.pk}/reply/")

    keys.skip_to_main()
    keys.tab_to(lambda f: f["type"] == "file")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(corpus.path("zh/reply-118.pdf")))
    keys.tab_to(lambda f: f["name"] == "classification")
    page.keyboard.press("Space")  # the first class: A
    keys.tab_to(label_is("答复内容"))
    page.keyboard.type("我局已将养老服务设施建设列入年度重点工作。")
    keys.tab_to(label_is("签发人"))
    page.keyboard.type("张局长")
    keys.tab_to(label_is("联系人"))
    page.keyboard.type("李联络员")
    keys.tab_to(label_is("联系电话"))
    page.keyboard.type("0512-68000000")
    keys.tab_to(text_is("保存并预览"))
    keys.enter()

    assert "/agency/replies/" in page.url
    reply = Reply.objects.get(assignment=assignment)
    assert (reply.classification, reply.signer, reply.contact) == ("A", "张局长", "李联络员")
    assert reply.summary == "我局已将养老服务设施建设列入年度重点工作。"
    assert reply.documents.get().original_name == "reply-118.pdf"
    # Back up the page with Shift+Tab: the focus stays visible going that way too.
    keys.tab_to(text_is("跳到主要内容"), backwards=True)
    context.close()


def test_a_sponsor_rates_a_reply_with_the_keyboard_only(
    live_server, browser, alice, dora, agency, session, sponsor
):
    reply = staff_data.replied(alice, session, sponsor, agency, title="关于托育服务的建议")
    context = new_context(browser, live_server, dora)
    page = context.new_page()
    keys = Keyboard(page)
    page.goto(live_server.url + "/accounts/my-proposals/")

    keys.skip_to_main()
    keys.tab_to(text_is("关于托育服务的建议"))
    keys.enter()

    keys.skip_to_main()
    keys.tab_to(label_is("满意"))  # the first choice of the radio group
    page.keyboard.press("ArrowDown")  # a radio group moves by arrows: 基本满意
    keys.tab_to(label_is("意见"))
    page.keyboard.type("答复具体，希望加快落实。")
    keys.tab_to(text_is("提交满意度"))
    keys.enter()

    feedback = Feedback.objects.get(reply=reply)
    assert (feedback.satisfaction, feedback.comment) == ("basically", "答复具体，希望加快落实。")
    assert page.get_by_role("button", name="修改满意度").count() == 1
    context.close()
