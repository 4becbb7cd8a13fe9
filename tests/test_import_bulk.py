"""Bulk import of past proposals (.xlsx/.csv): the dry run changes nothing, a bad row is
reported with its row number and nothing is half-imported, re-importing is idempotent —
through the service, the staff pages and `manage.py import_proposals`."""

import csv
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from proposals.models import (
    Action,
    Event,
    ImportBatch,
    ImportStatus,
    Proposal,
    Sponsor,
    SponsorKind,
    Status,
)
from proposals.workflow import TransitionError
from staff.importing.batches import import_batch, preview_file
from staff.importing.bulk import run_import
from staff.importing.reader import MAX_SHEET_ROWS, read_table
from tests.factories import CategoryFactory, SessionFactory, home_committee

pytestmark = pytest.mark.django_db

HEADER = [
    "届次",
    "编号",
    "类型",
    "标题",
    "提案人",
    "提案人类型",
    "联名提案人",
    "类别",
    "内容",
    "提交日期",
    "重点提案",
]
SESSION = "第十五届委员会第三次会议"


@pytest.fixture(autouse=True)
def reference_data(db):
    SessionFactory(term=15, meeting=3, year=2024, name=SESSION)
    CategoryFactory(name="经济")
    CategoryFactory(name="社会")


def row(number, title=None, **values):
    data = {
        "届次": SESSION,
        "编号": number,
        "类型": "提案",
        "标题": title or f"关于第{number}项工作的提案",
        "提案人": "市致公党",
        "提案人类型": "民主党派",
        "联名提案人": "",
        "类别": "经济",
        "内容": f"第{number}号提案的内容。",
        "提交日期": "2024-01-18",
        "重点提案": "否",
    }
    data.update(values)
    return [data[h] for h in HEADER]


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def snapshot():
    return (Proposal.objects.count(), Sponsor.objects.count(), Event.objects.count())


# --- The import itself -----------------------------------------------------------------
def test_a_dry_run_reports_what_would_happen_and_changes_nothing(alice):
    content = xlsx([row(1), row(2), row(3, 联名提案人="王委员、李委员")])
    before = snapshot()

    report = run_import(content, "2024.xlsx", by=alice, dry_run=True)

    assert not report.has_errors
    assert [r.action for r in report.rows] == ["created", "created", "created"]
    assert [r.row for r in report.rows] == [2, 3, 4]
    assert "新建提案人“王委员”（委员）。" in report.rows[2].notes
    assert snapshot() == before


def test_the_import_creates_every_row_through_the_service(alice):
    content = xlsx([row(1, 重点提案="是"), row(2, 类型="建议", 联名提案人="王委员")])

    report = run_import(content, "2024.xlsx", by=alice, dry_run=False)

    assert report.count("created") == 2
    first, second = Proposal.objects.order_by("number")
    assert (first.session.name, first.number, first.status, first.is_key) == (
        SESSION,
        1,
        Status.SUBMITTED,
        True,
    )
    assert first.lead_sponsor.name == "市致公党"
    assert first.lead_sponsor.kind == SponsorKind.PARTY
    assert first.submitted_at.date().isoformat() == "2024-01-18"
    assert (second.kind, [s.name for s in second.co_sponsors]) == ("suggestion", ["王委员"])
    assert Event.objects.filter(action=Action.CREATE, actor=alice).count() == 2


def test_a_bad_row_is_reported_with_its_row_number_and_nothing_is_imported(alice):
    content = xlsx(
        [
            row(1),
            row(2, 类别="不存在的类别"),
            row("abc"),
            row(4, 届次="第九届委员会第九次会议", 标题=""),
            row(5),
        ]
    )
    before = snapshot()

    report = run_import(content, "2024.xlsx", by=alice, dry_run=False)

    assert report.has_errors
    errors = {r.row: r.errors for r in report.error_rows}
    assert set(errors) == {3, 4, 5}
    assert errors[3] == ["第3行：类别“不存在的类别”不存在（可用：社会、经济）。"]
    assert errors[4] == ["第4行：编号“abc”不是正整数。"]
    assert "第5行：缺少“标题”。" in errors[5]
    assert any("届次“第九届委员会第九次会议”不存在" in e for e in errors[5])
    # Rows 2 and 6 were fine, and still nothing is half-imported.
    assert snapshot() == before


def test_a_service_refusal_in_a_late_row_rolls_back_the_earlier_rows(alice):
    content = xlsx([row(1), row(2, 标题="   ", 内容="  ")])
    report = run_import(content, "2024.xlsx", by=alice, dry_run=False)
    assert [r.row for r in report.error_rows] == [3]
    assert not Proposal.objects.exists()


