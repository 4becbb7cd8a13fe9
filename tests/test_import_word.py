"""Reading a sponsor's .docx submission into the proposal form's fields: the seed file,
the other shapes sponsors use (spaced labels, a form table, a letterhead), and hostile
files refused with a reason instead of read."""

import io
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from staff.importing.word import WordImportError, parse_submission
from tests import corpus


def as_upload(content: bytes, name="submission.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def built(paragraphs=(), *, heading=None, table=None, letterhead=None) -> SimpleUploadedFile:
    document = docx.Document()
    if letterhead:
        document.add_paragraph(letterhead)
    if heading:
        document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=2)
        for cells, (label, value) in zip(grid.rows, table, strict=True):
            cells.cells[0].text, cells.cells[1].text = label, value
    buffer = io.BytesIO()
    document.save(buffer)
    return as_upload(buffer.getvalue())


def test_the_seed_submission_gives_title_sponsor_and_body():
    result = parse_submission(as_upload(corpus.read("zh/proposal-118.docx")))
    assert result.title == "关于“人工智能+产业”深度融合,赋能新型工业化发展的建议"
    assert (result.lead_name, result.co_names, result.kind) == ("市致公党", [], "proposal")
    paragraphs = result.body.split("\n")
    assert paragraphs[0].startswith("习近平总书记强调")
    assert paragraphs[-1].startswith("同时,优化内培机制")
    assert len(paragraphs) == 28
    assert result.warnings == []


def test_spaced_labels_as_on_the_published_page_read_as_a_suggestion():
    result = parse_submission(
        built(
            ["建 议 人：市致公党、张委员", "类别：经济", "建议内容：正文第一段。", "正文第二段。"],
            heading="关于某事的建议",
        )
    )
    assert (result.lead_name, result.co_names, result.kind) == (
        "市致公党",
        ["张委员"],
        "suggestion",
    )
    assert result.category_name == "经济"
    assert result.body == "正文第一段。\n正文第二段。"


def test_a_form_table_of_labels_and_values_is_read():
    result = parse_submission(
        built(
            ["正文。"],
            table=[
                ("标题", "关于表格提交的提案"),
                ("提案人", "民盟市委"),
                ("联名提案人", "王委员，李委员"),
                ("提案号", "第 56 号"),
            ],
        )
    )
    assert result.title == "关于表格提交的提案"
    assert (result.lead_name, result.co_names, result.number) == (
        "民盟市委",
        ["王委员", "李委员"],
        56,
    )


def test_a_letterhead_above_the_title_stays_out_of_the_body():
    result = parse_submission(
        built(
            ["提案人：市致公党", "正文。"],
            heading="关于某事的提案",
            letterhead="政协苏州市委员会提案",
        )
    )
    assert (result.title, result.body) == ("关于某事的提案", "正文。")
    assert result.warnings == ["标题前的文字未导入：政协苏州市委员会提案"]


def test_a_submission_without_a_sponsor_line_says_so():
    result = parse_submission(built(["正文。"], heading="关于某事的提案"))
    assert result.warnings == ["未找到“提案人：”一行，请手工选择提案人。"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("word/empty.doc", "这不是 .docx 文件"),
        ("word/PasswordProtected.doc", "这不是 .docx 文件"),
        ("made/macro.docm", "启用宏的 .docm"),
        ("made/truncated.docx", "这不是 .docx 文件"),
        (
            "word/clusterfuzz-testcase-minimized-POIXWPFFuzzer-5313273089884160.docx",
            "这不是 .docx 文件",
        ),
    ],
)
def test_hostile_or_foreign_files_are_refused_with_a_reason(name, reason):
    with pytest.raises(WordImportError, match=reason):
        parse_submission(as_upload(corpus.read(name), name=name.rsplit("/", 1)[-1]))


def test_an_external_entity_is_not_resolved():
    # The file declares an entity with a SYSTEM URL and uses it in its only paragraph:
    # the entity is left out, nothing is fetched.
    result = parse_submission(as_upload(corpus.read("made/external-entity.docx")))
    assert result.title == corpus.ENTITY_TEXT
    assert result.body == ""


def test_a_zip_that_would_inflate_enormously_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/media/padding.bin", b"\0" * (61 * 1024 * 1024))
    with pytest.raises(WordImportError, match="解压后过大"):
        parse_submission(as_upload(buffer.getvalue()))


def test_an_empty_file_is_refused():
    with pytest.raises(WordImportError, match="文件是空的"):
        parse_submission(as_upload(b""))


def test_a_small_docx_of_millions_of_empty_paragraphs_is_refused_at_once():
    """60 KB zipped, 30 MB of `<w:p/>`: python-docx took 34 s and 726 MB on one of these."""
    import time

    content = corpus.empty_paragraphs_docx(5_000_000)
    assert len(content) < 64 * 1024
    started = time.monotonic()
    with pytest.raises(WordImportError) as caught:
        parse_submission(as_upload(content))
    assert time.monotonic() - started < 3
    assert "文件内容过长（超过 5000 个段落" in str(caught.value)


def test_a_long_but_real_submission_is_still_read():
    result = parse_submission(built([f"第{n}段正文。" for n in range(1500)], heading="标题"))
    assert result.title == "标题" and result.body.count("\n") == 1499
