"""Read queries for the public portal and the open-data API.

Everything here starts from `Proposal.objects.published()` and `Reply.objects.public()`:
nothing unpublished and no non-public reply leaves this module. Each list helper fetches
its relations in a fixed number of queries, whatever the page size.
"""

import logging
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.db import connections
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from proposals.models import Proposal, ProposalKind, Session, Sponsorship, Status
from responses.models import REPLYING_ROLES, Agency, Assignment, AssignmentState, Reply

# Only these are ever shown as a proposal's state in public (a published proposal is
# past review); the filter offers the same list.
PUBLIC_STATUSES = [
    Status.REGISTERED,
    Status.ASSIGNED,
    Status.REPLIED,
    Status.EVALUATED,
    Status.REHANDLING,
    Status.CLOSED,
    Status.MERGED,
]

logger = logging.getLogger(__name__)

ROLE_ORDER = {"sole": 0, "lead": 1, "separate": 2, "joint": 3, "assisting": 4}


def published_proposals():
    return Proposal.objects.published()


def public_replies():
    """Confirmed public replies of published proposals, never from a withdrawn assignment."""
    return (
        Reply.objects.public()
        .filter(assignment__proposal__is_published=True)
        .exclude(assignment__state=AssignmentState.WITHDRAWN)
    )


def _live_assignments(with_documents: bool = False):
    replies = Reply.objects.public().order_by("round", "replied_at")
    if with_documents:
        replies = replies.prefetch_related("documents")
    return (
        Assignment.objects.exclude(state=AssignmentState.WITHDRAWN)
        .select_related("agency")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="public_replies"))
        .order_by("id")
    )


def with_public_relations(queryset, *, with_documents: bool = False):
    """Sponsors, live assignments with their agency, and public replies: 3 queries after
    the proposals (4 with documents), whatever their number."""
    return queryset.select_related("session", "category").prefetch_related(
        Prefetch("sponsorships", queryset=Sponsorship.objects.select_related("sponsor")),
        Prefetch(
            "assignments",
            queryset=_live_assignments(with_documents),
            to_attr="live_assignments",
        ),
    )


def get_published_proposal(pk: int) -> Proposal:
    proposal = get_object_or_404(
        with_public_relations(published_proposals(), with_documents=True), pk=pk
    )
    decorate(proposal)
    return proposal


def get_published_row(pk: int) -> Proposal:
    """The proposal alone (one query), with `document_updated_at`: the time its public
    side last changed (hooks refresh the search document on every publication, reply
    and text change), which versions the cached part of its page."""
    return get_object_or_404(
        published_proposals()
        .select_related("session", "category")
        .annotate(document_updated_at=F("search_document__updated_at")),
        pk=pk,
    )


def load_public_relations(proposal: Proposal) -> Proposal:
    """Fetch what get_published_proposal prefetches, for a proposal already loaded."""
    queryset = with_public_relations(Proposal.objects.none(), with_documents=True)
    prefetch_related_objects([proposal], *queryset._prefetch_related_lookups)
    return decorate(proposal)


def decorate(proposal: Proposal) -> Proposal:
    """Attach the derived fields templates, CSV and API read (no queries)."""
    proposal.live_assignments = sorted(
        getattr(proposal, "live_assignments", []), key=lambda a: (ROLE_ORDER.get(a.role, 9), a.id)
    )
    proposal.replying_assignments = [
        a for a in proposal.live_assignments if a.role in REPLYING_ROLES
    ]
    proposal.public_reply_list = [
        reply for a in proposal.live_assignments for reply in a.public_replies
    ]
    for assignment in proposal.live_assignments:
        assignment.period = deadline_period(assignment)
        for reply in assignment.public_replies:
            reply.agency = assignment.agency
            reply.role_label = assignment.get_role_display()
    proposal.classifications = sorted({r.classification for r in proposal.public_reply_list})
    suggestion = proposal.kind == ProposalKind.SUGGESTION
    proposal.labels = {
        "sponsor": _("建议人") if suggestion else _("提案人"),
        "number": _("建议号") if suggestion else _("提案号"),
        "body": _("建议内容") if suggestion else _("提案内容"),
    }
    return proposal


def deadline_period(assignment: Assignment) -> str:
    """'3个月' when the deadline is whole months after assignment, else the days."""
    start = timezone.localdate(assignment.assigned_at)
    delta = relativedelta(assignment.deadline, start)
    if delta.days == 0 and delta.years == 0 and delta.months > 0:
        return _("%(months)d个月") % {"months": delta.months}
    return _("%(days)d天") % {"days": (assignment.deadline - start).days}


# --- Home -------------------------------------------------------------------------------


@dataclass
class SessionFigures:
    session: Session | None
    published: int
    replied: int
    agencies: int


def current_session() -> Session | None:
    return Session.objects.order_by("-is_current", "-year", "-term", "-meeting").first()


