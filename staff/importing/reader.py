"""Read an .xlsx or .csv file into rows keyed by our column names, with the row numbers
people see in their spreadsheet (the header is usually row 1, data from row 2)."""

import csv
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
# An .xlsx's work is bounded by what it holds, not what it declares: its rows (blank ones
# included, data rows are capped by MAX_ROWS), the width read of each row, and its
# unpacked size. A sheet of a few thousand proposals is far inside all three.
MAX_SHEET_ROWS = MAX_ROWS + 1000
MAX_COLUMNS = 100
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024

# Our column -> the headings people write for it (compared without spaces).
COLUMNS: dict[str, list[str]] = {
    "session": ["届次", "届次会议", "会议"],
    "number": ["编号", "提案号", "建议号", "案号"],
    "kind": ["类型", "提案类型"],
    "title": ["标题", "题目", "案由"],
    "lead": ["提案人", "领衔提案人", "建议人", "领衔建议人", "领衔人"],
    "lead_kind": ["提案人类型", "提案人类别"],
    "co": ["联名提案人", "联名建议人", "联名人"],
    "category": ["类别", "分类", "提案类别"],
    "body": ["内容", "提案内容", "建议内容", "正文"],
    "submitted_at": ["提交日期", "提交时间"],
    "is_key": ["重点提案", "是否重点提案"],
}
REQUIRED = ["session", "number", "title", "lead", "body"]
HEADINGS = {column: names[0] for column, names in COLUMNS.items()}
_ALIASES = {name: column for column, names in COLUMNS.items() for name in names}


class TableError(Exception):
    """The file as a whole cannot be imported; the message says why, in Chinese."""


@dataclass
class SourceRow:
    number: int
    values: dict[str, Any]


def read_table(content: bytes, filename: str) -> tuple[list[SourceRow], list[str]]:
    """Rows of the file's first sheet and notes about ignored columns."""
    if not content:
        raise TableError(_("文件是空的。"))
    if len(content) > MAX_BYTES:
        raise TableError(_("文件超过 10 MB，请分成几个文件导入。"))
    name = (filename or "").lower()
    if name.endswith(".xls"):
        raise TableError(_("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入。"))
    if content[:2] == b"PK":
        raw_rows = _xlsx_rows(content)
    elif name.endswith(".xlsx"):
        raise TableError(_("文件已损坏，无法作为 .xlsx 读取。"))
    else:
        raw_rows = _csv_rows(content)
    return _keyed(raw_rows)


def _xlsx_rows(content: bytes):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise TableError(_("文件已损坏，无法作为 .xlsx 读取。")) from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise TableError(_("文件解压后过大，已拒绝读取。请删除多余的行、列或图片后再导入。"))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken or foreign file
        raise TableError(_("文件已损坏，无法作为 .xlsx 读取。")) from None
    try:
        sheet = workbook.worksheets[0]
        # The declared dimension (A1:XFD1048576 from some programs, or a hostile file)
        # would pad every row to 16,384 cells and every gap to full rows: read only the
        # cells that are there. Rows missing between two rows come back empty, cheaply.
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()
        present = 0
        for index, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if not row:
                continue
            present += 1
            if present > MAX_SHEET_ROWS:
                raise TableError(
                    _(
                        "表格中的行数超过 %(max)s 行（包括空白行和带格式的行），"
                        "请删除多余的行或分成几个文件导入。"
                    )
                    % {"max": MAX_SHEET_ROWS}
                )
            yield index, list(row[:MAX_COLUMNS])
    finally:
        workbook.close()


def _csv_rows(content: bytes):
    # Excel on Chinese Windows saves CSV as GB18030 (GBK); everything else as UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError(_("无法识别文件编码，请保存为 UTF-8 编码的 CSV 或 .xlsx。"))
    if "\x00" in text:
        raise TableError(_("这不是文本格式的 CSV 文件。"))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise TableError(_("CSV 格式有误：%(error)s") % {"error": exc}) from None


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _keyed(raw_rows) -> tuple[list[SourceRow], list[str]]:
    header, columns, notes, rows = None, {}, [], []
    for number, cells in raw_rows:
        if all(_is_blank(cell) for cell in cells):
            continue
        if header is None:
            header = number
            columns, notes = _map_header(cells)
            continue
        if len(rows) >= MAX_ROWS:
            raise TableError(_("一次最多导入 %(max)s 行，请分成几个文件。") % {"max": MAX_ROWS})
        values = {
            column: cells[index] if index < len(cells) else None
            for index, column in columns.items()
        }
        rows.append(SourceRow(number=number, values=values))
    if header is None:
        raise TableError(_("文件中没有内容。"))
    if not rows:
        raise TableError(_("只有表头，没有数据行。"))
    return rows, notes


def _map_header(cells) -> tuple[dict[int, str], list[str]]:
    columns, notes, seen = {}, [], {}
    for index, cell in enumerate(cells):
        heading = "".join(str(cell or "").split())
        if not heading:
            continue
        column = _ALIASES.get(heading)
        if column is None:
            notes.append(_("已忽略无法识别的列“%(heading)s”。") % {"heading": heading})
            continue
        if column in seen:
            raise TableError(
                _("表头中“%(a)s”和“%(b)s”是同一列，请删去一个。")
                % {"a": seen[column], "b": heading}
            )
        seen[column] = heading
        columns[index] = column
    missing = [HEADINGS[c] for c in REQUIRED if c not in seen]
    if missing:
        raise TableError(
            _("表头缺少必需的列：%(missing)s。第一行应为表头，例如：%(example)s。")
            % {"missing": "、".join(missing), "example": "、".join(HEADINGS.values())}
        )
    return columns, notes
