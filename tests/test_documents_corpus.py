"""Every test document (tests/corpus.py) ends as a PDF with text or a clear refusal, in
bounded time.

Each file is rendered once per session (the `outcomes` fixture) through a warm unoserver,
as a production worker does; a file that crashes its LibreOffice falls back to a cold
soffice, as there. The cold path alone has its own tests (test_documents_libreoffice.py,
test_documents_service.py).
"""

import functools
import re
import subprocess
import time
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import override_settings

from responses.documents import pdf
from responses.documents.cover import CoverInfo
from responses.documents.render import RenderError, RenderResult, render_file
from tests import corpus
from tests.documents_support import warm_unoserver_fixture  # noqa: F401 - a fixture

pytestmark = pytest.mark.slow

FILES = corpus.names()
ZH_FILES = [name for name in FILES if name.startswith("zh/")]
# Generous: a cold soffice takes 1–3 s here; the bound is the render timeout plus the rest.
BOUND_SECONDS = settings.RENDER_TIMEOUT_SECONDS + 30
COVER = CoverInfo(
    title="关于推进人工智能产业融合的建议",
    number=118,
    kind_label="提案",
    session="第十五届委员会第四次会议",
    agency="苏州市工业和信息化局",
    classification="A：已经解决或基本解决",
)
HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Outcome:
    seconds: float
    result: RenderResult | None = None
    error: RenderError | None = None


@pytest.fixture(scope="session")
def outcomes(warm_unoserver):
    @functools.cache
    def outcome(name: str) -> Outcome:
        started = time.monotonic()
        try:
            with override_settings(UNOSERVER_URL=warm_unoserver):
                result = render_file(corpus.path(name), cover=COVER)
        except RenderError as error:
            return Outcome(time.monotonic() - started, error=error)
        return Outcome(time.monotonic() - started, result=result)

    return outcome


def test_the_corpus_is_in_the_project():
    assert len(FILES) >= 25
    assert "zh/reply-118.doc" in FILES


@pytest.mark.parametrize("name", FILES)
def test_every_corpus_file_gets_a_pdf_with_text_or_a_clear_refusal_in_bounded_time(name, outcomes):
    outcome = outcomes(name)
    assert outcome.seconds < BOUND_SECONDS
    if outcome.error is not None:
        message = outcome.error.message
        assert HAN.search(message), f"{name}: the refusal must say why, in Chinese: {message!r}"
        assert "\n" not in message
    else:
        result = outcome.result
        assert result.pdf.startswith(b"%PDF")
        assert result.text.strip(), f"{name}: the PDF has no extractable text"
        assert pdf.page_count(result.pdf) == result.pages + 1  # the cover comes first
        assert "关于推进人工智能产业融合的建议" in pdf.extract_text(result.pdf)


@pytest.mark.parametrize("name", ZH_FILES)
def test_chinese_letters_keep_their_chinese_text_with_every_font_embedded(name, outcomes):
    result = outcomes(name).result
    assert result is not None, outcomes(name).error
    assert "工业和信息化" in result.text or "人工智能" in result.text
    assert len(HAN.findall(result.text)) > 100
    fonts = pdf.fonts(result.pdf)
    assert fonts
    assert [font.name for font in fonts if not font.embedded] == []


def test_the_chinese_reply_letter_page_is_not_blank(outcomes, tmp_path):
    result = outcomes("zh/reply-118.doc").result
    (tmp_path / "letter.pdf").write_bytes(result.pdf)
    subprocess.run(
        ["pdftoppm", "-r", "30", "-gray", "-f", "2", "-l", "2", str(tmp_path / "letter.pdf"),
         str(tmp_path / "page")],
        check=True, timeout=30,
    )  # fmt: skip
    image = next(tmp_path.glob("page*.pgm")).read_bytes()
    pixels = image.split(b"\n", 3)[3]
    dark = sum(1 for value in pixels if value < 128)
    assert dark > 500  # text was drawn, not an empty page


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("word/PasswordProtected.doc", "密码"),
        ("made/macro.docm", "宏"),
        ("made/external-entity.docx", "外部实体"),
        ("made/truncated.docx", "损坏"),
        ("word/empty.doc", "空白"),
    ],
)
def test_hostile_and_broken_files_are_refused_with_the_reason(name, words, outcomes):
    error = outcomes(name).error
    assert error is not None
    assert words in error.message


def test_the_external_entity_is_never_fetched_or_shown(outcomes):
    outcome = outcomes("made/external-entity.docx")
    assert outcome.result is None  # refused before LibreOffice opens it


def test_the_renderer_still_works_after_the_hostile_files(outcomes):
    for name in FILES:
        outcomes(name)
    result = render_file(corpus.path("word/simple.doc"))
    assert "simple" in result.text
