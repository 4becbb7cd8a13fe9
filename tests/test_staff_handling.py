"""After the reply, through the staff UI: satisfaction recorded on the sponsor's behalf,
a reply sent back, re-handling after 不满意, closing, key proposals, publication and 催办,
and the history every proposal page shows."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from proposals.models import Action, Event, Status
from responses.models import AssignmentState, Feedback, ReplyStatus, Satisfaction
from tests.factories import UserFactory
from tests.staff_data import assigned, registered, replied, with_feedback

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def reply(alice, session, sponsor, agency):
    return replied(alice, session, sponsor, agency)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_staff_record_a_sponsors_satisfaction_on_their_behalf(staff_client, alice, reply, sponsor):
    url = reverse("staff:reply-feedback", args=[reply.pk])
    response = staff_client.get(url)
    assert response.context["form"].fields["sponsor"].initial == sponsor.pk

    staff_client.post(
        url, {"sponsor": sponsor.pk, "satisfaction": Satisfaction.BASICALLY, "comment": "电话征询"}
    )
    feedback = Feedback.objects.get(reply=reply)
    assert (feedback.satisfaction, feedback.recorded_by, feedback.comment) == (
        Satisfaction.BASICALLY,
        alice,
        "电话征询",
    )
    proposal = reply.assignment.proposal
    proposal.refresh_from_db()
    assert proposal.status == Status.EVALUATED
    recorded = Event.objects.get(action=Action.RECORD_FEEDBACK, assignment_id=reply.assignment_id)
    assert recorded.data["satisfaction"] == Satisfaction.BASICALLY
    # The status moves by responses.handling, with its own event.
    moved = Event.objects.get(action=Action.RECORD_FEEDBACK, assignment_id=None)
    assert (moved.from_state, moved.to_state) == (Status.REPLIED, Status.EVALUATED)


def test_feedback_without_a_choice_is_a_chinese_form_error(staff_client, reply, sponsor):
    response = staff_client.post(
        reverse("staff:reply-feedback", args=[reply.pk]), {"sponsor": sponsor.pk, "comment": ""}
    )
    assert response.context["form"].errors["satisfaction"] == ["该字段是必填项。"]
    assert not Feedback.objects.exists()


def test_only_the_proposals_sponsors_are_offered(staff_client, reply):
    response = staff_client.get(reverse("staff:reply-feedback", args=[reply.pk]))
    sponsors = response.context["form"].fields["sponsor"].queryset
    assert [s.name for s in sponsors] == ["市致公党"]


def test_staff_send_a_reply_back_to_its_agency_with_a_reason(staff_client, reply):
    url = reverse("staff:reply-reopen", args=[reply.pk])
    response = staff_client.post(url, {"note": ""})
    assert response.context["form"].errors["note"] == ["该字段是必填项。"]

    staff_client.post(url, {"note": "答复函缺少签发人"})
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.DRAFT
    assert reply.assignment.state == AssignmentState.ACCEPTED
    assert Event.objects.filter(action=Action.REOPEN_REPLY, note="答复函缺少签发人").exists()


def test_a_reply_the_sponsor_has_judged_cannot_be_sent_back(staff_client, reply, sponsor):
    with_feedback(reply, sponsor, Satisfaction.SATISFIED)
    response = staff_client.post(reverse("staff:reply-reopen", args=[reply.pk]), {"note": "退回"})
    assert response.context["form"].non_field_errors() == [
        "提案人已对该答复作出评价，不能退回；如不满意请安排重新办理。"
    ]


def test_staff_arrange_rehandling_after_a_dissatisfied_sponsor(staff_client, reply, sponsor):
    with_feedback(reply, sponsor, Satisfaction.DISSATISFIED)
    assignment = reply.assignment
    detail = staff_client.get(reverse("staff:proposal-detail", args=[assignment.proposal_id]))
    assert reverse("staff:assignment-send-back", args=[assignment.pk]) in detail.content.decode()

    with time_machine.travel(dt.datetime(2025, 7, 1, 10, tzinfo=dt.UTC), tick=False):
        staff_client.post(
            reverse("staff:assignment-send-back", args=[assignment.pk]),
            {"note": "提案人不满意，请重新办理", "deadline": ""},
        )
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.REHANDLING
    assert assignment.deadline == dt.date(2025, 8, 1)
    assignment.proposal.refresh_from_db()
    assert assignment.proposal.status == Status.REHANDLING
    assert Event.objects.filter(action=Action.SEND_BACK, assignment_id=assignment.pk).exists()


def test_rehandling_a_satisfied_reply_is_refused(staff_client, reply, sponsor):
    with_feedback(reply, sponsor, Satisfaction.SATISFIED)
    response = staff_client.post(
        reverse("staff:assignment-send-back", args=[reply.assignment_id]),
        {"note": "", "deadline": ""},
    )
    assert response.context["form"].non_field_errors() == [
        "只有提案人对答复不满意时才能安排重新办理。"
    ]


def test_staff_close_a_replied_proposal(staff_client, alice, reply):
    proposal = reply.assignment.proposal
    response = staff_client.post(reverse("staff:proposal-close", args=[proposal.pk]), follow=True)
    assert messages_of(response) == [f"第{proposal.number}号已办结。"]
    proposal.refresh_from_db()
    assert proposal.status == Status.CLOSED
    assert Event.objects.get(action=Action.CLOSE).actor == alice


def test_closing_while_an_agency_still_owes_its_reply_is_refused(
    staff_client, alice, session, sponsor, agency
):
    assignment = assigned(alice, session, sponsor, agency)
    proposal = assignment.proposal
    response = staff_client.post(reverse("staff:proposal-close", args=[proposal.pk]), follow=True)
    assert messages_of(response) == ["以下承办单位尚未答复，不能办结：苏州市工业和信息化局"]
    proposal.refresh_from_db()
    assert proposal.status == Status.ASSIGNED


# --- Supervision -----------------------------------------------------------------------
def test_staff_make_a_proposal_key_with_a_supervising_leader(staff_client, alice, session, sponsor):
    leader = UserFactory(username="leader", role="", display_name="张副主席")
    proposal = registered(alice, session, sponsor)
    url = reverse("staff:proposal-key", args=[proposal.pk])
    response = staff_client.post(url, {"is_key": "on", "supervisor": leader.pk}, follow=True)
    assert messages_of(response) == ["已设为重点提案。"]
    proposal.refresh_from_db()
    assert (proposal.is_key, proposal.supervisor) == (True, leader)
    event = Event.objects.get(action=Action.SET_KEY)
    assert event.data == {"is_key": True, "supervisor": "张副主席"}

    key_list = staff_client.get(reverse("staff:key-list")).content.decode()
    assert proposal.title in key_list and "张副主席" in key_list


def test_an_agency_officer_cannot_be_a_supervising_leader(
    staff_client, alice, bob, session, sponsor
):
    proposal = registered(alice, session, sponsor)
    response = staff_client.post(
        reverse("staff:proposal-key", args=[proposal.pk]), {"is_key": "on", "supervisor": bob.pk}
    )
    assert "supervisor" in response.context["form"].errors
    proposal.refresh_from_db()
    assert not proposal.is_key


def test_one_click_reminder_goes_through_the_reminder_machinery(
    staff_client, alice, bob, session, sponsor, agency, django_capture_on_commit_callbacks
):
    assignment = assigned(alice, session, sponsor, agency)
    url = reverse("staff:assignment-remind", args=[assignment.pk])
    overdue = reverse("staff:overdue")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"next": overdue}, follow=True)
    assert response.redirect_chain[-1][0] == overdue
    assert messages_of(response) == ["已向苏州市工业和信息化局发出催办。"]
    event = Event.objects.get(action=Action.REMIND)
    assert (event.actor, event.assignment_id) == (alice, assignment.pk)
    assert [m.to for m in mail.outbox] == [[bob.email]]

    # The machinery sends one 催办 per assignment a day: a second click is refused.
    response = staff_client.post(url, {"next": overdue}, follow=True)
    assert messages_of(response) == ["今天已经催办过该单位，请勿重复催办。"]
    assert Event.objects.filter(action=Action.REMIND).count() == 1


def test_a_reminder_never_redirects_off_site(staff_client, alice, bob, session, sponsor, agency):
    assignment = assigned(alice, session, sponsor, agency)
    response = staff_client.post(
        reverse("staff:assignment-remind", args=[assignment.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("staff:proposal-detail", args=[assignment.proposal_id])


# --- Publication -----------------------------------------------------------------------
def test_staff_publish_and_unpublish_a_proposal(staff_client, alice, reply):
    proposal = reply.assignment.proposal
    staff_client.post(reverse("staff:proposal-publish", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.is_published
    staff_client.post(reverse("staff:proposal-unpublish", args=[proposal.pk]), {"note": "信息有误"})
    proposal.refresh_from_db()
    assert not proposal.is_published
    actions = list(Event.objects.filter(actor=alice).values_list("action", flat=True))
    assert Action.PUBLISH in actions and Action.UNPUBLISH in actions


def test_a_proposal_still_under_review_cannot_be_published(staff_client, alice, session, sponsor):
    from tests.staff_data import submitted

    proposal = submitted(alice, session, sponsor, number=5)
    response = staff_client.post(reverse("staff:proposal-publish", args=[proposal.pk]), follow=True)
    assert messages_of(response) == ["提案第5号当前状态为“已提交”，不能公开。"]


def test_the_publication_list_says_which_proposals_have_a_public_reply(
    staff_client, alice, session, sponsor, agency, other_agency
):
    public = replied(alice, session, sponsor, agency, title="有公开答复的提案")
    hidden = replied(alice, session, sponsor, other_agency, title="答复不公开的提案")
    hidden.is_public = False
    hidden.save()
    response = staff_client.get(reverse("staff:publication"), {"public_reply": "yes"})
    titles = [p.title for p in response.context["page"]]
    assert titles == [public.assignment.proposal.title]
    detail = staff_client.get(
        reverse("staff:proposal-detail", args=[hidden.assignment.proposal_id])
    )
    assert "不公开的答复不会出现在公开网站上。" in detail.content.decode()


# --- History ---------------------------------------------------------------------------
def test_every_proposal_page_shows_its_history_in_chinese(
    staff_client, alice, session, sponsor, agency
):
    assignment = assigned(alice, session, sponsor, agency)
    response = staff_client.get(reverse("staff:proposal-detail", args=[assignment.proposal_id]))
    rows = response.context["history"]
    actions = [row.action for row in rows]
    assert actions == ["交办", "交办", "立案", "录入"]  # newest first
    create = next(row for row in rows if row.action == "录入")
    assert (create.actor, create.to_label) == ("王工作人员", "已提交")
    register = next(row for row in rows if row.action == "立案")
    assert (register.from_label, register.to_label) == ("已提交", "已立案")
    agency_row = next(row for row in rows if row.action == "交办" and row.agency)
    assert (agency_row.agency, agency_row.to_label) == (agency.name, "待签收")
    page = response.content.decode()
    assert "已提交 → 已立案" in page
    assert "王工作人员" in page


def test_the_dashboards_latest_events_name_the_agency_of_each_assignment(
    staff_client, alice, session, sponsor, agency
):
    assigned(alice, session, sponsor, agency)
    page = staff_client.get(reverse("staff:dashboard")).content.decode()
    assert f"交办（{agency.name}）" in page
