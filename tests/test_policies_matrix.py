"""The policies (responses.policies) and the services agree: for each role and each
state of the object, the policy allows an action exactly when its service accepts it,
and refuses it with the same kind of error. The officer's pages show what the policy
allows (actions_for), so a button is offered exactly when pressing it would work.

Each service call runs in a savepoint rolled back afterwards: every case starts from the
same rows.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from proposals.models import Status
from proposals.policies import sponsor_of
from proposals.workflow import TransitionError
from responses import policies, services
from responses.models import (
    Assignment,
    AssignmentState,
    ExtensionRequest,
    RenderStatus,
    Reply,
    ReplyDocument,
    ReplyStatus,
)
from responses.models import Role as AssignmentRole
from tests.factories import ProposalFactory
from tests.officer_data import make_assignment, make_document, make_draft_reply

pytestmark = pytest.mark.django_db


class _Undo(Exception):
    pass


def outcome(call):
    """What a service does with the call: None (accepted) or the class of its refusal.
    Whatever it changed is rolled back."""
    try:
        with transaction.atomic():
            call()
            raise _Undo
    except _Undo:
        return None
    except (PermissionDenied, TransitionError) as error:
        return type(error)


def verdict(decision):
    return None if decision else type(decision.refusal)


def _assignment(pk):
    return Assignment.objects.select_related("agency", "proposal").get(pk=pk)


ASSIGNMENT_ACTIONS = {
    policies.ACCEPT: (
        policies.may_accept,
        lambda a, by: services.accept_assignment(a, by=by),
    ),
    policies.REQUEST_REASSIGNMENT: (
        policies.may_request_reassignment,
        lambda a, by: services.request_reassignment(a, reason="不属于本单位职责", by=by),
    ),
    policies.REQUEST_EXTENSION: (
        policies.may_request_extension,
        lambda a, by: services.request_extension(
            a, requested_deadline=a.deadline + dt.timedelta(days=10), reason="需要调研", by=by
        ),
    ),
    policies.FILE_OPINION: (
        policies.may_file_opinion,
        lambda a, by: services.file_joint_opinion(a, body="同意。", by=by),
    ),
    policies.FILE_REPLY: (
        policies.may_file_reply,
        lambda a, by: services.file_reply(
            a, classification="A", replied_at=timezone.now(), signer="张局长", by=by
        ),
    ),
}

STATES = [
    AssignmentState.PENDING,
    AssignmentState.ACCEPTED,
    AssignmentState.REASSIGNMENT_REQUESTED,
    AssignmentState.OPINION_FILED,
    AssignmentState.REPLIED,
    AssignmentState.REHANDLING,
    AssignmentState.WITHDRAWN,
]
# sole; lead with its joint opinion in; lead still waiting for one; joint; past the
# reassignment window; with an extension request pending
VARIANTS = ["sole", "lead", "lead-waiting", "joint", "late", "extension-pending"]


def build(variant, state, agency, other_agency):
    proposal = ProposalFactory(status=Status.ASSIGNED)
    role = {"lead": AssignmentRole.LEAD, "lead-waiting": AssignmentRole.LEAD}.get(
        variant, AssignmentRole.JOINT if variant == "joint" else AssignmentRole.SOLE
    )
    assigned_at = timezone.now() - dt.timedelta(days=30 if variant == "late" else 1)
    assignment = make_assignment(
        agency, proposal=proposal, role=role, state=state, assigned_at=assigned_at
    )
    if variant.startswith("lead"):
        waiting = variant == "lead-waiting"
        make_assignment(
            other_agency,
            proposal=proposal,
            role=AssignmentRole.JOINT,
            state=AssignmentState.PENDING if waiting else AssignmentState.OPINION_FILED,
        )
    if variant == "extension-pending":
        ExtensionRequest.objects.create(
            assignment=assignment,
            reason="需要调研",
            requested_deadline=assignment.deadline + dt.timedelta(days=5),
            previous_deadline=assignment.deadline,
        )
    return assignment


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("state", STATES)
def test_assignment_actions_are_allowed_exactly_when_the_service_accepts_them(
    variant, state, agency, other_agency, people
):
    assignment = build(variant, state, agency, other_agency)
    disagreements = {}
    for name, user in people.items():
        allowed = set()
        for code, (may, service) in ASSIGNMENT_ACTIONS.items():
            said = verdict(may(user, _assignment(assignment.pk)))
            done = outcome(lambda: service(_assignment(assignment.pk), user))  # noqa: B023
            if said != done:
                disagreements[(name, code)] = (said, done)
            if said is None:
                allowed.add(code)
        assert policies.actions_for(user, _assignment(assignment.pk)) == allowed, name
    assert not disagreements, f"(policy, service): {disagreements}"


def _reply(pk):
    return Reply.objects.select_related("assignment__agency", "assignment__proposal").get(pk=pk)


REPLY_CASES = ["draft-ready", "draft-rendering", "draft-empty", "confirmed", "draft-replied"]


def build_reply(case, agency, sponsor):
    state = AssignmentState.REPLIED if case == "draft-replied" else AssignmentState.ACCEPTED
    proposal = ProposalFactory(status=Status.ASSIGNED, lead_sponsor=sponsor)
    assignment = make_assignment(agency, proposal=proposal, state=state)
    status = ReplyStatus.CONFIRMED if case == "confirmed" else ReplyStatus.DRAFT
    reply = make_draft_reply(assignment, status=status)
    if case != "draft-empty":
        ready = RenderStatus.WAITING if case == "draft-rendering" else RenderStatus.READY
        make_document(reply, status=ready)
    return reply


@pytest.mark.parametrize("case", REPLY_CASES)
def test_reply_actions_are_allowed_exactly_when_the_service_accepts_them(
    case, agency, sponsor, people, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    reply = build_reply(case, agency, sponsor)
    document = ReplyDocument.objects.filter(reply=reply).first()
    disagreements = {}
    for name, user in people.items():
        checks = {
            policies.CONFIRM_REPLY: (
                policies.may_confirm_reply(user, _reply(reply.pk)),
                lambda: services.confirm_reply(_reply(reply.pk), by=user),  # noqa: B023
            ),
            policies.RECORD_FEEDBACK: (
                policies.may_record_feedback(user, _reply(reply.pk), sponsor=sponsor),
                lambda: services.record_feedback(
                    _reply(reply.pk),
                    sponsor=sponsor,
                    satisfaction="satisfied",
                    by=user,  # noqa: B023
                ),
            ),
        }
        if document is not None:
            checks[policies.REMOVE_DOCUMENT] = (
                policies.may_change_letters(user, _reply(reply.pk)),
                lambda: services.remove_document(
                    ReplyDocument.objects.get(pk=document.pk),
                    by=user,  # noqa: B023
                ),
            )
        for code, (decision, call) in checks.items():
            said, done = verdict(decision), outcome(call)
            if said != done:
                disagreements[(name, code)] = (said, done)
    assert not disagreements, f"(policy, service): {disagreements}"


def test_a_sponsor_records_feedback_for_themselves_only(agency, sponsor, people):
    reply = build_reply("confirmed", agency, sponsor)
    dora, eve, alice = people["dora"], people["eve"], people["alice"]
    assert policies.may_record_feedback(dora, reply)
    assert not policies.may_record_feedback(eve, reply)  # not a sponsor of this proposal
    assert not policies.may_record_feedback(eve, reply, sponsor=sponsor)  # not herself
    assert policies.may_record_feedback(alice, reply, sponsor=sponsor)
    assert not policies.may_record_feedback(alice, reply, sponsor=sponsor_of(eve))
    assert not policies.may_record_feedback(people["bob"], reply)


def test_letters_are_read_by_staff_and_their_own_agency_only(agency, sponsor, people):
    reply = build_reply("draft-ready", agency, sponsor)
    readers = {name for name, user in people.items() if policies.may_read_letter(user, reply)}
    assert readers == {"alice", "bob"}
