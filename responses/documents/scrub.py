"""What the public gets of a reply letter: without who wrote it and without active content.

An agency's letter carries its author's traces: a .docx's core, app and custom properties
(creator "张三 13912345678", company, last modified by), comment and revision authors; a
PDF's Info dictionary and XMP packet; a .doc's summary-information streams; an RTF's
\\info group. A PDF may also carry JavaScript (an OpenAction, /JS, /AA, `javascript:`
links), embedded files and forms that submit.

- public_copy(data, doc_type): the published copy of an original upload (the stored
  upload itself stays byte for byte: staff and the agency read that one);
- clean_pdf(data): a PDF without metadata and active content, for the public PDF and a
  PDF original.

Each raises ScrubError when the file cannot be rewritten; a caller then publishes nothing
rather than the unscrubbed file.
"""

import io
import re
import struct
import zipfile

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
)


class ScrubError(Exception):
    pass


def public_copy(data: bytes, doc_type: str) -> bytes:
    """The copy of an original upload that is published."""
    try:
        if doc_type == "pdf":
            return clean_pdf(data)
        if doc_type == "docx":
            return clean_docx(data)
        if doc_type in {"doc", "wps"}:
            return clean_ole2(data)
        if doc_type == "rtf":
            return clean_rtf(data)
    except ScrubError:
        raise
    except Exception as error:  # noqa: BLE001 - any parser failure: publish nothing
        raise ScrubError(f"{doc_type}: {error!r}") from error
    raise ScrubError(f"no scrubber for {doc_type!r}")


# --- PDF --------------------------------------------------------------------------------

# Actions a published letter may keep: moving within the document, a named page action,
# and a web or mail link. Everything else (JavaScript, Launch, SubmitForm, ImportData,
# GoToR/GoToE, Rendition, RichMediaExecute, Hide…) is made a harmless "first page".
_SAFE_ACTIONS = {"/GoTo", "/Named", "/URI"}
_ACTION_TYPES = {
    *_SAFE_ACTIONS,
    "/GoToR",
    "/GoToE",
    "/GoTo3DView",
    "/Launch",
    "/Thread",
    "/Sound",
    "/Movie",
    "/Hide",
    "/SubmitForm",
    "/ResetForm",
    "/ImportData",
    "/JavaScript",
    "/SetOCGState",
    "/Rendition",
    "/Trans",
    "/RichMediaExecute",
}
_SAFE_URI = re.compile(r"^(https?|mailto):", re.IGNORECASE)
# Keys that carry metadata or active content wherever they appear.
_DROP_KEYS = (
    "/AA",  # additional actions: on open, close, page view, field change…
    "/OpenAction",
    "/JS",
    "/JavaScript",
    "/EmbeddedFiles",
    "/XFA",
    "/Metadata",  # XMP, on the catalog or on any object
    "/PieceInfo",  # application private data (authoring tools)
)
_DROP_ANNOTATIONS = {"/FileAttachment", "/Screen", "/Movie", "/Sound", "/RichMedia", "/3D"}


def _uri_is_safe(uri) -> bool:
    text = re.sub(r"[\x00-\x20]", "", str(uri))
    return bool(_SAFE_URI.match(text))


def _is_action(item: DictionaryObject) -> bool:
    return item.get("/Type") == "/Action" or item.get("/S") in _ACTION_TYPES


def _action_is_safe(action: DictionaryObject) -> bool:
    kind = action.get("/S")
    if kind not in _SAFE_ACTIONS:
        return False
    return kind != "/URI" or _uri_is_safe(action.get("/URI", ""))


def _clean_object(obj) -> None:
    """Walk every dictionary and array reachable from obj (indirect ones once each)."""
    seen: set[tuple[int, int]] = set()
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            for key in _DROP_KEYS:
                item.pop(key, None)
            if _is_action(item):
                item.pop("/Next", None)  # a chain of further actions
                if not _action_is_safe(item):
                    item.clear()
                    item[NameObject("/S")] = NameObject("/Named")
                    item[NameObject("/N")] = NameObject("/FirstPage")
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def _drop_unreachable(writer: PdfWriter) -> None:
    """Leave out every object the document no longer reaches (the JavaScript, the XMP
    packet, an embedded file): unreferenced, they would still be written to the file."""
    keep = {writer.root_object.indirect_reference.idnum}
    if writer._info is not None:  # noqa: SLF001 - pypdf has no public handle on it
        keep.add(writer._info.indirect_reference.idnum)  # noqa: SLF001
    stack = [writer.root_object, writer._info]  # noqa: SLF001
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            keep.add(item.idnum)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    objects = writer._objects  # noqa: SLF001
    for index in range(len(objects)):
        if index + 1 not in keep:
            objects[index] = None


