"""Reads for the staff back office: list querysets with their relations, a proposal's
whole file, the history in readable Chinese, and what the work queues hold.

Writes go through proposals.services / responses.services only.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from accounts.models import Role as UserRole
from accounts.models import User
from proposals.models import (
    Event,
    Proposal,
    ProposalKind,
    Sponsor,
    SponsorKind,
    Status,
)
from proposals.workflow import state_label
from responses import deadlines, timeliness
from responses.models import (
    OPEN_STATES,
    Agency,
    Assignment,
    AssignmentState,
    ExtensionRequest,
    ReassignmentRequest,
    Reply,
    RequestStatus,
    Role,
    Satisfaction,
)


# --- Lists -----------------------------------------------------------------------------
def overdue_assignments_q(today: date | None = None) -> Q:
    """Overdue as responses.timeliness defines it (the one definition)."""
    return timeliness.overdue_q(today)


def live_assignments():
    return (
        Assignment.objects.exclude(state=AssignmentState.WITHDRAWN)
        .select_related("agency")
        .order_by("role", "id")
    )


def staff_proposals(committee):
    """Every proposal of the committee, with what a list row shows, in a fixed number of
    queries."""
    overdue = Assignment.objects.filter(overdue_assignments_q(), proposal=OuterRef("pk"))
    return (
        Proposal.objects.filter(committee=committee)
        .select_related("session", "category", "supervisor")
        .prefetch_related(
            "sponsorships__sponsor",
            Prefetch("assignments", queryset=live_assignments(), to_attr="live_assignments"),
        )
        .annotate(has_overdue=Exists(overdue))
        .order_by("-session__year", "-session__term", "-session__meeting", "number")
    )


def key_proposals(committee):
    return staff_proposals(committee).filter(is_key=True)


def publication_candidates(committee):
    public_replies = Reply.objects.public().filter(assignment__proposal=OuterRef("pk"))
    return (
        staff_proposals(committee)
        .exclude(status__in=[Status.DRAFT, Status.SUBMITTED])
        .annotate(has_public_reply=Exists(public_replies))
    )


def overdue_board(committee, today: date | None = None):
    """The committee's overdue assignments (responses.timeliness) with their due date as
    `due`, the longest overdue first."""
    return (
        timeliness.overdue_assignments(today)
        .filter(proposal__committee=committee)
        .select_related("agency", "proposal__session")
    )


def pending_reassignments(committee):
    # A request on an assignment that has since ended (its proposal closed) waits no more.
    return (
        ReassignmentRequest.objects.filter(
            status=RequestStatus.PENDING,
            assignment__state__in=OPEN_STATES,
            assignment__proposal__committee=committee,
        )
        .select_related("assignment__agency", "assignment__proposal__session", "requested_by")
        .order_by("requested_at", "id")
    )


def pending_extensions(committee):
    return (
        ExtensionRequest.objects.filter(
            status=RequestStatus.PENDING,
            assignment__state__in=OPEN_STATES,
            assignment__proposal__committee=committee,
        )
        .select_related("assignment__agency", "assignment__proposal__session", "requested_by")
        .order_by("requested_at", "id")
    )


def dashboard_counts(committee, today: date | None = None) -> dict[str, int]:
    """What waits for the committee's staff, across every session (the dashboard says so)."""
    proposals = Proposal.objects.filter(committee=committee)
    by_status = dict(
        proposals.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return {
        "to_review": by_status.get(Status.SUBMITTED, 0),
        "to_assign": by_status.get(Status.REGISTERED, 0),
        "drafts": by_status.get(Status.DRAFT, 0),
        "replied": by_status.get(Status.REPLIED, 0) + by_status.get(Status.EVALUATED, 0),
        "handling": by_status.get(Status.ASSIGNED, 0) + by_status.get(Status.REHANDLING, 0),
        "requests": pending_reassignments(committee).count()
        + pending_extensions(committee).count(),
        "overdue": overdue_board(committee, today).count(),
        "key": proposals.filter(is_key=True).count(),
    }


# --- One proposal ----------------------------------------------------------------------
def proposal_file(committee, pk: int) -> Proposal:
    """A proposal of the committee with everything its staff page shows."""
    replies = Reply.objects.order_by("round", "id").prefetch_related(
        Prefetch("feedback", queryset=_feedback_queryset()), "documents"
    )
    assignments = (
        Assignment.objects.select_related("agency")
        .prefetch_related(
            Prefetch("replies", queryset=replies),
            Prefetch(
                "reassignmentrequest_set",
                queryset=ReassignmentRequest.objects.select_related("requested_by"),
            ),
            Prefetch(
                "extensionrequest_set",
                queryset=ExtensionRequest.objects.select_related("requested_by"),
            ),
            "opinions",
            deadlines.HISTORY,
        )
        .order_by("assigned_at", "id")
    )
    return (
        Proposal.objects.select_related("session", "category", "supervisor", "merged_into")
        .prefetch_related(
            "sponsorships__sponsor",
            Prefetch("assignments", queryset=assignments),
            "merged_proposals",
        )
        .get(pk=pk, committee=committee)
    )


def _feedback_queryset():
    from responses.models import Feedback

    return Feedback.objects.select_related("sponsor", "recorded_by")


# --- History ---------------------------------------------------------------------------
@dataclass
class HistoryRow:
    when: object
    actor: str
    action: str
    agency: str
    from_label: str
    to_label: str
    note: str
    details: list[str]


def with_agency_names(events: QuerySet[Event]) -> QuerySet[Event]:
    """The events, each with `agency_name`: the agency of the assignment it is about (None
    when it is about none, or that assignment is gone). An event names its assignment by
    id only (proposals sits below responses), so the name is read by a subquery."""
    agency = Assignment.objects.filter(pk=OuterRef("assignment_id")).values("agency__name")[:1]
    return events.annotate(agency_name=Subquery(agency))


def history(proposal: Proposal) -> list[HistoryRow]:
    events = with_agency_names(Event.objects.filter(proposal=proposal).select_related("actor"))
    return [_history_row(event) for event in events]


def _state_label(event: Event, value: str) -> str:
    if not value:
        return ""
    choices = AssignmentState if event.assignment_id else Status
    label = state_label(choices, value)
    if label == value:  # not one of that machine's states: try the other one
        label = state_label(Status if event.assignment_id else AssignmentState, value)
    return label


def _history_row(event: Event) -> HistoryRow:
    agency = event.agency_name or ""
    return HistoryRow(
        when=event.created_at,
        actor=str(event.actor) if event.actor_id else _("系统"),
        action=event.get_action_display(),
        agency=agency,
        from_label=_state_label(event, event.from_state),
        to_label=_state_label(event, event.to_state),
        note=event.note,
        details=_event_details(event.data or {}, has_agency=bool(agency)),
    )


_FIELD_LABELS = {
    "title": N_("标题"),
    "body": N_("内容"),
    "category": N_("类别"),
    "kind": N_("类型"),
    "submitted_at": N_("提交时间"),
    "sponsors": N_("提案人"),
}


def _agency_and_role(item) -> str:
    """{"agency": name, "role": code} in words (older events stored the words)."""
    if isinstance(item, dict):
        return f"{item.get('agency', '')}（{state_label(Role, item.get('role', ''))}）"
    return str(item)


_DEADLINE_FIELDS = {
    "opinion_deadline": N_("会办意见期限"),
    "reassignment_deadline": N_("申请调整截止"),
}


def _event_details(data: dict, *, has_agency: bool) -> list[str]:
    """The event's data in words; keys nobody knows yet are left out, not dumped."""
    details = []
    if data.get("number"):
        details.append(_("编号：%(n)s") % {"n": data["number"]})
    if data.get("agencies"):
        names = "、".join(_agency_and_role(item) for item in data["agencies"])
        details.append(_("承办单位：%(a)s") % {"a": names})
    if data.get("agency") and not has_agency:
        details.append(_("承办单位：%(a)s") % {"a": data["agency"]})
    if data.get("role"):
        details.append(_("办理方式：%(r)s") % {"r": state_label(Role, data["role"])})
    if data.get("fields"):
        names = "、".join(str(_(_FIELD_LABELS.get(f, f))) for f in data["fields"])
        details.append(_("修改了：%(f)s") % {"f": names})
    if data.get("previous") and data.get("deadline"):
        details.append(
            _("期限：%(old)s → %(new)s") % {"old": data["previous"], "new": data["deadline"]}
        )
    elif data.get("deadline"):
        details.append(_("办理期限：%(d)s") % {"d": data["deadline"]})
    if data.get("requested_deadline"):
        details.append(_("申请延至：%(d)s") % {"d": data["requested_deadline"]})
    if "approved" in data:
        details.append(_("同意") if data["approved"] else _("不同意"))
    if data.get("classification"):
        details.append(_("办理类型：%(c)s") % {"c": data["classification"]})
    if data.get("sponsor"):
        details.append(_("提案人：%(s)s") % {"s": data["sponsor"]})
    if data.get("satisfaction"):
        details.append(state_label(Satisfaction, data["satisfaction"]))
    if "is_key" in data:
        if data["is_key"]:
            supervisor = data.get("supervisor") or _("未指定")
            details.append(_("设为重点提案，督办领导：%(s)s") % {"s": supervisor})
        else:
            details.append(_("取消重点提案"))
    if data.get("name"):
        details.append(_("文件：%(n)s") % {"n": data["name"]})
    if data.get("into"):
        details.append(_("并入第%(number)s号提案办理") % {"number": data["into"]})
    if data.get("closed_with"):
        details.append(_("随第%(number)s号提案办结") % {"number": data["closed_with"]})
    if data.get("via") == "admin":
        details.append(_("通过数据管理修改"))
    if data.get("cause") == "calendar":
        details.append(_("因工作日历调整"))
    if data.get("field") in _DEADLINE_FIELDS:
        details.append(str(_(_DEADLINE_FIELDS[data["field"]])))
    return details


# --- Pickers ---------------------------------------------------------------------------
def sponsor_label(sponsor: Sponsor, *, ambiguous: bool) -> str:
    """The text a picker shows and the form reads back: the name, plus the kind when
    another sponsor has the same name."""
    if ambiguous:
        return f"{sponsor.name}（{sponsor.get_kind_display()}）"
    return sponsor.name


def search_sponsors(committee, query: str, *, limit: int = 20) -> list[dict]:
    query = (query or "").strip()
    sponsors = Sponsor.objects.filter(committee=committee, is_active=True)
    if query:
        sponsors = sponsors.filter(Q(name__icontains=query) | Q(affiliation__icontains=query))
    sponsors = list(sponsors.order_by("name", "kind")[:limit])
    names = [s.name for s in sponsors]
    shared = set(
        Sponsor.objects.filter(committee=committee, name__in=names)
        .values("name")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("name", flat=True)
    )
    return [
        {
            "id": s.pk,
            "value": sponsor_label(s, ambiguous=s.name in shared),
            "kind": str(s.get_kind_display()),
            "affiliation": s.affiliation,
        }
        for s in sponsors
    ]


def sponsor_kind_from_label(text: str) -> str | None:
    for kind in SponsorKind:
        if str(kind.label) == text:
            return kind.value
    return None


def proposal_kind_from_label(text: str) -> str | None:
    for kind in ProposalKind:
        if str(kind.label) == text or kind.value == text:
            return kind.value
    return None


def active_agencies(committee):
    return Agency.objects.filter(committee=committee, is_active=True).order_by("name")


def suggested_agency(request: ReassignmentRequest) -> Agency | None:
    """The active agency an officer's free-text suggestion (申请调整的“建议改由”) names:
    by full name, by short name, or the one agency whose name contains the text. None
    when it names none, several, or the requesting agency itself."""
    text = (request.suggested_agency or "").strip()
    if not text:
        return None
    agencies = active_agencies(request.assignment.agency.committee_id).exclude(
        pk=request.assignment.agency_id
    )
    found = agencies.filter(name=text).first() or agencies.filter(short_name=text).first()
    if found is None:
        containing = list(agencies.filter(name__contains=text)[:2])
        found = containing[0] if len(containing) == 1 else None
    return found


def supervisor_choices(committee=None):
    """Leaders who may supervise a key proposal: staff, admins and users without a role
    (e.g. a committee leader's login) of the committee (or installation-wide); never an
    agency officer or a sponsor."""
    users = User.objects.filter(is_active=True).exclude(
        role__in=[UserRole.OFFICER, UserRole.SPONSOR]
    )
    if committee is not None:
        users = users.filter(Q(committee=committee) | Q(committee__isnull=True))
    return users
