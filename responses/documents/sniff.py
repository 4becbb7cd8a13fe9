"""Check an uploaded reply letter by its content, before anything else touches it.

The name and the browser's content type prove nothing: a renamed .exe, an HTML page or
a zip bomb called 答复.docx must be refused here, with a message the officer understands,
because LibreOffice exits 0 on random bytes (a garbage PDF after 10 s) and ran past 90 s
and 5 GB on a zip-bomb .docx. What passes is one of: an OLE2 Word/WPS file (.doc, .wps),
a Word 2 binary, an OOXML word-processing document (.docx), RTF, or a PDF that opens.
"""

import hashlib
import io
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import olefile
from django.conf import settings
from django.utils.translation import gettext as _

from responses.models import DocumentType

# An unpacked .docx of a letter is well under 1 MB plus its pictures; these bounds leave
# room for a long letter with many photos and stop a zip bomb long before it hurts.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_COMPRESSION_RATIO = 200  # only checked for entries over 1 MB unpacked
MAX_PDF_PAGES = 500

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD2_MAGIC = b"\xdb\xa5\x2d\x00"
ZIP_MAGIC = b"PK\x03\x04"
RTF_MAGIC = b"{\\rtf"

CONTENT_TYPES = {
    DocumentType.DOC: "application/msword",
    DocumentType.WPS: "application/vnd.ms-works",
    DocumentType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentType.RTF: "application/rtf",
    DocumentType.PDF: "application/pdf",
}

_WORD_MAIN_TYPES = (
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
)
_DOCTYPE = re.compile(rb"<!\s*DOCTYPE|<!\s*ENTITY", re.IGNORECASE)


