"""Read queries for the public portal and the open-data API.

Everything here starts from `Proposal.objects.published()` and `Reply.objects.public()`:
nothing unpublished and no non-public reply leaves this module. Each list helper fetches
its relations in a fixed number of queries, whatever the page size.
"""

import functools
import itertools
import logging
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.db import connections
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal import search
from portal.pagination import ListPaginator
from proposals.models import Category, Proposal, ProposalKind, Session, Sponsorship, Status
from responses import timeliness
from responses.models import (
    REPLYING_ROLES,
    Agency,
    Assignment,
    AssignmentState,
    Reply,
    Role,
    classification_label,
)

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


# --- The public list (list page, CSV and API) ------------------------------------------


def public_list_paginator(filterset, per_page: int) -> ListPaginator:
    """How the filtered public list is paged (portal.pagination explains the counts).

    - A search in relevance (or publication) order pages through its hits in the search
      documents (search.RankedHits; the other filters narrow them in place or to their
      proposals' ids), its count capped at search.COUNT_LIMIT, and loads the page's
      proposals by id.
    - A list in publication order (the default) walks an index and stops after the
      page: its count is capped.
    - Any other order (views, number) sorts every matching row: counted with the page.

    Each page's proposals come with their public relations (a fixed number of queries).
    `filterset` is a portal.filters.PublicProposalFilter.
    """
    proposals = filterset.qs
    sort = filterset.chosen_sort
    if filterset.ranked or (filterset.searching and sort in search.DOCUMENT_SORTS):
        scope, within = filterset.search_scope()
        hits = search.RankedHits(
            filterset.terms,
            within=within,
            using=proposals.db,
            scope=scope,
            order=search.DOCUMENT_SORTS.get(sort),
            named=filterset.named,
        )
        return ListPaginator(
            hits, per_page, count_limit=search.COUNT_LIMIT, load=_proposals_in_order
        )
    return ListPaginator(
        with_public_relations(proposals),
        per_page,
        count_with_page=not filterset.index_ordered,
    )


def _proposals_in_order(ids) -> list[Proposal]:
    found = with_public_relations(published_proposals()).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


# --- The CSV export -----------------------------------------------------------------------

EXPORT_CHUNK = 500


@dataclass(frozen=True)
class ExportRow:
    """One proposal of the export, as plain values (what decorate() would attach)."""

    pk: int
    session: str
    number: int
    kind: str
    title: str
    category: str
    status: str
    published_at: object  # datetime | None
    view_count: int
    sponsors: list[str]  # lead first, then co-sponsors in order
    agencies: list[tuple[str, str]]  # (name, role) of live assignments, lead first
    replies: list[tuple[str, str, object]]  # (classification, label, replied_at), public


def export_rows(proposals, chunk_size: int | None = None):
    """The filtered public list for the CSV export, in its order, a chunk at a time: four
    queries per chunk (the proposals, their sponsors, live assignments, and public
    replies) as tuples, no model instances, so an export of thousands of rows costs
    little Python per row. Same rows and relations as with_public_relations + decorate.
    """
    chunk_size = chunk_size or EXPORT_CHUNK
    fields = ("pk", "session__name", "number", "kind", "title", "category__name", "status")
    rows = proposals.values_list(*fields, "published_at", "view_count")
    for chunk in itertools.batched(rows.iterator(chunk_size=chunk_size), chunk_size):
        ids = [row[0] for row in chunk]
        sponsors: dict[int, list[str]] = {}
        for proposal_id, name in (
            Sponsorship.objects.filter(proposal__in=ids)
            .order_by("proposal", "-is_lead", "order", "id")
            .values_list("proposal", "sponsor__name")
        ):
            sponsors.setdefault(proposal_id, []).append(name)
        assignments: dict[int, list[tuple]] = {}
        for proposal_id, assignment_id, role, agency in (
            Assignment.objects.filter(proposal__in=ids)
            .exclude(state=AssignmentState.WITHDRAWN)
            .values_list("proposal", "id", "role", "agency__name")
        ):
            assignments.setdefault(proposal_id, []).append((assignment_id, role, agency))
        replies: dict[int, list[tuple]] = {}
        for assignment_id, *reply in (
            Reply.objects.public()
            .filter(assignment__in=[a[0] for live in assignments.values() for a in live])
            .order_by("round", "replied_at")
            .values_list("assignment", "classification", "classification_scheme", "replied_at")
        ):
            code, scheme, replied_at = reply
            replies.setdefault(assignment_id, []).append(
                (code, classification_label(scheme, code), replied_at)
            )
        for pk, session, number, kind, title, category, status, published_at, views in chunk:
            live = sorted(assignments.get(pk, []), key=lambda a: (ROLE_ORDER.get(a[1], 9), a[0]))
            yield ExportRow(
                pk=pk,
                session=session,
                number=number,
                kind=kind,
                title=title,
                category=category or "",
                status=status,
                published_at=published_at,
                view_count=views,
                sponsors=sponsors.get(pk, []),
                agencies=[(agency, role) for _id, role, agency in live],
                replies=[reply for a in live for reply in replies.get(a[0], [])],
            )


