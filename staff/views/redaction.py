"""个人信息审核 by staff: the personal data found in a reply letter, "redact" or "keep",
and 公开原件, published on purpose and only after the review (docs/redaction.md)."""

from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from responses import policies
from responses.documents import review
from responses.models import ReplyDocument
from staff import scope
from staff.views.access import run_or_report
from staff.views.common import staff_render


def _document(request, pk):
    return scope.get(
        request,
        ReplyDocument.objects.select_related(
            "reply__assignment__agency", "reply__assignment__proposal__session"
        ),
        pk=pk,
    )


def redaction_review(request, pk):
    document = _document(request, pk)
    findings = list(document.findings.select_related("decided_by"))
    if request.method == "POST":

        def perform():
            return review.decide_findings(
                document, review.decisions_from(request.POST, findings), by=request.user
            )

        done = run_or_report(
            request,
            perform,
            success=lambda changed: (
                _("已保存，公开版 PDF 将按新的处理方式重新生成。")
                if changed
                else _("处理方式没有变化。")
            ),
        )
        if done is not None:
            return redirect("staff:proposal-detail", pk=document.reply.assignment.proposal_id)
        return redirect("staff:document-redaction", pk=document.pk)
    return staff_render(
        request,
        "staff/redaction.html",
        {
            "document": document,
            "findings": findings,
            "proposal": document.reply.assignment.proposal,
            "original": policies.may_publish_original(request.user, document, findings),
        },
        section="proposals",
    )


@require_POST
def original_public(request, pk):
    document = _document(request, pk)
    public = request.POST.get("public") == "1"
    run_or_report(
        request,
        lambda: review.set_original_public(document, public=public, by=request.user),
        success=_("原件已公开。") if public else _("原件已不再公开。"),
    )
    return redirect("staff:document-redaction", pk=document.pk)