def clean_pdf(data: bytes) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        writer = PdfWriter(clone_from=reader)
    except Exception as error:  # noqa: BLE001 - pypdf has no single base class
        raise ScrubError(f"pdf: {error!r}") from error
    writer.metadata = None
    writer.xmp_metadata = None
    root = writer.root_object
    names = root.get("/Names")
    if names is not None:
        names = names.get_object()
        for key in ("/JavaScript", "/EmbeddedFiles"):
            names.pop(key, None)
    acroform = root.get("/AcroForm")
    if acroform is not None:
        acroform.get_object().pop("/XFA", None)
    for page in writer.pages:
        annotations = page.get("/Annots")
        if annotations is None:
            continue
        kept = ArrayObject(
            annotation
            for annotation in annotations.get_object()
            if annotation.get_object().get("/Subtype") not in _DROP_ANNOTATIONS
        )
        page[NameObject("/Annots")] = kept
    _clean_object(root)
    writer.add_metadata({"/Producer": "Jianyan"})
    _drop_unreachable(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- OOXML (.docx) ----------------------------------------------------------------------

_EMPTY_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl'
    b'.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
_EMPTY_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
    b'properties"/>'
)
_EMPTY_CUSTOM = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-'
    b'properties"/>'
)
# Who wrote a comment, a tracked change or appears in people.xml.
_PERSON_ATTRIBUTES = re.compile(
    rb'(\s(?:w|w15|w16cid|w16cex):(?:author|initials|userId|providerId|dateUtc|date))="[^"]*"'
)


def _docx_part(name: str, data: bytes) -> bytes:
    lowered = name.lower()
    if lowered == "docprops/core.xml":
        return _EMPTY_CORE
    if lowered == "docprops/app.xml":
        return _EMPTY_APP
    if lowered == "docprops/custom.xml":
        return _EMPTY_CUSTOM
    if lowered.startswith("word/") and lowered.endswith(".xml"):
        return _PERSON_ATTRIBUTES.sub(rb'\1=""', data)
    return data


def clean_docx(data: bytes) -> bytes:
    out = io.BytesIO()
    try:
        with (
            zipfile.ZipFile(io.BytesIO(data)) as old,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
        ):
            for info in old.infolist():
                part = _docx_part(info.filename, old.read(info))
                # A fixed date: the entries' times would tell when the letter was edited.
                copy = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
                copy.compress_type = zipfile.ZIP_DEFLATED
                copy.external_attr = info.external_attr
                new.writestr(copy, part)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise ScrubError(f"docx: {error!r}") from error
    return out.getvalue()


# --- OLE2 (.doc, .wps) ------------------------------------------------------------------

_VT_LPSTR, _VT_LPWSTR, _VT_FILETIME = 0x1E, 0x1F, 0x40
_SUMMARY_STREAMS = ("\x05SummaryInformation", "\x05DocumentSummaryInformation")


def _blank_property_set(stream: bytes) -> bytes:
    """The same property set with every string and date zeroed, sizes kept (so the
    stream can be written back in place)."""
    data = bytearray(stream)
    (count,) = struct.unpack_from("<I", data, 24)
    for index in range(min(count, 4)):
        (section,) = struct.unpack_from("<I", data, 28 + index * 20 + 16)
        _size, properties = struct.unpack_from("<II", data, section)
        for number in range(min(properties, 4096)):
            prop_id, offset = struct.unpack_from("<II", data, section + 8 + number * 8)
            if prop_id in (0, 1):  # dictionary, code page
                continue
            at = section + offset
            if at + 8 > len(data):
                continue
            (vtype,) = struct.unpack_from("<I", data, at)
            vtype &= 0xFFFF
            if vtype == _VT_LPSTR:
                (length,) = struct.unpack_from("<I", data, at + 4)
                end = min(at + 8 + length, len(data))
                data[at + 8 : end] = bytes(end - at - 8)
            elif vtype == _VT_LPWSTR:
                (length,) = struct.unpack_from("<I", data, at + 4)
                end = min(at + 8 + 2 * length, len(data))
                data[at + 8 : end] = bytes(end - at - 8)
            elif vtype == _VT_FILETIME:
                data[at + 4 : at + 12] = bytes(8)
    return bytes(data)


def clean_ole2(data: bytes) -> bytes:
    import olefile

    if not data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # A Word 2 binary (1991) has no summary streams but keeps its author inside;
        # nobody sends one today: publish nothing rather than guess.
        raise ScrubError("not an OLE2 file")
    buffer = io.BytesIO(data)
    try:
        ole = olefile.OleFileIO(buffer, write_mode=True)
    except Exception as error:  # noqa: BLE001 - olefile raises many kinds
        raise ScrubError(f"ole2: {error!r}") from error
    try:
        for name in _SUMMARY_STREAMS:
            if ole.exists(name):
                stream = ole.openstream(name).read()
                try:
                    blank = _blank_property_set(stream)
                except struct.error:
                    blank = bytes(len(stream))
                ole.write_stream(name, blank)
    finally:
        ole.close()
    return buffer.getvalue()


# --- RTF --------------------------------------------------------------------------------


def clean_rtf(data: bytes) -> bytes:
    r"""Without the {\info …} group (title, author, operator, company, dates)."""
    start = data.find(b"{\\info")
    while start != -1:
        depth, index = 0, start
        while index < len(data):
            char = data[index : index + 1]
            if char == b"\\":
                index += 2
                continue
            if char == b"{":
                depth += 1
            elif char == b"}":
                depth -= 1
                if depth == 0:
                    break
            index += 1
        data = data[:start] + b"{\\info}" + data[index + 1 :]
        start = data.find(b"{\\info", start + len(b"{\\info}"))
    return data
