"""并案 and 办结: the two proposal transitions that end its handling, so they live above
the proposals app (docs/conventions.md). Each ends every assignment still open on the
proposal through responses.handling, with its event.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.policies import may_act_as_staff
from common import clock
from proposals.models import Action, Proposal, Status
from proposals.services import transition
from proposals.workflow import TransitionError, lock, record_event, state_label
from responses import handling

MERGE_TARGETS = frozenset({Status.REGISTERED, Status.ASSIGNED, Status.REHANDLING})


@transaction.atomic
def merge_proposal(proposal: Proposal, *, into: Proposal, by, note: str = "") -> Proposal:
    """并案: handled together with `into`; its sponsors still get the reply to `into`.

    Rules: same session; `into` is itself registered or being handled, and not merged.
    Any assignment still open on the merged proposal ends (responses.handling).
    """
    may_act_as_staff(by, proposal.committee_id).enforce()
    if into.pk == proposal.pk:
        raise TransitionError(_("不能把提案并入它自己。"))
    target = lock(into)
    if target.session_id != proposal.session_id:
        raise TransitionError(_("只能并入同一届次会议的提案。"))
    if target.status not in MERGE_TARGETS:
        raise TransitionError(
            _("第%(number)s号提案状态为“%(state)s”，不能作为并案的主提案。"),
            params={"number": target.number, "state": state_label(Status, target.status)},
        )
    note = (note or "").strip()  # the target is data (merged_into), said when shown
    transition(
        proposal,
        to=Status.MERGED,
        action=Action.MERGE,
        by=by,
        note=note,
        data={"into": target.number},
        merged_into=target,
        reviewed_at=clock.now(),
        review_note=note,
    )
    return handling.refresh_status(proposal, by=by, action=Action.MERGE)


@transaction.atomic
def close_proposal(proposal: Proposal, *, by, note: str = "") -> Proposal:
    """办结: every agency that owes a reply has replied. Proposals merged into it close too.

    Every assignment still open (a joint or assisting agency's, say) ends with it, each
    with its event, so nothing of a closed proposal is pending, reminded or overdue.
    """
    may_act_as_staff(by, proposal.committee_id).enforce()
    waiting = handling.owing_reply(proposal)
    if waiting:
        raise TransitionError(
            _("以下承办单位尚未答复，不能办结：%(agencies)s"),
            params={"agencies": "、".join(a.agency.name for a in waiting)},
        )
    now = clock.now()
    transition(
        proposal,
        to=Status.CLOSED,
        action=Action.CLOSE,
        by=by,
        note=note,
        closed_at=now,
    )
    handling.refresh_status(proposal, by=by, action=Action.CLOSE)
    for merged in proposal.merged_proposals.select_for_update():
        record_event(
            merged,
            Action.CLOSE,
            by=by,
            from_state=merged.status,
            to_state=merged.status,
            closed_with=proposal.number,
        )
    proposal.merged_proposals.update(closed_at=now)
    return proposal
