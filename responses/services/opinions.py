"""会办意见: the joint and assisting agencies' opinions, and staff waiving them.

See responses/services/__init__.py for the rules every service keeps."""

from django.db import transaction
from django.utils.translation import gettext as _

from common import clock
from proposals.models import Action
from proposals.workflow import (
    TransitionError,
    lock,
    record_event,
    required_text,
)
from responses import handling, oversight, policies
from responses.models import (
    OPEN_STATES,
    OPINION_ROLES,
    Assignment,
    AssignmentState,
    JointOpinion,
)
from responses.services.base import after_deadline_change, set_state


def _checked_opinion_attachment(upload) -> str:
    """The same content check as a reply letter (a renamed page or program is refused);
    the stored name keeps the uploaded stem with the suffix of what the file really is."""
    from pathlib import PurePath

    from responses.documents.sniff import RejectedDocument, inspect_upload

    try:
        inspection = inspect_upload(upload)
    except RejectedDocument as exc:
        raise TransitionError(str(exc)) from None
    upload.seek(0)
    stem = PurePath((upload.name or "").replace("\\", "/")).stem or "opinion"
    return f"{stem}.{inspection.doc_type}"


@transaction.atomic
def file_joint_opinion(assignment: Assignment, *, body: str, by, attachment=None) -> JointOpinion:
    """会办意见: a joint or assisting agency sends its opinion to the lead agency."""
    policies.may_file_opinion(by, assignment).enforce()
    if assignment.role not in OPINION_ROLES:
        raise TransitionError(_("只有会办或协办单位提交会办意见；主办单位请直接答复。"))
    body = required_text(body, _("请填写会办意见。"))
    attachment_name = _checked_opinion_attachment(attachment) if attachment is not None else ""
    set_state(
        assignment,
        allowed={AssignmentState.PENDING, AssignmentState.ACCEPTED},
        to=AssignmentState.OPINION_FILED,
        action=Action.FILE_OPINION,
        by=by,
        completed_at=clock.now(),
        next_reminder_at=None,
    )
    opinion = JointOpinion(assignment=assignment, body=body, filed_by=by)
    if attachment is not None:
        opinion.attachment.save(attachment_name, attachment, save=False)
    opinion.save()
    handling.refresh_status(assignment.proposal, by=by, action=Action.FILE_OPINION)
    return opinion


@transaction.atomic
def waive_joint_opinions(assignment: Assignment, *, by, note: str = "") -> Assignment:
    """Staff let the lead reply without waiting for the missing joint opinions. The joint
    and assisting agencies that have not filed theirs no longer owe it: they are neither
    reminded nor overdue (their rows carry the waiver too), though they may still file."""
    oversight.may_waive_opinions(by, lock(assignment)).enforce()
    helpers = list(
        Assignment.objects.filter(
            proposal_id=assignment.proposal_id,
            role__in=OPINION_ROLES,
            state__in=OPEN_STATES,
            opinions_waived=False,
        )
    )
    Assignment.objects.filter(pk__in=[assignment.pk, *(h.pk for h in helpers)]).update(
        opinions_waived=True
    )
    assignment.opinions_waived = True
    record_event(
        assignment.proposal, Action.WAIVE_OPINIONS, by=by, assignment=assignment, note=note
    )
    for helper in helpers:
        helper.opinions_waived = True
        after_deadline_change(helper)
    handling.refresh_status(assignment.proposal, by=by, action=Action.WAIVE_OPINIONS)
    return assignment
