"""Where a proposal's handling stands, decided in one place from its assignments.

Every handling transition (responses.services: assign, add an agency, accept, request or
decide a reassignment, file an opinion, waive opinions, confirm or reopen a reply, record
feedback, send back for re-handling) and every end of a proposal (proposals.services:
close, merge) finishes with `refresh_status`. It derives the proposal's status from the
rules below and applies it through proposals.workflow.move_proposal, so each change of
status is one Event; and it brings each assignment into the state its proposal implies.

The rules, as pure functions (tests/test_handling_status.py tables them):

- An assignment is *live* unless withdrawn by a reassignment (已调整撤回) or ended with
  its proposal (已结束).
- A live sole, lead or separate assignment *owes a reply* until its reply is confirmed
  (已答复). `owes_reply` is the only answer to "who still owes a reply": the status,
  closing and confirming all read it.
- While a proposal is being handled (已立案, 办理中, 已答复, 已评价, 重新办理) its status is:
  no live sole/lead/separate assignment → 已立案, staff must assign it again (its only
  agency's reassignment was approved without naming another); someone owes a reply →
  重新办理 if one of them is re-handling, else 办理中; nobody owes → 已评价 when each
  replying assignment's latest reply has a sponsor's feedback, else 已答复.
- Review (立案, 不予立案, 转意见建议, 并案) and 办结 are staff decisions, never derived. A
  closed or merged proposal has no open assignment: each one still open (会办/协办
  included) ends (已结束) with an event, and is no longer pending, reminded or overdue.
- Sending a closed proposal's reply back (re-handling, reopening a reply) opens it again:
  its status is derived anew.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from common import clock
from proposals.models import Proposal, Sponsor, Status
from proposals.workflow import lock, move_proposal, record_event
from responses.models import (
    OPEN_STATES,
    OPINION_ROLES,
    REPLYING_ROLES,
    Assignment,
    AssignmentState,
    Feedback,
    Reply,
    ReplyStatus,
    Role,
)

# The statuses derived from the assignments; the others are staff decisions.
HANDLED = frozenset(
    {Status.REGISTERED, Status.ASSIGNED, Status.REPLIED, Status.EVALUATED, Status.REHANDLING}
)
# A proposal in one of these has no open assignment left.
ENDED = frozenset({Status.CLOSED, Status.MERGED})
NOT_LIVE = frozenset({AssignmentState.WITHDRAWN, AssignmentState.ENDED})


@dataclass(frozen=True)
class Part:
    """What the status depends on in one assignment."""

    role: str
    state: str
    evaluated: bool = False  # its latest confirmed reply has a sponsor's feedback


# --- The rules (pure) -----------------------------------------------------------------------


def is_live(state: str) -> bool:
    return state not in NOT_LIVE


def owes_reply(part: Part) -> bool:
    return (
        part.role in REPLYING_ROLES
        and is_live(part.state)
        and part.state != AssignmentState.REPLIED
    )


def handling_status(parts: Iterable[Part]) -> str:
    """The status of a proposal being handled, from its assignments."""
    replying = [p for p in parts if p.role in REPLYING_ROLES and is_live(p.state)]
    if not replying:
        return Status.REGISTERED
    owing = [p for p in replying if owes_reply(p)]
    if owing:
        if any(p.state == AssignmentState.REHANDLING for p in owing):
            return Status.REHANDLING
        return Status.ASSIGNED
    return Status.EVALUATED if all(p.evaluated for p in replying) else Status.REPLIED


def derived_status(current: str, parts: Iterable[Part], *, reopen: bool = False) -> str:
    """The status a proposal should have: derived while it is handled (and when a closed
    one is reopened), else the staff decision it holds."""
    if current in HANDLED or (reopen and current == Status.CLOSED):
        return handling_status(parts)
    return current


def derived_state(proposal_status: str, state: str) -> str:
    """The state an assignment should be in under a proposal of that status."""
    if proposal_status in ENDED and state in OPEN_STATES:
        return AssignmentState.ENDED
    return state


# --- Reading and applying them --------------------------------------------------------------


def parts_of(proposal: Proposal) -> list[tuple[Assignment, Part]]:
    """Each assignment of the proposal with its Part, in two queries."""
    assignments = list(
        Assignment.objects.filter(proposal_id=proposal.pk).select_related("agency").order_by("id")
    )
    latest: dict[int, tuple[int, bool]] = {}
    replies = (
        Reply.objects.filter(assignment__proposal_id=proposal.pk, status=ReplyStatus.CONFIRMED)
        .annotate(has_feedback=Exists(Feedback.objects.filter(reply=OuterRef("pk"))))
        .values_list("assignment_id", "round", "has_feedback")
    )
    for assignment_id, round_, has_feedback in replies:
        if assignment_id not in latest or round_ > latest[assignment_id][0]:
            latest[assignment_id] = (round_, has_feedback)
    return [
        (a, Part(a.role, a.state, evaluated=latest.get(a.pk, (0, False))[1])) for a in assignments
    ]


def owing_reply(proposal: Proposal) -> list[Assignment]:
    """The live sole/lead/separate assignments whose reply is not confirmed yet."""
    return [assignment for assignment, part in parts_of(proposal) if owes_reply(part)]


def refresh_status(
    proposal: Proposal, *, by, action: str, note: str = "", reopen: bool = False, **data
) -> Proposal:
    """Apply the derived status (one Event when it changes) and end the open assignments
    of a closed or merged proposal. Inside the caller's transaction; locks the proposal.

    `reopen`: the transition may open a closed proposal again (re-handling, a reopened
    reply); its closing time is then cleared."""
    current = lock(proposal)
    parts = parts_of(current)
    to = derived_status(current.status, [part for _a, part in parts], reopen=reopen)
    if to != current.status:
        fields = {"closed_at": None} if current.status == Status.CLOSED else None
        move_proposal(current, to, action=action, by=by, note=note, fields=fields, **data)
    _end_assignments(current, [a for a, _part in parts], by=by, action=action)
    for name in ("status", "updated_at", "closed_at"):
        setattr(proposal, name, getattr(current, name))
    return proposal


def _end_assignments(proposal: Proposal, assignments: list[Assignment], *, by, action) -> None:
    ending = [a for a in assignments if derived_state(proposal.status, a.state) != a.state]
    if not ending:
        return
    if proposal.status == Status.CLOSED:
        note = _("提案已办结，该交办随之结束。")
    else:
        note = _("提案已并案办理，该交办随之结束。")
    now = clock.now()
    Assignment.objects.filter(pk__in=[a.pk for a in ending]).update(
        state=AssignmentState.ENDED, completed_at=now, next_reminder_at=None
    )
    for assignment in ending:
        from_state = assignment.state
        assignment.state = AssignmentState.ENDED
        assignment.completed_at, assignment.next_reminder_at = now, None
        record_event(
            proposal,
            action,
            by=by,
            assignment=assignment,
            from_state=from_state,
            to_state=AssignmentState.ENDED,
            note=note,
            agency=assignment.agency.name,
        )


# --- Who is still awaited, who is owed ----------------------------------------------------


def missing_opinions(assignment: Assignment) -> list[Assignment]:
    """The joint/assisting assignments whose opinion the lead still waits for."""
    if assignment.role != Role.LEAD or assignment.opinions_waived:
        return []
    return list(
        Assignment.objects.filter(
            proposal_id=assignment.proposal_id,
            role__in=OPINION_ROLES,
            state__in={AssignmentState.PENDING, AssignmentState.ACCEPTED},
        ).select_related("agency")
    )


def reply_sponsors(proposal: Proposal) -> list[Sponsor]:
    """Everyone owed this reply: the proposal's sponsors and those of proposals merged in."""
    sponsors = list(proposal.sponsors.all())
    for merged in proposal.merged_proposals.prefetch_related("sponsors"):
        sponsors.extend(s for s in merged.sponsors.all() if s not in sponsors)
    return sponsors
