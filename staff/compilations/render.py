"""A compilation's book, laid out twice: a PDF by WeasyPrint (templates/documents/
compilation.html) and an editable .docx by python-docx. Both in the language given."""

import io
import logging
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from staff.compilations.content import Group

logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)

PAGE_MARK = "%(page)s"


@dataclass
class Book:
    kind: str
    title: str
    committee_name: str
    compiled_by: str
    session_name: str
    date_line: str
    groups: list[Group]

    @property
    def page_label(self) -> str:
        return _("第 %(page)s 页")

    @property
    def page_before(self) -> str:
        return self.page_label.split(PAGE_MARK)[0].replace('"', "")

    @property
    def page_after(self) -> str:
        parts = self.page_label.split(PAGE_MARK)
        return (parts[1] if len(parts) > 1 else "").replace('"', "")


def make_book(session, kind: str, kind_label: str, groups: list[Group], today) -> Book:
    committee = session.committee
    return Book(
        kind=kind,
        title=kind_label,
        committee_name=committee.name,
        compiled_by=_("%(committee)s编") % {"committee": committee.short_name},
        session_name=session.name,
        date_line=date_format(today, "YEAR_MONTH_FORMAT"),
        groups=groups,
    )


def pdf_bytes(book: Book, language_code: str) -> bytes:
    from weasyprint import HTML  # heavy import: only where a PDF is made

    html = render_to_string(
        "documents/compilation.html", {"book": book, "language_code": language_code}
    )
    return HTML(string=html).write_pdf()


# --- .docx -------------------------------------------------------------------------------
EAST_ASIAN_FONT = "宋体"


def _east_asian(style_or_run, name: str = EAST_ASIAN_FONT) -> None:
    from docx.oxml.ns import qn

    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _page_number_footer(document) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, _sep, after = _("第 %(page)s 页").partition(PAGE_MARK)
    paragraph.add_run(before)
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    paragraph.add_run(after)


def docx_bytes(book: Book) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    document = Document()
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        _east_asian(document.styles[name])
    document.styles["Normal"].font.size = Pt(12)
    _page_number_footer(document)
    for line in (book.committee_name, book.session_name):
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_heading(book.title, level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in (book.compiled_by, book.date_line):
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    if book.kind == "catalogue":
        _catalogue_table(document, book)
    else:
        _entries(document, book)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _catalogue_table(document, book: Book) -> None:
    headings = [_("编号"), _("标题"), _("提案人"), _("类别"), _("主办单位")]
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.text = text
    for group in book.groups:
        for e in group.entries:
            values = [str(e.number), e.title, e.sponsors, e.category, e.lead_agency or "—"]
            for cell, text in zip(table.add_row().cells, values, strict=True):
                cell.text = text


def _entries(document, book: Book) -> None:
    from docx.enum.text import WD_BREAK

    for group in book.groups:
        document.add_heading(group.name, level=1)
        for e in group.entries:
            document.add_heading(f"{e.number_label}　{e.title}", level=2)
            document.add_paragraph(_("提案人：%(value)s") % {"value": e.sponsors})
            if book.kind == "proposals":
                for line in e.paragraphs:
                    document.add_paragraph(line)
            for r in e.replies:
                document.add_heading(r.agency, level=3)
                document.add_paragraph(_("办理类型：%(value)s") % {"value": r.classification})
                if r.replied_on:
                    on = f"{r.replied_on:%Y-%m-%d}"
                    document.add_paragraph(_("答复日期：%(value)s") % {"value": on})
                for line in r.paragraphs:
                    document.add_paragraph(line)
                if r.cut:
                    document.add_paragraph(_("（答复函较长，以下从略，全文见答复函原件。）"))
            document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
