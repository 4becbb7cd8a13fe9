"""Dates on staff forms are the committee's (Asia/Shanghai) days, not UTC's: early in the
Beijing morning it is still the previous day in UTC."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from proposals.models import Proposal, ProposalKind
from responses.models import Role as AssignmentRole
from responses.services import assign_proposal
from tests.staff_data import registered, submitted

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
SEVEN_AM = dt.datetime(2025, 1, 20, 7, 0, tzinfo=BEIJING)  # 2025-01-19 23:00 UTC


@pytest.fixture
def staff_client(client, alice):
    client.force_login(alice)
    return client


def test_the_edit_form_shows_the_beijing_day_a_proposal_was_submitted(
    staff_client, alice, session, sponsor
):
    proposal = submitted(alice, session, sponsor)
    Proposal.objects.filter(pk=proposal.pk).update(submitted_at=SEVEN_AM)

    response = staff_client.get(reverse("staff:proposal-edit", args=[proposal.pk]))

    assert response.context["form"].initial["submitted_at"] == dt.date(2025, 1, 20)
    assert 'value="2025-01-20"' in response.content.decode()


def test_saving_the_edit_form_keeps_the_submission_moment(staff_client, alice, session, sponsor):
    proposal = submitted(alice, session, sponsor)
    Proposal.objects.filter(pk=proposal.pk).update(submitted_at=SEVEN_AM)

    response = staff_client.post(
        reverse("staff:proposal-edit", args=[proposal.pk]),
        {
            "kind": ProposalKind.SUGGESTION,
            "title": "关于加快发展新质生产力的建议（修改）",
            "lead_sponsor": sponsor.name,
            "co_sponsors": "",
            "category": "",
            "submitted_at": "2025-01-20",
            "body": "建议内容。",
        },
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title.endswith("（修改）")
    assert proposal.submitted_at == SEVEN_AM


def test_the_deadline_page_counts_the_limit_from_the_beijing_day_of_assignment(
    staff_client, alice, session, sponsor, agency
):
    proposal = registered(alice, session, sponsor)
    with time_machine.travel(dt.datetime(2025, 3, 20, 7, 0, tzinfo=BEIJING), tick=False):
        (assignment,) = assign_proposal(
            proposal, agencies=[(agency, AssignmentRole.SOLE)], by=alice
        )

        page = staff_client.get(reverse("staff:assignment-deadline", args=[assignment.pk]))

    content = page.content.decode()
    assert "交办 2025-03-20 + 6个月 = 2025-09-20" in content
    assert "2025-03-19" not in content
