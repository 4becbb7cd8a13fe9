"""The staff lists: each has its FilterSet (status, session, category, agency, overdue,
key…), pages of 25, and a number of queries that does not grow with its rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals.models import Proposal, SponsorKind, Status
from responses.models import Assignment, AssignmentState, ExtensionRequest, ReassignmentRequest
from responses.models import Role as AssignmentRole
from staff.importing.batches import preview_file
from tests.factories import (
    AssignmentFactory,
    CategoryFactory,
    ProposalFactory,
    SessionFactory,
    SponsorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, alice):
    client.force_login(alice)
    return client


def overdue_assignment(proposal, agency, days=10, **fields):
    today = timezone.localdate()
    return AssignmentFactory(
        proposal=proposal,
        agency=agency,
        deadline=today - dt.timedelta(days=days),
        assigned_at=timezone.now() - dt.timedelta(days=days + 90),
        **fields,
    )


def make_rows(count, *, session, agency, bob, key=False):
    """`count` proposals under handling, each with a co-sponsor, an overdue assignment
    with a pending reassignment and extension request, a supervisor when key."""
    leader = UserFactory(username=f"leader{count}", role="")
    for _ in range(count):
        proposal = ProposalFactory(
            session=session, status=Status.ASSIGNED, is_key=key, supervisor=leader if key else None
        )
        proposal.sponsorships.create(sponsor=SponsorFactory(), order=1)
        assignment = overdue_assignment(proposal, agency)
        ReassignmentRequest.objects.create(
            assignment=assignment, reason="不属于本单位", requested_by=bob
        )
        ExtensionRequest.objects.create(
            assignment=assignment,
            reason="需要调研",
            requested_deadline=assignment.deadline + dt.timedelta(days=30),
            previous_deadline=assignment.deadline,
            requested_by=bob,
        )


def query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


LIST_PAGES = [
    "staff:proposal-list",
    "staff:key-list",
    "staff:publication",
    "staff:overdue",
    "staff:requests",
    "staff:import-list",
    "staff:dashboard",
]
# Pinned: a change that adds a query per row (or any query) fails here first. One of
# them is the second factor's device, checked on every signed-in staff request (django-otp).
EXPECTED_QUERIES = {
    "staff:proposal-list": 12,
    "staff:key-list": 11,
    "staff:publication": 10,
    "staff:overdue": 8,
    "staff:requests": 10,
    "staff:import-list": 7,
    "staff:dashboard": 11,
}


@pytest.mark.parametrize("name", LIST_PAGES)
def test_a_list_page_costs_the_same_queries_for_two_rows_or_twenty(
    staff_client, alice, bob, session, agency, name, django_assert_num_queries
):
    make_rows(2, session=session, agency=agency, bob=bob, key=True)
    preview_file("届次,编号\n".encode(), "a.csv", by=alice)
    url = reverse(name)
    few = query_count(staff_client, url)

    make_rows(18, session=session, agency=agency, bob=bob, key=True)
    preview_file("届次,编号\n".encode(), "b.csv", by=alice)
    with django_assert_num_queries(few):
        staff_client.get(url)
    assert few == EXPECTED_QUERIES[name], f"{name}: {few} queries"


def test_the_proposal_list_pages_by_25(staff_client, session, agency, bob):
    ProposalFactory.create_batch(30, session=session)
    response = staff_client.get(reverse("staff:proposal-list"))
    assert len(response.context["page"].object_list) == 25
    response = staff_client.get(reverse("staff:proposal-list"), {"page": 2})
    assert len(response.context["page"].object_list) == 5


def titles(response) -> set[str]:
    return {p.title for p in response.context["page"]}


@pytest.fixture
def mix(session, agency, other_agency):
    """Proposals that differ in one way each, to check one filter at a time."""
    culture = CategoryFactory(name="文化")
    older = SessionFactory(term=15, meeting=3, year=2024, name="第十五届委员会第三次会议")
    party = SponsorFactory(name="民盟市委", kind=SponsorKind.PARTY)
    rows = {
        "submitted": ProposalFactory(session=session, title="待审查的提案"),
        "culture": ProposalFactory(session=session, title="文化类提案", category=culture),
        "older": ProposalFactory(session=older, title="往年的提案"),
        "key": ProposalFactory(session=session, title="重点提案", is_key=True),
        "published": ProposalFactory(
            session=session, title="已公开的提案", status=Status.CLOSED, is_published=True
        ),
        "party": ProposalFactory(session=session, title="民盟的提案", lead_sponsor=party),
    }
    handled = ProposalFactory(session=session, title="工信局办理中", status=Status.ASSIGNED)
    AssignmentFactory(
        proposal=handled, agency=agency, deadline=timezone.localdate() + dt.timedelta(days=30)
    )
    late = ProposalFactory(session=session, title="财政局逾期", status=Status.ASSIGNED)
    overdue_assignment(late, other_agency)
    # A withdrawn assignment no longer counts for its agency, nor as overdue.
    withdrawn = ProposalFactory(session=session, title="已调整的提案", status=Status.ASSIGNED)
    overdue_assignment(withdrawn, other_agency, state=AssignmentState.WITHDRAWN)
    rows.update(handled=handled, late=late, withdrawn=withdrawn)
    return rows


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"status": "submitted"},
            {"待审查的提案", "文化类提案", "往年的提案", "重点提案", "民盟的提案"},
        ),
        ({"category": "culture"}, {"文化类提案"}),
        ({"session": "older"}, {"往年的提案"}),
        ({"is_key": "yes"}, {"重点提案"}),
        ({"is_published": "yes"}, {"已公开的提案"}),
        ({"agency": "agency"}, {"工信局办理中"}),
        ({"agency": "other_agency"}, {"财政局逾期"}),
        ({"overdue": "yes"}, {"财政局逾期"}),
        ({"sponsor": "民盟"}, {"民盟的提案"}),
        ({"q": "文化"}, {"文化类提案"}),
    ],
)
def test_each_filter_of_the_proposal_list(
    staff_client, mix, agency, other_agency, params, expected
):
    lookups = {
        "culture": lambda: mix["culture"].category_id,
        "older": lambda: mix["older"].session_id,
        "agency": lambda: agency.pk,
        "other_agency": lambda: other_agency.pk,
    }
    query = {k: lookups[v]() if v in lookups else v for k, v in params.items()}
    assert titles(staff_client.get(reverse("staff:proposal-list"), query)) == expected


def test_searching_by_number_finds_the_proposal(staff_client, session):
    ProposalFactory(session=session, number=118, title="第118号")
    ProposalFactory(session=session, number=7, title="第7号")
    assert titles(staff_client.get(reverse("staff:proposal-list"), {"q": "118"})) == {"第118号"}


def test_the_overdue_board_lists_open_assignments_past_their_deadline(
    staff_client, mix, other_agency
):
    response = staff_client.get(reverse("staff:overdue"))
    rows = list(response.context["page"])
    assert [a.proposal.title for a in rows] == ["财政局逾期"]
    assert rows[0].overdue_days == 10
    assert "10 天" in response.content.decode()


def test_the_overdue_board_filters_by_agency_and_days(staff_client, session, agency, other_agency):
    overdue_assignment(
        ProposalFactory(session=session, title="工信局逾期3天", status=Status.ASSIGNED),
        agency,
        days=3,
    )
    overdue_assignment(
        ProposalFactory(session=session, title="财政局逾期40天", status=Status.ASSIGNED),
        other_agency,
        days=40,
    )

    def board(**params):
        response = staff_client.get(reverse("staff:overdue"), params)
        return [a.proposal.title for a in response.context["page"]]

    assert board() == ["财政局逾期40天", "工信局逾期3天"]
    assert board(agency=agency.pk) == ["工信局逾期3天"]
    assert board(min_days=30) == ["财政局逾期40天"]


def test_the_key_list_filters_by_supervisor(staff_client, session):
    zhang = UserFactory(username="zhang", role="", display_name="张副主席")
    li = UserFactory(username="li", role="", display_name="李副主席")
    ProposalFactory(session=session, title="张督办", is_key=True, supervisor=zhang)
    ProposalFactory(session=session, title="李督办", is_key=True, supervisor=li)
    ProposalFactory(session=session, title="不是重点")
    assert titles(staff_client.get(reverse("staff:key-list"))) == {"张督办", "李督办"}
    assert titles(staff_client.get(reverse("staff:key-list"), {"supervisor": zhang.pk})) == {
        "张督办"
    }


def test_the_requests_page_filters_by_agency(staff_client, session, agency, other_agency, bob):
    for target in (agency, other_agency):
        assignment = overdue_assignment(
            ProposalFactory(session=session, status=Status.ASSIGNED), target
        )
        ReassignmentRequest.objects.create(
            assignment=assignment, reason=f"{target.name}申请", requested_by=bob
        )
    response = staff_client.get(reverse("staff:requests"), {"agency": agency.pk})
    assert [r.reason for r in response.context["reassignments"]] == ["苏州市工业和信息化局申请"]


def test_the_publication_list_leaves_out_proposals_under_review(staff_client, mix):
    assert "待审查的提案" not in titles(staff_client.get(reverse("staff:publication")))
    assert titles(staff_client.get(reverse("staff:publication"), {"is_published": "yes"})) == {
        "已公开的提案"
    }


def test_a_proposal_with_two_agencies_is_listed_once(staff_client, session, agency, other_agency):
    proposal = ProposalFactory(session=session, status=Status.ASSIGNED)
    AssignmentFactory(proposal=proposal, agency=agency)
    AssignmentFactory(proposal=proposal, agency=other_agency, role=AssignmentRole.JOINT)
    response = staff_client.get(reverse("staff:proposal-list"), {"overdue": "no"})
    assert [p.pk for p in response.context["page"]] == [proposal.pk]
    assert Proposal.objects.count() == 1 and Assignment.objects.count() == 2
