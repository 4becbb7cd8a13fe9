"""The pipeline without the database: a letter file in, a cover + letter PDF and its text out.

Used by the render service (one ReplyDocument), `manage.py render_document` and the
benchmark, so all three run exactly the same steps:

1. check the content again (sniff): the stored original might predate a rule;
2. .doc/.wps/.rtf/.docx -> PDF with LibreOffice (warm unoserver, else cold soffice);
   .pdf is kept as uploaded;
3. extract the letter's text (pdftotext); a Word file without any text is refused;
4. prepend the house-style cover (WeasyPrint) and merge (pypdf);
5. strip metadata and active content (scrub.clean_pdf): the PDF is published as is.

Personal data (docs/redaction.md): the items found in step 3's text are masked in the
Word document itself (redaction.py; .doc/.wps/.rtf go through .docx first) unless the
plan keeps them, the redacted document is rendered instead, and the final PDF's text is
checked: `leaks` lists what is still readable, and the caller must not publish it. A PDF
upload is never rewritten (see docs/redaction.md): with an item to redact it leaks.

Why LibreOffice for .docx too, not mammoth -> HTML -> WeasyPrint: measured on the corpus
(see bench/render.py --fidelity), mammoth drops headers and footers, page size and
margins, table borders and merged cells, and fonts; numbering survives only as HTML
lists. LibreOffice keeps them, and is as fast when warm.
"""

import logging
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from responses.documents import libreoffice, pdf, personal_data, redaction, scrub
from responses.documents.cover import CoverInfo, render_cover
from responses.documents.sniff import RejectedDocument, inspect_bytes

logger = logging.getLogger(__name__)

# Reasons that may go away by themselves: retried with backoff by the task.
TRANSIENT_REASONS = frozenset({"unavailable", "storage"})


class RenderError(Exception):
    """Rendering failed; `message` says why in words an officer understands."""

    def __init__(self, reason: str, message: str | None = None, detail: str = ""):
        self.reason = reason
        self.message = message or _default_message(reason)
        self.detail = detail
        super().__init__(f"{reason}: {detail or self.message}")

    @property
    def transient(self) -> bool:
        return self.reason in TRANSIENT_REASONS


def _default_message(reason: str) -> str:
    messages = {
        "encrypted": _("文件已加密（设置了打开密码），无法转换。请取消密码后重新上传。"),
        "damaged": _("文件已损坏，无法转换为 PDF。请用 Word 或 WPS 打开确认后重新保存再上传。"),
        "empty": _("文档是空白的，没有任何文字内容。请确认上传的是答复函正文。"),
        "not_word": _("这不是 Word 文档，无法转换。"),
        "too_large": _("文件过大或过于复杂，转换时超出了系统限制。请精简图片后重新上传。"),
        "timeout": _("转换超时（超过 %(seconds)d 秒），文件可能已损坏或过于复杂。")
        % {"seconds": settings.RENDER_TIMEOUT_SECONDS},
        "unavailable": _("转换服务暂时不可用，系统将自动重试。"),
        "storage": _("暂时无法读取或保存文件，系统将自动重试。"),
    }
    return messages.get(reason, _("转换失败，请检查文件后重新上传。"))


@dataclass(frozen=True)
class RedactionPlan:
    """What to leave readable (digests of items marked "keep") and whether landline
    numbers count as personal data (CommitteeRules.redact_landlines)."""

    keep: frozenset[str] = frozenset()
    landlines: bool = False


@dataclass(frozen=True)
class RenderResult:
    pdf: bytes  # cover (if any) + letter
    text: str  # the letter's text, without the cover
    pages: int  # pages of the letter
    doc_type: str
    engine: str  # "unoserver", "soffice" or "pdf" (kept as uploaded)
    seconds: float
    unembedded_fonts: tuple[str, ...] = ()
    findings: tuple[personal_data.Found, ...] = ()  # in the letter as uploaded
    leaks: tuple[personal_data.Match, ...] = ()  # to be redacted, still in the public PDF
    redacted: int = 0  # items masked in the document


