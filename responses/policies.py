"""Who may do what to an assignment or a reply, now: the object questions of the one
permission vocabulary (accounts.policies has the role questions and Decision), and the
agency an officer acts for (`agency_of`, `is_officer_of`).

Each `may_*` answers for the object as it is, with the refusal the service raises: the
services enforce it first thing, the officer's pages show the actions it allows
(`actions_for`, `reply_actions_for`), so a button is offered exactly when its service
would accept it. (The services check the state again on the row they lock.) Arguments
like `replies` let a page pass what it has already loaded; left out, they are read.
tests/test_policies_matrix.py holds the services and these to the same answers.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.policies import (
    ALLOWED,
    Decision,
    is_officer,
    is_staff,
    is_staff_in,
    may_act_as_staff,
    refused,
)
from common import clock
from proposals.models import Action
from proposals.policies import is_sponsor_self, sponsor_of
from proposals.workflow import TransitionError, state_label
from responses import handling
from responses.models import (
    OPINION_ROLES,
    REPLYING_ROLES,
    Agency,
    AgencyMembership,
    AssignmentState,
    PublicCheck,
    RedactionDecision,
    RenderStatus,
    ReplyStatus,
    RequestStatus,
)

EARLY = frozenset({AssignmentState.PENDING, AssignmentState.ACCEPTED})
REPLYING = frozenset({AssignmentState.ACCEPTED, AssignmentState.REHANDLING})

# The codes actions_for / reply_actions_for return (what the templates test).
ACCEPT = Action.ACCEPT.value
REQUEST_REASSIGNMENT = Action.REQUEST_REASSIGNMENT.value
REQUEST_EXTENSION = Action.REQUEST_EXTENSION.value
FILE_OPINION = Action.FILE_OPINION.value
FILE_REPLY = Action.FILE_REPLY.value
ATTACH_DOCUMENT = Action.ATTACH_DOCUMENT.value
REMOVE_DOCUMENT = Action.REMOVE_DOCUMENT.value
CONFIRM_REPLY = Action.CONFIRM_REPLY.value
RECORD_FEEDBACK = Action.RECORD_FEEDBACK.value


def in_state(assignment, allowed, action: str) -> Decision:
    if assignment.state in allowed:
        return ALLOWED
    return refused(
        TransitionError(
            _("%(agency)s的交办当前状态为“%(state)s”，不能%(action)s。"),
            params={
                "agency": assignment.agency.name,
                "state": state_label(AssignmentState, assignment.state),
                "action": str(Action(action).label),
            },
        )
    )


# --- The agency an officer acts for ------------------------------------------------------
# user.agency_membership, cached on the user object (None when there is none).
_MEMBERSHIP = AgencyMembership._meta.get_field("user").remote_field


def membership_of(user) -> AgencyMembership | None:
    """The user's AgencyMembership with its agency, or None. Read once per user object; a
    page listing users loads them with select_related("agency_membership__agency") and
    nothing more is read here."""
    if not getattr(user, "pk", None):
        return None
    if not _MEMBERSHIP.is_cached(user):
        membership = (
            AgencyMembership.objects.select_related("agency").filter(user_id=user.pk).first()
        )
        _MEMBERSHIP.set_cached_value(user, membership)
    return _MEMBERSHIP.get_cached_value(user)


def agency_of(user) -> Agency | None:
    """The agency a user acts for (whatever their role), or None."""
    membership = membership_of(user)
    return membership.agency if membership is not None else None


def is_agency_officer(user) -> bool:
    """An officer who acts for an agency: what the agencies' portal asks of its users."""
    return is_officer(user) and agency_id_of(user) is not None


def agency_id_of(user) -> int | None:
    membership = membership_of(user)
    return membership.agency_id if membership is not None else None


def is_officer_of(user, agency_id) -> bool:
    """An officer acting for this agency."""
    return agency_id is not None and is_officer(user) and agency_id_of(user) == agency_id


def may_act_for_agency(user, assignment) -> Decision:
    """Staff of the proposal's committee may act for any of its agencies; an officer only
    for their own agency."""
    if is_staff_in(user, assignment.proposal.committee_id) or is_officer_of(
        user, assignment.agency_id
    ):
        return ALLOWED
    return refused(PermissionDenied(_("您不是该承办单位的联络员，不能执行此操作。")))


