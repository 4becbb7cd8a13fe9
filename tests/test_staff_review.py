"""审查 through the staff UI: register, reject with a reason, convert, merge — each one
service call, its refusal shown in Chinese, and its audit record."""

import pytest
from django.urls import reverse

from proposals.models import Action, Event, Proposal, Status
from tests.staff_data import registered, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def proposal(alice, session, sponsor):
    return submitted(alice, session, sponsor, number=118)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_staff_register_a_submitted_proposal_with_a_note(staff_client, alice, proposal):
    response = staff_client.post(
        reverse("staff:proposal-register", args=[proposal.pk]),
        {"note": "符合立案标准"},
        follow=True,
    )
    assert messages_of(response) == ["第118号已立案。"]
    proposal.refresh_from_db()
    assert proposal.status == Status.REGISTERED
    assert proposal.review_note == "符合立案标准"
    event = Event.objects.get(proposal=proposal, action=Action.REGISTER)
    assert (event.actor, event.from_state, event.to_state) == (
        alice,
        Status.SUBMITTED,
        Status.REGISTERED,
    )


def test_registering_twice_is_refused_with_the_services_message(staff_client, proposal):
    url = reverse("staff:proposal-register", args=[proposal.pk])
    staff_client.post(url, follow=True)
    response = staff_client.post(url, follow=True)
    assert messages_of(response) == ["提案第118号当前状态为“已立案”，不能立案。"]
    assert Event.objects.filter(proposal=proposal, action=Action.REGISTER).count() == 1


def test_a_rejection_needs_a_reason(staff_client, proposal):
    url = reverse("staff:proposal-reject", args=[proposal.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"reason": "  "})
    assert response.context["form"].errors["reason"] == ["请填写不予立案的理由。"]
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED
    assert not Event.objects.filter(action=Action.REJECT).exists()


def test_staff_reject_a_proposal_with_its_reason(staff_client, alice, proposal):
    response = staff_client.post(
        reverse("staff:proposal-reject", args=[proposal.pk]), {"reason": "属于个人诉求，不予立案"}
    )
    assert response.url == reverse("staff:proposal-detail", args=[proposal.pk])
    proposal.refresh_from_db()
    assert (proposal.status, proposal.review_note) == (Status.REJECTED, "属于个人诉求，不予立案")
    event = Event.objects.get(proposal=proposal, action=Action.REJECT)
    assert (event.actor, event.note) == (alice, "属于个人诉求，不予立案")


def test_staff_convert_a_proposal_to_an_opinion(staff_client, proposal):
    staff_client.post(
        reverse("staff:proposal-convert", args=[proposal.pk]), {"note": "转有关部门参考"}
    )
    proposal.refresh_from_db()
    assert proposal.status == Status.CONVERTED
    assert Event.objects.get(proposal=proposal, action=Action.CONVERT).note == "转有关部门参考"


def test_a_converted_proposal_cannot_be_converted_again(staff_client, proposal):
    url = reverse("staff:proposal-convert", args=[proposal.pk])
    staff_client.post(url, {"note": ""})
    response = staff_client.post(url, {"note": ""})
    assert response.context["form"].non_field_errors() == [
        "提案第118号当前状态为“转意见建议”，不能转意见建议。"
    ]


def test_staff_merge_a_proposal_into_another_by_its_number(
    staff_client, alice, session, sponsor, proposal
):
    target = registered(alice, session, sponsor, number=120, title="关于人工智能产业发展的提案")
    response = staff_client.post(
        reverse("staff:proposal-merge", args=[proposal.pk]), {"into_number": "120", "note": ""}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.merged_into) == (Status.MERGED, target)
    event = Event.objects.get(proposal=proposal, action=Action.MERGE)
    assert (event.note, event.data["into"]) == ("", 120)  # a number, said when shown
    page = staff_client.get(reverse("staff:proposal-detail", args=[proposal.pk]))
    assert "并入第120号提案办理" in page.content.decode()


def test_merging_into_a_missing_number_is_a_form_error(staff_client, proposal):
    response = staff_client.post(
        reverse("staff:proposal-merge", args=[proposal.pk]), {"into_number": "999", "note": ""}
    )
    assert response.context["form"].errors["into_number"] == [
        "第十五届委员会第四次会议没有第999号提案。"
    ]


def test_merging_into_a_proposal_not_yet_registered_is_refused(
    staff_client, alice, session, sponsor, proposal
):
    submitted(alice, session, sponsor, number=121)
    response = staff_client.post(
        reverse("staff:proposal-merge", args=[proposal.pk]), {"into_number": "121", "note": ""}
    )
    assert response.context["form"].non_field_errors() == [
        "第121号提案状态为“已提交”，不能作为并案的主提案。"
    ]
    assert Proposal.objects.get(pk=proposal.pk).status == Status.SUBMITTED


def test_review_buttons_follow_the_status(staff_client, alice, session, sponsor, proposal):
    page = staff_client.get(reverse("staff:proposal-detail", args=[proposal.pk])).content.decode()
    assert reverse("staff:proposal-register", args=[proposal.pk]) in page
    assert reverse("staff:proposal-assign", args=[proposal.pk]) not in page

    staff_client.post(reverse("staff:proposal-register", args=[proposal.pk]))
    page = staff_client.get(reverse("staff:proposal-detail", args=[proposal.pk])).content.decode()
    assert reverse("staff:proposal-register", args=[proposal.pk]) not in page
    assert reverse("staff:proposal-assign", args=[proposal.pk]) in page
