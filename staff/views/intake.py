"""Entering proposals: the form (create_proposal / update_proposal), a sponsor's Word
submission read into that form, and the small JSON endpoints the pickers use."""

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from proposals.models import Category, Proposal, Session
from proposals.services import create_proposal, next_free_number, update_proposal
from responses.documents.libreoffice import Unavailable
from staff import scope
from staff.forms import (
    ProposalCreateForm,
    ProposalEditForm,
    WordImportForm,
    resolve_sponsor,
    sponsor_text,
)
from staff.importing.word import MAX_BYTES, WordImportError
from staff.importing.word_batches import new_word_batch
from staff.importing.word_files import read_word_file
from staff.selectors import search_sponsors
from staff.views.access import back_to, run_or_report
from staff.views.common import staff_render


def _default_session(request) -> Session | None:
    sessions = scope.scoped(request, Session.objects.all())
    return sessions.filter(is_current=True).first() or sessions.first()


def _create_initial(session: Session | None) -> dict:
    if session is None:
        return {}
    return {"session": session.pk, "number": next_free_number(session)}


def _form_page(request, form, **context):
    return staff_render(
        request,
        "staff/proposal_form.html",
        {"form": form, "is_create": isinstance(form, ProposalCreateForm), **context},
        section="create",
    )


def proposal_create(request):
    """录入提案. The number field comes filled with the next free number; a number in use
    is refused by create_proposal with the next free one suggested."""
    if request.method != "POST":
        return _form_page(
            request,
            ProposalCreateForm(
                initial=_create_initial(_default_session(request)),
                committee=scope.committee(request),
            ),
        )
    form = ProposalCreateForm(request.POST, committee=scope.committee(request))
    if form.is_valid():
        data = form.cleaned_data
        proposal = run_or_report(
            request,
            lambda: create_proposal(
                session=data["session"],
                number=data.get("number"),
                is_key=data.get("is_key", False),
                draft="save_draft" in request.POST,
                by=request.user,
                **form.service_fields(),
            ),
            success=lambda p: (
                _("已录入第%(number)s号%(kind)s。")
                % {"number": p.number, "kind": p.get_kind_display()}
            ),
            form=form,
        )
        if proposal:
            return back_to(proposal)
    return _form_page(request, form)


def proposal_edit(request, pk):
    proposal = scope.get(request, Proposal.objects.prefetch_related("sponsorships__sponsor"), pk=pk)
    submitted = proposal.submitted_at
    initial = {
        "kind": proposal.kind,
        "title": proposal.title,
        "lead_sponsor": proposal.lead_sponsor.name if proposal.lead_sponsor else "",
        "co_sponsors": sponsor_text(proposal.co_sponsors),
        "category": proposal.category_id,
        # The committee's day (Asia/Shanghai), not UTC's: 07:00 in Beijing is still that day.
        "submitted_at": timezone.localdate(submitted) if submitted else None,
        "body": proposal.body,
    }
    form = ProposalEditForm(
        request.POST or None, initial=initial, committee=scope.committee(request)
    )
    if request.method == "POST" and form.is_valid():
        done = run_or_report(
            request,
            lambda: update_proposal(proposal, by=request.user, **_edited_fields(form)),
            success=_("已保存修改。"),
            form=form,
        )
        if done:
            return back_to(proposal)
    return _form_page(request, form, proposal=proposal)


def _edited_fields(form) -> dict:
    fields = form.service_fields()
    if "submitted_at" not in form.changed_data:
        del fields["submitted_at"]  # the same day: keep the moment it was submitted
    return fields


def import_word(request):
    """Upload sponsors' Word files (.docx, .doc, .wps). One file: its title, sponsor and
    body fill the entry form, which staff check and then save like any other proposal;
    nothing is saved here. Several: they are kept and read in the background, and the
    batch page previews them (staff/views/word_imports.py)."""
    form = WordImportForm(
        request.POST or None, request.FILES or None, committee=scope.committee(request)
    )
    if request.method == "POST" and form.is_valid():
        uploads = form.cleaned_data["document"]
        session = form.cleaned_data.get("session") or _default_session(request)
        if len(uploads) > 1:
            return _start_batch(request, form, uploads, session)
        try:
            submission, _doc_type = read_word_file(uploads[0].read(), uploads[0].name)
        except WordImportError as exc:
            form.add_error("document", str(exc))
        except Unavailable:
            form.add_error("document", _("文档转换服务暂时不可用，请稍后再试。"))
        else:
            initial, warnings = _prefill(submission, session)
            return _form_page(
                request,
                ProposalCreateForm(initial=initial, committee=scope.committee(request)),
                imported_from=uploads[0].name,
                import_warnings=[*submission.warnings, *warnings],
            )
    return staff_render(request, "staff/import_word.html", {"form": form}, section="create")


def _start_batch(request, form, uploads, session):
    if session is None:
        form.add_error("session", _("请选择届次会议。"))
    elif any(upload.size > MAX_BYTES for upload in uploads):
        big = next(upload.name for upload in uploads if upload.size > MAX_BYTES)
        form.add_error("document", _("文件“%(name)s”超过 10 MB。") % {"name": big})
    else:
        batch = run_or_report(
            request,
            lambda: new_word_batch(
                [(upload.name, upload.read()) for upload in uploads],
                session=session,
                by=request.user,
            ),
            success=lambda b: _("已上传 %(count)s 个文件，正在读取。") % {"count": b.total},
            form=form,
        )
        if batch:
            return redirect("staff:word-batch", pk=batch.pk)
    return staff_render(request, "staff/import_word.html", {"form": form}, section="create")


def _prefill(submission, session) -> tuple[dict, list[str]]:
    warnings = []
    initial = {
        **_create_initial(session),
        "kind": submission.kind,
        "title": submission.title,
        "body": submission.body,
        "lead_sponsor": submission.lead_name,
        "co_sponsors": "\n".join(submission.co_names),
    }
    for name in [submission.lead_name, *submission.co_names]:
        if not name:
            continue
        try:
            resolve_sponsor(name, session.committee if session else None)
        except ValidationError as exc:  # said now; the form says it again on saving
            warnings.extend(exc.messages)
    if submission.category_name:
        category = Category.objects.filter(
            committee=session.committee if session else None, name=submission.category_name
        ).first()
        if category:
            initial["category"] = category.pk
        else:
            warnings.append(
                _("文件中的类别“%(name)s”不在类别列表中，请手工选择。")
                % {"name": submission.category_name}
            )
    if submission.number and session is not None:
        if session.proposals.filter(number=submission.number).exists():
            warnings.append(
                _("文件中的编号 %(number)s 在本届次已被使用，已改为下一个空闲编号。")
                % {"number": submission.number}
            )
        else:
            initial["number"] = submission.number
    return initial, warnings


@require_GET
def sponsor_search(request):
    """Suggestions for the sponsor pickers: {"results": [{"id", "value", "kind", …}]}."""
    return JsonResponse(
        {"results": search_sponsors(scope.committee(request), request.GET.get("q", ""))}
    )


@require_GET
def next_number(request):
    """The next free number of ?session= (default: the current session), for the form."""
    chosen = request.GET.get("session", "")
    sessions = scope.scoped(request, Session.objects.all())
    session = sessions.filter(pk=chosen).first() if chosen.isdigit() else _default_session(request)
    if session is None:
        return JsonResponse({"error": _("请选择届次会议。")}, status=404)
    return JsonResponse({"session": session.pk, "number": next_free_number(session)})