def render_file(
    path: Path,
    *,
    name: str = "",
    cover: CoverInfo | None = None,
    plan: RedactionPlan | None = None,
) -> RenderResult:
    """Render one letter file, redacted by `plan` (default: every item found). Raises
    RenderError."""
    plan = plan or RedactionPlan()
    started = time.monotonic()
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RenderError("storage", detail=str(error)) from error
    try:
        inspection = inspect_bytes(data, name or path.name)
    except RejectedDocument as rejection:
        raise RenderError("rejected", rejection.message) from rejection
    doc_type = inspection.doc_type

    if doc_type == "pdf":
        body, engine = data, "pdf"
    else:
        body, engine = _convert(path, doc_type)

    try:
        text = pdf.extract_text(body)
        findings = personal_data.find_in_pages(pdf.extract_pages(body), landlines=plan.landlines)
    except pdf.PdfToolError as error:
        raise RenderError("damaged", detail=str(error)) from error
    if not text.strip() and doc_type != "pdf":
        # A scanned PDF legitimately has no text layer; a Word letter without a single
        # character is an empty or wrong file.
        raise RenderError("empty")
    to_redact = [f.match for f in findings if f.match.digest not in plan.keep]
    redacted = 0
    if to_redact and doc_type != "pdf":
        body, redacted = _redacted_body(path, doc_type, plan, body)
    try:
        text = redaction.redact_text(
            pdf.extract_text(body), keep=plan.keep, landlines=plan.landlines
        )
        pages = pdf.page_count(body)
    except pdf.PdfToolError as error:
        raise RenderError("damaged", detail=str(error)) from error
    except Exception as error:  # pypdf on a PDF poppler could read: still a broken file
        raise RenderError("damaged", detail=repr(error)) from error

    try:
        merged = pdf.merge(render_cover(cover), body) if cover else body
    except Exception as error:
        raise RenderError("damaged", detail=f"merge: {error!r}") from error
    # The PDF is what the public reads: no author traces (Info, XMP), no JavaScript,
    # launch actions, embedded files or javascript: links (scrub.py).
    try:
        merged = scrub.clean_pdf(merged)
    except scrub.ScrubError as error:
        raise RenderError("damaged", detail=f"scrub: {error}") from error
    unembedded = () if doc_type == "pdf" else _unembedded(merged)
    try:
        # The check reads what the public will read: cover, letter, headers, footers.
        leaks = personal_data.leaks(pdf.extract_text(merged), to_redact)
    except pdf.PdfToolError as error:
        raise RenderError("damaged", detail=f"check: {error}") from error
    return RenderResult(
        pdf=merged,
        text=text,
        pages=pages,
        doc_type=doc_type,
        engine=engine,
        seconds=time.monotonic() - started,
        unembedded_fonts=unembedded,
        findings=tuple(findings),
        leaks=tuple(leaks),
        redacted=redacted,
    )


def render_bytes(
    data: bytes, *, name: str, cover: CoverInfo | None = None, plan: RedactionPlan | None = None
) -> RenderResult:
    suffix = Path(name).suffix[:10]
    with tempfile.NamedTemporaryFile(prefix="jianyan-letter-", suffix=suffix) as handle:
        handle.write(data)
        handle.flush()
        return render_file(Path(handle.name), name=name, cover=cover, plan=plan)


def _redacted_body(
    path: Path, doc_type: str, plan: RedactionPlan, body: bytes
) -> tuple[bytes, int]:
    """The letter rendered from a redacted copy of the document. A document that cannot
    be redacted (python-docx cannot read what LibreOffice could) keeps its unredacted
    body: the check then finds what it holds and the letter is not published."""
    try:
        if doc_type == "docx":
            source = path.read_bytes()
        else:
            source, _engine = libreoffice.convert(path, doc_type, "docx")
        redacted_docx, count = redaction.redact_docx(
            source, keep=plan.keep, landlines=plan.landlines
        )
    except libreoffice.ConversionError as error:
        raise RenderError(error.reason, detail=f"to docx: {error.detail}") from error
    except Exception:  # noqa: BLE001 - any parser failure: left to the check
        logger.warning("could not redact %s; its public PDF will be blocked", path, exc_info=True)
        return body, 0
    with tempfile.NamedTemporaryFile(prefix="jianyan-redacted-", suffix=".docx") as handle:
        handle.write(redacted_docx)
        handle.flush()
        redacted_pdf, _engine = _convert(Path(handle.name), "docx")
    return redacted_pdf, count


def _convert(path: Path, doc_type: str) -> tuple[bytes, str]:
    try:
        return libreoffice.convert_to_pdf(path, doc_type)
    except libreoffice.ConversionError as error:
        raise RenderError(error.reason, detail=error.detail) from error


def _unembedded(merged: bytes) -> tuple[str, ...]:
    try:
        missing = tuple(font.name for font in pdf.fonts(merged) if not font.embedded)
    except pdf.PdfToolError as error:
        logger.warning("pdffonts failed: %s", error)
        return ()
    if missing:
        logger.warning("rendered PDF has fonts not embedded: %s", ", ".join(missing))
    return missing
