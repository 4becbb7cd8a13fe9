"""Read a sponsor's Word (.docx) submission into the fields of the proposal form.

The shape sponsors send (corpus/zh/proposal-118.docx): a heading with the title, a line
"提案人：市致公党" (or 建议人, 领衔提案人, 联名提案人, 类别…), then the body paragraphs.
Labelled lines may also sit in a table (label cell, value cell). Nothing is saved here:
staff review the prefilled form and save it through create_proposal.
"""

import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
# A .docx is a zip: refuse archives that would inflate far beyond any real submission.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ENTRIES = 2000
# python-docx builds the whole document tree: 30 MB of empty paragraphs (60 KB zipped)
# cost it minutes and GBs. A proposal is a few hundred paragraphs and well under 1 MB of
# XML; these bounds are checked by streaming before python-docx sees the file.
MAX_DOCUMENT_XML_BYTES = 10 * 1024 * 1024
MAX_PARAGRAPHS = 5000
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_LABELS = {
    "title": ["标题", "题目", "案由"],
    "lead": ["领衔提案人", "领衔建议人", "提案人", "建议人", "提案单位", "建议单位"],
    "co": ["联名提案人", "联名建议人", "联名人", "附议人"],
    "category": ["类别", "分类", "提案类别"],
    "number": ["提案号", "建议号", "编号"],
    "body": ["提案内容", "建议内容", "内容"],
}
_SUGGESTION_WORDS = ("建议人", "建议号", "建议单位", "建议内容", "联名建议人", "领衔建议人")


def _label_pattern(words: list[str]) -> str:
    # "建 议 人" (spaced out, as on the published page) reads the same as "建议人".
    return "|".join(r"\s*".join(map(re.escape, word)) for word in words)


_LINE = re.compile(
    r"^\s*(?P<label>"
    + "|".join(f"(?P<{key}>{_label_pattern(words)})" for key, words in _LABELS.items())
    + r")\s*[：:]\s*(?P<value>.*)$",
    re.S,
)
_NAME_SEPARATORS = re.compile(r"[、，,；;]+|\s{2,}|\u3000+")


class WordImportError(Exception):
    """The file cannot be read as a submission; the message says why, in Chinese."""


@dataclass
class WordSubmission:
    title: str = ""
    lead_name: str = ""
    co_names: list[str] = field(default_factory=list)
    kind: str = "proposal"
    category_name: str = ""
    number: int | None = None
    body: str = ""
    warnings: list[str] = field(default_factory=list)


def _check_archive(upload) -> None:
    if upload.size is not None and upload.size > MAX_BYTES:
        raise WordImportError(_("文件超过 10 MB，请确认是否为提案正文。"))
    if upload.size == 0:
        raise WordImportError(_("文件是空的。"))
    upload.seek(0)
    if not zipfile.is_zipfile(upload):
        raise WordImportError(
            _("无法读取：这不是 .docx 文件（旧版 .doc、WPS 或加密文件请先另存为 .docx）。")
        )
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
    except zipfile.BadZipFile:
        raise WordImportError(_("文件已损坏，无法读取。")) from None
    if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise WordImportError(_("文件解压后过大，已拒绝读取。"))
    if "word/document.xml" not in names:
        raise WordImportError(_("无法读取：文件中没有 Word 正文（不是 .docx 文件）。"))
    upload.seek(0)
    _check_document_part(upload)
    upload.seek(0)


