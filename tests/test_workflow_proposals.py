"""The life of a proposal up to assignment: each transition, legal and illegal."""

import pytest
from django.core.exceptions import PermissionDenied

from proposals import services
from proposals.models import Action, Event, Proposal, Status
from proposals.services import TransitionError
from responses import closing
from tests.factories import ProposalFactory, SponsorFactory


@pytest.fixture
def submitted(session, sponsor):
    return ProposalFactory(session=session, number=118, lead_sponsor=sponsor)


def test_staff_enters_a_proposal_with_the_next_free_number(session, sponsor, alice):
    ProposalFactory(session=session, number=7)
    co = SponsorFactory(name="张委员")
    proposal = services.create_proposal(
        session=session,
        title=" 关于推进人工智能的建议 ",
        body="内容",
        lead_sponsor=sponsor,
        co_sponsors=[co, sponsor],
        by=alice,
    )
    assert proposal.number == 8
    assert proposal.status == Status.SUBMITTED
    assert proposal.title == "关于推进人工智能的建议"
    assert proposal.lead_sponsor == sponsor
    assert proposal.co_sponsors == [co]
    assert proposal.events.get().action == Action.CREATE


def test_a_taken_number_is_refused_with_the_next_free_one_suggested(session, sponsor, alice):
    ProposalFactory(session=session, number=118)
    with pytest.raises(TransitionError, match="建议 119"):
        services.create_proposal(
            session=session, title="t", body="b", lead_sponsor=sponsor, number=118, by=alice
        )
    assert Proposal.objects.count() == 1


def test_a_proposal_without_title_is_refused(session, sponsor, alice):
    with pytest.raises(TransitionError, match="标题"):
        services.create_proposal(
            session=session, title="  ", body="b", lead_sponsor=sponsor, by=alice
        )


def test_an_officer_cannot_enter_proposals(session, sponsor, bob):
    with pytest.raises(PermissionDenied):
        services.create_proposal(session=session, title="t", body="b", lead_sponsor=sponsor, by=bob)


def test_a_draft_is_submitted_then_registered(session, sponsor, alice):
    proposal = services.create_proposal(
        session=session, title="t", body="b", lead_sponsor=sponsor, draft=True, by=alice
    )
    services.submit_proposal(proposal, by=alice)
    services.register_proposal(proposal, by=alice, note="符合立案条件")
    proposal.refresh_from_db()
    assert proposal.status == Status.REGISTERED
    assert proposal.reviewed_at is not None
    actions = list(proposal.events.order_by("id").values_list("action", "from_state", "to_state"))
    assert actions == [
        (Action.CREATE, "", Status.DRAFT),
        (Action.SUBMIT, Status.DRAFT, Status.SUBMITTED),
        (Action.REGISTER, Status.SUBMITTED, Status.REGISTERED),
    ]


def test_registering_twice_is_refused_and_records_nothing(submitted, alice):
    services.register_proposal(submitted, by=alice)
    with pytest.raises(TransitionError, match="已立案"):
        services.register_proposal(Proposal.objects.get(pk=submitted.pk), by=alice)
    assert submitted.events.filter(action=Action.REGISTER).count() == 1


def test_rejecting_needs_a_reason(submitted, alice):
    with pytest.raises(TransitionError, match="不予立案理由"):
        services.reject_proposal(submitted, reason=" ", by=alice)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    services.reject_proposal(submitted, reason="属于个人诉求", by=alice)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.review_note) == (Status.REJECTED, "属于个人诉求")


def test_a_rejected_proposal_cannot_be_registered(submitted, alice):
    services.reject_proposal(submitted, reason="理由", by=alice)
    with pytest.raises(TransitionError, match="不予立案"):
        services.register_proposal(submitted, by=alice)


def test_converting_turns_it_into_an_opinion(submitted, alice):
    services.convert_proposal(submitted, note="转社情民意", by=alice)
    submitted.refresh_from_db()
    assert submitted.status == Status.CONVERTED


def test_merging_names_the_target_and_keeps_its_sponsors(session, submitted, alice):
    target = ProposalFactory(session=session, number=5, status=Status.REGISTERED)
    closing.merge_proposal(submitted, into=target, by=alice)
    submitted.refresh_from_db()
    assert submitted.status == Status.MERGED
    assert submitted.merged_into == target
    assert submitted.review_note == ""  # no words stored: merged_into names the target
    from responses.handling import reply_sponsors

    assert set(reply_sponsors(target)) == {target.lead_sponsor, submitted.lead_sponsor}


def test_merging_into_itself_or_a_rejected_proposal_is_refused(session, submitted, alice):
    with pytest.raises(TransitionError, match="自己"):
        closing.merge_proposal(submitted, into=submitted, by=alice)
    rejected = ProposalFactory(session=session, number=6, status=Status.REJECTED)
    with pytest.raises(TransitionError, match="不能作为并案的主提案"):
        closing.merge_proposal(submitted, into=rejected, by=alice)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_merging_across_sessions_is_refused(submitted, alice):
    other = ProposalFactory(status=Status.REGISTERED)
    with pytest.raises(TransitionError, match="同一届次"):
        closing.merge_proposal(submitted, into=other, by=alice)


def test_publishing_needs_a_registered_proposal(
    submitted, alice, django_capture_on_commit_callbacks
):
    with pytest.raises(TransitionError, match="不能公开"):
        services.publish_proposal(submitted, by=alice)
    services.register_proposal(submitted, by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_proposal(submitted, by=alice)
    submitted.refresh_from_db()
    assert submitted.is_published and submitted.published_at
    with pytest.raises(TransitionError, match="已经公开"):
        services.publish_proposal(submitted, by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.unpublish_proposal(submitted, by=alice)
    assert not Proposal.objects.published().filter(pk=submitted.pk).exists()


def test_key_proposal_names_its_supervisor(submitted, alice, admin_user):
    services.set_key_proposal(submitted, is_key=True, supervisor=admin_user, by=alice)
    submitted.refresh_from_db()
    assert submitted.is_key and submitted.supervisor == admin_user
    assert Event.objects.filter(proposal=submitted, action=Action.SET_KEY).exists()


def test_updating_fields_records_what_changed(submitted, alice):
    services.update_proposal(submitted, title="新标题", body=submitted.body, by=alice)
    event = submitted.events.get(action=Action.UPDATE)
    assert event.data["fields"] == ["title"]
    with pytest.raises(TransitionError, match="不能修改"):
        services.update_proposal(submitted, status="closed", by=alice)


def test_closing_needs_every_reply(submitted, alice):
    with pytest.raises(TransitionError, match="已提交"):
        closing.close_proposal(submitted, by=alice)
