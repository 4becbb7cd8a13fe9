"""The staff area sees and touches one committee's work: the signed-in user's
(committees.scope.of_user). Every object a staff URL names is fetched through here, so
another committee's proposal, assignment, reply or batch is a 404, and every list, menu
and choice is that committee's."""

from django.shortcuts import get_object_or_404

from committees import scope
from proposals.models import Category, ImportBatch, Proposal, Session, Sponsor
from responses.models import Agency, Assignment, Reply, ReplyDocument

# How each model reaches its committee.
_PATH = {
    Proposal: "committee",
    Session: "committee",
    Category: "committee",
    Sponsor: "committee",
    Agency: "committee",
    ImportBatch: "committee",
    Assignment: "proposal__committee",
    Reply: "assignment__proposal__committee",
    ReplyDocument: "reply__assignment__proposal__committee",
}


def committee(request):
    """The committee the request works in (cached on the request)."""
    if not hasattr(request, "_staff_committee"):
        request._staff_committee = scope.of_user(request.user)
    return request._staff_committee


def scoped(request, queryset):
    """The queryset's rows of the request's committee."""
    path = _PATH[queryset.model]
    return queryset.filter(**{path: committee(request)})


def of(committee_obj, queryset):
    """The queryset's rows of that committee (for code that has no request)."""
    return queryset.filter(**{_PATH[queryset.model]: committee_obj})


def get(request, queryset, **lookup):
    """One row of the request's committee, or 404 (another committee's is a 404 too)."""
    if not hasattr(queryset, "model"):
        queryset = queryset.objects.all()
    return get_object_or_404(scoped(request, queryset), **lookup)
