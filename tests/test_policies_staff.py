"""The staff's questions (proposals.policies.staff_actions, responses.oversight) and the
services agree: for every status or state, a step is offered exactly when its service
accepts it, and for anyone but staff it is neither offered nor accepted.

Each service call runs in a savepoint rolled back afterwards (as in test_policies_matrix).
"""

import datetime as dt

import pytest
from django.utils import timezone

from proposals import services as proposal_services
from proposals.models import Action, Status
from proposals.policies import staff_actions
from proposals.transitions import ADD_ASSIGNMENT
from responses import closing, oversight, reminders, services
from responses.models import AssignmentState, Feedback, ReplyStatus, Satisfaction
from responses.models import Role as AssignmentRole
from tests.factories import AgencyFactory, ProposalFactory
from tests.officer_data import make_assignment, make_draft_reply
from tests.test_policies_matrix import (
    STATES,
    VARIANTS,
    _assignment,
    build,
    outcome,
    verdict,
)

pytestmark = pytest.mark.django_db


def _proposal(pk):
    from proposals.models import Proposal

    return Proposal.objects.get(pk=pk)


def proposal_steps(target, agency):
    return {
        Action.UPDATE: lambda p, by: proposal_services.update_proposal(p, title="新标题", by=by),
        Action.SUBMIT: lambda p, by: proposal_services.submit_proposal(p, by=by),
        Action.REGISTER: lambda p, by: proposal_services.register_proposal(p, by=by),
        Action.REJECT: lambda p, by: proposal_services.reject_proposal(p, reason="重复", by=by),
        Action.CONVERT: lambda p, by: proposal_services.convert_proposal(p, by=by),
        Action.MERGE: lambda p, by: closing.merge_proposal(p, into=_proposal(target.pk), by=by),
        Action.ASSIGN: lambda p, by: services.assign_proposal(
            p, agencies=[(agency, AssignmentRole.SOLE)], by=by
        ),
        ADD_ASSIGNMENT: lambda p, by: services.add_assignment(
            p, agency=agency, role=AssignmentRole.SEPARATE, by=by
        ),
        Action.CLOSE: lambda p, by: closing.close_proposal(p, by=by),
        Action.SET_KEY: lambda p, by: proposal_services.set_key_proposal(p, is_key=True, by=by),
        Action.PUBLISH: lambda p, by: proposal_services.publish_proposal(p, by=by),
        Action.UNPUBLISH: lambda p, by: proposal_services.unpublish_proposal(p, by=by),
    }


@pytest.mark.parametrize("published", [False, True])
@pytest.mark.parametrize("status", Status.values)
def test_proposal_steps_are_offered_exactly_when_the_service_accepts_them(
    status, published, people, session
):
    target = ProposalFactory(status=Status.REGISTERED, session=session)
    proposal = ProposalFactory(
        status=status,
        session=session,
        is_published=published,
        merged_into=target if status == Status.MERGED else None,
    )
    if status in {Status.ASSIGNED, Status.REHANDLING, Status.REPLIED}:
        # a separate handling (分办) to add a second agency beside
        make_assignment(
            AgencyFactory(),
            proposal=proposal,
            role=AssignmentRole.SEPARATE,
            state=AssignmentState.REPLIED,
        )
    agency = AgencyFactory()
    disagreements = {}
    for name, user in people.items():
        offered = staff_actions(user, _proposal(proposal.pk))
        for code, step in proposal_steps(target, agency).items():
            said = code in offered
            done = outcome(lambda: step(_proposal(proposal.pk), user)) is None  # noqa: B023
            if said != done:
                disagreements[(name, str(code))] = (said, done)
    assert not disagreements, f"(offered, accepted): {disagreements}"


ASSIGNMENT_STEPS = {
    oversight.CHANGE_DEADLINE: (
        oversight.may_change_deadline,
        lambda a, by: services.change_deadline(
            a, deadline=a.deadline + dt.timedelta(days=5), reason="调研", by=by
        ),
    ),
    oversight.REMIND: (
        oversight.may_remind,
        lambda a, by: reminders.send_urgent_reminder(a, by=by),
    ),
    oversight.WAIVE_OPINIONS: (
        oversight.may_waive_opinions,
        lambda a, by: services.waive_joint_opinions(a, by=by),
    ),
}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("state", STATES)
def test_staff_assignment_steps_are_offered_exactly_when_the_service_accepts_them(
    variant, state, agency, other_agency, people
):
    assignment = build(variant, state, agency, other_agency)
    disagreements = {}
    for name, user in people.items():
        allowed = set()
        for code, (may, service) in ASSIGNMENT_STEPS.items():
            said = verdict(may(user, _assignment(assignment.pk)))
            done = outcome(lambda: service(_assignment(assignment.pk), user))  # noqa: B023
            if said != done:
                disagreements[(name, code)] = (said, done)
            if said is None:
                allowed.add(code)
        assert oversight.assignment_actions(user, _assignment(assignment.pk)) == allowed, name
    assert not disagreements, f"(policy, service): {disagreements}"


@pytest.mark.parametrize("rated", [None, Satisfaction.SATISFIED, Satisfaction.DISSATISFIED])
@pytest.mark.parametrize("status", [ReplyStatus.DRAFT, ReplyStatus.CONFIRMED])
def test_staff_reply_steps_are_offered_exactly_when_the_service_accepts_them(
    status, rated, agency, sponsor, people
):
    proposal = ProposalFactory(status=Status.REPLIED, lead_sponsor=sponsor)
    state = AssignmentState.REPLIED if status == ReplyStatus.CONFIRMED else AssignmentState.ACCEPTED
    assignment = make_assignment(agency, proposal=proposal, state=state)
    reply = make_draft_reply(assignment, status=status)
    if rated and status == ReplyStatus.CONFIRMED:
        Feedback.objects.create(
            reply=reply, sponsor=sponsor, satisfaction=rated, recorded_at=timezone.now()
        )
    disagreements = {}
    for name, user in people.items():
        offered = oversight.reply_actions(user, type(reply).objects.get(pk=reply.pk))
        steps = {
            oversight.REOPEN_REPLY: lambda: services.reopen_reply(
                type(reply).objects.get(pk=reply.pk),
                note="更正",
                by=user,  # noqa: B023
            ),
            oversight.SEND_BACK: lambda: services.send_back_for_rehandling(
                _assignment(assignment.pk),
                by=user,  # noqa: B023
            ),
        }
        for code, call in steps.items():
            said, done = code in offered, outcome(call) is None
            if said != done:
                disagreements[(name, code)] = (said, done)
    assert not disagreements, f"(offered, accepted): {disagreements}"