def session_figures(session: Session | None) -> SessionFigures:
    if session is None:
        return SessionFigures(None, 0, 0, 0)
    proposals = published_proposals().filter(session=session)
    figures = proposals.aggregate(
        published=Count("pk"),
        replied=Count(
            "pk", filter=Q(Exists(public_replies().filter(assignment__proposal=OuterRef("pk"))))
        ),
    )
    agencies = (
        Assignment.objects.filter(proposal__in=proposals)
        .exclude(state=AssignmentState.WITHDRAWN)
        .values("agency")
        .distinct()
        .count()
    )
    return SessionFigures(session, figures["published"], figures["replied"], agencies)


def latest_proposals(limit: int = 8):
    return [
        decorate(p)
        for p in with_public_relations(published_proposals()).order_by("-published_at", "-id")[
            :limit
        ]
    ]


def latest_replies(limit: int = 8):
    """Newest public replies, by when they became public (confirmation)."""
    replies = list(
        public_replies()
        .select_related("assignment__agency", "assignment__proposal__session")
        .order_by(F("confirmed_at").desc(nulls_last=True), "-id")[:limit]
    )
    for reply in replies:
        reply.published_on = reply.confirmed_at or reply.replied_at
    return replies


# --- Agencies ---------------------------------------------------------------------------


AGENCY_FIGURES_KEY = "portal:agency-figures"
AGENCY_FIGURES_SECONDS = 600


def agencies_with_figures():
    """Agencies with a published assignment owing a reply, with their on-time figures.

    Two GROUP BY queries over every assignment and public reply (about 0.3 s at 100k
    proposals), so the figures are cached for ten minutes; the agency's own page
    computes its figures live.
    """
    figures = cached(AGENCY_FIGURES_KEY, AGENCY_FIGURES_SECONDS, _all_agency_figures)
    agencies = list(Agency.objects.filter(pk__in=figures).order_by("name"))
    for agency in agencies:
        agency.owed, agency.on_time, agency.public_reply_count = figures[agency.pk]
    return agencies


def _all_agency_figures() -> dict[int, tuple[int, int, int]]:
    due = (
        _due_assignments()
        .values("agency")
        .annotate(owed=Count("pk"), on_time=Count("pk", filter=_on_time()))
        .order_by()
    )
    replies = dict(
        public_replies()
        .values("assignment__agency")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("assignment__agency", "count")
    )
    return {
        row["agency"]: (row["owed"], row["on_time"], replies.get(row["agency"], 0))
        for row in due
        if row["owed"]
    }


PORTAL_CACHE_KEYS = [
    AGENCY_FIGURES_KEY,
    "portal:home-figures",
    "portal:home-replies",
    "portal:feed-replies",
]


def _scoped(key: str) -> str:
    # One cache (Redis) may serve several databases: parallel test workers, a bench.
    return f"{key}:{connections['default'].settings_dict['NAME']}"


def forget_cached() -> None:
    """Drop the portal's cached figures (tests; or after a bulk import)."""
    cache.delete_many([_scoped(key) for key in PORTAL_CACHE_KEYS])


def cached(key: str, seconds: int, compute):
    """The cached value, or compute and cache it; a cache that is down (Redis stopped)
    only costs the computation, never the page."""
    key = _scoped(key)
    try:
        value = cache.get(key)
    except Exception:  # noqa: BLE001 - any cache backend error: serve uncached
        logger.warning("cache unavailable for %s", key, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, seconds)
        except Exception:  # noqa: BLE001
            logger.warning("cache unavailable for %s", key, exc_info=True)
    return value


def _due_assignments():
    """Assignments on published proposals that owe a reply and are due or answered: the
    base of an on-time rate. Replies that are not public still count for timeliness
    (their content stays private; only whether they came in time is counted)."""
    today = timezone.localdate()
    answered = Reply.objects.filter(assignment=OuterRef("pk"), status="confirmed")
    return (
        Assignment.objects.filter(proposal__is_published=True, role__in=REPLYING_ROLES)
        .exclude(state=AssignmentState.WITHDRAWN)
        .filter(Q(deadline__lt=today) | Q(Exists(answered)))
    )


def _on_time():
    first_reply_in_time = Reply.objects.filter(
        assignment=OuterRef("pk"),
        status="confirmed",
        round=1,
        replied_at__date__lte=OuterRef("deadline"),
    )
    return Q(Exists(first_reply_in_time))


@dataclass
class AgencyFigures:
    owed: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return None if not self.owed else self.on_time / self.owed


def agency_figures(agency: Agency) -> AgencyFigures:
    due = _due_assignments().filter(agency=agency)
    figures = due.aggregate(owed=Count("pk"), on_time=Count("pk", filter=_on_time()))
    return AgencyFigures(figures["owed"], figures["on_time"])


def agency_replies(agency: Agency):
    return (
        public_replies()
        .filter(assignment__agency=agency)
        .select_related("assignment__proposal__session")
        .order_by("-replied_at", "-id")
    )