def test_the_same_number_twice_in_one_file_is_an_error_on_the_second_row(alice):
    report = run_import(xlsx([row(7), row(7, "另一件提案")]), "x.xlsx", by=alice, dry_run=True)
    (bad,) = report.error_rows
    assert bad.errors == ["第3行：届次和编号与第2行相同（同一文件中一个编号只能出现一次）。"]


def test_importing_the_same_file_twice_creates_nothing_the_second_time(alice):
    content = xlsx([row(1), row(2, 联名提案人="王委员")])
    run_import(content, "2024.xlsx", by=alice, dry_run=False)
    before = snapshot()

    report = run_import(content, "2024.xlsx", by=alice, dry_run=False)

    assert [r.action for r in report.rows] == ["unchanged", "unchanged"]
    assert snapshot() == before


def test_a_corrected_file_updates_proposals_still_open_to_correction(alice):
    run_import(xlsx([row(1), row(2)]), "v1.xlsx", by=alice, dry_run=False)
    Proposal.objects.filter(number=2).update(status=Status.ASSIGNED)

    report = run_import(
        xlsx([row(1, "关于第1项工作的提案（修订）"), row(2, "改过的标题")]),
        "v2.xlsx",
        by=alice,
        dry_run=False,
    )

    first, second = report.rows
    assert (first.action, first.notes) == ("updated", ["更新了：标题。"])
    assert second.action == "unchanged"
    assert second.notes == ["第2号提案状态为“办理中”，文件中不同的标题未修改。"]
    assert Proposal.objects.get(number=1).title == "关于第1项工作的提案（修订）"
    assert Proposal.objects.get(number=2).title == "关于第2项工作的提案"
    assert Event.objects.filter(action=Action.UPDATE).count() == 1


def test_a_gbk_csv_from_excel_is_read(alice):
    content = csv_bytes([row(1), row(2)], encoding="gb18030")
    report = run_import(content, "2024.csv", by=alice, dry_run=False)
    assert report.count("created") == 2
    assert Proposal.objects.get(number=1).lead_sponsor.name == "市致公党"


def test_a_file_without_the_required_columns_is_refused_as_a_whole(alice):
    content = xlsx([["第十五届委员会第三次会议", "标题"]], header=["届次", "题目"])
    report = run_import(content, "bad.xlsx", by=alice, dry_run=True)
    assert report.file_errors == [
        "表头缺少必需的列：编号、提案人、内容。第一行应为表头，例如：届次、编号、类型、标题、提案人、"
        "提案人类型、联名提案人、类别、内容、提交日期、重点提案。"
    ]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "文件是空的。"),
        (b"PK\x03\x04broken", "broken.xlsx", "文件已损坏，无法作为 .xlsx 读取。"),
        (
            b"\xd0\xcf\x11\xe0",
            "old.xls",
            "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入。",
        ),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(alice, content, name, message):
    assert run_import(content, name, by=alice, dry_run=True).file_errors == [message]


def test_a_sheet_declaring_the_whole_grid_with_a_far_away_row_is_read_at_once(alice):
    """5 KB, dimension A1:XFD1048576, one empty row at 1,048,576: was ~15 minutes of
    padding 16,384 empty cells per row (30,000 rows took 29 s)."""
    from tests.corpus import far_row_xlsx

    for last_row in (30_000, 1_048_576):
        content = far_row_xlsx(last_row)
        assert len(content) < 8 * 1024
        started = time.monotonic()
        rows, _notes = read_table(content, "far.xlsx")
        assert time.monotonic() - started < 3, last_row
        assert [r.number for r in rows] == [2]
        assert rows[0].values["title"] == "关于远处一行的提案"


def test_a_sheet_of_too_many_rows_blank_ones_included_is_refused_early(alice):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for _index in range(MAX_SHEET_ROWS + 10):
        sheet.append([" "])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run_import(buffer.getvalue(), "blank.xlsx", by=alice, dry_run=True)
    assert report.file_errors == [
        f"表格中的行数超过 {MAX_SHEET_ROWS} 行（包括空白行和带格式的行），"
        "请删除多余的行或分成几个文件导入。"
    ]


def test_a_sponsor_name_shared_by_two_kinds_needs_the_kind_column(alice):
    Sponsor.objects.create(committee=home_committee(), name="李明", kind=SponsorKind.MEMBER)
    Sponsor.objects.create(committee=home_committee(), name="李明", kind=SponsorKind.SECTOR)
    report = run_import(
        xlsx([row(1, 提案人="李明", 提案人类型="")]), "x.xlsx", by=alice, dry_run=True
    )
    assert report.error_rows[0].errors == [
        "第2行：有多个名为“李明”的提案人，请在“提案人类型”列写明类型。"
    ]
    report = run_import(
        xlsx([row(1, 提案人="李明", 提案人类型="界别")]), "x.xlsx", by=alice, dry_run=True
    )
    assert not report.has_errors