# --- An assignment ----------------------------------------------------------------------
def may_accept(user, assignment) -> Decision:
    """签收: the agency's officer (or staff), while the assignment waits for it."""
    return may_act_for_agency(user, assignment) and in_state(
        assignment, {AssignmentState.PENDING}, Action.ACCEPT
    )


def may_request_reassignment(user, assignment, *, today=None) -> Decision:
    """申请调整: before the reassignment window closes, while not yet handled."""
    allowed = may_act_for_agency(user, assignment)
    if not allowed:
        return allowed
    last_day = assignment.reassignment_deadline
    if last_day and (today or clock.today()) > last_day:
        return refused(
            TransitionError(
                _("申请调整须在%(date)s前提出，已超过期限；如确需调整，请联系提案委员会。"),
                params={"date": last_day},
            )
        )
    return in_state(assignment, EARLY, Action.REQUEST_REASSIGNMENT)


def may_request_extension(user, assignment, *, pending_extension: bool | None = None) -> Decision:
    """延期申请: while not yet handled, one request at a time."""
    allowed = may_act_for_agency(user, assignment) and in_state(
        assignment, EARLY, Action.REQUEST_EXTENSION
    )
    if not allowed:
        return allowed
    if pending_extension is None:
        pending_extension = assignment.extensionrequest_set.filter(
            status=RequestStatus.PENDING
        ).exists()
    if pending_extension:
        return refused(TransitionError(_("已有一份延期申请等待审批。")))
    return ALLOWED


def may_file_opinion(user, assignment) -> Decision:
    """会办意见: a joint or assisting agency, while not yet handled."""
    allowed = may_act_for_agency(user, assignment)
    if allowed and assignment.role not in OPINION_ROLES:
        return refused(TransitionError(_("只有会办或协办单位提交会办意见；主办单位请直接答复。")))
    return allowed and in_state(assignment, EARLY, Action.FILE_OPINION)


def may_file_reply(user, assignment, *, missing_opinions=None) -> Decision:
    """答复: an agency that owes a reply, once it has signed for the assignment (or is
    re-handling it), a lead once its joint opinions are in or waived."""
    allowed = may_act_for_agency(user, assignment)
    if not allowed:
        return allowed
    if assignment.role not in REPLYING_ROLES:
        return refused(TransitionError(_("会办、协办单位不直接答复提案人，请提交会办意见。")))
    if assignment.state == AssignmentState.PENDING:
        return refused(TransitionError(_("请先签收该交办，再填报答复。")))
    allowed = in_state(assignment, REPLYING, Action.FILE_REPLY)
    if not allowed:
        return allowed
    if missing_opinions is None:
        missing_opinions = handling.missing_opinions(assignment)
    if missing_opinions:
        return refused(
            TransitionError(
                _("尚未收到会办意见：%(agencies)s。请等待其提交，或联系提案委员会免于等待。"),
                params={"agencies": "、".join(a.agency.name for a in missing_opinions)},
            )
        )
    return ALLOWED


def actions_for(
    user, assignment, *, pending_extension=None, missing_opinions=None, today=None
) -> frozenset[str]:
    """The actions the user may take on the assignment now, as codes (Action values)."""
    checks = {
        ACCEPT: lambda: may_accept(user, assignment),
        REQUEST_REASSIGNMENT: lambda: may_request_reassignment(user, assignment, today=today),
        REQUEST_EXTENSION: lambda: may_request_extension(
            user, assignment, pending_extension=pending_extension
        ),
        FILE_OPINION: lambda: may_file_opinion(user, assignment),
        FILE_REPLY: lambda: may_file_reply(user, assignment, missing_opinions=missing_opinions),
    }
    return frozenset(code for code, check in checks.items() if check())


# --- A reply --------------------------------------------------------------------------
_LETTER_LOCKED = _("答复已确认，不能再更换附件；如需修改请联系提案委员会退回。")


def may_change_letters(user, reply) -> Decision:
    """Upload or remove a letter: the agency's officer (or staff), while a draft."""
    allowed = may_act_for_agency(user, reply.assignment)
    if allowed and reply.status != ReplyStatus.DRAFT:
        return refused(TransitionError(_LETTER_LOCKED))
    return allowed


