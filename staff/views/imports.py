"""批量导入: upload a spreadsheet, read the dry run's row-by-row preview, then import."""

import io

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proposals.models import ImportBatch, ImportStatus
from proposals.workflow import TransitionError
from staff import scope
from staff.filters import ImportBatchFilter
from staff.forms import BulkImportForm
from staff.importing.batches import batch_report, import_batch, preview_file
from staff.importing.reader import HEADINGS, MAX_BYTES
from staff.views.common import paginate, staff_render


def import_list(request):
    form = BulkImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error("file", _("文件超过 10 MB，请分成几个文件导入。"))
        else:
            batch = preview_file(upload.read(), upload.name, by=request.user)
            return redirect("staff:import-detail", pk=batch.pk)
    batches = scope.scoped(
        request, ImportBatch.objects.select_related("created_by").defer("content", "report")
    )
    filterset = ImportBatchFilter(
        request.GET or None, queryset=batches, committee=scope.committee(request)
    )
    return staff_render(
        request,
        "staff/import_list.html",
        {
            "form": form,
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "headings": list(HEADINGS.values()),
        },
        section="import",
    )


def import_detail(request, pk):
    batch = scope.get(
        request, ImportBatch.objects.select_related("created_by").defer("content"), pk=pk
    )
    report = batch_report(batch)
    applied = batch.status == ImportStatus.IMPORTED
    return staff_render(
        request,
        "staff/import_detail.html",
        {
            "batch": batch,
            "report": report,
            "rows": [(row, row.action_label(applied=applied)) for row in report.rows],
            "applied": applied,
            "can_import": batch.status == ImportStatus.PREVIEWED,
        },
        section="import",
    )


@require_POST
def import_confirm(request, pk):
    batch = scope.get(request, ImportBatch.objects.defer("content"), pk=pk)
    try:
        batch = import_batch(batch, by=request.user)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        if batch.status == ImportStatus.FAILED:
            # The data changed since the preview and a row no longer passes.
            messages.error(request, _("导入时发现错误，未导入任何数据，请查看下面的错误。"))
        else:
            messages.success(
                request,
                _("导入完成：新增 %(c)s 条，更新 %(u)s 条，未变化 %(n)s 条。")
                % {"c": batch.created_count, "u": batch.updated_count, "n": batch.unchanged_count},
            )
    return redirect("staff:import-detail", pk=batch.pk)


def import_template(request):
    """An .xlsx with our headings and one example row (the seed proposal 118)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "提案"
    sheet.append(list(HEADINGS.values()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    example = {
        "session": "第十五届委员会第四次会议",
        "number": 118,
        "kind": "建议",
        "title": "关于“人工智能+产业”深度融合,赋能新型工业化发展的建议",
        "lead": "市致公党",
        "lead_kind": "民主党派",
        "co": "",
        "category": "经济",
        "body": "习近平总书记强调,江苏要在推进中国式现代化中走在前做示范。……",
        "submitted_at": "2025-01-20",
        "is_key": "否",
    }
    sheet.append([example[key] for key in HEADINGS])
    for column in "ABCDEFGHIJK":
        sheet.column_dimensions[column].width = 18
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(True, "提案导入模板.xlsx")
    return response