def test_only_staff_may_import(bob):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run_import(xlsx([row(1)]), "x.xlsx", by=bob, dry_run=True)


# --- Batches: preview, then import once ------------------------------------------------
def test_a_batch_is_previewed_then_imported_once(alice):
    batch = preview_file(xlsx([row(1), row(2)]), "2024.xlsx", by=alice)
    assert (batch.status, batch.created_count, batch.row_count) == (ImportStatus.PREVIEWED, 2, 2)
    assert not Proposal.objects.exists()

    batch = import_batch(batch, by=alice)
    assert batch.status == ImportStatus.IMPORTED
    assert Proposal.objects.count() == 2

    with pytest.raises(TransitionError, match="该文件已于.*导入"):
        import_batch(batch, by=alice)
    assert Proposal.objects.count() == 2


def test_a_batch_with_errors_cannot_be_imported(alice):
    batch = preview_file(xlsx([row(1), row("x")]), "bad.xlsx", by=alice)
    assert (batch.status, batch.error_count) == (ImportStatus.FAILED, 1)
    with pytest.raises(TransitionError, match="该文件有错误"):
        import_batch(batch, by=alice)


# --- Through the staff pages -----------------------------------------------------------
@pytest.fixture
def staff_client(client, alice):
    client.force_login(alice)
    return client


def test_staff_upload_a_file_see_the_preview_and_import_it(staff_client):
    upload = SimpleUploadedFile("2024.xlsx", xlsx([row(1), row(2)]))
    response = staff_client.post(reverse("staff:import-list"), {"file": upload})
    batch = ImportBatch.objects.get()
    assert response.url == reverse("staff:import-detail", args=[batch.pk])

    page = staff_client.get(response.url)
    assert page.context["can_import"]
    assert [label for _row, label in page.context["rows"]] == ["将新增", "将新增"]
    assert "以下是预览（尚未写入数据库）" in page.content.decode()
    assert not Proposal.objects.exists()

    response = staff_client.post(reverse("staff:import-confirm", args=[batch.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "导入完成：新增 2 条，更新 0 条，未变化 0 条。"
    ]
    assert Proposal.objects.count() == 2
    page = staff_client.get(reverse("staff:import-detail", args=[batch.pk]))
    assert [label for _row, label in page.context["rows"]] == ["已新增", "已新增"]
    assert not page.context["can_import"]


def test_staff_see_each_bad_row_with_its_number(staff_client):
    upload = SimpleUploadedFile("bad.csv", csv_bytes([row(1), row(2, 提案人="")]))
    response = staff_client.post(reverse("staff:import-list"), {"file": upload}, follow=True)
    page = response.content.decode()
    assert "第3行：缺少“提案人”。" in page
    assert "整个文件未导入" in page
    assert not response.context["can_import"]
    assert not Proposal.objects.exists()


def test_the_template_download_is_an_xlsx_with_our_headings(staff_client):
    response = staff_client.get(reverse("staff:import-template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet["B2"].value == 118


# --- The command line ------------------------------------------------------------------
def test_the_command_dry_runs_with_a_progress_bar(alice, admin_user, tmp_path, capsys):
    path = tmp_path / "2024.xlsx"
    path.write_bytes(xlsx([row(1), row(2), row(3)]))
    call_command("import_proposals", str(path), "--dry-run")
    out, err = capsys.readouterr()
    assert "试运行完成（未写入数据库）：新增 3 条，更新 0 条，未变化 0 条。" in out
    assert "3/3" in err  # tqdm's bar
    assert not Proposal.objects.exists()


def test_the_command_imports_and_a_second_run_changes_nothing(alice, tmp_path, capsys):
    path = tmp_path / "2024.csv"
    path.write_bytes(csv_bytes([row(1), row(2)]))
    call_command("import_proposals", str(path), "--user", "alice", "--no-progress")
    call_command("import_proposals", str(path), "--user", "alice", "--no-progress")
    out, _err = capsys.readouterr()
    assert "导入完成：新增 2 条，更新 0 条，未变化 0 条。" in out
    assert "导入完成：新增 0 条，更新 0 条，未变化 2 条。" in out
    assert Proposal.objects.count() == 2
    assert ImportBatch.objects.filter(source="command").count() == 2


def test_the_command_fails_on_a_bad_row_and_imports_nothing(alice, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([row(1), row(2, 类型="议案")]))
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_proposals", str(path), "--user", "alice", "--no-progress")
    _out, err = capsys.readouterr()
    assert "第3行：类型“议案”应为“提案”或“建议”。" in err
    assert not Proposal.objects.exists()


def test_the_command_refuses_a_user_who_is_not_staff(bob, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([row(1)]))
    with pytest.raises(CommandError, match="不是提案委员会工作人员"):
        call_command("import_proposals", str(path), "--user", "bob")
