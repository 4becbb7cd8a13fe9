"""Read queries for the agency officer's portal (docs/conventions.md: reads in selectors).

Everything here is scoped to one agency: an officer reaches another agency's rows only
through these functions, and they never return them. Lists load in a fixed number of
queries whatever the page size (pinned in tests/test_officer_list.py).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from proposals.models import Event, Status
from responses import handling, policies
from responses.models import (
    OPEN_STATES,
    OPINION_ROLES,
    Assignment,
    AssignmentState,
    ExtensionRequest,
    JointOpinion,
    ReassignmentRequest,
    Reply,
    ReplyDocument,
    ReplyStatus,
    RequestStatus,
    Role,
)

# The co-handling agencies shown beside an assignment: every live assignment of the
# same proposal (the officer's own row is skipped when shown).
_LIVE_ASSIGNMENTS = Assignment.objects.exclude(state=AssignmentState.WITHDRAWN).select_related(
    "agency"
)


def _pending(model):
    return Exists(model.objects.filter(assignment=OuterRef("pk"), status=RequestStatus.PENDING))


def officer_assignments(agency) -> QuerySet[Assignment]:
    """An agency's assignments with what the list shows, in a constant number of queries.

    Annotations: has_pending_reassignment, has_pending_extension, has_draft_reply,
    has_missing_opinions (a lead still waiting for a joint/assisting opinion).
    Prefetched: proposal.live_assignments (co-handling agencies).
    """
    missing_opinions = Exists(
        Assignment.objects.filter(
            proposal=OuterRef("proposal"),
            role__in=OPINION_ROLES,
            state__in=[AssignmentState.PENDING, AssignmentState.ACCEPTED],
        )
    )
    return (
        Assignment.objects.for_agency(agency)
        .select_related("proposal__session", "proposal__category", "agency")
        .prefetch_related(
            Prefetch(
                "proposal__assignments", queryset=_LIVE_ASSIGNMENTS, to_attr="live_assignments"
            )
        )
        .annotate(
            has_pending_reassignment=_pending(ReassignmentRequest),
            has_pending_extension=_pending(ExtensionRequest),
            has_draft_reply=Exists(
                Reply.objects.filter(assignment=OuterRef("pk"), status=ReplyStatus.DRAFT)
            ),
            has_missing_opinions=Q(role=Role.LEAD, opinions_waived=False) & missing_opinions,
        )
    )


def co_handlers(assignment: Assignment) -> list[Assignment]:
    """The other agencies' live assignments on the same proposal (needs the prefetch)."""
    return [a for a in assignment.proposal.live_assignments if a.pk != assignment.pk]


def waiting_on_agency(assignment: Assignment) -> list[str]:
    """What the agency should do next, or what it waits for, in words for the list.

    Reads the annotations of officer_assignments(); a closed assignment (finished,
    withdrawn, or ended with its proposal) waits for nothing.
    """
    state = assignment.state
    if state not in OPEN_STATES:
        return []
    waiting = []
    if state == AssignmentState.PENDING:
        waiting.append(_("待签收"))
    if state == AssignmentState.REASSIGNMENT_REQUESTED or assignment.has_pending_reassignment:
        waiting.append(_("调整申请待审批"))
    if assignment.has_pending_extension:
        waiting.append(_("延期申请待审批"))
    if state in {AssignmentState.ACCEPTED, AssignmentState.REHANDLING}:
        if assignment.role in OPINION_ROLES:
            waiting.append(_("待提交会办意见"))
        elif assignment.has_draft_reply:
            waiting.append(_("答复待确认"))
        elif assignment.has_missing_opinions:
            waiting.append(_("等待会办意见"))
        else:
            waiting.append(_("待填报答复"))
    if state == AssignmentState.PENDING and assignment.role in OPINION_ROLES:
        waiting.append(_("待提交会办意见"))
    return waiting


@dataclass
class AssignmentDetail:
    assignment: Assignment
    co_handlers: list[Assignment]
    opinions: list[JointOpinion]
    reassignment_requests: list[ReassignmentRequest]
    extension_requests: list[ExtensionRequest]
    replies: list[Reply]
    events: list[Event]
    missing_opinions: list[Assignment]
    draft_reply: Reply | None
    pending_extension: bool

    @property
    def shows_opinions(self) -> bool:
        """The opinions panel: for a lead and its joint/assisting agencies, or any opinion."""
        return bool(self.opinions) or self.assignment.role in {Role.LEAD, *OPINION_ROLES}


def own_assignment(agency, assignment_id: int) -> Assignment:
    """One of the agency's assignments with its proposal, or Assignment.DoesNotExist."""
    return (
        Assignment.objects.for_agency(agency)
        .select_related("agency", "proposal__session", "proposal__category", "proposal__supervisor")
        .prefetch_related(
            "proposal__sponsorships__sponsor",
            Prefetch(
                "proposal__assignments", queryset=_LIVE_ASSIGNMENTS, to_attr="live_assignments"
            ),
            "proposal__merged_proposals",
        )
        .get(pk=assignment_id)
    )


