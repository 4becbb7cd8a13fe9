from proposals.models import Event, Session
from staff import scope
from staff.selectors import dashboard_counts, with_agency_names
from staff.views.common import staff_render


def dashboard(request):
    """The staff start page: what waits for them, and what happened lately."""
    committee = scope.committee(request)
    recent = with_agency_names(
        Event.objects.filter(proposal__committee=committee).select_related("actor", "proposal")
    )[:12]
    return staff_render(
        request,
        "staff/dashboard.html",
        {
            "counts": dashboard_counts(committee),
            "recent": recent,
            "current_session": Session.objects.filter(committee=committee, is_current=True).first(),
        },
        section="dashboard",
    )
