"""汇编: a session's printable compilations, requested with a button, built by a task
(the page refreshes itself while one is building), downloaded as PDF or .docx."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committees import scope
from proposals.models import Session
from proposals.workflow import TransitionError
from staff.compilations.service import request_compilation
from staff.models import Compilation, CompilationKind, CompilationStatus
from staff.views.common import staff_render

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
REFRESH_SECONDS = 3
READY = CompilationStatus.READY


def _sessions(request):
    return Session.objects.filter(committee=scope.of_user(request.user))


def _session(request, chosen: str | None) -> Session | None:
    sessions = _sessions(request)
    if chosen:
        if not chosen.isdigit():
            raise Http404
        return get_object_or_404(sessions, pk=chosen)
    return sessions.filter(is_current=True).first() or sessions.first()


def compilation_list(request):
    session = _session(request, request.GET.get("session"))
    rows = []
    compilations = []
    if session is not None:
        compilations = list(
            Compilation.objects.filter(session=session).select_related("requested_by")[:30]
        )
        for kind in CompilationKind:
            of_kind = [c for c in compilations if c.kind == kind]
            rows.append(
                {
                    "kind": kind,
                    "active": next((c for c in of_kind if c.is_active), None),
                    "ready": next((c for c in of_kind if c.status == READY), None),
                }
            )
    return staff_render(
        request,
        "staff/compilations.html",
        {
            "session": session,
            "sessions": _sessions(request),
            "rows": rows,
            "history": compilations,
            "refresh": REFRESH_SECONDS if any(r["active"] for r in rows) else None,
        },
        section="compilations",
    )


@require_POST
def compilation_request(request):
    session = _session(request, request.POST.get("session") or "0")
    try:
        compilation, new = request_compilation(
            session,
            request.POST.get("kind", ""),
            by=request.user,
            language=request.LANGUAGE_CODE,
        )
    except TransitionError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if new:
            messages.success(request, _("已开始生成，完成后可在本页下载。"))
        else:
            messages.info(request, _("该汇编正在生成，请稍候，无需重复点击。"))
    return redirect(f"{reverse('staff:compilations')}?session={session.pk}")


def _file(request, pk, fmt):
    compilation = get_object_or_404(
        Compilation.objects.select_related("session"),
        pk=pk,
        session__committee=scope.of_user(request.user),
        status=CompilationStatus.READY,
    )
    stored = getattr(compilation, fmt)
    if not stored:
        raise Http404
    name = f"{compilation.session.name}{compilation.get_kind_display()}.{fmt}"
    return FileResponse(
        stored.open("rb"), as_attachment=True, filename=name, content_type=FORMATS[fmt]
    )


def compilation_pdf(request, pk):
    return _file(request, pk, "pdf")


def compilation_docx(request, pk):
    return _file(request, pk, "docx")
