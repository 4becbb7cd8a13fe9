"""A deadline counted over a year whose holidays the calendar does not know yet: said once
per page, to those who can add the year (with a link to the calendar page); officers see
one neutral line that the deadline may move."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from proposals.models import Status
from responses.models import AssignmentState, DeadlineChange, DeadlineChangeKind
from responses.models import Role as AssignmentRole
from tests.factories import AgencyFactory, ProposalFactory, UserFactory
from tests.officer_data import make_assignment

pytestmark = pytest.mark.django_db

UNKNOWN = "2027 年的法定节假日尚未收录"
NEUTRAL = "2027 年节假日安排公布后，办理期限可能顺延。"


def counted_by_weekends(assignment):
    DeadlineChange.objects.create(
        assignment=assignment,
        kind=DeadlineChangeKind.SHIFT,
        day=dt.date(2027, 1, 20),
        date=dt.date(2027, 1, 20),
        calendar_known=False,
    )


@pytest.fixture
def proposal(agency, other_agency):
    """Four agencies, each with a deadline in 2027, whose holidays are not known."""
    proposal = ProposalFactory(status=Status.ASSIGNED)
    roles = [
        (agency, AssignmentRole.LEAD),
        (other_agency, AssignmentRole.JOINT),
        (AgencyFactory(name="苏州市数据局"), AssignmentRole.ASSISTING),
        (AgencyFactory(name="苏州市教育局"), AssignmentRole.ASSISTING),
    ]
    for each, role in roles:
        assignment = make_assignment(
            each,
            proposal=proposal,
            role=role,
            state=AssignmentState.ACCEPTED,
            deadline=dt.date(2027, 1, 20),
        )
        counted_by_weekends(assignment)
    return proposal


@pytest.fixture
def calendar_editor(db):
    """Staff with access to 数据管理, where the working calendar is edited."""
    return UserFactory(username="stella", role=Role.STAFF, is_staff=True)


def test_staff_who_can_edit_the_calendar_read_it_once_with_a_link(
    client, calendar_editor, proposal
):
    client.force_login(calendar_editor)
    page = client.get(reverse("staff:proposal-detail", args=[proposal.pk])).content.decode()
    assert page.count(UNKNOWN) == 1
    calendar = reverse("admin:responses_calendarday_changelist")
    assert f'<a href="{calendar}">工作日历调整</a>' in page
    assert client.get(calendar).status_code == 200


def test_staff_who_cannot_edit_the_calendar_get_the_neutral_line_once(client, alice, proposal):
    client.force_login(alice)
    page = client.get(reverse("staff:proposal-detail", args=[proposal.pk])).content.decode()
    assert UNKNOWN not in page
    assert page.count(NEUTRAL) == 1


def test_an_officer_reads_one_neutral_line_and_no_calendar_page(client, bob, proposal):
    client.force_login(bob)
    lead = proposal.assignments.get(role=AssignmentRole.LEAD)
    page = client.get(reverse("officer:assignment", kwargs={"assignment_id": lead.pk}))
    html = page.content.decode()
    assert UNKNOWN not in html
    assert "工作日历调整" not in html
    assert html.count(NEUTRAL) == 1


def test_a_finished_assignment_no_longer_mentions_it(client, bob, agency):
    done = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.REPLIED)
    counted_by_weekends(done)
    client.force_login(bob)
    page = client.get(reverse("officer:assignment", kwargs={"assignment_id": done.pk}))
    html = page.content.decode()
    assert UNKNOWN not in html and NEUTRAL not in html


def test_the_assign_page_says_it_once_for_the_computed_date(
    client, calendar_editor, session, time_machine
):
    time_machine.move_to(dt.datetime(2026, 10, 20, 2, 0, tzinfo=dt.UTC), tick=False)
    proposal = ProposalFactory(status=Status.REGISTERED, session=session)
    client.force_login(calendar_editor)
    page = client.get(reverse("staff:proposal-assign", args=[proposal.pk])).content.decode()
    assert page.count(UNKNOWN) == 1
    assert f'<a href="{reverse("admin:responses_calendarday_changelist")}">' in page
