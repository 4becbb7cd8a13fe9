"""Benchmark the reply renderer: cold soffice vs a warm unoserver, and .docx fidelity.

    .venv/bin/python bench/render.py               # speed table (starts its own unoserver)
    .venv/bin/python bench/render.py --runs 9
    UNOSERVER_URL=127.0.0.1:2003 .venv/bin/python bench/render.py   # use a running one
    .venv/bin/python bench/render.py --fidelity    # LibreOffice vs mammoth+WeasyPrint

Speed: a 2-page and a 10-page Chinese reply letter are generated with python-docx (heading,
body, a table, signature block) and saved as .doc by LibreOffice; each is converted to
PDF `--runs` times by a cold `soffice --convert-to pdf` (a new process each time, as a
worker without unoserver does) and by the warm unoserver, and the medians are printed,
plus the whole pipeline (sniff, convert, text, cover, merge) on the warm path.
Targets (issue 3): a 2-page .docx or .doc under 0.5 s warm, at least 3x faster than cold.

Fidelity: for each .docx of the corpus, how much of the document's text (body, tables,
headers and footers, numbering) reaches the PDF, and how many pictures, for LibreOffice
and for mammoth -> HTML -> WeasyPrint.
"""

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from responses.documents import libreoffice, pdf  # noqa: E402
from responses.documents.cover import CoverInfo  # noqa: E402
from responses.documents.render import render_file  # noqa: E402

CORPUS = ROOT / "tests" / "files"  # the test documents (docs/test-files.md)
PARAGRAPH = (
    "贵单位提出的关于推进人工智能与制造业深度融合的建议收悉。经认真研究，现将办理情况答复如下："
    "我局会同相关部门制定年度工作方案，组织重点企业开展智能化改造和数字化转型诊断服务，"
    "推动规上工业企业上云用数赋智，培育行业大模型和典型应用场景。"
)


