"""我的办理: the officer's list of their agency's assignments."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from responses.models import AssignmentState, ExtensionRequest, ReassignmentRequest
from responses.models import Role as AssignmentRole
from tests.factories import AgencyFactory, ProposalFactory, SessionFactory
from tests.officer_data import make_assignment, make_draft_reply

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("officer:dashboard")
NOW = dt.datetime(2025, 6, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def days(n):
    return timezone.localdate() + dt.timedelta(days=n)


def titles(response):
    return [row["assignment"].proposal.title for row in response.context["rows"]]


def test_the_officer_sees_only_their_agencys_assignments(client, bob, agency, other_agency):
    make_assignment(agency, proposal=ProposalFactory(title="关于发展智能制造的建议"))
    make_assignment(other_agency, proposal=ProposalFactory(title="关于财政预算公开的建议"))
    client.force_login(bob)
    response = client.get(DASHBOARD)
    assert titles(response) == ["关于发展智能制造的建议"]
    assert "关于财政预算公开的建议" not in response.content.decode()


def test_a_row_shows_number_role_state_deadline_days_left_and_co_handlers(
    client, bob, agency, other_agency
):
    proposal = ProposalFactory(number=118, title="关于优化营商环境的建议")
    make_assignment(agency, proposal=proposal, deadline=days(10))
    make_assignment(other_agency, proposal=proposal, role=AssignmentRole.JOINT)
    client.force_login(bob)
    page = client.get(DASHBOARD).content.decode()
    for text in [
        "118",
        "关于优化营商环境的建议",
        "主办",
        "待签收",
        days(10).isoformat(),
        "剩余 10 天",
        "苏州市财政局（会办）",
    ]:
        assert text in page, text


def test_an_overdue_assignment_is_marked_with_the_days_past(client, bob, agency):
    make_assignment(agency, state=AssignmentState.ACCEPTED, deadline=days(-3))
    client.force_login(bob)
    response = client.get(DASHBOARD)
    assert response.context["rows"][0]["overdue"] is True
    page = response.content.decode()
    assert "已逾期 3 天" in page
    assert 'class="is-overdue"' in page


def test_a_finished_assignment_past_its_deadline_is_not_overdue(client, bob, agency):
    make_assignment(agency, state=AssignmentState.REPLIED, deadline=days(-3))
    client.force_login(bob)
    response = client.get(DASHBOARD)
    assert response.context["rows"][0]["overdue"] is False
    assert "已完成" in response.content.decode()


def test_what_is_waiting_on_the_agency_is_shown(client, bob, agency, other_agency):
    make_assignment(agency, proposal=ProposalFactory(title="甲"))
    lead = make_assignment(
        agency, proposal=ProposalFactory(title="乙"), state=AssignmentState.ACCEPTED
    )
    make_assignment(other_agency, proposal=lead.proposal, role=AssignmentRole.JOINT)
    drafted = make_assignment(
        agency, proposal=ProposalFactory(title="丙"), state=AssignmentState.ACCEPTED
    )
    make_draft_reply(drafted)
    extended = make_assignment(
        agency, proposal=ProposalFactory(title="丁"), state=AssignmentState.ACCEPTED
    )
    ExtensionRequest.objects.create(
        assignment=extended,
        reason="需要调研",
        requested_deadline=days(150),
        previous_deadline=extended.deadline,
    )
    joint = make_assignment(
        agency,
        proposal=ProposalFactory(title="戊"),
        role=AssignmentRole.ASSISTING,
        state=AssignmentState.ACCEPTED,
    )
    moving = make_assignment(
        agency,
        proposal=ProposalFactory(title="己"),
        state=AssignmentState.REASSIGNMENT_REQUESTED,
    )
    ReassignmentRequest.objects.create(assignment=moving, reason="非本单位职责")
    assert joint and moving
    client.force_login(bob)
    rows = client.get(DASHBOARD).context["rows"]
    waiting = {row["assignment"].proposal.title: row["waiting"] for row in rows}
    assert waiting["甲"] == ["待签收"]
    assert waiting["乙"] == ["等待会办意见"]
    assert waiting["丙"] == ["答复待确认"]
    assert waiting["丁"] == ["延期申请待审批", "待填报答复"]
    assert waiting["戊"] == ["待提交会办意见"]
    assert waiting["己"] == ["调整申请待审批"]


def test_open_work_comes_first_nearest_deadline_first(client, bob, agency):
    make_assignment(
        agency,
        proposal=ProposalFactory(title="已答复"),
        deadline=days(1),
        state=AssignmentState.REPLIED,
    )
    make_assignment(agency, proposal=ProposalFactory(title="远"), deadline=days(60))
    make_assignment(agency, proposal=ProposalFactory(title="近"), deadline=days(5))
    client.force_login(bob)
    assert titles(client.get(DASHBOARD)) == ["近", "远", "已答复"]


def test_the_list_sorts_by_proposal_number_when_asked(client, bob, agency):
    for number in (30, 10, 20):
        make_assignment(agency, proposal=ProposalFactory(number=number, title=f"第{number}号"))
    client.force_login(bob)
    assert titles(client.get(DASHBOARD, {"sort": "-number"})) == ["第30号", "第20号", "第10号"]
    assert titles(client.get(DASHBOARD, {"sort": "number"})) == ["第10号", "第20号", "第30号"]


def test_the_list_filters_by_state_role_and_session(client, bob, agency):
    old_session = SessionFactory(term=15, meeting=1, year=2022, name="第十五届委员会第一次会议")
    make_assignment(agency, proposal=ProposalFactory(title="待签收的主办"))
    make_assignment(
        agency,
        proposal=ProposalFactory(title="办理中的会办"),
        role=AssignmentRole.JOINT,
        state=AssignmentState.ACCEPTED,
    )
    make_assignment(
        agency,
        proposal=ProposalFactory(title="往年的独办", session=old_session),
        role=AssignmentRole.SOLE,
        state=AssignmentState.REPLIED,
    )
    client.force_login(bob)
    assert titles(client.get(DASHBOARD, {"state": "accepted"})) == ["办理中的会办"]
    assert titles(client.get(DASHBOARD, {"role": "lead"})) == ["待签收的主办"]
    assert titles(client.get(DASHBOARD, {"session": old_session.pk})) == ["往年的独办"]


def test_the_list_filters_overdue_and_due_soon(client, bob, agency):
    make_assignment(agency, proposal=ProposalFactory(title="逾期"), deadline=days(-1))
    make_assignment(agency, proposal=ProposalFactory(title="七日内"), deadline=days(6))
    make_assignment(agency, proposal=ProposalFactory(title="尚早"), deadline=days(40))
    make_assignment(
        agency,
        proposal=ProposalFactory(title="已答复"),
        deadline=days(-9),
        state=AssignmentState.REPLIED,
    )
    client.force_login(bob)
    assert titles(client.get(DASHBOARD, {"due": "overdue"})) == ["逾期"]
    assert titles(client.get(DASHBOARD, {"due": "soon"})) == ["七日内"]
    assert titles(client.get(DASHBOARD, {"due": "open"})) == ["逾期", "七日内", "尚早"]


def test_the_list_finds_a_proposal_by_number_or_title_words(client, bob, agency):
    make_assignment(agency, proposal=ProposalFactory(number=118, title="关于优化营商环境的建议"))
    make_assignment(agency, proposal=ProposalFactory(number=7, title="关于加强垃圾分类的提案"))
    client.force_login(bob)
    assert titles(client.get(DASHBOARD, {"q": "118"})) == ["关于优化营商环境的建议"]
    assert titles(client.get(DASHBOARD, {"q": "垃圾"})) == ["关于加强垃圾分类的提案"]


def test_the_list_is_paginated_and_keeps_its_filters(client, bob, agency):
    for n in range(23):
        make_assignment(agency, deadline=days(n + 1))
    client.force_login(bob)
    first = client.get(DASHBOARD, {"due": "open"})
    assert len(first.context["rows"]) == 20
    assert "due=open&amp;page=2" in first.content.decode()
    second = client.get(DASHBOARD, {"due": "open", "page": 2})
    assert len(second.context["rows"]) == 3


def _fill(agency, other_agency, count):
    for n in range(count):
        lead = make_assignment(agency, deadline=days(n), state=AssignmentState.ACCEPTED)
        make_assignment(other_agency, proposal=lead.proposal, role=AssignmentRole.JOINT)
        make_assignment(AgencyFactory(), proposal=lead.proposal, role=AssignmentRole.ASSISTING)
        make_draft_reply(lead)


# session, user, the user's agency, count, page of rows, co-handling agencies (one
# prefetch), unread notifications (the header's badge), session choices of the filter.
DASHBOARD_QUERIES = 8


@pytest.mark.parametrize("count", [2, 20])
def test_the_list_runs_a_fixed_number_of_queries(
    client, bob, agency, other_agency, django_assert_num_queries, count
):
    _fill(agency, other_agency, count)
    client.force_login(bob)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(DASHBOARD, {"sort": "deadline"})
    assert len(response.context["rows"]) == count
