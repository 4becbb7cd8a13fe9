"""Redacting a Word letter in the document itself, before LibreOffice renders it.

A black box drawn over a PDF leaves the text under it; here the characters themselves are
replaced, so nothing survives in the public PDF. Word splits a line into runs at every
change of formatting (and spell-check marks, revision ids…), so "138 1234 5678" may be
spread over five runs: each paragraph's text is read across its runs, matched as a whole,
and each masked character is written back into the run it came from (a mask has the
length of what it hides, so every run keeps its length and formatting).

Every part of the package that holds text is redacted: the body, headers and footers,
footnotes, endnotes and comments; tracked deletions (w:delText) and field codes
(w:instrText, e.g. HYPERLINK "mailto:…") too, and external link targets. A .doc, .wps or
.rtf is first converted to .docx by LibreOffice (libreoffice.convert).
"""

import io
import re
from collections import defaultdict

import docx
from docx.opc.part import XmlPart
from docx.oxml.ns import qn
from lxml import etree

from responses.documents import personal_data

TEXT_TAGS = (qn("w:t"), qn("w:delText"), qn("w:instrText"))
PARAGRAPH = qn("w:p")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def redact_docx(data: bytes, *, keep: frozenset[str], landlines: bool) -> tuple[bytes, int]:
    """The .docx with every item found masked, except those whose digest is in `keep`.
    Returns the new file and how many items were masked."""
    document = docx.Document(io.BytesIO(data))
    masked = 0
    for part in document.part.package.iter_parts():
        if not str(part.partname).startswith("/word/") or not part.content_type.endswith("xml"):
            continue
        if isinstance(part, XmlPart):
            masked += _redact_tree(part.element, keep, landlines)
        else:
            root = etree.fromstring(part.blob)
            count = _redact_tree(root, keep, landlines)
            if count:
                part._blob = etree.tostring(
                    root, xml_declaration=True, encoding="UTF-8", standalone=True
                )
                masked += count
        masked += _redact_links(part, keep, landlines)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), masked


def _redact_tree(root, keep, landlines) -> int:
    # Text nodes grouped by (paragraph, tag): a text box inside a paragraph is its own
    # paragraph, and a deletion or a field code is never read together with the text.
    groups = defaultdict(list)
    for node in root.iter(*TEXT_TAGS):
        paragraph = next(node.iterancestors(PARAGRAPH), None)
        groups[(paragraph, node.tag)].append(node)
    return sum(_redact_nodes(nodes, keep, landlines) for nodes in groups.values())


def _redact_nodes(nodes, keep, landlines) -> int:
    texts = [node.text or "" for node in nodes]
    joined = "".join(texts)
    matches = [m for m in personal_data.find(joined, landlines=landlines) if m.digest not in keep]
    if not matches:
        return 0
    chars = list(joined)
    for match in matches:
        chars[match.start : match.end] = personal_data.mask(match.kind, match.value)
    position = 0
    for node, text in zip(nodes, texts, strict=True):
        new = "".join(chars[position : position + len(text)])
        if new != text:
            node.text = new
            node.set(XML_SPACE, "preserve")
        position += len(text)
    return len(matches)


_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)


def _redact_links(part, keep, landlines) -> int:
    """External targets (a hyperlink to mailto:someone@…) end up as links in the PDF."""
    count = 0
    for rel in part.rels.values():
        if not rel.is_external:
            continue
        target = rel.target_ref
        matches = [
            m for m in personal_data.find(target, landlines=landlines) if m.digest not in keep
        ]
        if not matches:
            continue
        chars = list(target)
        for match in matches:
            chars[match.start : match.end] = personal_data.mask(match.kind, match.value)
        rel._target = "".join(chars) if not _MAILTO.match(target) else "mailto:"
        count += len(matches)
    return count


def redact_text(text: str, *, keep: frozenset[str], landlines: bool) -> str:
    """The same masks in plain text (the letter's text kept for search)."""
    chars = list(text)
    for match in personal_data.find(text, landlines=landlines):
        if match.digest not in keep:
            chars[match.start : match.end] = personal_data.mask(match.kind, match.value)
    return "".join(chars)
