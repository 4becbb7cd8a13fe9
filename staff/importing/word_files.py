"""Read any Word submission a sponsor sends: .docx as it is, .doc and .wps (WPS 文字
saves them in the .doc binary format) converted to .docx first by the LibreOffice the
reply letters use (responses/documents/libreoffice.py).

The bytes are checked by content before anything runs (responses/documents/sniff.py: a
renamed program, a web page, an encrypted or macro file is refused), LibreOffice runs
under its timeout and memory limits, and the .docx it writes goes through the same
bounds as an uploaded one (staff/importing/word.py: size, zip bomb, external entities,
paragraph count).
"""

import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from responses.documents import libreoffice
from responses.documents.sniff import (
    OLE2_MAGIC,
    WORD2_MAGIC,
    ZIP_MAGIC,
    RejectedDocument,
    _not_word,
    inspect_bytes,
)
from staff.importing.word import MAX_BYTES, WordImportError, WordSubmission, parse_submission

ACCEPTED = ("docx", "doc", "wps")
# A submission converts in a second or two; a file that takes longer is not one.
CONVERT_TIMEOUT_SECONDS = 60


def read_word_file(data: bytes, name: str) -> tuple[WordSubmission, str]:
    """(what the file says, its type: "docx", "doc" or "wps"); WordImportError with a
    Chinese message when it cannot be read."""
    if len(data) > MAX_BYTES:
        raise WordImportError(_("文件超过 10 MB，请确认是否为提案正文。"))
    if not data:
        raise WordImportError(_("文件是空的。"))
    if not data.startswith((OLE2_MAGIC, WORD2_MAGIC, ZIP_MAGIC)):
        if data.startswith((b"MZ", b"\x7fELF")):
            raise WordImportError(_("这是一个可执行程序，不是文档，已拒绝上传。"))
        raise WordImportError(_not_a_submission())
    try:
        doc_type = inspect_bytes(data, name).doc_type
    except RejectedDocument as error:
        if error.message == _not_word():  # its wording asks for a reply letter
            raise WordImportError(_not_a_submission()) from None
        raise WordImportError(error.message) from None
    if doc_type not in ACCEPTED:
        raise WordImportError(_not_a_submission())
    docx_bytes = data if doc_type == "docx" else _to_docx(data, doc_type)
    return parse_submission(_upload(docx_bytes)), doc_type


def _not_a_submission() -> str:
    return _("这不是 Word 或 WPS 文档，无法导入。请上传 .docx、.doc 或 .wps 格式的提案文件。")


def _upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("submission.docx", data)


def _to_docx(data: bytes, doc_type: str) -> bytes:
    suffix = libreoffice.SOURCE_SUFFIX[doc_type]
    with tempfile.NamedTemporaryFile(prefix="jianyan-import-", suffix=suffix) as handle:
        handle.write(data)
        handle.flush()
        try:
            converted, _engine = libreoffice.convert(
                Path(handle.name), doc_type, "docx", timeout=CONVERT_TIMEOUT_SECONDS
            )
        except libreoffice.Unavailable:
            raise  # LibreOffice could not be started: worth trying again later
        except libreoffice.ConversionTimeout:
            raise WordImportError(
                _("文件转换超时，已放弃读取。请用 Word 或 WPS 另存为 .docx 后再导入。")
            ) from None
        except libreoffice.ConversionError:
            raise WordImportError(
                _("文件已损坏或无法转换。请用 Word 或 WPS 打开确认后另存为 .docx 再导入。")
            ) from None
    return converted
