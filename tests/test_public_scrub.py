"""What is published of a reply letter carries neither its author nor active content: the
public original download and the public PDF. The stored upload stays byte for byte."""

import hashlib
import io
import zipfile

import docx
import olefile
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from responses.documents import pdf as pdf_tools
from responses.documents import scrub
from responses.documents.cover import CoverInfo
from responses.documents.render import render_bytes
from responses.models import ReplyDocument
from tests import corpus
from tests.public_data import make_published

pytestmark = pytest.mark.django_db

ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/OpenAction", "/EmbeddedFiles", "/XFA"}
UNSAFE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/GoToR"}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def published_letter(session, agency, data: bytes, name: str) -> ReplyDocument:
    proposal = make_published(session=session, agency=agency)
    document = ReplyDocument(
        reply=proposal.reply,
        original_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        doc_type=name.rsplit(".", 1)[-1],
        original_public=True,  # staff published it after the redaction review
    )
    document.original.save(name, ContentFile(data), save=False)
    document.save()
    return document


def download(client, document) -> bytes:
    response = client.get(reverse("public:reply-original", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return b"".join(response.streaming_content)


def every_object(data: bytes):
    """Every dictionary of the PDF, reachable or not, as pypdf reads them."""
    reader = PdfReader(io.BytesIO(data))
    stack = [reader.trailer]
    stack.extend(
        IndirectObject(number, 0, reader) for number in range(1, int(reader.trailer["/Size"]))
    )
    seen = set()
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            try:
                item = item.get_object()
            except Exception:  # noqa: BLE001 - a free entry
                continue
        if isinstance(item, DictionaryObject):
            yield item
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def assert_no_author_or_active_content(data: bytes):
    reader = PdfReader(io.BytesIO(data))
    assert dict(reader.metadata or {}) in ({}, {"/Producer": "Jianyan"})
    assert reader.xmp_metadata is None
    for item in every_object(data):
        assert not ACTIVE_KEYS & set(item.keys()), dict(item)
        assert item.get("/S") not in UNSAFE_ACTIONS, dict(item)
        if item.get("/S") == "/URI":
            assert "javascript" not in str(item["/URI"]).lower()
        assert item.get("/Subtype") not in {"/FileAttachment", "/EmbeddedFile"}
        for value in item.values():
            text = str(value.get_object() if isinstance(value, IndirectObject) else value)
            assert corpus.PHONE not in text and "张三" not in text
    assert corpus.PHONE.encode() not in data
    for payload in (b"payload", b"calc.exe", b"alert("):
        assert payload not in data


def test_the_hostile_pdf_really_has_what_is_to_be_removed():
    data = corpus.active_pdf()
    with pytest.raises(AssertionError):
        assert_no_author_or_active_content(data)
    assert PdfReader(io.BytesIO(data)).metadata["/Author"] == corpus.AUTHOR


def test_a_published_docx_original_has_no_author_and_the_stored_one_is_untouched(
    client, session, agency
):
    letter = corpus.authored_docx()
    document = published_letter(session, agency, letter, "答复函.docx")
    public = download(client, document)
    with zipfile.ZipFile(io.BytesIO(public)) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
    assert corpus.PHONE.encode() not in everything
    assert "张三".encode() not in everything
    # Still the same letter, which Word opens.
    assert [p.text for p in docx.Document(io.BytesIO(public)).paragraphs] == [
        p.text for p in docx.Document(io.BytesIO(letter)).paragraphs
    ]
    with document.original.open("rb") as handle:
        assert handle.read() == letter
    # Staff and the agency still get the upload byte for byte.
    assert hashlib.sha256(letter).hexdigest() == document.sha256


def test_a_published_pdf_original_has_no_author_and_no_active_content(client, session, agency):
    letter = corpus.active_pdf()
    document = published_letter(session, agency, letter, "答复函.pdf")
    public = download(client, document)
    assert_no_author_or_active_content(public)
    assert len(PdfReader(io.BytesIO(public)).pages) == 1
    # The safe link is kept.
    uris = [str(o["/URI"]) for o in every_object(public) if o.get("/S") == "/URI"]
    assert "https://www.example.org/" in uris
    with document.original.open("rb") as handle:
        assert handle.read() == letter


def test_a_published_doc_original_has_an_empty_summary(client, session, agency):
    letter = corpus.read("zh/reply-118.doc")
    assert olefile.OleFileIO(letter).get_metadata().author == b"python-docx"
    document = published_letter(session, agency, letter, "答复函.doc")
    public = download(client, document)
    metadata = olefile.OleFileIO(public).get_metadata()
    assert metadata.author in (b"", None) and metadata.comments in (b"", None)
    assert len(public) == len(letter)


def test_an_rtf_loses_its_info_group():
    letter = rb"{\rtf1{\info{\author \'d5\'c5 13912345678}{\company X\}Y}}\pard text\par}"
    assert scrub.clean_rtf(letter) == rb"{\rtf1{\info}\pard text\par}"


def test_the_public_pdf_is_rendered_without_author_or_active_content():
    result = render_bytes(
        corpus.active_pdf(),
        name="答复函.pdf",
        cover=CoverInfo(title="关于远处一行的提案", number=1, kind_label="提案", agency="某局"),
    )
    assert_no_author_or_active_content(result.pdf)
    assert len(PdfReader(io.BytesIO(result.pdf)).pages) == 2  # cover and letter


def test_a_real_letter_reads_the_same_after_scrubbing():
    letter = corpus.read("zh/reply-118.pdf")
    clean = scrub.clean_pdf(letter)
    assert pdf_tools.extract_text(clean) == pdf_tools.extract_text(letter)


def test_the_public_pdf_of_a_word_letter_keeps_no_author():
    """LibreOffice copies a .docx's creator into the PDF's Info: scrubbed as well."""
    result = render_bytes(corpus.authored_docx(), name="答复函.docx", cover=None)
    assert_no_author_or_active_content(result.pdf)
    assert result.text
