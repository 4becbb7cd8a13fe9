"""Uploads are checked by their content: what is not a reply letter is refused, in Chinese."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from responses.documents.sniff import RejectedDocument, inspect_bytes, inspect_upload
from tests import corpus


def corpus_bytes(name: str) -> bytes:
    return (corpus.path(name)).read_bytes()


def minimal_docx(extra_parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in extra_parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def rejection(data: bytes, name: str = "答复函.docx") -> str:
    with pytest.raises(RejectedDocument) as caught:
        inspect_bytes(data, name)
    return caught.value.message


def test_a_word_97_letter_is_accepted_as_doc_with_its_checksum():
    data = corpus_bytes("zh/reply-118.doc")
    inspection = inspect_bytes(data, "答复.doc")
    assert inspection.doc_type == "doc"
    assert inspection.size == len(data)
    assert inspection.sha256 == hashlib.sha256(data).hexdigest()


def test_the_type_comes_from_the_content_not_the_name():
    assert inspect_bytes(corpus_bytes("zh/reply-118.docx"), "letter.pdf").doc_type == "docx"
    assert inspect_bytes(corpus_bytes("zh/reply-118.pdf"), "letter.doc").doc_type == "pdf"
    assert inspect_bytes(corpus_bytes("zh/reply-118.doc"), "letter.docx").doc_type == "doc"


def test_a_wps_file_in_the_word_binary_format_keeps_its_wps_type():
    assert inspect_bytes(corpus_bytes("zh/reply-118.doc"), "答复.wps").doc_type == "wps"


def test_rtf_is_accepted():
    assert inspect_bytes(b"{\\rtf1\\ansi hello}", "a.rtf").doc_type == "rtf"


def test_an_upload_is_inspected_and_left_at_its_start_for_saving():
    upload = SimpleUploadedFile("答复.docx", corpus_bytes("zh/reply-118.docx"))
    upload.read(10)
    assert inspect_upload(upload).doc_type == "docx"
    assert upload.tell() == 0


def test_an_empty_file_is_refused():
    assert "空" in rejection(b"")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(settings):
    settings.REPLY_UPLOAD_MAX_BYTES = 2048
    upload = SimpleUploadedFile("big.docx", b"x" * 4096)
    with pytest.raises(RejectedDocument, match="太大"):
        inspect_upload(upload)


def test_a_renamed_program_is_refused():
    assert "可执行程序" in rejection(b"MZ\x90\x00" + b"\x00" * 200, "答复.doc")


def test_a_renamed_web_page_is_refused():
    assert "网页" in rejection(b"<!DOCTYPE html><html><body>hi</body></html>", "答复.doc")


def test_random_bytes_are_refused():
    assert "不是 Word" in rejection(bytes(range(256)) * 8, "答复.doc")


def test_a_zip_that_is_not_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert "不是 Word" in rejection(buffer.getvalue())


def test_a_zip_bomb_is_refused_by_its_compression_ratio():
    bomb = minimal_docx({"word/media/image1.png": b"\0" * (8 * 1024 * 1024)})
    assert len(bomb) < 100_000
    assert "压缩炸弹" in rejection(bomb)


def test_a_zip_part_that_lies_about_its_size_is_caught_when_unpacked():
    honest = minimal_docx({"word/filler.xml": b"<a>" + b"b" * 5000 + b"</a>"})
    # Shrink the declared size of one part in the central directory: a bomb's trick.
    data = bytearray(honest)
    archive = zipfile.ZipFile(io.BytesIO(honest))
    entry = archive.getinfo("word/filler.xml")
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"word/filler.xml"))
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    assert entry.file_size > 10
    assert "损坏" in rejection(bytes(data))


def test_a_truncated_docx_is_refused_as_damaged():
    assert "损坏" in rejection(corpus_bytes("made/truncated.docx"))


def test_a_password_protected_doc_is_refused_as_encrypted():
    assert "密码" in rejection(corpus_bytes("word/PasswordProtected.doc"), "a.doc")


def test_a_macro_enabled_document_is_refused():
    assert "宏" in rejection(corpus_bytes("made/macro.docm"), "a.docm")


def test_a_docx_declaring_an_external_entity_is_refused():
    assert "外部实体" in rejection(corpus_bytes("made/external-entity.docx"))


def test_an_editing_restriction_is_not_encryption():
    assert inspect_bytes(corpus_bytes("word/protected_sample.docx"), "a.docx").doc_type == "docx"


def test_a_pdf_that_is_not_a_pdf_is_refused():
    assert "PDF" in rejection(b"%PDF-1.7\n" + b"garbage " * 100, "答复.pdf")


def test_a_pdf_with_an_opening_password_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert "密码" in rejection(buffer.getvalue(), "答复.pdf")


def test_a_pdf_with_only_an_owner_password_is_accepted():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert inspect_bytes(buffer.getvalue(), "答复.pdf").doc_type == "pdf"


DTD = b'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
DOCUMENT = b'<w:document xmlns:w="urn:w"><w:body><w:p>&x;</w:p></w:body></w:document>'


def docx_with_document(document: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


@pytest.mark.parametrize(
    "document",
    [
        # Padding past the first 4 KB: whitespace, then a comment.
        DECLARATION + b" " * 5000 + DTD + DOCUMENT,
        DECLARATION + b"<!--" + b"x" * 8000 + b"-->" + DTD + DOCUMENT,
        # UTF-16 without a byte order mark, little- and big-endian; and with one, padded.
        (b'<?xml version="1.0" encoding="UTF-16"?>' + DTD + DOCUMENT).decode().encode("utf-16-le"),
        (b'<?xml version="1.0" encoding="UTF-16"?>' + DTD + DOCUMENT).decode().encode("utf-16-be"),
        (b" " * 5000 + DTD + DOCUMENT).decode().encode("utf-16"),
        # UTF-32 (not allowed in OOXML), and a legacy encoding a parser would honour.
        (DTD + DOCUMENT).decode().encode("utf-32-le"),
        (DTD + DOCUMENT).decode().encode("utf-32"),
        b'<?xml version="1.0" encoding="UTF-7"?>'
        + (DTD + DOCUMENT).decode().encode("utf-7").replace(b"<", b"+ADw-"),
    ],
    ids=[
        "whitespace-padding",
        "comment-padding",
        "utf16le-no-bom",
        "utf16be-no-bom",
        "utf16-bom-padded",
        "utf32le-no-bom",
        "utf32-bom",
        "utf7-declared",
    ],
)
def test_a_dtd_cannot_hide_behind_padding_or_an_encoding(document):
    assert "外部实体" in rejection(docx_with_document(document))


def test_an_ordinary_utf16_part_without_a_dtd_is_still_accepted():
    document = (b'<?xml version="1.0" encoding="UTF-16"?>' + b"<w:document/>").decode()
    assert inspect_bytes(docx_with_document(document.encode("utf-16")), "a.docx").doc_type == "docx"
    padded = DECLARATION + b"<!--" + b"x" * 8000 + b"-->" + b"<w:document/>"
    assert inspect_bytes(docx_with_document(padded), "a.docx").doc_type == "docx"
