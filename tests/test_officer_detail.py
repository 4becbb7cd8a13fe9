"""The assignment page: the whole proposal, the deadline and why, who else handles it,
what happened so far, and only the actions allowed now."""

import pytest
from django.urls import reverse
from django.utils import timezone

from proposals.models import Sponsorship, Status
from responses.models import AssignmentState, ExtensionRequest, ReassignmentRequest
from responses.models import Role as AssignmentRole
from tests.factories import AgencyFactory, CategoryFactory, ProposalFactory, SponsorFactory
from tests.officer_data import make_assignment, make_opinion

pytestmark = pytest.mark.django_db


def detail(client, assignment):
    return client.get(reverse("officer:assignment", kwargs={"assignment_id": assignment.pk}))


def action_urls(assignment):
    kwargs = {"assignment_id": assignment.pk}
    return {
        name: reverse(f"officer:{name}", kwargs=kwargs)
        for name in [
            "accept",
            "request-reassignment",
            "request-extension",
            "file-opinion",
            "file-reply",
        ]
    }


def offered(client, assignment):
    page = detail(client, assignment).content.decode()
    return {name for name, url in action_urls(assignment).items() if f'"{url}"' in page}


def test_the_page_shows_every_field_of_the_proposal(client, bob, agency, session):
    proposal = ProposalFactory(
        session=session,
        number=118,
        title="关于加快推进我市工业互联网发展的建议",
        body="建议设立工业互联网专项资金。",
        category=CategoryFactory(name="经济"),
        lead_sponsor=SponsorFactory(name="市致公党"),
        is_key=True,
        review_note="同意立案。",
        status=Status.ASSIGNED,
    )
    Sponsorship.objects.create(proposal=proposal, sponsor=SponsorFactory(name="张委员"), order=1)
    assignment = make_assignment(agency, proposal=proposal)
    client.force_login(bob)
    page = detail(client, assignment).content.decode()
    for text in [
        "第 118 号",
        "关于加快推进我市工业互联网发展的建议",
        "建议设立工业互联网专项资金。",
        "第十五届委员会第四次会议",
        "经济",
        "市致公党",
        "张委员",
        "重点提案",
        "同意立案。",
        "办理中",
    ]:
        assert text in page, text


def test_the_page_explains_the_deadline_and_the_days_left(client, bob, agency):
    assignment = make_assignment(agency)
    assigned_on = timezone.localdate(assignment.assigned_at)
    explanation = f"交办 {assigned_on:%Y-%m-%d} + 3个月 = {assignment.deadline:%Y-%m-%d}"
    client.force_login(bob)
    response = detail(client, assignment)
    page = response.content.decode()
    assert explanation in page
    assert f"{assignment.deadline:%Y-%m-%d}" in page
    assert f"剩余 {response.context['days_left']} 天" in page


def test_the_lead_sees_its_co_handlers_and_their_opinions(client, bob, agency, other_agency):
    lead = make_assignment(agency, state=AssignmentState.ACCEPTED)
    joint = make_assignment(
        other_agency,
        proposal=lead.proposal,
        role=AssignmentRole.JOINT,
        state=AssignmentState.OPINION_FILED,
    )
    make_opinion(joint, body="财政局同意安排配套资金。")
    client.force_login(bob)
    page = detail(client, lead).content.decode()
    assert "苏州市财政局" in page and "已提交会办意见" in page
    assert "财政局同意安排配套资金。" in page


def test_separate_agencies_do_not_see_each_others_opinions_or_replies(
    client, charlie, agency, other_agency
):
    mine = make_assignment(agency, role=AssignmentRole.SEPARATE)
    theirs = make_assignment(other_agency, proposal=mine.proposal, role=AssignmentRole.SEPARATE)
    outsider = make_assignment(
        AgencyFactory(name="苏州市教育局"), role=AssignmentRole.JOINT, proposal=mine.proposal
    )
    make_opinion(outsider, body="不该被分办单位看到的意见")
    client.force_login(charlie)
    page = detail(client, theirs).content.decode()
    assert "苏州市工业和信息化局" in page  # who else handles it: yes
    assert "不该被分办单位看到的意见" not in page


def test_the_history_lists_this_assignments_events(client, bob, agency):
    assignment = make_assignment(agency)
    client.force_login(bob)
    client.post(action_urls(assignment)["accept"])
    history = detail(client, assignment).context["detail"].events
    assert [(e.get_action_display(), e.from_label, e.to_label) for e in history] == [
        ("签收", "待签收", "办理中")
    ]
    assert "李联络员" in detail(client, assignment).content.decode()


def test_a_pending_assignment_offers_accept_adjust_and_extend(client, bob, agency):
    assignment = make_assignment(agency)
    client.force_login(bob)
    assert offered(client, assignment) == {"accept", "request-reassignment", "request-extension"}


def test_an_accepted_lead_offers_the_reply(client, bob, agency):
    assignment = make_assignment(agency, state=AssignmentState.ACCEPTED)
    client.force_login(bob)
    assert offered(client, assignment) == {
        "file-reply",
        "request-reassignment",
        "request-extension",
    }


def test_a_lead_waiting_for_an_opinion_is_not_offered_the_reply(client, bob, agency, other_agency):
    assignment = make_assignment(agency, state=AssignmentState.ACCEPTED)
    make_assignment(other_agency, proposal=assignment.proposal, role=AssignmentRole.ASSISTING)
    client.force_login(bob)
    assert "file-reply" not in offered(client, assignment)


def test_a_joint_agency_is_offered_the_opinion_not_the_reply(client, bob, agency):
    assignment = make_assignment(agency, role=AssignmentRole.JOINT, state=AssignmentState.ACCEPTED)
    client.force_login(bob)
    assert offered(client, assignment) == {
        "file-opinion",
        "request-reassignment",
        "request-extension",
    }


def test_pending_requests_are_listed_and_not_offered_again(client, bob, agency):
    assignment = make_assignment(agency, state=AssignmentState.REASSIGNMENT_REQUESTED)
    ReassignmentRequest.objects.create(assignment=assignment, reason="非本单位职责")
    ExtensionRequest.objects.create(
        assignment=assignment,
        reason="需调研",
        requested_deadline=assignment.deadline,
        previous_deadline=assignment.deadline,
    )
    client.force_login(bob)
    page = detail(client, assignment).content.decode()
    assert "非本单位职责" in page and "需调研" in page and "待审批" in page
    assert offered(client, assignment) == set()
    assert "当前没有需要本单位办理的操作。" in page


def test_a_replied_assignment_offers_nothing(client, bob, agency):
    assignment = make_assignment(agency, state=AssignmentState.REPLIED)
    client.force_login(bob)
    assert offered(client, assignment) == set()
