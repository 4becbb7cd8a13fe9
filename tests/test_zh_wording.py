"""A zh-hans reader sees no English defaults of Django, the admin, django-axes or
django-filter: every page type is rendered as each role and its visible text is searched
for the English those packages write when nobody translated them (issue #13).

The third-party strings that ship without Chinese are translated in locale/zh_Hans; the
catalogues are compiled here into a temporary folder, so no stale .mo file can hide a
missing entry.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import django_filters
import polib
import pytest
from django import forms
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import translation

from proposals.models import Proposal, Status
from responses.models import Satisfaction
from staff.forms import ProposalCreateForm
from tests import staff_data
from tests.public_data import make_published
from tests.test_admin_pages import MODELS, change_url, changelist_url, world

LOCALE = Path(django_settings.BASE_DIR) / "locale"
AXES_MODELS = [model for model in MODELS if model._meta.app_label == "axes"]

# English that Django, DRF, django-axes and django-filter write by default.
DENYLIST = [
    "Select an option",
    "Filter by",
    "Filter",
    "Access attempts",
    "Access attempt",
    "Access failures",
    "Access logs",
    "access log",
    "Access Log for",
    "Attempted Access",
    "Failed access",
    "Axes",
    "Ensure this value",
    "This field is required",
    "Enter a valid",
    "Number",
    "Search",
    "Save",
    "Delete",
    "Submit",
    "Logout",
    "Log out",
    "Log in",
    "Can add",
    "Can change",
    "Can delete",
    "Can view",
    "descending",
    "Ordering",
    "Show all",
    "results",
    "Attempt Time",
    "User Agent",
    "IP Address",
    "Locked Out",
    "Path",
    "Clean up",
    "Previous",
    "Next",
    "Today",
    "Unknown",
    "Not found",
    "Page not found",
    "---------",
]
DENIED = re.compile(r"(?<![A-Za-z])(?:" + "|".join(map(re.escape, DENYLIST)) + r")(?![A-Za-z])")
SHOWN_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}


class VisibleText(HTMLParser):
    """Text a reader sees or hears: text outside script/style, the texts of the
    attributes screen readers announce, and the words on input buttons."""

    def __init__(self):
        super().__init__()
        self.parts, self.links, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "style", "template"}:
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        self.parts.extend(v for k, v in attrs.items() if k in SHOWN_ATTRIBUTES and v)
        if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def read(content: bytes) -> VisibleText:
    parser = VisibleText()
    parser.feed(content.decode())
    return parser


def english_on(response) -> list[str]:
    return sorted(set(DENIED.findall(" ".join(read(response.content).parts))))


def compile_catalogues(folder: Path) -> str:
    """Every .po of the project compiled afresh into folder, for LOCALE_PATHS."""
    for po_path in LOCALE.glob("*/LC_MESSAGES/*.po"):
        target = folder / po_path.relative_to(LOCALE).with_suffix(".mo")
        target.parent.mkdir(parents=True, exist_ok=True)
        polib.pofile(str(po_path)).save_as_mofile(str(target))
    return str(folder)


@pytest.fixture(autouse=True)
def catalogues(tmp_path, settings):
    settings.LOCALE_PATHS = [compile_catalogues(tmp_path / "locale")]


SKIPPED = re.compile(r"\.(json|xlsx|csv|pdf|docx?|xml|atom)$|/download|/files?/|/feed|/api/")


def walk(client, starts, prefix, limit=80):
    """Open the start pages and every page they link to under prefix, one page per URL
    pattern (numbers in the path do not make a new pattern); {url: english found}."""
    found, seen, queue = {}, set(), list(starts)
    while queue and len(found) < limit:
        url = queue.pop(0)
        pattern = re.sub(r"\d+", "N", url)
        if pattern in seen:
            continue
        seen.add(pattern)
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        found[url] = english_on(response)
        for href in read(response.content).links:
            href = href.split("#")[0]
            if href.startswith(prefix) and not SKIPPED.search(href.split("?")[0]):
                queue.append(href)
    return found


@pytest.fixture
def demo_world(alice, bob, dora, session, sponsor, agency, other_agency):
    """A little of everything the demo has: a proposal at each step, a reply with the
    sponsor's feedback, published ones."""
    staff_data.submitted(alice, session, sponsor, title="关于完善社区养老服务的提案")
    staff_data.registered(alice, session, sponsor, title="关于加强河道治理的建议")
    staff_data.assigned(alice, session, sponsor, agency, title="关于发展夜间经济的建议")
    reply = staff_data.replied(alice, session, sponsor, agency, title="关于工业互联网的建议")
    staff_data.with_feedback(reply, sponsor, Satisfaction.SATISFIED)
    make_published(session=session, sponsor=sponsor, agency=agency, title="关于公开的提案")
    return reply


