"""PDF helpers: merge the cover with the letter, extract text, list fonts (poppler, pypdf)."""

import io
import subprocess
import tempfile
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter

POPPLER_TIMEOUT_SECONDS = 30


class PdfToolError(Exception):
    pass


def merge(*parts: bytes) -> bytes:
    """Concatenate PDFs; an uploaded PDF with only an owner password opens with ""."""
    writer = PdfWriter()
    for part in parts:
        reader = PdfReader(io.BytesIO(part), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        writer.append(reader)
    writer.add_metadata({"/Producer": "Jianyan"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_count(pdf: bytes) -> int:
    reader = PdfReader(io.BytesIO(pdf), strict=False)
    if reader.is_encrypted:
        reader.decrypt("")
    return len(reader.pages)


def _run(command: list[str], stdin: bytes) -> bytes:
    try:
        result = subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            timeout=POPPLER_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise PdfToolError(f"{command[0]} ran past {POPPLER_TIMEOUT_SECONDS} s") from error
    except OSError as error:
        raise PdfToolError(f"cannot run {command[0]}: {error}") from error
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()[-300:]
        raise PdfToolError(f"{command[0]} exit {result.returncode}: {message}")
    return result.stdout


def extract_text(pdf: bytes) -> str:
    """The text of every page in reading order, as search wants it (pdftotext, UTF-8)."""
    text = _run(["pdftotext", "-enc", "UTF-8", "-nopgbrk", "-", "-"], pdf).decode("utf-8")
    lines = (line.rstrip() for line in text.splitlines())
    return "\n".join(lines).strip()


def extract_pages(pdf: bytes) -> list[str]:
    """The text of each page (pdftotext, UTF-8), as printed, one string per page."""
    text = _run(["pdftotext", "-enc", "UTF-8", "-", "-"], pdf).decode("utf-8")
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends the last page with a form feed too
    return pages


@dataclass(frozen=True)
class FontInfo:
    name: str
    type: str
    embedded: bool


def fonts(pdf: bytes) -> list[FontInfo]:
    """pdffonts' table. pdftotext finds Chinese text even when its glyphs are boxes, so
    a PDF whose fonts are not embedded only looks right where the reader has them."""
    # pdffonts reads no stdin; hand it a temporary file.
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        output = _run(["pdffonts", handle.name], b"").decode("utf-8", "replace")
    return parse_pdffonts(output)


def parse_pdffonts(output: str) -> list[FontInfo]:
    lines = output.splitlines()
    if len(lines) < 2:
        return []
    # Columns are fixed-width, set by the dashes under the header; names may hold spaces.
    widths = [len(dashes) for dashes in lines[1].split(" ")]
    starts = [sum(widths[:i]) + i for i in range(len(widths))]
    result = []
    for line in lines[2:]:
        cells = [
            line[start : start + width].strip() for start, width in zip(starts, widths, strict=True)
        ]
        result.append(FontInfo(name=cells[0], type=cells[1], embedded=cells[3] == "yes"))
    return result