class RejectedDocument(Exception):  # noqa: N818 - the name the callers were promised
    """The upload is not a reply letter we can accept; str(error) says why, in Chinese."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Inspection:
    doc_type: str  # a DocumentType value
    size: int
    sha256: str
    content_type: str


def inspect_upload(uploaded_file) -> Inspection:
    """Inspect a Django UploadedFile (or any seekable binary file with a name).

    Raises RejectedDocument with a Chinese message; leaves the file positioned at 0 so
    the caller can save it byte for byte.
    """
    name = getattr(uploaded_file, "name", "") or ""
    size = getattr(uploaded_file, "size", None)
    limit = settings.REPLY_UPLOAD_MAX_BYTES
    if size is not None and size > limit:
        raise RejectedDocument(_too_large(size, limit))
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    uploaded_file.seek(0)
    if isinstance(data, str):  # a text-mode file: never what a browser sends
        data = data.encode()
    return inspect_bytes(data, name)


def inspect_bytes(data: bytes, name: str = "") -> Inspection:
    limit = settings.REPLY_UPLOAD_MAX_BYTES
    if len(data) == 0:
        raise RejectedDocument(_("文件是空的（0 字节），请重新选择答复函文件上传。"))
    if len(data) > limit:
        raise RejectedDocument(_too_large(len(data), limit))

    head = data[:8]
    suffix = PurePath(name).suffix.lower()
    if head.startswith(OLE2_MAGIC):
        doc_type = _check_ole2(data, suffix)
    elif head.startswith(WORD2_MAGIC):
        doc_type = _check_word_fib(data[:32], suffix)
    elif head.startswith(ZIP_MAGIC):
        doc_type = _check_ooxml(data)
    elif head.startswith(RTF_MAGIC):
        doc_type = DocumentType.RTF
    elif b"%PDF-" in data[:1024]:
        _check_pdf(data)
        doc_type = DocumentType.PDF
    else:
        raise RejectedDocument(_unknown_format(data))

    return Inspection(
        doc_type=str(doc_type),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=CONTENT_TYPES[doc_type],
    )


def _too_large(size: int, limit: int) -> str:
    return _("文件太大（%(size).1f MB），答复函不能超过 %(limit).0f MB。") % {
        "size": size / 1024 / 1024,
        "limit": limit / 1024 / 1024,
    }


def _damaged() -> str:
    return _("文件已损坏或不完整，无法打开。请用 Word 或 WPS 打开确认后重新保存再上传。")


def _encrypted() -> str:
    return _("文件设置了打开密码（已加密），系统无法读取。请取消密码后重新上传。")


def _not_word() -> str:
    return _("这不是 Word 文档。请上传 Word（.doc/.docx）、WPS（.wps）、RTF 或 PDF 格式的答复函。")


def _unknown_format(data: bytes) -> str:
    start = data[:512].lstrip().lower()
    if data.startswith(b"MZ") or data.startswith(b"\x7fELF"):
        return _("这是一个可执行程序，不是文档，已拒绝上传。")
    if start.startswith((b"<!doctype html", b"<html", b"<?xml", b"<")):
        return _("这是网页或 XML 文件，不是 Word 文档。请上传 Word、WPS、RTF 或 PDF 格式的答复函。")
    return _not_word()


# --- OLE2: .doc, .wps, and encrypted OOXML ---------------------------------------------


def _check_ole2(data: bytes, suffix: str) -> str:
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:  # olefile raises many kinds on a broken container
        raise RejectedDocument(_damaged()) from None
    try:
        # Office encrypts an OOXML file by wrapping it in an OLE2 container.
        if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
            raise RejectedDocument(_encrypted())
        if not ole.exists("WordDocument"):
            raise RejectedDocument(_not_word())
        try:
            fib = ole.openstream("WordDocument").read(32)
        except Exception:
            raise RejectedDocument(_damaged()) from None
    finally:
        ole.close()
    return _check_word_fib(fib, suffix)


def _check_word_fib(fib: bytes, suffix: str) -> str:
    """The File Information Block that starts every Word binary says if it is encrypted."""
    if len(fib) < 12:
        raise RejectedDocument(_damaged())
    ident, _nfib, _unused, _lid, _pnnext, flags = struct.unpack_from("<HHHHHH", fib)
    if ident not in (0xA5EC, 0xA5DC, 0xA5DB):  # Word 97+, Word 6/95, Word 2
        raise RejectedDocument(_damaged())
    if flags & 0x0100:  # fEncrypted: an opening password (or XOR obfuscation)
        raise RejectedDocument(_encrypted())
    # WPS 文字 saves .wps in the .doc binary format; keep the name the officer used.
    return DocumentType.WPS if suffix == ".wps" else DocumentType.DOC


# --- OOXML: .docx -----------------------------------------------------------------------


def _check_ooxml(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise RejectedDocument(_damaged()) from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise RejectedDocument(_zip_bomb())
    declared = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise RejectedDocument(_encrypted())
        declared += entry.file_size
        big = entry.file_size > 1024 * 1024
        if big and entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1):
            raise RejectedDocument(_zip_bomb())
    if declared > MAX_UNPACKED_BYTES:
        raise RejectedDocument(_zip_bomb())

    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names:
        raise RejectedDocument(_not_word())
    # Unpack every part in Python first: the zip module stops at each part's declared
    # size and checks its CRC, so a part that lies about its size is caught here, and
    # LibreOffice never meets a bomb. XML parts are checked for DTDs on the way: OOXML
    # forbids them, and an external entity would make the renderer fetch a local file
    # or a URL.
    content_types = b""
    unpacked = 0
    for entry in entries:
        try:
            part = _read_part(archive, entry, MAX_UNPACKED_BYTES - unpacked)
        except RejectedDocument:
            raise
        except Exception:  # zlib.error, BadZipFile (CRC), EOFError, an unsupported compression...
            raise RejectedDocument(_damaged()) from None
        unpacked += len(part)
        lowered = entry.filename.lower()
        is_xml = lowered.endswith((".xml", ".rels", ".vml")) or _looks_like_xml(part)
        if is_xml and _has_doctype(part):
            raise RejectedDocument(
                _(
                    "文档中含有外部实体声明（DOCTYPE），可能被用来读取服务器文件，已拒绝。"
                    "请在 Word 中“另存为” .docx 后重新上传。"
                )
            )
        if entry.filename == "[Content_Types].xml":
            content_types = part
        if lowered.endswith("vbaproject.bin"):
            raise RejectedDocument(_macro())

    if b"macroEnabled" in content_types:
        raise RejectedDocument(_macro())
    if not any(kind in content_types for kind in _WORD_MAIN_TYPES):
        raise RejectedDocument(_not_word())
    return DocumentType.DOCX


def _read_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, budget: int) -> bytes:
    chunks = []
    total = 0
    with archive.open(entry) as stream:
        while chunk := stream.read(1024 * 1024):
            total += len(chunk)
            if total > budget:
                raise RejectedDocument(_zip_bomb())
            chunks.append(chunk)
    return b"".join(chunks)


_XML_DECLARATION = re.compile(rb'^<\?xml[^>]*?encoding\s*=\s*["\']([A-Za-z0-9._-]+)["\']')
_UTF8_NAMES = {b"utf-8", b"utf8"}


def _looks_like_xml(part: bytes) -> bool:
    head = part[:64]
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") or head.startswith(
        (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<", b"\x00\x00\x00<")
    )


def _has_doctype(part: bytes) -> bool:
    """True if the XML part declares a DTD or an entity anywhere, or cannot be read the
    way an XML parser would read it (so a check here could be dodged).

    The whole part is looked at, not its start: comments or whitespace may come first. It
    is read in the encoding a parser would use: OOXML allows UTF-8 and UTF-16 only
    (ECMA-376 Part 2), with or without a byte order mark, so anything else (UTF-32, a
    declared legacy encoding, NUL bytes a wide encoding would leave) is refused too.
    """
    if part.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\x00\x00")):
        return True  # UTF-32, with or without its mark
    if part.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        codec = (
            "utf-16"
            if part[:2] in (b"\xff\xfe", b"\xfe\xff")
            else ("utf-16-le" if part.startswith(b"<\x00") else "utf-16-be")
        )
        try:
            text = part.decode(codec)
        except UnicodeDecodeError:
            return True
        if "\x00" in text:
            return True
        return bool(_DOCTYPE.search(text.encode("utf-8")))
    if part.startswith(b"\xef\xbb\xbf"):
        part = part[3:]
    if b"\x00" in part:
        return True
    declared = _XML_DECLARATION.match(part)
    if declared and declared.group(1).lower() not in _UTF8_NAMES:
        return True
    return bool(_DOCTYPE.search(part))


def _zip_bomb() -> str:
    return _("文件解压后体积异常巨大（疑似压缩炸弹），已拒绝。请上传正常保存的 Word 文档。")


def _macro() -> str:
    return _("不接受启用宏的文档（.docm）。请在 Word 中“另存为”普通 .docx 或 PDF 后重新上传。")


# --- PDF ------------------------------------------------------------------------------


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise RejectedDocument(_encrypted())
        pages = len(reader.pages)
    except RejectedDocument:
        raise
    except Exception:  # pypdf has no single base class for what a broken file raises
        raise RejectedDocument(_("PDF 文件已损坏，无法打开。请重新导出 PDF 后上传。")) from None
    if pages == 0:
        raise RejectedDocument(_("PDF 文件没有任何页面。"))
    if pages > MAX_PDF_PAGES:
        raise RejectedDocument(
            _("PDF 页数过多（%(pages)d 页），答复函不能超过 %(limit)d 页。")
            % {"pages": pages, "limit": MAX_PDF_PAGES}
        )