def assert_chinese(pages):
    assert pages, "no page was opened"
    leaks = {url: words for url, words in pages.items() if words}
    assert leaks == {}


@pytest.mark.django_db
def test_the_staff_back_office_shows_no_english_defaults(client, alice, demo_world):
    client.force_login(alice)
    pages = walk(client, ["/staff/", "/staff/proposals/new/", "/staff/import/"], "/staff/")
    assert "/staff/proposals/new/" in pages and "/staff/proposals/import-word/" in pages
    assert len(pages) >= 15
    # The forms sent back with errors too.
    for url in ["/staff/proposals/new/", "/staff/officers/new/"]:
        pages[f"POST {url}"] = english_on(client.post(url, {}, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert_chinese(pages)


@pytest.mark.django_db
def test_the_agencies_portal_shows_no_english_defaults(client, bob, demo_world):
    client.force_login(bob)
    pages = walk(client, ["/agency/"], "/agency/")
    assert len(pages) >= 2
    assert_chinese(pages)


@pytest.mark.django_db
def test_the_sponsors_portal_shows_no_english_defaults(client, dora, demo_world):
    client.force_login(dora)
    pages = walk(client, ["/accounts/my-proposals/"], "/accounts/")
    assert any(re.search(r"/my-proposals/\d+/$", url) for url in pages)
    assert_chinese(pages)


@pytest.mark.django_db
def test_the_public_portal_shows_no_english_defaults(client, demo_world):
    pages = walk(client, ["/", "/accounts/login/"], "/", limit=40)
    assert len(pages) >= 5
    assert_chinese(pages)


@pytest.mark.django_db
def test_the_admin_shows_no_english_defaults(client, admin_user):
    world()
    client.force_login(admin_user)
    pages = {}
    for url in [
        "/admin/",
        "/admin/accounts/user/add/",
        "/admin/auth/group/add/",
        *(
            change_url(model, model._default_manager.first()).replace("/change/", "/delete/")
            for model in AXES_MODELS
        ),
    ]:
        pages[url] = english_on(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    for model in MODELS:
        for url in [changelist_url(model), change_url(model, model._default_manager.first())]:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
            assert response.status_code == 200, url
            pages[url] = english_on(response)
    assert_chinese(pages)


# --- The particular fixes ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_required_select_offers_a_chinese_empty_choice(client, alice, session):
    client.force_login(alice)
    content = client.get(reverse("staff:proposal-create")).content.decode()
    assert '<option value="">请选择…</option>' in content
    english = client.get(reverse("staff:import-word"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<option value="" selected>- Select an option -</option>' in english.content.decode()


@pytest.mark.django_db
def test_a_too_long_title_is_refused_with_its_name_and_the_numbers(session):
    data = {"session": session.pk, "kind": "proposal", "title": "长" * 312, "body": "内容"}
    with translation.override("zh-hans"):
        form = ProposalCreateForm(data)
        assert form.errors["title"] == ["标题最多 300 个字，现有 312 个。"]
    with translation.override("en"):
        form = ProposalCreateForm(data)
        assert form.errors["title"] == ["Title: at most 300 characters, 312 given."]


def test_any_form_says_its_length_limit_in_plain_chinese():
    class Plain(forms.Form):
        signer = forms.CharField(max_length=4, min_length=2)

    with translation.override("zh-hans"):
        assert Plain({"signer": "王五赵六钱七"}).errors["signer"] == ["最多 4 个字，现有 6 个。"]
        assert Plain({"signer": "王"}).errors["signer"] == ["至少 2 个字，现有 1 个。"]


@pytest.mark.django_db
def test_the_admin_names_permissions_in_chinese(client, admin_user):
    client.force_login(admin_user)
    group = Group.objects.create(name="工作人员")
    group.permissions.add(Permission.objects.get(codename="add_accessattempt"))
    response = client.get(reverse("admin:auth_group_change", args=[group.pk]))
    content = response.content.decode()
    assert "登录防护 | 登录尝试 | 可添加登录尝试" in content
    assert "Can add" not in content
    english = client.get(
        reverse("admin:auth_group_change", args=[group.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Can add access attempt" in english.content.decode()


@pytest.mark.django_db
def test_the_agencies_list_sorts_by_number_in_chinese(client, bob):
    client.force_login(bob)
    content = client.get(reverse("officer:dashboard")).content.decode()
    assert '<option value="proposal__number">' not in content
    assert re.search(r'<option value="number">\s*提案号从小到大\s*</option>', content)


@pytest.mark.django_db
def test_a_filter_without_an_empty_label_of_its_own_offers_all():
    class Statuses(django_filters.FilterSet):
        status = django_filters.ChoiceFilter(choices=Status.choices)

        class Meta:
            model = Proposal
            fields = ["status"]

    with translation.override("zh-hans"):
        value, label = list(Statuses().form.fields["status"].choices)[0]
        assert (value, str(label)) == ("", "全部")