def visible_opinions(assignment: Assignment) -> QuerySet[JointOpinion]:
    """A lead agency sees the opinions of its joint/assisting agencies; a joint or
    assisting agency sees its own; sole and separate agencies have none."""
    if assignment.role == Role.LEAD:
        return JointOpinion.objects.filter(
            assignment__proposal_id=assignment.proposal_id,
            assignment__role__in=OPINION_ROLES,
        ).select_related("assignment__agency", "filed_by")
    if assignment.role in OPINION_ROLES:
        return JointOpinion.objects.filter(assignment=assignment).select_related(
            "assignment__agency", "filed_by"
        )
    return JointOpinion.objects.none()


def assignment_detail(agency, assignment_id: int) -> AssignmentDetail:
    assignment = own_assignment(agency, assignment_id)
    replies = list(
        assignment.replies.prefetch_related("documents")
        .select_related("filed_by")
        .order_by("-round")
    )
    extensions = list(assignment.extensionrequest_set.select_related("requested_by", "decided_by"))
    co = co_handlers(assignment)
    missing = handling.missing_opinions(assignment)
    return AssignmentDetail(
        assignment=assignment,
        co_handlers=co,
        opinions=list(visible_opinions(assignment)),
        reassignment_requests=list(
            assignment.reassignmentrequest_set.select_related("requested_by", "decided_by")
        ),
        extension_requests=extensions,
        replies=replies,
        events=_with_state_labels(
            Event.objects.filter(assignment_id=assignment.pk)
            .select_related("actor")
            .order_by("-created_at", "-id")
        ),
        missing_opinions=missing,
        draft_reply=next((r for r in replies if r.status == ReplyStatus.DRAFT), None),
        pending_extension=any(e.status == RequestStatus.PENDING for e in extensions),
    )


def _state_name(value: str) -> str:
    """An event's state in words: assignment states first, then proposal states."""
    if value in AssignmentState.values:
        return str(AssignmentState(value).label)
    if value in Status.values:
        return str(Status(value).label)
    return value


def _with_state_labels(events) -> list[Event]:
    events = list(events)
    for event in events:
        event.from_label = _state_name(event.from_state) if event.from_state else ""
        event.to_label = _state_name(event.to_state) if event.to_state else ""
    return events


def own_reply(agency, reply_id: int) -> Reply:
    """One of the agency's replies with its assignment, proposal and documents."""
    return (
        Reply.objects.filter(assignment__agency=agency)
        .select_related("assignment__agency", "assignment__proposal__session", "filed_by")
        .prefetch_related("documents")
        .get(pk=reply_id)
    )


def own_document(agency, document_id: int) -> ReplyDocument:
    """One of the agency's reply letters, with its reply, assignment and proposal."""
    return ReplyDocument.objects.select_related(
        "reply__assignment__agency", "reply__assignment__proposal__session"
    ).get(pk=document_id, reply__assignment__agency=agency)


def reply_is_rendering(reply: Reply) -> bool:
    """True while any letter still waits for or is in its PDF render (the page refreshes)."""
    return any(d.render_status in {"waiting", "rendering"} for d in reply.documents.all())


def document_for(user, document_id: int) -> ReplyDocument:
    """A reply letter the user may read: staff any; an officer only their agency's.

    Raises ReplyDocument.DoesNotExist otherwise, so a guessed id looks like a missing one.
    """
    document = ReplyDocument.objects.select_related(
        "reply__assignment__agency", "reply__assignment__proposal"
    ).get(pk=document_id)
    if not policies.may_read_letter(user, document.reply):
        raise ReplyDocument.DoesNotExist
    return document


def opinion_for(user, opinion_id: int) -> JointOpinion:
    """A joint opinion the user may read: staff of its committee any; the agency that
    filed it; the lead agency of the same proposal. Raises JointOpinion.DoesNotExist
    otherwise."""
    opinions = JointOpinion.objects.select_related("assignment")
    if getattr(user, "is_staff_member", False):
        if user.committee_id is not None:
            opinions = opinions.filter(assignment__proposal__committee_id=user.committee_id)
    else:
        if not getattr(user, "is_officer", False):
            raise JointOpinion.DoesNotExist
        agency_id = policies.agency_id_of(user)
        lead_of_proposal = Exists(
            Assignment.objects.filter(
                proposal=OuterRef("assignment__proposal"),
                agency_id=agency_id,
                role=Role.LEAD,
            ).exclude(state=AssignmentState.WITHDRAWN)
        )
        opinions = opinions.filter(Q(assignment__agency_id=agency_id) | lead_of_proposal)
    return opinions.get(pk=opinion_id)
