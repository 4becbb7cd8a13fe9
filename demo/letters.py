"""Reply letters for the demo, and how the demo renders them without waiting for a worker.

Letters: three small .docx files (python-docx), one per classification A/B/C, written
byte-identically on every run (fixed zip timestamps) so that their sha256 is stable.
Proposal 118 gets the real letter, demo/data/reply-118.doc.

Rendering: every document goes through the pipeline's own render service
(`responses.documents.render_document`: claim, sniff, LibreOffice, text, cover, store) at
the moment `attach_document` would queue it, so `confirm_reply` finds it ready. Shortcuts
keep `loaddemo` fast, each measured on this machine:
- LibreOffice (3.5–9 s per cold run) converts each distinct letter once; identical bytes
  reuse that PDF (`convert_to_pdf` is memoised by content hash), and a render without a
  cover, which depends on the bytes alone, is made once per letter.
- The house cover (WeasyPrint, about 1 s each) is made for proposal 118 and a few
  replies of the current session (`with_cover` decides). The other replies keep the
  letter's PDF alone; `manage.py rerender_replies --queue` adds their covers in the
  background when wanted.
"""

import hashlib
import io
import zipfile
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path
from unittest import mock

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

LETTER_PARAGRAPHS = {
    "A": [
        "您提出的提案收悉。我单位高度重视，主要负责同志专题研究，明确分管领导和责任处室，"
        "并于办理过程中与您当面沟通，充分听取意见。现将办理情况答复如下：",
        "一、所提建议已经采纳落实。我们结合年度重点工作，将提案所提各项建议纳入工作计划，"
        "制定了具体实施方案，明确了时间节点和责任分工。",
        "二、相关政策措施已经出台。经市政府同意，相关实施意见已印发执行，配套资金已列入"
        "年度预算，首批项目已按计划推进。",
        "三、下一步工作打算。我们将持续跟踪政策落实效果，定期开展评估，及时研究解决新情况"
        "新问题，确保提案建议落到实处。",
    ],
    "B": [
        "您提出的提案收悉。我单位高度重视，组织相关处室认真研究，并与您进行了电话沟通。"
        "现将办理情况答复如下：",
        "一、提案所提问题正在推动解决。我们已会同有关部门开展专题调研，摸清底数，"
        "形成了初步工作方案。",
        "二、部分建议已列入计划。相关事项已纳入下一年度重点工作安排，将根据财力状况"
        "和工作进度分步实施。",
        "三、下一步工作打算。我们将加强部门协同，加快推进方案落地，及时向您通报进展情况。",
    ],
    "C": [
        "您提出的提案收悉。我单位高度重视，组织相关处室认真研究，并与您进行了沟通。"
        "现将办理情况答复如下：",
        "一、提案所提建议具有一定的前瞻性，对我们改进工作很有启发。",
        "二、受现行政策规定和客观条件限制，相关建议目前实施尚有困难。我们将密切关注"
        "上级政策调整情况，积极创造条件。",
        "三、我们将把您的建议作为今后工作的重要参考，适时研究推进。",
    ],
}
LETTER_TABLE = [
    ("办理环节", "时间", "情况"),
    ("交办签收", "交办后3个工作日内", "已签收并明确责任处室"),
    ("沟通协商", "答复前", "与提案人当面或电话沟通"),
    ("答复", "办理期限内", "书面答复并抄送市政协提案委员会"),
]
# Zip entries stamped with this instead of "now", so the bytes never change.
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def _set_east_asian_font(document, name: str = "宋体") -> None:
    style = document.styles["Normal"]
    style.font.name = name
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), name)


def _deterministic_zip(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def letter_docx(classification: str) -> bytes:
    """A reply letter (答复函) of the given classification, as .docx bytes."""
    document = Document()
    _set_east_asian_font(document)
    core = document.core_properties
    core.author = core.last_modified_by = "建言演示数据"
    core.title = "政协提案答复函"
    core.created = core.modified = datetime(2024, 1, 1)
    core.revision = 1

    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run("关于政协提案办理情况的答复函")
    run.bold = True
    run.font.size = Pt(20)
    label = document.add_paragraph(f"办理类型：{classification}类")
    label.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph("尊敬的提案人：")
    for text in LETTER_PARAGRAPHS[classification]:
        paragraph = document.add_paragraph(text)
        paragraph.paragraph_format.first_line_indent = Pt(28)
    table = document.add_table(rows=len(LETTER_TABLE), cols=3)
    table.style = "Table Grid"
    for row, values in zip(table.rows, LETTER_TABLE, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("感谢您对我市经济社会发展的关心和支持，欢迎继续提出宝贵意见和建议。")
    for line in ("（承办单位盖章）", "签发人：（见答复信息）", "联系人及电话：（见答复信息）"):
        closing = document.add_paragraph(line)
        closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return _deterministic_zip(buffer.getvalue())


def letter_name(classification: str) -> str:
    return f"答复函（{classification}类）.docx"


# --- synchronous rendering -------------------------------------------------------------------


class DemoRenderer:
    """Renders each attached document on the spot through the pipeline's render service.

    `with_cover(document) -> bool` says which documents get the house cover.
    """

    def __init__(self, with_cover: Callable[[object], bool]):
        self.with_cover = with_cover
        self.conversions = 0  # LibreOffice runs
        self.rendered = 0
        self.covers = 0
        self.failures: list[str] = []
        self._converted: dict[tuple[str, str], tuple[bytes, str]] = {}
        self._rendered: dict[tuple, object] = {}

    @contextmanager
    def active(self):
        from responses import documents
        from responses.documents import libreoffice
        from responses.documents import service as render_service

        real_convert = libreoffice.convert_to_pdf
        real_cover = render_service.cover_for_document
        real_render_bytes = render_service.render_bytes

        def convert_once(source: Path, doc_type: str, **kwargs):
            key = (hashlib.sha256(Path(source).read_bytes()).hexdigest(), doc_type)
            if key not in self._converted:
                self._converted[key] = real_convert(source, doc_type, **kwargs)
                self.conversions += 1
            return self._converted[key]

        def cover(document):
            if self.with_cover(document):
                self.covers += 1
                return real_cover(document)
            return None

        def render_bytes_once(data: bytes, *, name: str, cover=None, plan=None):
            # Without a cover the result depends on the bytes and the redaction plan alone:
            # render each letter once per plan.
            if cover is not None:
                return real_render_bytes(data, name=name, cover=cover, plan=plan)
            key = (hashlib.sha256(data).hexdigest(), Path(name).suffix.lower(), plan)
            if key not in self._rendered:
                self._rendered[key] = real_render_bytes(data, name=name, cover=None, plan=plan)
            return self._rendered[key]

        def render_now(document):
            # Instead of queueing after commit: render inside the transaction, so the
            # reply can be confirmed right away. The document row exists already.
            if render_service.render_document(document):
                self.rendered += 1
            else:
                document.refresh_from_db()
                self.failures.append(f"{document.original_name}: {document.render_error}")

        with ExitStack() as stack:
            stack.enter_context(mock.patch.object(libreoffice, "convert_to_pdf", convert_once))
            stack.enter_context(mock.patch.object(render_service, "cover_for_document", cover))
            stack.enter_context(
                mock.patch.object(render_service, "render_bytes", render_bytes_once)
            )
            stack.enter_context(mock.patch.object(documents, "queue_render", render_now))
            yield self
