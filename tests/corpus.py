"""The test documents: files kept in tests/files/ and hostile files made here.

tests/files/README.md says where each kept file comes from and under which licence.
The hostile files that a few lines of code can make are made here instead of kept:
a macro-enabled .docm, a .docx declaring an external entity, a truncated .docx and a zip
bomb. Each is built from a kept, ordinary file, so it is a realistic document with one
thing wrong.

    corpus.path("zh/reply-118.doc")      a kept file
    corpus.path("made/macro.docm")       a made file, written once per process
    corpus.names()                       every document, kept and made
"""

import atexit
import io
import shutil
import tempfile
import zipfile
from functools import cache
from pathlib import Path

FILES = Path(__file__).resolve().parent / "files"
NOT_DOCUMENTS = {"README.md", "NOTICE", "LICENSE-Apache-2.0.txt"}

# The text the external entity would bring in, were it resolved.
ENTITY_TEXT = "外部实体不应被展开："
MACRO_CONTENT_TYPE = b"application/vnd.ms-word.document.macroEnabled.main+xml"
DOCX_CONTENT_TYPE = (
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)


def _rewrite(source: bytes, change) -> bytes:
    """A copy of the zip `source` with each part passed through change(name, data);
    change returns the new data, or None to drop the part. Extra parts come from
    change(None, None), a dict."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info.filename, data)
        for name, data in (change(None, None) or {}).items():
            new.writestr(name, data)
    return out.getvalue()


def macro_docm() -> bytes:
    """An ordinary document saved as "macro-enabled": the content type says so and a
    VBA project part is inside (an OLE header; no code needs to run to be refused)."""

    def change(name, data):
        if name is None:
            return {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504}
        if name == "[Content_Types].xml":
            return data.replace(DOCX_CONTENT_TYPE, MACRO_CONTENT_TYPE)
        return data

    return _rewrite((FILES / "word/sample.docx").read_bytes(), change)


def external_entity_docx() -> bytes:
    """A .docx whose main part declares an external entity (XXE) and uses it in a
    paragraph after ENTITY_TEXT: a reader that resolves it would fetch the URL."""
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<!DOCTYPE w:document [<!ENTITY outside SYSTEM "http://127.0.0.1:9/secret">]>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{ENTITY_TEXT}&outside;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()

    def change(name, data):
        if name == "word/document.xml":
            return document
        return data

    return _rewrite((FILES / "word/sample.docx").read_bytes(), change)


def truncated_docx() -> bytes:
    """A Chinese reply letter cut off two thirds in, as an interrupted upload leaves it:
    the zip's central directory, at its end, is gone."""
    data = (FILES / "zh/reply-118.docx").read_bytes()
    return data[: len(data) * 2 // 3]


def zip_bomb_docx() -> bytes:
    """A small .docx with a part that inflates to 64 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/content-types"><Override PartName="/word/document.xml" ContentType="'
            + DOCX_CONTENT_TYPE
            + b'"/></Types>',
        )
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/media/image1.png", b"\0" * (64 * 1024 * 1024))
    return out.getvalue()


AUTHOR = "张三 13912345678"
PHONE = "13912345678"


def authored_docx() -> bytes:
    """The sample letter with its author everywhere Word keeps one: core properties
    (creator, last modified by), app properties (company, manager), a custom property and
    a comment, each naming AUTHOR with a mobile number."""
    from docx import Document

    document = Document(FILES / "word/sample.docx")
    core = document.core_properties
    core.author = core.last_modified_by = AUTHOR
    core.comments = f"联系人 {AUTHOR}"
    paragraph = document.paragraphs[0] if document.paragraphs else document.add_paragraph("正文")
    runs = paragraph.runs or [paragraph.add_run("正文")]
    document.add_comment(runs, text="请核对", author=AUTHOR)
    buffer = io.BytesIO()
    document.save(buffer)
    app = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://'
        'schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Company>苏州市'
        f"工业和信息化局 {PHONE}</Company><Manager>{AUTHOR}</Manager></Properties>"
    ).encode()
    custom = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://'
        'schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://'
        'schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5C'
        'DD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="手机"><vt:lpwstr>'
        f"{PHONE}</vt:lpwstr></property></Properties>"
    ).encode()

    def change(name, data):
        if name is None:
            return {"docProps/custom.xml": custom}
        if name == "docProps/app.xml":
            return app
        if name == "[Content_Types].xml":
            return data.replace(
                b"</Types>",
                b'<Override PartName="/docProps/custom.xml" ContentType="application/vnd.'
                b'openxmlformats-officedocument.custom-properties+xml"/></Types>',
            )
        if name == "_rels/.rels":
            return data.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdCustom" Type="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships/custom-properties" Target="docProps/'
                b'custom.xml"/></Relationships>',
            )
        return data

    return _rewrite(buffer.getvalue(), change)


def active_pdf() -> bytes:
    """A one-page PDF with an author (Info and XMP, each with a mobile number) and every
    kind of active content: JavaScript on open, in the name tree and on the page, a
    `javascript:` link, a link launching a program and an embedded file."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        TextStringObject,
    )

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Author": AUTHOR, "/Creator": f"WPS {PHONE}", "/Title": "答复函"})
    writer.xmp_metadata = (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{AUTHOR}</dc:creator>'
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()

    def action(**entries):
        return writer._add_object(
            DictionaryObject(
                {NameObject(f"/{k}"): v for k, v in entries.items()}
                | {NameObject("/Type"): NameObject("/Action")}
            )
        )

    named_js = action(S=NameObject("/JavaScript"), JS=TextStringObject("app.alert('named-js')"))
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {
            NameObject("/JavaScript"): DictionaryObject(
                {NameObject("/Names"): ArrayObject([TextStringObject("x"), named_js])}
            )
        }
    )
    writer._root_object[NameObject("/OpenAction")] = action(
        S=NameObject("/JavaScript"), JS=TextStringObject("app.alert('open-action');")
    )
    page[NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): action(S=NameObject("/JavaScript"), JS=TextStringObject("page-aa"))}
    )

    def link(target):
        return writer._add_object(
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Annot"),
                    NameObject("/Subtype"): NameObject("/Link"),
                    NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (0, 0, 100, 20)]),
                    NameObject("/A"): target,
                }
            )
        )

    page[NameObject("/Annots")] = ArrayObject(
        [
            link(action(S=NameObject("/URI"), URI=TextStringObject("javascript:alert('uri')"))),
            link(action(S=NameObject("/Launch"), F=TextStringObject("calc.exe"))),
            link(action(S=NameObject("/URI"), URI=TextStringObject("https://www.example.org/"))),
        ]
    )
    writer.add_attachment("payload.exe", b"MZ embedded-payload")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def empty_paragraphs_docx(count: int = 8_000_000) -> bytes:
    """A .docx of about 60 KB whose body is `count` empty paragraphs: tens of MB of XML
    that a reader building the whole tree turns into seconds and hundreds of MB."""
    body = b"<w:p/>" * count
    document = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body>" + body + b"</w:body></w:document>"
    )

    def change(name, data):
        return document if name == "word/document.xml" else data

    out = _rewrite((FILES / "word/sample.docx").read_bytes(), change)
    return out


