"""统计报表 for one session: tables, SVG bar charts, .xlsx exports, a printable page."""

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from proposals.models import Session
from staff import scope
from staff.forms import ReportSessionForm
from staff.reports import session_report, table_by_key, workbook_bytes
from staff.views.common import staff_render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _session(request) -> Session | None:
    chosen = request.GET.get("session")
    if chosen and chosen.isdigit():
        session = scope.scoped(request, Session.objects.filter(pk=chosen)).first()
        if session is None:
            raise Http404
        return session
    sessions = scope.scoped(request, Session.objects.all())
    return sessions.filter(is_current=True).first() or sessions.first()


def report(request):
    session = _session(request)
    form = ReportSessionForm(
        initial={"session": session.pk if session else None}, committee=scope.committee(request)
    )
    return staff_render(
        request,
        "staff/report.html",
        {
            "form": form,
            "session": session,
            "tables": session_report(session) if session else [],
        },
        section="reports",
    )


def export(request, table):
    """One table as .xlsx; `all` gives every table, one sheet each."""
    session = _session(request)
    if session is None:
        raise Http404
    if table == "all":
        tables, name = session_report(session), f"{session.name}统计报表.xlsx"
    else:
        found = table_by_key(session, table)
        if found is None:
            raise Http404
        tables, name = [found], f"{session.name}{found.title}.xlsx"
    response = HttpResponse(workbook_bytes(session, tables), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
