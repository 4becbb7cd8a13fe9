"""审查: submit a draft, register, reject (with a reason), convert, merge."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proposals.models import Proposal
from proposals.services import convert_proposal, register_proposal, reject_proposal, submit_proposal
from responses.closing import merge_proposal
from staff import scope
from staff.forms import MergeForm, NoteForm, RejectForm
from staff.views.access import back_to, run_or_report
from staff.views.common import action_page


def _proposal(request, pk):
    return scope.get(request, Proposal.objects.select_related("session"), pk=pk)


def _detail_url(proposal):
    return reverse("staff:proposal-detail", args=[proposal.pk])


@require_POST
def submit(request, pk):
    proposal = _proposal(request, pk)
    run_or_report(
        request, lambda: submit_proposal(proposal, by=request.user), success=_("已提交审查。")
    )
    return back_to(proposal)


@require_POST
def register(request, pk):
    proposal = _proposal(request, pk)
    form = NoteForm(request.POST)
    form.is_valid()  # the note is optional: an empty form is a valid one
    run_or_report(
        request,
        lambda: register_proposal(
            proposal, by=request.user, note=form.cleaned_data.get("note", "")
        ),
        success=_("第%(number)s号已立案。") % {"number": proposal.number},
    )
    return back_to(proposal)


def reject(request, pk):
    proposal = _proposal(request, pk)
    return action_page(
        request,
        form=RejectForm(request.POST or None),
        perform=lambda data: reject_proposal(proposal, reason=data["reason"], by=request.user),
        success=_("第%(number)s号不予立案。") % {"number": proposal.number},
        title=_("不予立案"),
        submit=_("确认不予立案"),
        intro=_("理由将记入审查意见，并告知提案人。"),
        back_url=_detail_url(proposal),
        proposal=proposal,
    )


def convert(request, pk):
    proposal = _proposal(request, pk)
    return action_page(
        request,
        form=NoteForm(request.POST or None),
        perform=lambda data: convert_proposal(proposal, note=data["note"], by=request.user),
        success=_("第%(number)s号已转为意见建议。") % {"number": proposal.number},
        title=_("转意见建议"),
        submit=_("确认转为意见建议"),
        intro=_("该提案不立案，作为意见建议转有关部门参考。"),
        back_url=_detail_url(proposal),
        proposal=proposal,
    )


def merge(request, pk):
    proposal = _proposal(request, pk)

    def perform(data):
        return merge_proposal(proposal, into=data["into"], note=data["note"], by=request.user)

    return action_page(
        request,
        form=MergeForm(request.POST or None, proposal=proposal),
        perform=perform,
        success=_("第%(number)s号已并案办理。") % {"number": proposal.number},
        title=_("并案"),
        submit=_("确认并案"),
        intro=_("并案后与主提案一并办理，本提案的提案人同样收到答复。"),
        back_url=_detail_url(proposal),
        proposal=proposal,
    )