def far_row_xlsx(last_row: int = 1_048_576) -> bytes:
    """A 5 KB import sheet (header and one proposal) that declares the whole grid as its
    dimension (A1:XFD1048576) and has one more, empty, row at `last_row`: a reader that
    trusts the dimension pads every row to 16,384 columns and walks every row between."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["届次", "编号", "标题", "提案人", "内容"])
    sheet.append(["第十五届委员会第三次会议", 1, "关于远处一行的提案", "市致公党", "正文"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    def change(name, data):
        if name != "xl/worksheets/sheet1.xml":
            return data
        text = data.decode()
        start = text.index("<dimension ref=")
        end = text.index("/>", start) + 2
        text = text[:start] + '<dimension ref="A1:XFD1048576"/>' + text[end:]
        far = f'<row r="{last_row}"><c r="XFD{last_row}" t="inlineStr"><is><t> </t></is></c></row>'
        return text.replace("</sheetData>", far + "</sheetData>").encode()

    return _rewrite(buffer.getvalue(), change)


MADE = {
    "made/macro.docm": macro_docm,
    "made/external-entity.docx": external_entity_docx,
    "made/truncated.docx": truncated_docx,
    "made/zip-bomb.docx": zip_bomb_docx,
}


@cache
def _made_dir() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="jianyan-corpus-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def path(name: str) -> Path:
    """The file of a document named as in names(): kept ones where they are, made ones
    written to a temporary folder the first time they are asked for."""
    if name in MADE:
        target = _made_dir() / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(MADE[name]())
        return target
    target = FILES / name
    if not target.is_file():
        raise FileNotFoundError(f"no test document {name!r} in {FILES}")
    return target


def read(name: str) -> bytes:
    return path(name).read_bytes()


def names() -> list[str]:
    kept = [
        str(file.relative_to(FILES))
        for file in FILES.glob("*/*")
        if file.is_file() and file.name not in NOT_DOCUMENTS
    ]
    return sorted(kept + list(MADE))