def may_confirm_reply(user, reply) -> Decision:
    """确认答复: a draft whose letters are all rendered, on an assignment in handling."""
    allowed = may_act_for_agency(user, reply.assignment)
    if not allowed:
        return allowed
    if reply.status != ReplyStatus.DRAFT:
        return refused(TransitionError(_("该答复已经确认。")))
    documents = list(reply.documents.all())
    if not documents:
        return refused(TransitionError(_("请先上传答复函。")))
    not_ready = [d for d in documents if d.render_status != RenderStatus.READY]
    if not_ready:
        return refused(
            TransitionError(
                _("答复函尚未转换为 PDF（%(names)s），请待转换完成并核对后再确认。"),
                params={"names": "、".join(d.original_name for d in not_ready)},
            )
        )
    return in_state(reply.assignment, REPLYING, Action.CONFIRM_REPLY)


def reply_actions_for(user, reply) -> frozenset[str]:
    """What the user may do with a reply now: change its letters or refile it while a
    draft, confirm it, record a sponsor's satisfaction."""
    codes = set()
    if may_change_letters(user, reply):
        codes |= {ATTACH_DOCUMENT, REMOVE_DOCUMENT}
        if may_file_reply(user, reply.assignment):
            codes.add(FILE_REPLY)
    if may_confirm_reply(user, reply):
        codes.add(CONFIRM_REPLY)
    if may_record_feedback(user, reply):
        codes.add(RECORD_FEEDBACK)
    return frozenset(codes)


def may_record_feedback(user, reply, sponsor=None) -> Decision:
    """征询意见: a sponsor for themselves, staff for any of them (`sponsor` None: for
    whoever the user is), on a confirmed reply, by one of its sponsors (those of merged
    proposals included)."""
    if sponsor is None and not is_staff(user):
        sponsor = sponsor_of(user)
    if sponsor is None or not is_sponsor_self(user, sponsor.pk):
        allowed = may_act_as_staff(user, reply.assignment.proposal.committee_id)
        if not allowed:
            return allowed
    if reply.status != ReplyStatus.CONFIRMED:
        return refused(TransitionError(_("答复尚未确认，不能评价。")))
    if sponsor is not None and sponsor not in handling.reply_sponsors(reply.assignment.proposal):
        return refused(
            TransitionError(_("%(sponsor)s不是该提案的提案人。"), params={"sponsor": sponsor.name})
        )
    return ALLOWED


# --- Personal data in a letter (docs/redaction.md) ---------------------------------------
def may_review_redaction(user, document) -> Decision:
    """Mark found personal data "redact" or "keep": staff at any time, the agency's
    officer while the reply is a draft."""
    reply = document.reply
    allowed = may_act_for_agency(user, reply.assignment)
    if allowed and not is_staff(user) and reply.status != ReplyStatus.DRAFT:
        return refused(
            TransitionError(_("答复已确认，个人信息的处理方式只能由提案委员会工作人员修改。"))
        )
    return allowed


def may_publish_original(user, document, findings=None) -> Decision:
    """公开原件: staff only, once the letter's public PDF passed its check, and only when
    nothing in it is to be redacted (the original would publish what the PDF hides)."""
    allowed = may_act_as_staff(user, document.reply.assignment.proposal.committee_id)
    if not allowed:
        return allowed
    if document.render_status != RenderStatus.READY or document.public_check != PublicCheck.PASSED:
        return refused(TransitionError(_("答复函尚未通过公开前的个人信息检查，不能公开原件。")))
    if findings is None:
        findings = list(document.findings.all())
    hidden = [f for f in findings if f.decision == RedactionDecision.REDACT]
    if hidden:
        return refused(
            TransitionError(
                _(
                    "答复函中有 %(count)s 项个人信息需要遮盖，原件不能公开；"
                    "公众只能看到遮盖后的 PDF。"
                ),
                params={"count": len(hidden)},
            )
        )
    return ALLOWED


def may_read_letter(user, reply) -> bool:
    """A reply's letters outside the public portal: staff any; an officer their own
    agency's (drafts too). The public reads public ones through the portal's own scope."""
    return is_staff_in(user, reply.assignment.proposal.committee_id) or is_officer_of(
        user, reply.assignment.agency_id
    )
