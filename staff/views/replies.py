"""After the reply: record the sponsor's satisfaction on their behalf, send a reply back
to its agency, arrange re-handling after 不满意, close the proposal."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proposals.models import Proposal
from responses import deadlines
from responses.closing import close_proposal
from responses.models import Assignment, Reply
from responses.services import (
    record_feedback,
    reopen_reply,
    reply_sponsors,
    send_back_for_rehandling,
)
from staff import scope
from staff.forms import FeedbackForm, RequiredNoteForm, SendBackForm
from staff.views.access import back_to, run_or_report
from staff.views.common import action_page


def _reply(request, pk):
    return scope.get(
        request,
        Reply.objects.select_related("assignment__agency", "assignment__proposal__session"),
        pk=pk,
    )


def _detail_url(proposal_id):
    return reverse("staff:proposal-detail", args=[proposal_id])


def feedback(request, pk):
    """征询意见 on the sponsor's behalf (by phone or on paper): one answer per sponsor."""
    reply = _reply(request, pk)
    proposal = reply.assignment.proposal
    sponsors = reply_sponsors(proposal)

    def perform(data):
        return record_feedback(
            reply,
            sponsor=data["sponsor"],
            satisfaction=data["satisfaction"],
            comment=data.get("comment", ""),
            by=request.user,
        )

    return action_page(
        request,
        form=FeedbackForm(request.POST or None, sponsors=sponsors),
        perform=perform,
        success=_("已录入提案人的满意度评价。"),
        title=_("录入满意度评价"),
        submit=_("保存评价"),
        intro=_("%(agency)s的答复（第%(round)s轮，办理类型 %(cls)s），代提案人录入。")
        % {
            "agency": reply.assignment.agency.name,
            "round": reply.round,
            "cls": reply.classification_display,
        },
        back_url=_detail_url(proposal.pk),
        proposal=proposal,
    )


def reopen(request, pk):
    reply = _reply(request, pk)
    proposal = reply.assignment.proposal
    return action_page(
        request,
        form=RequiredNoteForm(request.POST or None),
        perform=lambda data: reopen_reply(reply, note=data["note"], by=request.user),
        success=_("答复已退回%(agency)s修改。") % {"agency": reply.assignment.agency.name},
        title=_("退回答复"),
        submit=_("退回修改"),
        intro=_("答复退回后由承办单位修改并重新确认。已有提案人评价的答复不能退回。"),
        back_url=_detail_url(proposal.pk),
        proposal=proposal,
    )


def send_back(request, pk):
    assignment = scope.get(
        request, Assignment.objects.select_related("agency", "proposal__session"), pk=pk
    )
    proposal = assignment.proposal
    computed = deadlines.rehandling_deadline(timezone.localdate(), deadlines.rules_for(assignment))

    def perform(data):
        return send_back_for_rehandling(
            assignment, note=data.get("note", ""), deadline=data.get("deadline"), by=request.user
        )

    return action_page(
        request,
        form=SendBackForm(request.POST or None),
        perform=perform,
        success=_("已安排%(agency)s重新办理。") % {"agency": assignment.agency.name},
        title=_("重新办理"),
        submit=_("安排重新办理"),
        intro=_("提案人对%(agency)s的答复不满意。默认期限：%(rule)s。")
        % {"agency": assignment.agency.name, "rule": computed.explanation},
        back_url=_detail_url(proposal.pk),
        proposal=proposal,
    )


@require_POST
def close(request, pk):
    proposal = scope.get(request, Proposal, pk=pk)
    run_or_report(
        request,
        lambda: close_proposal(proposal, by=request.user, note=request.POST.get("note", "")),
        success=_("第%(number)s号已办结。") % {"number": proposal.number},
    )
    return back_to(proposal)
