"""交办 and the agencies' requests through the staff UI: the deadline the rules propose,
an override only with a reason, roles, later additions, deadline changes, waived joint
opinions, and reassignment and extension decisions — each with its audit record."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from proposals.models import Action, Event, Status
from responses import deadlines
from responses.models import (
    Assignment,
    AssignmentState,
    ExtensionRequest,
    ReassignmentRequest,
    RequestStatus,
)
from responses.models import Role as AssignmentRole
from tests.factories import AgencyFactory
from tests.staff_data import assigned, registered

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2025, 3, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def staff_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def proposal(alice, session, sponsor):
    return registered(alice, session, sponsor, number=118)


def assign_data(**overrides):
    data = {
        "lead_agency": "",
        "lead_role": AssignmentRole.LEAD,
        "joint_agencies": "",
        "assisting_agencies": "",
        "separate_agencies": "",
        "deadline": "2025-06-20",
        "deadline_reason": "",
    }
    data.update(overrides)
    return data


def test_the_assign_form_proposes_the_deadline_the_rules_give(staff_client, proposal):
    response = staff_client.get(reverse("staff:proposal-assign", args=[proposal.pk]))
    form = response.context["form"]
    assert form.fields["deadline"].initial == dt.date(2025, 6, 20)
    assert "交办 2025-03-20 + 3个月 = 2025-06-20" in response.content.decode()


def test_staff_assign_to_a_lead_agency_with_the_proposed_deadline(
    staff_client, alice, proposal, agency
):
    response = staff_client.post(
        reverse("staff:proposal-assign", args=[proposal.pk]),
        assign_data(lead_agency="苏州市工业和信息化局"),
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "已交办：苏州市工业和信息化局（主办），办理期限 2025-06-20。"
    ]
    assignment = Assignment.objects.get(proposal=proposal)
    assert (assignment.agency, assignment.role, assignment.deadline) == (
        agency,
        AssignmentRole.LEAD,
        dt.date(2025, 6, 20),
    )
    proposal.refresh_from_db()
    assert proposal.status == Status.ASSIGNED
    event = Event.objects.get(proposal=proposal, action=Action.ASSIGN, assignment_id=None)
    assert (event.actor, event.from_state, event.to_state) == (
        alice,
        Status.REGISTERED,
        Status.ASSIGNED,
    )


def test_staff_assign_a_lead_with_joint_and_assisting_agencies(
    staff_client, proposal, agency, other_agency
):
    AgencyFactory(name="苏州市科学技术局")
    staff_client.post(
        reverse("staff:proposal-assign", args=[proposal.pk]),
        assign_data(
            lead_agency="苏州市工业和信息化局",
            joint_agencies="苏州市财政局",
            assisting_agencies="苏州市科学技术局",
        ),
    )
    roles = dict(Assignment.objects.values_list("agency__name", "role"))
    assert roles == {
        "苏州市工业和信息化局": AssignmentRole.LEAD,
        "苏州市财政局": AssignmentRole.JOINT,
        "苏州市科学技术局": AssignmentRole.ASSISTING,
    }


def test_separate_agencies_without_a_lead(staff_client, proposal, agency, other_agency):
    staff_client.post(
        reverse("staff:proposal-assign", args=[proposal.pk]),
        assign_data(separate_agencies="苏州市工业和信息化局\n苏州市财政局"),
    )
    assert set(Assignment.objects.values_list("role", flat=True)) == {AssignmentRole.SEPARATE}
    assert Assignment.objects.count() == 2


def test_joint_agencies_without_a_lead_are_refused_and_nothing_is_saved(
    staff_client, proposal, agency, other_agency
):
    response = staff_client.post(
        reverse("staff:proposal-assign", args=[proposal.pk]),
        assign_data(joint_agencies="苏州市工业和信息化局"),
    )
    assert response.context["form"].non_field_errors() == [
        "有会办或协办单位时，必须指定一个主办单位。"
    ]
    assert not Assignment.objects.exists()
    proposal.refresh_from_db()
    assert proposal.status == Status.REGISTERED


def test_no_agency_at_all_is_a_form_error(staff_client, proposal):
    response = staff_client.post(
        reverse("staff:proposal-assign", args=[proposal.pk]), assign_data()
    )
    assert response.context["form"].non_field_errors() == ["请至少选择一个承办单位。"]


def test_an_unknown_agency_is_named(staff_client, proposal):
    response = staff_client.post(
        reverse("staff:proposal-assign", args=[proposal.pk]),
        assign_data(lead_agency="苏州市不存在局"),
    )
    assert response.context["form"].errors["lead_agency"] == [
        "找不到承办单位“苏州市不存在局”。请从候选列表中选择。"
    ]


def test_another_deadline_needs_a_reason(staff_client, proposal, agency):
    response = staff_client.post(
        reverse("staff:proposal-assign", args=[proposal.pk]),
        assign_data(lead_agency="苏州市工业和信息化局", deadline="2025-05-20"),
    )
    assert response.context["form"].errors["deadline_reason"] == ["修改默认办理期限时请说明理由。"]
    assert not Assignment.objects.exists()


def test_another_deadline_with_a_reason_is_explained(staff_client, proposal, agency):
    staff_client.post(
        reverse("staff:proposal-assign", args=[proposal.pk]),
        assign_data(
            lead_agency="苏州市工业和信息化局",
            deadline="2025-05-20",
            deadline_reason="市领导要求两个月内答复",
        ),
    )
    assignment = Assignment.objects.get()
    assert assignment.deadline == dt.date(2025, 5, 20)
    assert "理由：市领导要求两个月内答复" in deadlines.explain(assignment)


def test_a_deadline_past_six_months_is_refused_by_the_rules(staff_client, proposal, agency):
    response = staff_client.post(
        reverse("staff:proposal-assign", args=[proposal.pk]),
        assign_data(
            lead_agency="苏州市工业和信息化局", deadline="2025-10-01", deadline_reason="工作量大"
        ),
    )
    (error,) = response.context["form"].non_field_errors()
    assert error.startswith("办理期限不能晚于2025-09-")
    assert "交办 2025-03-20 + 6个月" in error
    assert not Assignment.objects.exists()


def test_staff_add_an_agency_to_a_proposal_being_handled(
    staff_client, alice, session, sponsor, agency, other_agency
):
    assignment = assigned(alice, session, sponsor, agency, role=AssignmentRole.LEAD)
    response = staff_client.post(
        reverse("staff:proposal-add-assignment", args=[assignment.proposal_id]),
        {
            "agency": "苏州市财政局",
            "role": AssignmentRole.JOINT,
            "deadline": "",
            "deadline_reason": "",
        },
    )
    assert response.status_code == 302
    added = Assignment.objects.get(agency=other_agency)
    assert added.role == AssignmentRole.JOINT
    assert Event.objects.filter(assignment_id=added.pk, action=Action.ASSIGN).exists()


def test_staff_move_a_deadline_with_a_reason(staff_client, alice, session, sponsor, agency):
    assignment = assigned(alice, session, sponsor, agency)
    url = reverse("staff:assignment-deadline", args=[assignment.pk])
    response = staff_client.post(url, {"deadline": "2025-07-20", "reason": ""})
    assert response.context["form"].errors["reason"] == ["请说明调整期限的理由。"]

    staff_client.post(url, {"deadline": "2025-07-20", "reason": "涉及跨年度预算"})
    assignment.refresh_from_db()
    assert assignment.deadline == dt.date(2025, 7, 20)
    event = Event.objects.get(action=Action.CHANGE_DEADLINE)
    assert (event.note, event.data["previous"], event.data["deadline"]) == (
        "涉及跨年度预算",
        "2025-06-20",
        "2025-07-20",
    )


def test_staff_let_the_lead_reply_without_waiting_for_joint_opinions(
    staff_client, alice, session, sponsor, agency, other_agency
):
    proposal = registered(alice, session, sponsor)
    staff_client.post(
        reverse("staff:proposal-assign", args=[proposal.pk]),
        assign_data(lead_agency="苏州市工业和信息化局", joint_agencies="苏州市财政局"),
    )
    lead = Assignment.objects.get(role=AssignmentRole.LEAD)
    page = staff_client.get(reverse("staff:proposal-detail", args=[proposal.pk])).content.decode()
    assert "尚未收到会办意见：苏州市财政局" in page

    staff_client.post(reverse("staff:assignment-waive", args=[lead.pk]))
    lead.refresh_from_db()
    assert lead.opinions_waived
    assert Event.objects.filter(assignment_id=lead.pk, action=Action.WAIVE_OPINIONS).exists()


# --- The agencies' requests ------------------------------------------------------------
@pytest.fixture
def reassignment(alice, bob, session, sponsor, agency):
    assignment = assigned(alice, session, sponsor, agency)
    Assignment.objects.filter(pk=assignment.pk).update(state=AssignmentState.REASSIGNMENT_REQUESTED)
    return ReassignmentRequest.objects.create(
        assignment=assignment,
        reason="属于财政局职责",
        suggested_agency="苏州市财政局",
        requested_by=bob,
    )


def test_pending_requests_are_listed_for_staff(staff_client, reassignment):
    page = staff_client.get(reverse("staff:requests")).content.decode()
    assert "属于财政局职责" in page
    assert reverse("staff:reassignment-decide", args=[reassignment.pk]) in page


def test_staff_approve_a_reassignment_and_hand_it_to_another_agency(
    staff_client, reassignment, other_agency
):
    response = staff_client.post(
        reverse("staff:reassignment-decide", args=[reassignment.pk]),
        {"decision": "approve", "note": "", "new_agency": "苏州市财政局"},
    )
    assert response.status_code == 302
    reassignment.refresh_from_db()
    assert reassignment.status == RequestStatus.APPROVED
    assert reassignment.assignment.state == AssignmentState.WITHDRAWN
    new = Assignment.objects.get(agency=other_agency)
    assert (new.role, new.state) == (AssignmentRole.SOLE, AssignmentState.PENDING)
    assert Event.objects.filter(action=Action.DECIDE_REASSIGNMENT).exists()


def test_refusing_a_reassignment_needs_a_note(staff_client, reassignment):
    url = reverse("staff:reassignment-decide", args=[reassignment.pk])
    response = staff_client.post(url, {"decision": "refuse", "note": ""})
    assert response.context["form"].errors["note"] == ["不同意时请填写审批意见。"]

    staff_client.post(url, {"decision": "refuse", "note": "属于本单位职责，请继续办理"})
    reassignment.refresh_from_db()
    assert reassignment.status == RequestStatus.REFUSED
    assert reassignment.assignment.state == AssignmentState.PENDING


def test_a_decided_request_cannot_be_decided_again(staff_client, reassignment):
    url = reverse("staff:reassignment-decide", args=[reassignment.pk])
    staff_client.post(url, {"decision": "refuse", "note": "请继续办理"})
    response = staff_client.get(url)
    assert response.context["decided"]
    assert "未同意" in response.content.decode()


def test_staff_approve_an_extension(staff_client, alice, bob, session, sponsor, agency):
    assignment = assigned(alice, session, sponsor, agency)
    extension = ExtensionRequest.objects.create(
        assignment=assignment,
        reason="需要调研",
        requested_deadline=dt.date(2025, 8, 20),
        previous_deadline=assignment.deadline,
        requested_by=bob,
    )
    staff_client.post(
        reverse("staff:extension-decide", args=[extension.pk]),
        {"decision": "approve", "note": "同意延期"},
    )
    assignment.refresh_from_db()
    assert assignment.deadline == dt.date(2025, 8, 20)
    assert "延期至 2025-08-20" in deadlines.explain(assignment)
    event = Event.objects.get(action=Action.DECIDE_EXTENSION)
    assert (event.actor, event.data["approved"]) == (alice, True)


def test_staff_refuse_an_extension_with_a_note(staff_client, alice, bob, session, sponsor, agency):
    assignment = assigned(alice, session, sponsor, agency)
    extension = ExtensionRequest.objects.create(
        assignment=assignment,
        reason="需要调研",
        requested_deadline=dt.date(2025, 8, 20),
        previous_deadline=assignment.deadline,
        requested_by=bob,
    )
    url = reverse("staff:extension-decide", args=[extension.pk])
    response = staff_client.post(url, {"decision": "refuse", "note": ""})
    assert response.context["form"].errors["note"] == ["不同意时请填写审批意见。"]

    staff_client.post(url, {"decision": "refuse", "note": "请按期答复"})
    extension.refresh_from_db()
    assignment.refresh_from_db()
    assert (extension.status, extension.decision_note) == (RequestStatus.REFUSED, "请按期答复")
    assert assignment.deadline == dt.date(2025, 6, 20)
    event = Event.objects.get(action=Action.DECIDE_EXTENSION)
    assert (event.data["approved"], event.note) == (False, "请按期答复")