def _too_long() -> str:
    return _(
        "文件内容过长（超过 %(max)s 个段落或 %(mb)s MB），不像一件提案，已拒绝读取。"
        "请删除多余的空行或附件内容后再导入。"
    ) % {"max": MAX_PARAGRAPHS, "mb": MAX_DOCUMENT_XML_BYTES // (1024 * 1024)}


def _check_document_part(upload) -> None:
    """Count the paragraphs of word/document.xml as a stream, stopping at the bound, so
    a document of millions of empty paragraphs costs milliseconds, not minutes."""
    from lxml import etree

    try:
        with zipfile.ZipFile(upload) as archive:
            if archive.getinfo("word/document.xml").file_size > MAX_DOCUMENT_XML_BYTES:
                raise WordImportError(_too_long())
            with archive.open("word/document.xml") as part:
                events = etree.iterparse(
                    part,
                    events=("end",),
                    tag=f"{_W}p",
                    resolve_entities=False,
                    no_network=True,
                    huge_tree=False,
                    load_dtd=False,
                )
                for paragraphs, (_event, element) in enumerate(events, start=1):
                    if paragraphs > MAX_PARAGRAPHS:
                        raise WordImportError(_too_long())
                    element.clear(keep_tail=True)
    except WordImportError:
        raise
    except Exception:  # broken zip, bad XML: python-docx gives the message next
        return


def _lines(document) -> list[tuple[str, str]]:
    """(style name, text) for each paragraph, then "label：value" for each table row."""
    lines = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if text:
            lines.append((paragraph.style.name if paragraph.style is not None else "", text))
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells]
            # Merged cells repeat their text: keep each distinct value once, in order.
            cells = list(dict.fromkeys(c for c in cells if c))
            if len(cells) >= 2:
                lines.append(("", f"{cells[0]}：{' '.join(cells[1:])}"))
    return lines


def parse_submission(upload) -> WordSubmission:
    """Read an uploaded .docx (any file-like with .size/.seek) into a WordSubmission."""
    import docx  # python-docx; its XML parser does not resolve external entities

    _check_archive(upload)
    try:
        document = docx.Document(upload)
    except Exception:  # python-docx raises many kinds on a broken or foreign file
        raise WordImportError(
            _("无法读取该 Word 文件：文件已损坏，或不是普通的 .docx 文档（如启用宏的 .docm）。")
        ) from None
    return _read(_lines(document))


def _read(lines: list[tuple[str, str]]) -> WordSubmission:
    result = WordSubmission()
    body: list[str] = []
    heading = next(
        (
            text
            for style, text in lines
            if style.startswith(("Heading", "Title")) and not _LINE.match(text)
        ),
        None,
    )
    before_heading = heading is not None
    for _style, text in lines:
        found = _LINE.match(text)
        if found:
            key = next(k for k in _LABELS if found[k])
            _take(result, key, found["value"].strip(), body)
            if re.sub(r"\s", "", found["label"]) in _SUGGESTION_WORDS:
                result.kind = "suggestion"
            continue
        if before_heading:
            if text == heading:
                before_heading = False
                result.title = result.title or text
            else:
                # A letterhead above the title ("政协……提案") is not part of the body.
                result.warnings.append(_("标题前的文字未导入：%(text)s") % {"text": text[:40]})
            continue
        if not result.title and not body:
            result.title = text
            continue
        body.append(text)
    result.body = "\n".join(body)
    result.title = re.sub(r"\s*\n\s*", "", result.title)[:300]
    if not (result.title or result.body or result.lead_name):
        raise WordImportError(_("文件中没有读到任何文字。"))
    if not result.title:
        result.warnings.append(_("未找到标题，请手工填写。"))
    if not result.lead_name:
        result.warnings.append(_("未找到“提案人：”一行，请手工选择提案人。"))
    if not result.body:
        result.warnings.append(_("未找到正文内容。"))
    return result


def _take(result: WordSubmission, key: str, value: str, body: list[str]) -> None:
    if key == "title" and value:
        result.title = value
    elif key == "lead" and value:
        names = [n.strip() for n in _NAME_SEPARATORS.split(value) if n.strip()]
        result.lead_name, extra = names[0], names[1:]
        result.co_names.extend(n for n in extra if n not in result.co_names)
    elif key == "co" and value:
        result.co_names.extend(
            n.strip()
            for n in _NAME_SEPARATORS.split(value)
            if n.strip() and n.strip() not in result.co_names
        )
    elif key == "category":
        result.category_name = value
    elif key == "number":
        digits = re.search(r"\d+", value)
        result.number = int(digits.group()) if digits else None
    elif key == "body" and value:
        body.append(value)
