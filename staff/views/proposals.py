"""The list of every proposal and one proposal's whole file with its history."""

from django.http import Http404

from proposals.models import Proposal
from proposals.policies import staff_actions
from responses import oversight, timeliness
from responses.handling import missing_opinions, reply_sponsors
from responses.models import AssignmentState, RequestStatus
from staff import scope
from staff.filters import ProposalFilter
from staff.selectors import history, proposal_file, staff_proposals
from staff.views.common import paginate, staff_render


def proposal_list(request):
    committee = scope.committee(request)
    filterset = ProposalFilter(
        request.GET or None, queryset=staff_proposals(committee), committee=committee
    )
    return staff_render(
        request,
        "staff/proposal_list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs)},
        section="proposals",
    )


def proposal_detail(request, pk):
    try:
        proposal = proposal_file(scope.committee(request), pk)
    except Proposal.DoesNotExist:
        raise Http404 from None
    return staff_render(
        request,
        "staff/proposal_detail.html",
        {
            "proposal": proposal,
            "actions": staff_actions(request.user, proposal),
            "assignments": [_assignment_card(request.user, a) for a in proposal.assignments.all()],
            "sponsors_owed_reply": reply_sponsors(proposal),
            "history": history(proposal),
        },
        section="proposals",
    )


def _assignment_card(user, assignment) -> dict:
    """One agency's part, with the buttons that apply to it and to each of its replies.
    A request left pending on an assignment that has since ended waits for nothing."""
    live = assignment.is_open
    pending = [
        r
        for r in assignment.reassignmentrequest_set.all()
        if live and r.status == RequestStatus.PENDING
    ]
    extensions = [
        r
        for r in assignment.extensionrequest_set.all()
        if live and r.status == RequestStatus.PENDING
    ]
    missing = missing_opinions(assignment) if assignment.is_open else []
    return {
        "assignment": assignment,
        "actions": oversight.assignment_actions(user, assignment, missing=missing),
        "replies": [
            {"reply": reply, "actions": oversight.reply_actions(user, reply)}
            for reply in assignment.replies.all()
        ],
        "pending_reassignments": pending,
        "pending_extensions": extensions,
        "missing_opinions": missing,
        "withdrawn": assignment.state == AssignmentState.WITHDRAWN,
        "overdue": timeliness.is_overdue(assignment),
    }
