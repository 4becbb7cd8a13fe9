"""个人信息审核: the personal data found in one of the agency's letters, each marked
"redact" (the default) or "keep" before the reply is published (docs/redaction.md)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from officer import selectors
from officer.views import _own, _refused, officer_required
from proposals.workflow import TransitionError
from responses import policies
from responses.documents import review


@officer_required
@require_http_methods(["GET", "POST"])
def redaction_review(request, document_id):
    document = _own(selectors.own_document, request, document_id)
    findings = list(document.findings.select_related("decided_by"))
    if request.method == "POST":
        try:
            changed = review.decide_findings(
                document, review.decisions_from(request.POST, findings), by=request.user
            )
        except TransitionError as exc:
            _refused(request, exc)
        else:
            if changed:
                messages.success(request, _("已保存，公开版 PDF 将按新的处理方式重新生成。"))
            else:
                messages.info(request, _("处理方式没有变化。"))
            return redirect("officer:reply", reply_id=document.reply_id)
        return redirect("officer:redaction", document_id=document.pk)
    reply = document.reply
    return render(
        request,
        "officer/redaction.html",
        {
            "document": document,
            "findings": findings,
            "reply": reply,
            "assignment": reply.assignment,
            "proposal": reply.assignment.proposal,
            "editable": bool(policies.may_review_redaction(request.user, document)),
        },
    )
