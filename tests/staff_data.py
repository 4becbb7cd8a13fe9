"""Builders for the staff back office's tests (tests/test_staff_*.py, test_import_*,
test_reports_*): proposals walked to a point of their life through the services where
that is cheap, and with the factories where the pipeline would be (a rendered reply)."""

from django.utils import timezone

from proposals.models import Status
from proposals.services import create_proposal, register_proposal
from responses.models import AssignmentState, Feedback, ReplyStatus
from responses.models import Role as AssignmentRole
from responses.services import assign_proposal
from tests.factories import CategoryFactory, ReplyFactory


def submitted(staff, session, sponsor, *, title="关于加快发展新质生产力的建议", **fields):
    fields.setdefault("body", "建议内容。")
    fields.setdefault("category", CategoryFactory(name="经济"))
    return create_proposal(session=session, title=title, lead_sponsor=sponsor, by=staff, **fields)


def registered(staff, session, sponsor, **fields):
    proposal = submitted(staff, session, sponsor, **fields)
    return register_proposal(proposal, by=staff)


def assigned(staff, session, sponsor, agency, *, role=AssignmentRole.SOLE, **fields):
    proposal = registered(staff, session, sponsor, **fields)
    (assignment,) = assign_proposal(proposal, agencies=[(agency, role)], by=staff)
    return assignment


def replied(staff, session, sponsor, agency, *, classification="A", **fields):
    """A proposal whose only agency confirmed its reply (the rendering pipeline skipped)."""
    assignment = assigned(staff, session, sponsor, agency, **fields)
    assignment.state = AssignmentState.REPLIED
    assignment.completed_at = timezone.now()
    assignment.save(update_fields=["state", "completed_at"])
    proposal = assignment.proposal
    proposal.status = Status.REPLIED
    proposal.save(update_fields=["status"])
    reply = ReplyFactory(
        assignment=assignment,
        status=ReplyStatus.CONFIRMED,
        classification=classification,
        confirmed_at=timezone.now(),
    )
    return reply


def with_feedback(reply, sponsor, satisfaction):
    return Feedback.objects.create(reply=reply, sponsor=sponsor, satisfaction=satisfaction)