def make_letter(path: Path, pages: int) -> Path:
    """A reply letter of about `pages` A4 pages, in the shape agencies send."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "仿宋_GB2312"
    style.font.size = Pt(16)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    heading = document.add_paragraph(
        "苏州市工业和信息化局\n关于市政协十五届四次会议第118号提案的答复"
    )
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("致公党苏州市委会：")
    # One round of body is about 1.3 pages at 16 pt 仿宋.
    for page in range(max(1, round((pages - 0.6) / 1.3))):
        for number in range(3):
            document.add_paragraph(f"{'一二三四五六七八九十'[number % 10]}、{PARAGRAPH}")
        if page % 2 == 0:
            table = document.add_table(rows=4, cols=3)
            table.style = "Table Grid"
            for row, cells in enumerate(
                [("项目", "2024 年", "2025 年"), ("智能制造示范车间（个）", "480", "512"),
                 ("灯塔工厂（家）", "6", "7"), ("重点培育大模型（个）", "12", "16")]
            ):  # fmt: skip
                for column, text in enumerate(cells):
                    table.cell(row, column).text = text
        document.add_paragraph(PARAGRAPH * 2)
    document.add_paragraph(
        "苏州市工业和信息化局\n2025年6月20日"
    ).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph("（联系人：张明，联系电话：0512-68000000）")
    document.save(path)
    return path


def to_doc(docx_path: Path, out_dir: Path) -> Path:
    subprocess.run(
        [settings.SOFFICE_BINARY, f"-env:UserInstallation={(out_dir / 'profile').as_uri()}",
         "--headless", "--convert-to", "doc:MS Word 97", "--outdir", str(out_dir),
         str(docx_path)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return out_dir / (docx_path.stem + ".doc")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_unoserver(profile: Path) -> tuple[subprocess.Popen, str]:
    port, uno_port = free_port(), free_port()
    env = dict(os.environ, UNOSERVER_PORT=str(port), UNOSERVER_UNO_PORT=str(uno_port),
               UNOSERVER_PROFILE=str(profile))  # fmt: skip
    process = subprocess.Popen(
        ["bash", "scripts/start-unoserver.sh"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            libreoffice.unoserver_info(url)
            return process, url
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("unoserver did not start (run scripts/setup-uno.sh)") from None
            time.sleep(0.3)


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def timed(function, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def speed(runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="jianyan-bench-") as work:
        work_dir = Path(work)
        letters = []
        for pages in (2, 10):
            docx_path = make_letter(work_dir / f"letter-{pages}p.docx", pages)
            letters += [(docx_path, "docx"), (to_doc(docx_path, work_dir), "doc")]

        process = None
        url = os.environ.get("UNOSERVER_URL")
        if not url:
            process, url = start_unoserver(work_dir / "uno-profile")
        try:
            settings.UNOSERVER_URL = url
            cover = CoverInfo(title="关于推进人工智能产业融合的建议", number=118)
            libreoffice.convert_warm(letters[0][0], url, timeout=60)  # warm-up
            render_file(letters[0][0], cover=cover)  # loads WeasyPrint and its fonts

            rows = []
            for path, doc_type in letters:
                pages = pdf.page_count(libreoffice.convert_warm(path, url, timeout=60))
                cold = timed(
                    lambda p=path, t=doc_type: libreoffice.convert_cold(p, t, timeout=60), runs
                )
                warm = timed(lambda p=path: libreoffice.convert_warm(p, url, timeout=60), runs)
                full = timed(lambda p=path: render_file(p, cover=cover), runs)
                rows.append((path.name, pages, cold, warm, cold / warm, full))
        finally:
            if process is not None:
                stop(process)

    print(f"\nmedian of {runs} runs, seconds per document ({os.cpu_count()} cores)\n")
    header = ("document", "pages", "cold soffice", "warm unoserver", "speed-up", "warm pipeline")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for name, pages, cold, warm, ratio, full in rows:
        print(f"| {name} | {pages} | {cold:.2f} | {warm:.2f} | {ratio:.1f}x | {full:.2f} |")
    print("\nwarm pipeline = sniff + warm conversion + pdftotext + cover (WeasyPrint) + merge")


def fidelity() -> None:
    import io
    import re
    import zipfile

    import docx
    import mammoth
    from pypdf import PdfReader
    from weasyprint import HTML

    def squeeze(text: str) -> str:
        return re.sub(r"\s+", "", text)

    def source_units(path: Path) -> tuple[list[str], list[str]]:
        """Body paragraphs and table cells; header and footer paragraphs."""
        document = docx.Document(path)
        body = [p.text for p in document.paragraphs]
        body += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        margins = [
            p.text
            for section in document.sections
            for part in (section.header, section.footer)
            for p in part.paragraphs
        ]
        keep = lambda texts: sorted({squeeze(t) for t in texts if len(squeeze(t)) > 1})  # noqa: E731
        return keep(body), keep(margins)

    def word_pages(path: Path) -> str:
        app = zipfile.ZipFile(path).read("docProps/app.xml").decode("utf-8", "replace")
        found = re.search(r"<Pages>(\d+)</Pages>", app)
        return found.group(1) if found else "?"

    def kept(units: list[str], text: str) -> str:
        if not units:
            return "–"
        return f"{sum(unit in text for unit in units) / len(units):.0%}"

    def mammoth_pdf(path: Path) -> bytes:
        with path.open("rb") as handle:
            html = mammoth.convert_to_html(handle).value
        page = (
            f'<html lang="zh-CN"><body style="font-family: Noto Serif CJK SC">{html}</body></html>'
        )
        return HTML(string=page).write_pdf()

    def pictures(data: bytes) -> int:
        return sum(len(page.images) for page in PdfReader(io.BytesIO(data)).pages)

    names = ["zh/reply-118.docx", "zh/proposal-118.docx", "word/sample.docx",
             "word/Headers.docx", "word/HeaderFooterUnicode.docx", "word/Numbering.docx",
             "word/WithGIF.docx", "word/bug56076.docx"]  # fmt: skip
    print("\nLO = LibreOffice, MM = mammoth -> HTML -> WeasyPrint; text kept = share of the")
    print("document's paragraphs and table cells found in the PDF text (whitespace ignored)\n")
    print(
        "| document | Word pages | LO pages | MM pages | body kept LO | body kept MM "
        "| header/footer kept LO | header/footer kept MM | pictures LO | pictures MM |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in names:
        path = CORPUS / name
        body, margins = source_units(path)
        lo = libreoffice.convert_cold(path, "docx", timeout=60)
        mm = mammoth_pdf(path)
        lo_text, mm_text = squeeze(pdf.extract_text(lo)), squeeze(pdf.extract_text(mm))
        print(
            f"| {name} | {word_pages(path)} | {pdf.page_count(lo)} | {pdf.page_count(mm)} "
            f"| {kept(body, lo_text)} | {kept(body, mm_text)} | {kept(margins, lo_text)} "
            f"| {kept(margins, mm_text)} | {pictures(lo)} | {pictures(mm)} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fidelity", action="store_true")
    args = parser.parse_args()
    if args.fidelity:
        fidelity()
    else:
        speed(args.runs)


if __name__ == "__main__":
    main()
