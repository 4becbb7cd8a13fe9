"""The English locale is complete, and a browser that asks for English gets it.

Chinese is the source language: every msgid is Chinese text. When you add or change a
string, refresh and translate the English catalogue:

    .venv/bin/python manage.py makemessages -l en --ignore=.venv --ignore=var \
        --ignore=node_modules --ignore=tests --no-obsolete

then give every new entry an English msgstr (and drop any `#, fuzzy` mark).
These tests compile the catalogue themselves, so they need no compiled .mo file.
"""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse

from tests.factories import ProposalFactory

BASE_DIR = Path(django_settings.BASE_DIR)
PO_PATH = BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
IGNORED = {".venv", "var", "node_modules", "tests", "locale", ".git", "__pycache__"}
EXTENSIONS = {".py", ".html", ".txt"}
CJK = re.compile(r"[\u3400-\u9fff]+")


def _key(entry):
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(PO_PATH))


def test_every_english_entry_is_translated_and_none_is_fuzzy(catalogue):
    untranslated = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []
    assert not catalogue.metadata_is_fuzzy


def test_every_translation_keeps_the_placeholders_of_its_source(catalogue):
    placeholder = re.compile(r"%\([a-z_]+\)[-#0 +]*\d*(?:\.\d+)?[sdfr]|\{[a-z_]*\}")
    wrong = []
    for entry in catalogue:
        source = set(placeholder.findall(entry.msgid + entry.msgid_plural))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            if set(placeholder.findall(translation)) - source:
                wrong.append((entry.msgid, translation))
        if not entry.msgid_plural and set(placeholder.findall(entry.msgstr)) != source:
            wrong.append((entry.msgid, entry.msgstr))
    assert wrong == []


def test_english_translations_contain_no_chinese_left_over(catalogue):
    # Chinese may stay only where the English names a Chinese word users will see or
    # type (a column heading, a field value), and then in brackets after its meaning.
    leftovers = [
        (e.msgid, e.msgstr)
        for e in catalogue
        if CJK.search(e.msgstr) and not re.search(r"“[^”]*”|\([^)]*\)|\d", e.msgstr)
    ]
    assert leftovers == []


def test_the_english_catalogue_covers_every_string_in_the_source(tmp_path, monkeypatch, settings):
    """Extract the strings from a copy of the source and compare with the catalogue."""
    copy = tmp_path / "src"
    for path in BASE_DIR.rglob("*"):
        relative = path.relative_to(BASE_DIR)
        if path.is_file() and path.suffix in EXTENSIONS and not IGNORED & set(relative.parts):
            target = copy / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [str(copy / "locale")]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["en"], verbosity=0, no_obsolete=True)

    extracted = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    translated = {_key(e) for e in polib.pofile(str(PO_PATH)) if e.translated()}
    missing = sorted(
        f"{e.occurrences[0][0] if e.occurrences else '?'}: {e.msgid}"
        for e in extracted
        if _key(e) not in translated
    )
    assert missing == [], "Untranslated strings; see this module's docstring to add them."


# --- English on the site ----------------------------------------------------------------


@pytest.fixture
def english(tmp_path, settings, catalogue):
    """The catalogue compiled to a fresh .mo, so tests never read a stale build."""
    messages = tmp_path / "locale" / "en" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    catalogue.save_as_mofile(str(messages / "django.mo"))
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]


@pytest.mark.django_db
def test_a_browser_asking_for_english_gets_the_home_page_in_english(client, english):
    response = client.get(reverse("public:home"), HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in content
    assert "CPPCC proposals: handling and publication" in content
    assert ">Log in</a>" in content
    # Every Chinese word left on the page is the language switcher's own name for Chinese,
    # or data: the committee's names as its administrator typed them (the footer).
    from committees.scope import home

    committee = home()
    data = {committee.name, committee.short_name, committee.sponsor_org}
    visible = re.sub(r"<[^>]+>", " ", content)
    assert set(CJK.findall(visible)) <= {"简体中文", *data}


@pytest.mark.django_db
def test_without_a_preference_the_site_speaks_chinese(client, english):
    content = client.get(reverse("public:home")).content.decode()
    assert '<html lang="zh-hans">' in content
    assert "跳到主要内容" in content


@pytest.mark.django_db
def test_the_language_switcher_remembers_english(client, english):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    content = client.get(reverse("public:home")).content.decode()
    assert "Skip to main content" in content
    assert re.search(r'value="en"[^>]*aria-current="true"', content)


@pytest.mark.django_db
def test_the_admin_labels_our_models_in_english(client, english, admin_user):
    ProposalFactory()
    client.force_login(admin_user)
    response = client.get(reverse("admin:proposals_proposal_changelist"), HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    assert "Lead sponsor" in content
    assert "Publish the selected proposals" in content
    assert "领衔提案人" not in content


@pytest.mark.django_db
def test_the_login_error_is_in_english_for_english_readers(client, english, bob):
    response = client.post(
        reverse("accounts:login"),
        {"username": "bob", "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "The user name or password is not correct" in response.content.decode()