FILTER_OPTIONS_KEY = "portal:filter-options"
FILTER_OPTIONS_SECONDS = 300


def filter_options() -> dict[str, list[tuple[int, str]]]:
    """The public list's session, category and agency choices as (id, name), cached for
    five minutes: every list page and search shows them, and they change a few times a
    year. (The filters still check a chosen id against the database.)"""

    def compute():
        return {
            "session": [(s.pk, str(s)) for s in Session.objects.all()],
            "category": [(c.pk, str(c)) for c in Category.objects.all()],
            "agency": [(a.pk, str(a)) for a in Agency.objects.all()],
        }

    return cached(FILTER_OPTIONS_KEY, FILTER_OPTIONS_SECONDS, compute)


def get_published_proposal(pk: int) -> Proposal:
    proposal = get_object_or_404(
        with_public_relations(published_proposals(), with_documents=True), pk=pk
    )
    decorate(proposal)
    return proposal


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
    statuses, roles = _choice_labels(get_language())
    proposal.status_label = statuses.get(proposal.status, proposal.status)
    for assignment in proposal.live_assignments:
        assignment.period = deadline_period(assignment)
        assignment.role_label = roles.get(assignment.role, assignment.role)
        for reply in assignment.public_replies:
            reply.agency = assignment.agency
            reply.role_label = assignment.role_label
    proposal.classifications = sorted({r.classification for r in proposal.public_reply_list})
    suggestion = proposal.kind == ProposalKind.SUGGESTION
    proposal.labels = {
        "sponsor": _("建议人") if suggestion else _("提案人"),
        "number": _("建议号") if suggestion else _("提案号"),
        "body": _("建议内容") if suggestion else _("提案内容"),
    }
    return proposal


@functools.cache
def _choice_labels(language: str) -> tuple[dict[str, str], dict[str, str]]:
    """Status and role labels in `language` (the active one when called). A model's
    get_FOO_display() rebuilds a dict of every (lazy) choice per call: on a list of 20
    proposals that was a thousand translations."""
    return (
        {value: str(label) for value, label in Status.choices},
        {value: str(label) for value, label in Role.choices},
    )


def choice_labels() -> dict[str, dict[str, str]]:
    """Kind, status and role labels in the active language, for the CSV export."""
    statuses, roles = _choice_labels(get_language())
    return {"kind": _kind_labels(get_language()), "status": statuses, "role": roles}


@functools.cache
def _kind_labels(language: str) -> dict[str, str]:
    return {value: str(label) for value, label in ProposalKind.choices}


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
    """The proposals with the newest public replies, one entry each (its latest reply),
    by when the reply became public (confirmation). A proposal handled by several
    agencies has a reply from each: read in windows until `limit` proposals are found."""
    replies = public_replies().select_related("assignment__agency", "assignment__proposal__session")
    replies = replies.order_by(F("confirmed_at").desc(nulls_last=True), "-id")
    latest: dict[int, Reply] = {}
    window, start = limit * 4, 0
    while len(latest) < limit:
        rows = list(replies[start : start + window])
        for reply in rows:
            latest.setdefault(reply.assignment.proposal_id, reply)
        if len(rows) < window:
            break
        start += window
    chosen = list(latest.values())[:limit]
    for reply in chosen:
        reply.published_on = reply.confirmed_at or reply.replied_at
    return chosen


# --- Agencies ---------------------------------------------------------------------------


AGENCY_FIGURES_KEY = "portal:agency-figures"
AGENCY_FIGURES_SECONDS = 600


