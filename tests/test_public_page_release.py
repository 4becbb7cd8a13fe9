"""The stored pages' release fingerprint (portal.pages.release) is computed from the
code that renders them, not from a hand-kept list: a change to any module the rendering
code imports renders every page again."""

from pathlib import Path

import pytest
from django.conf import settings

from portal import pages


@pytest.fixture
def fresh_release():
    pages.release.cache_clear()
    yield
    pages.release.cache_clear()


def test_the_fingerprint_reads_every_module_the_page_code_imports():
    modules = pages.page_modules()
    for name in (
        "portal/pages.py",
        "portal/selectors.py",
        "proposals/models/core.py",
        "responses/models/core.py",  # the reply and assignment fields a page shows
        "portal/templatetags/portal.py",
    ):
        assert name in modules
    assert not any("site-packages" in path.parts for path in modules.values())


@pytest.mark.parametrize("name", ["responses/models/core.py", "proposals/models/core.py"])
def test_changing_a_model_module_changes_the_fingerprint(name, fresh_release, monkeypatch):
    before = pages.release()
    changed = (Path(settings.BASE_DIR) / name).resolve()
    read = pages._read

    def edited(path):
        data = read(path)
        return data + b"\n# edited\n" if path.resolve() == changed else data

    monkeypatch.setattr(pages, "_read", edited)
    pages.release.cache_clear()
    assert pages.release() != before


def test_the_same_files_give_the_same_fingerprint(fresh_release):
    first = pages.release()
    pages.release.cache_clear()
    assert pages.release() == first
