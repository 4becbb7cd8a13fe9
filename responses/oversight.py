"""What staff may do to an assignment or a reply, now: the staff's questions of the one
permission vocabulary (responses.policies holds the agencies' questions). Each `may_*`
returns a Decision carrying the refusal its service raises; the services enforce it
first thing (and again on the row they lock), and the staff's proposal page offers
exactly the actions they allow (`assignment_actions`, `reply_actions`).
"""

from django.utils.translation import gettext as _

from accounts.policies import ALLOWED, Decision, may_act_as_staff, refused
from proposals.models import Action
from proposals.workflow import TransitionError
from responses import handling, timeliness
from responses.models import (
    OPEN_STATES,
    AssignmentState,
    ReplyStatus,
    Role,
    Satisfaction,
)
from responses.policies import in_state

# The codes the staff page tests (Action values).
CHANGE_DEADLINE = Action.CHANGE_DEADLINE.value
REMIND = Action.REMIND.value
WAIVE_OPINIONS = Action.WAIVE_OPINIONS.value
RECORD_FEEDBACK = Action.RECORD_FEEDBACK.value
REOPEN_REPLY = Action.REOPEN_REPLY.value
SEND_BACK = Action.SEND_BACK.value


def _committee(assignment) -> int:
    return assignment.proposal.committee_id


def _no(message, **params) -> Decision:
    return refused(TransitionError(message, params=params or None))


def may_change_deadline(user, assignment) -> Decision:
    staff = may_act_as_staff(user, _committee(assignment))
    if not staff:
        return staff
    return in_state(assignment, OPEN_STATES, Action.CHANGE_DEADLINE)


def may_remind(user, assignment) -> Decision:
    """催办: an assignment that still owes its reply or opinion."""
    staff = may_act_as_staff(user, _committee(assignment))
    if not staff:
        return staff
    if not timeliness.owes(assignment):
        if assignment.state in OPEN_STATES:
            return _no(_("已免于等待该单位的会办意见，无需催办。"))
        return _no(_("该交办已办理完毕，无需催办。"))
    return ALLOWED


def may_waive_opinions(user, assignment, *, missing=None) -> Decision:
    """免于等待会办意见: a live lead assignment still waiting for an opinion. `missing`:
    the waited-for assignments when the page has them (handling.missing_opinions)."""
    staff = may_act_as_staff(user, _committee(assignment))
    if not staff:
        return staff
    if assignment.role != Role.LEAD:
        return _no(_("只有主办单位的交办需要等待会办意见。"))
    if not assignment.is_open:
        return _no(_("该交办已办理完毕，无需等待会办意见。"))
    if assignment.opinions_waived:
        return _no(_("已免于等待会办意见。"))
    if not (handling.missing_opinions(assignment) if missing is None else missing):
        return _no(_("会办意见均已收到，无需免于等待。"))
    return ALLOWED


def may_record_feedback_for(user, reply) -> Decision:
    """Staff enter a sponsor's satisfaction on a confirmed reply."""
    staff = may_act_as_staff(user, _committee(reply.assignment))
    if not staff:
        return staff
    if reply.status != ReplyStatus.CONFIRMED:
        return _no(_("答复尚未确认，不能评价。"))
    return ALLOWED


def may_reopen_reply(user, reply, *, feedback=None) -> Decision:
    """退回答复: a confirmed reply nobody has rated yet. `feedback`: its ratings if loaded."""
    staff = may_act_as_staff(user, _committee(reply.assignment))
    if not staff:
        return staff
    if reply.status != ReplyStatus.CONFIRMED:
        return _no(_("只有已确认的答复可以退回修改。"))
    rated = bool(feedback) if feedback is not None else reply.feedback.exists()
    if rated:
        return _no(_("提案人已对该答复作出评价，不能退回；如不满意请安排重新办理。"))
    return ALLOWED


def may_send_back(user, assignment, *, reply=None, feedback=None) -> Decision:
    """重新办理: the agency's latest confirmed reply was rated 不满意 and it has replied."""
    staff = may_act_as_staff(user, _committee(assignment))
    if not staff:
        return staff
    if reply is None:
        reply = assignment.replies.filter(status=ReplyStatus.CONFIRMED).order_by("-round").first()
    if feedback is None and reply is not None:
        feedback = list(reply.feedback.all())
    dissatisfied = any(f.satisfaction == Satisfaction.DISSATISFIED for f in feedback or ())
    if reply is None or not dissatisfied:
        return _no(_("只有提案人对答复不满意时才能安排重新办理。"))
    return in_state(assignment, {AssignmentState.REPLIED}, Action.SEND_BACK)


def assignment_actions(user, assignment, *, missing=None) -> frozenset[str]:
    checks = {
        CHANGE_DEADLINE: may_change_deadline(user, assignment),
        REMIND: may_remind(user, assignment),
        WAIVE_OPINIONS: may_waive_opinions(user, assignment, missing=missing),
    }
    return frozenset(name for name, decision in checks.items() if decision)


def reply_actions(user, reply) -> frozenset[str]:
    """The staff actions on one reply (its feedback read once, prefetched or not)."""
    feedback = list(reply.feedback.all())
    checks = {
        RECORD_FEEDBACK: may_record_feedback_for(user, reply),
        REOPEN_REPLY: may_reopen_reply(user, reply, feedback=feedback),
        SEND_BACK: may_send_back(user, reply.assignment, reply=reply, feedback=feedback),
    }
    return frozenset(name for name, decision in checks.items() if decision)
