"""征询意见 and 重新办理: the sponsors' satisfaction, and sending a reply back for another round.

See responses/services/__init__.py for the rules every service keeps."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from common import clock
from proposals.models import Action, Sponsor
from proposals.workflow import (
    TransitionError,
    record_event,
)
from responses import deadlines, handling, oversight, policies
from responses.handling import reply_sponsors
from responses.models import (
    Assignment,
    AssignmentState,
    DeadlineRule,
    Feedback,
    Reply,
    ReplyStatus,
    Satisfaction,
)
from responses.services.base import after_deadline_change, set_state


@transaction.atomic
def record_feedback(
    reply: Reply, *, sponsor: Sponsor, satisfaction: str, by, comment: str = ""
) -> Feedback:
    """征询意见: a sponsor's satisfaction with a confirmed reply, by the sponsor or by staff
    on their behalf. Recording again replaces the earlier answer (audited)."""
    policies.may_record_feedback(by, reply, sponsor=sponsor).enforce()
    if satisfaction not in Satisfaction.values:
        raise TransitionError(_("请选择满意、基本满意或不满意。"))
    reply = Reply.objects.select_related("assignment__proposal").get(pk=reply.pk)
    if reply.status != ReplyStatus.CONFIRMED:
        raise TransitionError(_("答复尚未确认，不能评价。"))
    proposal = reply.assignment.proposal
    if sponsor not in reply_sponsors(proposal):
        raise TransitionError(
            _("%(sponsor)s不是该提案的提案人。"), params={"sponsor": sponsor.name}
        )
    feedback, _created = Feedback.objects.update_or_create(
        reply=reply,
        sponsor=sponsor,
        defaults={
            "satisfaction": satisfaction,
            "comment": (comment or "").strip(),
            "recorded_by": by,
            "recorded_at": clock.now(),
        },
    )
    record_event(
        proposal,
        Action.RECORD_FEEDBACK,
        by=by,
        assignment=reply.assignment,
        note=feedback.comment,
        sponsor=sponsor.name,
        satisfaction=satisfaction,
    )
    # 已评价 once every replying agency's latest reply has an answer.
    handling.refresh_status(proposal, by=by, action=Action.RECORD_FEEDBACK)
    return feedback


@transaction.atomic
def send_back_for_rehandling(
    assignment: Assignment, *, by, note: str = "", deadline: date | None = None
) -> Assignment:
    """重新办理: after a 不满意, the agency handles the proposal again with a new deadline
    (default 1 month from today)."""
    oversight.may_send_back(by, assignment).enforce()
    computed = deadlines.rehandling_deadline(clock.today(), deadlines.rules_for(assignment))
    if deadline is not None:
        computed = deadlines.set_by_staff(
            deadline,
            previous=assignment.deadline,
            by=by,
            reason=(note or "").strip(),
            rule=DeadlineRule.REHANDLING,
        )
    new_deadline = computed.date
    if new_deadline <= clock.today():
        raise TransitionError(_("重新办理期限必须晚于今天。"))
    set_state(
        assignment,
        allowed={AssignmentState.REPLIED},
        to=AssignmentState.REHANDLING,
        action=Action.SEND_BACK,
        by=by,
        note=note,
        deadline=new_deadline,
        completed_at=None,
    )
    deadlines.record(assignment, computed)
    handling.refresh_status(
        assignment.proposal, by=by, action=Action.SEND_BACK, note=note, reopen=True
    )
    after_deadline_change(assignment)
    return assignment
