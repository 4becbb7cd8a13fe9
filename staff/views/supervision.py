"""督办: key proposals and their supervising leaders, the overdue board, and 催办 — one
click that goes through the reminder machinery (responses.reminders)."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common import clock
from proposals.models import Proposal
from proposals.services import set_key_proposal
from responses.models import Assignment
from staff import scope
from staff.filters import KeyProposalFilter, OverdueFilter
from staff.forms import KeyProposalForm
from staff.selectors import key_proposals, overdue_board
from staff.views.access import run_or_report
from staff.views.common import action_page, paginate, redirect_next, staff_render


def key_list(request):
    committee = scope.committee(request)
    filterset = KeyProposalFilter(
        request.GET or None, queryset=key_proposals(committee), committee=committee
    )
    return staff_render(
        request,
        "staff/key_list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs)},
        section="key",
    )


def set_key(request, pk):
    proposal = scope.get(request, Proposal.objects.select_related("supervisor"), pk=pk)
    form = KeyProposalForm(
        request.POST or None,
        # Staff open this page to make a proposal key (or to change its leader).
        initial={"is_key": True, "supervisor": proposal.supervisor_id},
        committee=scope.committee(request),
    )

    def perform(data):
        return set_key_proposal(
            proposal, is_key=data["is_key"], supervisor=data.get("supervisor"), by=request.user
        )

    return action_page(
        request,
        form=form,
        perform=perform,
        success=lambda p: _("已设为重点提案。") if p.is_key else _("已取消重点提案。"),
        title=_("重点提案与督办领导"),
        submit=_("保存"),
        intro=_("重点提案由督办领导牵头督办，列入重点督办清单。"),
        back_url=reverse("staff:proposal-detail", args=[proposal.pk]),
        proposal=proposal,
    )


def overdue(request):
    """逾期督办: overdue assignments (responses.timeliness), longest overdue first; each
    shows the due date it is judged by (a joint/assisting agency's opinion deadline)."""
    today = clock.today()
    committee = scope.committee(request)
    filterset = OverdueFilter(
        request.GET or None, queryset=overdue_board(committee, today), committee=committee
    )
    page = paginate(request, filterset.qs)
    for assignment in page:
        assignment.overdue_days = (today - assignment.due).days
    return staff_render(
        request,
        "staff/overdue.html",
        {"filter": filterset, "page": page, "today": today},
        section="overdue",
    )


@require_POST
def remind(request, pk):
    """催办 one assignment now (e-mail and in-app notice to the agency's officers)."""
    from responses.reminders import send_urgent_reminder

    assignment = scope.get(request, Assignment.objects.select_related("agency", "proposal"), pk=pk)
    run_or_report(
        request,
        lambda: send_urgent_reminder(
            assignment, by=request.user, note=request.POST.get("note", "").strip()
        ),
        success=_("已向%(agency)s发出催办。") % {"agency": assignment.agency.name},
    )
    return redirect_next(request, redirect("staff:proposal-detail", pk=assignment.proposal_id))