def agencies_with_figures():
    """Agencies with a published assignment owing a reply, with their on-time figures.

    Two GROUP BY queries over every assignment and public reply (about 0.3 s at 100k
    proposals), so the figures are cached for ten minutes; the agency's own page reads
    the same cached figures (agency_figures).
    """
    figures = _cached_agency_figures()
    agencies = list(Agency.objects.filter(pk__in=figures).order_by("name"))
    for agency in agencies:
        agency.owed, agency.on_time, agency.public_reply_count = figures[agency.pk]
    return agencies


def _cached_agency_figures() -> dict[int, tuple[int, int, int]]:
    return cached(AGENCY_FIGURES_KEY, AGENCY_FIGURES_SECONDS, _all_agency_figures)


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
    FILTER_OPTIONS_KEY,
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
    forget_public_lists()


# The home page's and the feed's lists of what is public are cached under keys that carry
# a version: publishing, unpublishing, confirming or sending back a reply bumps it, so the
# change shows at once, and a copy computed from the old data by a request still running
# lands under the old version, which nobody reads any more.
PUBLIC_VERSION_KEY = "portal:public-version"


def public_key(name: str) -> str:
    """`name` under the current version of what is public (see forget_public_lists)."""
    try:
        version = cache.get(_scoped(PUBLIC_VERSION_KEY)) or 0
    except Exception:  # noqa: BLE001 - a cache that is down holds nothing stale either
        version = 0
    return f"{name}:v{version}"


def forget_public_lists() -> None:
    """What the public may see changed: the cached home and feed lists start again."""
    key = _scoped(PUBLIC_VERSION_KEY)
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key)
    except Exception:  # noqa: BLE001
        logger.warning("cache unavailable for %s", key, exc_info=True)


def proposals_changed(sender, reasons, shared, **kwargs) -> None:
    """Receiver of signals.proposal_changed: drop the cached figures a change may alter,
    and the list's dropdowns when a session, category or agency was added, renamed or
    removed (so they show at once, not when their cached copy expires)."""
    from proposals.signals import Reason

    forget_public_lists()  # what is public may have changed: home and feed start again
    keys = [key for key in PORTAL_CACHE_KEYS if key != FILTER_OPTIONS_KEY]
    if Reason.SHARED in shared or any(Reason.SHARED in codes for codes in reasons.values()):
        keys.append(FILTER_OPTIONS_KEY)
    try:
        cache.delete_many([_scoped(key) for key in keys])
    except Exception:  # noqa: BLE001 - a cache that is down holds nothing stale either
        logger.warning("cache unavailable for %s", keys, exc_info=True)


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
    """Sole/lead/separate assignments on published proposals that have fallen due (replied,
    or overdue: responses.timeliness): the base of the on-time rate. Replies that are not
    public still count for timeliness (their content stays private; only whether they
    came in time is counted)."""
    return Assignment.objects.filter(
        timeliness.fallen_due_q(), proposal__is_published=True, role__in=REPLYING_ROLES
    )


def _on_time():
    return timeliness.on_time_q()


@dataclass
class AgencyFigures:
    owed: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return None if not self.owed else self.on_time / self.owed


def agency_figures(agency: Agency) -> AgencyFigures:
    """The agency's on-time figures as the agency list shows them (cached, see
    agencies_with_figures): an agency with nothing due is not in them."""
    owed, on_time, _replies = _cached_agency_figures().get(agency.pk, (0, 0, 0))
    return AgencyFigures(owed, on_time)


def unpublished_proposals():
    """Ids of the unpublished proposals: few, and indexed (proposal_unpublished_idx).
    `proposal NOT IN` them says "published" without reading any published row."""
    return Proposal.objects.filter(is_published=False).values("pk")


def agency_replies(agency: Agency):
    """The agency's public replies on published proposals, newest first: public_replies()
    of one agency, its publication test written as NOT IN the unpublished, so the ids
    come from two indexes (the agency's live assignments, their public replies)."""
    return (
        Reply.objects.public()
        .filter(assignment__agency=agency)
        .exclude(assignment__state=AssignmentState.WITHDRAWN)
        .exclude(assignment__proposal__in=unpublished_proposals())
        .order_by("-replied_at", "-id")
    )


def agency_reply_paginator(agency: Agency, per_page: int) -> ListPaginator:
    """Pages of agency_replies: the ids counted with the page, then the page's replies
    loaded with their proposal and session."""
    return ListPaginator(
        agency_replies(agency).values("pk"),
        per_page,
        count_with_page=True,
        load=_replies_in_order,
    )


def _replies_in_order(rows) -> list[Reply]:
    ids = [row["pk"] for row in rows]
    found = Reply.objects.select_related("assignment__proposal__session").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
