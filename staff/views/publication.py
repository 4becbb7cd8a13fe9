"""公开: publish and unpublish proposals. A proposal's confirmed replies marked public
go out with it; replies marked not public never reach the public portal."""

from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proposals.models import Proposal
from proposals.services import publish_proposal, unpublish_proposal
from proposals.workflow import TransitionError
from responses.documents.review import blocked_documents, blocked_message
from staff import scope
from staff.filters import PublicationFilter
from staff.selectors import publication_candidates
from staff.views.access import run_or_report
from staff.views.common import paginate, redirect_next, staff_render


def publication_list(request):
    committee = scope.committee(request)
    filterset = PublicationFilter(
        request.GET or None, queryset=publication_candidates(committee), committee=committee
    )
    return staff_render(
        request,
        "staff/publication.html",
        {"filter": filterset, "page": paginate(request, filterset.qs)},
        section="publication",
    )


@require_POST
def publish(request, pk):
    proposal = scope.get(request, Proposal, pk=pk)

    def perform():
        # A letter whose public PDF still shows personal data (docs/redaction.md).
        blocked = list(blocked_documents(proposal))
        if blocked:
            raise TransitionError(blocked_message(blocked))
        return publish_proposal(proposal, by=request.user)

    run_or_report(
        request,
        perform,
        success=_("第%(number)s号已公开。") % {"number": proposal.number},
    )
    return redirect_next(request, redirect("staff:proposal-detail", pk=proposal.pk))


@require_POST
def unpublish(request, pk):
    proposal = scope.get(request, Proposal, pk=pk)
    run_or_report(
        request,
        lambda: unpublish_proposal(
            proposal, by=request.user, note=request.POST.get("note", "").strip()
        ),
        success=_("第%(number)s号已取消公开。") % {"number": proposal.number},
    )
    return redirect_next(request, redirect("staff:proposal-detail", pk=proposal.pk))
