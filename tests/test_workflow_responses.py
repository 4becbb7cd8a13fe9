"""Handling: assignment, requests, opinions, replies, feedback, re-handling, closing."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.utils import timezone

from proposals.models import Action, Status
from responses import closing, deadlines, services
from responses.models import (
    AssignmentState,
    ExtensionRequest,
    ReplyDocument,
    ReplyStatus,
    RequestStatus,
    Role,
)
from responses.services import TransitionError
from tests.factories import AgencyFactory, ProposalFactory, SponsorFactory, UserFactory

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
ASSIGNED_AT = dt.datetime(2025, 3, 20, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def registered(session, sponsor):
    return ProposalFactory(
        session=session, number=118, status=Status.REGISTERED, lead_sponsor=sponsor
    )


@pytest.fixture
def lead(registered, agency, alice):
    [assignment] = services.assign_proposal(
        registered, agencies=[(agency, Role.LEAD)], assigned_at=ASSIGNED_AT, by=alice
    )
    return assignment


def _ready_document(reply, by):
    document = ReplyDocument(
        reply=reply,
        original_name="答复.docx",
        sha256="0" * 64,
        size=3,
        doc_type="docx",
        render_status="ready",
        uploaded_by=by,
    )
    document.original.save("x.docx", ContentFile(b"abc"), save=False)
    document.pdf.save("x.pdf", ContentFile(b"%PDF-1.4"), save=False)
    document.save()
    return document


def _reply(assignment, by, **overrides):
    fields = {"classification": "A", "replied_at": timezone.now(), "signer": "张局长"}
    fields.update(overrides)
    reply = services.file_reply(assignment, by=by, **fields)
    _ready_document(reply, by)
    return reply


def test_assigning_gives_the_default_three_month_deadline_and_explains_it(lead, registered):
    registered.refresh_from_db()
    assert registered.status == Status.ASSIGNED
    assert lead.deadline == dt.date(2025, 6, 20)
    assert "交办 2025-03-20 + 3个月" in deadlines.explain(lead)
    assert lead.state == AssignmentState.PENDING
    assert lead.reassignment_deadline > lead.assigned_at.date()


def test_assigning_an_unregistered_proposal_is_refused(session, agency, alice):
    proposal = ProposalFactory(session=session, status=Status.SUBMITTED)
    with pytest.raises(TransitionError, match="只有已立案的提案可以交办"):
        services.assign_proposal(proposal, agencies=[(agency, Role.SOLE)], by=alice)
    assert not proposal.assignments.exists()


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        ([Role.SOLE, Role.JOINT], "独办只能有一个"),
        ([Role.LEAD, Role.LEAD], "主办单位只能有一个"),
        ([Role.JOINT], "必须指定一个主办单位"),
        ([Role.SEPARATE, Role.LEAD], "分办不能与主办"),
        ([Role.SEPARATE], "请选择独办"),
        ([], "至少选择一个"),
    ],
)
def test_illegal_role_combinations_are_refused(registered, alice, roles, message):
    agencies = [(AgencyFactory(), role) for role in roles]
    with pytest.raises(TransitionError, match=message):
        services.assign_proposal(registered, agencies=agencies, by=alice)
    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED
    assert not registered.assignments.exists()


def test_an_overridden_deadline_needs_a_reason_and_stays_within_six_months(
    registered, agency, alice
):
    with pytest.raises(TransitionError, match="理由"):
        services.assign_proposal(
            registered,
            agencies=[(agency, Role.SOLE)],
            by=alice,
            assigned_at=ASSIGNED_AT,
            deadline=dt.date(2025, 5, 1),
        )
    with pytest.raises(TransitionError, match="不能晚于"):
        services.assign_proposal(
            registered,
            agencies=[(agency, Role.SOLE)],
            by=alice,
            assigned_at=ASSIGNED_AT,
            deadline=dt.date(2025, 10, 9),
            deadline_reason="重大事项",
        )
    [assignment] = services.assign_proposal(
        registered,
        agencies=[(agency, Role.SOLE)],
        by=alice,
        assigned_at=ASSIGNED_AT,
        deadline=dt.date(2025, 5, 1),
        deadline_reason="两会前答复",
    )
    assert assignment.deadline == dt.date(2025, 5, 1)
    assert "两会前答复" in deadlines.explain(assignment)


def test_officer_accepts_own_assignment_but_not_another_agencys(lead, bob, charlie):
    with pytest.raises(PermissionDenied):
        services.accept_assignment(lead, by=charlie)
    services.accept_assignment(lead, by=bob)
    lead.refresh_from_db()
    assert lead.state == AssignmentState.ACCEPTED and lead.accepted_by == bob
    with pytest.raises(TransitionError, match="办理中"):
        services.accept_assignment(lead, by=bob)


def test_reassignment_within_the_window_and_approved_to_a_new_agency(
    lead, bob, alice, other_agency
):
    with time_machine.travel(ASSIGNED_AT + dt.timedelta(days=3)):
        request = services.request_reassignment(lead, reason="不属于我局职责", by=bob)
    lead.refresh_from_db()
    assert lead.state == AssignmentState.REASSIGNMENT_REQUESTED
    with pytest.raises(TransitionError, match="审批意见"):
        services.decide_reassignment(request, approve=False, by=alice)
    services.decide_reassignment(request, approve=True, new_agency=other_agency, by=alice)
    lead.refresh_from_db()
    assert lead.state == AssignmentState.WITHDRAWN
    new = lead.proposal.assignments.exclude(pk=lead.pk).get()
    assert (new.agency, new.role, new.state) == (other_agency, Role.LEAD, AssignmentState.PENDING)
    with pytest.raises(TransitionError, match="已于"):
        services.decide_reassignment(request, approve=True, by=alice)


def test_reassignment_after_the_window_is_refused(lead, bob):
    with (
        time_machine.travel(ASSIGNED_AT + dt.timedelta(days=30)),
        pytest.raises(TransitionError, match="已超过期限"),
    ):
        services.request_reassignment(lead, reason="不属于我局职责", by=bob)
    lead.refresh_from_db()
    assert lead.state == AssignmentState.PENDING


def test_a_refused_reassignment_resumes_the_assignment(lead, bob, alice):
    services.accept_assignment(lead, by=bob)
    with time_machine.travel(ASSIGNED_AT + dt.timedelta(days=2)):
        request = services.request_reassignment(lead, reason="理由", by=bob)
    services.decide_reassignment(request, approve=False, note="属于你局职责", by=alice)
    lead.refresh_from_db()
    assert lead.state == AssignmentState.ACCEPTED
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED


def test_an_extension_never_passes_six_months(lead, bob, alice):
    services.accept_assignment(lead, by=bob)
    with pytest.raises(TransitionError, match="延期不能超过2025-09-2"):
        services.request_extension(
            lead, requested_deadline=dt.date(2025, 10, 9), reason="需协调", by=bob
        )
    with pytest.raises(TransitionError, match="必须晚于"):
        services.request_extension(
            lead, requested_deadline=dt.date(2025, 6, 1), reason="需协调", by=bob
        )
    request = services.request_extension(
        lead, requested_deadline=dt.date(2025, 8, 20), reason="需协调多部门", by=bob
    )
    with pytest.raises(TransitionError, match="等待审批"):
        services.request_extension(
            lead, requested_deadline=dt.date(2025, 8, 21), reason="再次", by=bob
        )
    services.decide_extension(request, approve=True, by=alice)
    lead.refresh_from_db()
    assert lead.deadline == dt.date(2025, 8, 20)
    assert "延期至 2025-08-20" in deadlines.explain(lead)
    assert str(alice) in deadlines.explain(lead)
    assert ExtensionRequest.objects.get().status == RequestStatus.APPROVED


def test_an_officer_cannot_decide_extensions(lead, bob):
    services.accept_assignment(lead, by=bob)
    request = services.request_extension(
        lead, requested_deadline=dt.date(2025, 7, 1), reason="r", by=bob
    )
    with pytest.raises(PermissionDenied):
        services.decide_extension(request, approve=True, by=bob)


def test_the_lead_waits_for_joint_opinions_unless_waived(
    registered, agency, other_agency, bob, charlie, alice
):
    lead, joint = services.assign_proposal(
        registered, agencies=[(agency, Role.LEAD), (other_agency, Role.JOINT)], by=alice
    )
    assert joint.opinion_deadline is not None
    services.accept_assignment(lead, by=bob)
    with pytest.raises(TransitionError, match="尚未收到会办意见：苏州市财政局"):
        services.file_reply(
            lead, classification="A", replied_at=timezone.now(), signer="张局长", by=bob
        )
    with pytest.raises(TransitionError, match="会办、协办单位不直接答复"):
        services.file_reply(
            joint, classification="A", replied_at=timezone.now(), signer="x", by=charlie
        )
    services.file_joint_opinion(joint, body="同意主办单位意见", by=charlie)
    joint.refresh_from_db()
    assert joint.state == AssignmentState.OPINION_FILED
    reply = services.file_reply(
        lead, classification="B", replied_at=timezone.now(), signer="张局长", by=bob
    )
    assert reply.status == ReplyStatus.DRAFT


def test_staff_can_waive_a_missing_joint_opinion(registered, agency, other_agency, bob, alice):
    lead, _joint = services.assign_proposal(
        registered, agencies=[(agency, Role.LEAD), (other_agency, Role.ASSISTING)], by=alice
    )
    services.accept_assignment(lead, by=bob)
    services.waive_joint_opinions(lead, by=alice, note="协办单位机构调整")
    assert services.file_reply(
        lead, classification="A", replied_at=timezone.now(), signer="张局长", by=bob
    )


def test_reply_must_be_accepted_first_and_follow_the_scheme(lead, bob):
    with pytest.raises(TransitionError, match="请先签收"):
        services.file_reply(lead, classification="A", replied_at=timezone.now(), signer="x", by=bob)
    services.accept_assignment(lead, by=bob)
    with pytest.raises(TransitionError, match="A/B/C"):
        services.file_reply(lead, classification="D", replied_at=timezone.now(), signer="x", by=bob)
    with pytest.raises(TransitionError, match="签发人"):
        services.file_reply(lead, classification="A", replied_at=timezone.now(), signer=" ", by=bob)
    with pytest.raises(TransitionError, match="不能晚于现在"):
        services.file_reply(
            lead,
            classification="A",
            signer="x",
            by=bob,
            replied_at=timezone.now() + dt.timedelta(days=1),
        )


def test_confirming_needs_a_rendered_letter(lead, bob):
    services.accept_assignment(lead, by=bob)
    reply = services.file_reply(
        lead, classification="A", replied_at=timezone.now(), signer="张局长", by=bob
    )
    with pytest.raises(TransitionError, match="请先上传答复函"):
        services.confirm_reply(reply, by=bob)
    document = _ready_document(reply, bob)
    document.render_status = "rendering"
    document.save()
    with pytest.raises(TransitionError, match="尚未转换为 PDF"):
        services.confirm_reply(reply, by=bob)


def test_the_whole_life_of_a_proposal(
    registered, lead, bob, alice, sponsor, dora, django_capture_on_commit_callbacks
):
    services.accept_assignment(lead, by=bob)
    reply = _reply(lead, bob, summary="已纳入工作计划")
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_reply(reply, by=bob)
    registered.refresh_from_db()
    lead.refresh_from_db()
    assert registered.status == Status.REPLIED
    assert lead.state == AssignmentState.REPLIED
    with pytest.raises(TransitionError, match="已经确认"):
        services.confirm_reply(reply, by=bob)
    with pytest.raises(TransitionError, match="已确认，不能再更换附件"):
        services.attach_document(reply, upload=None, by=bob)

    services.record_feedback(
        reply, sponsor=sponsor, satisfaction="dissatisfied", comment="措施不具体", by=dora
    )
    registered.refresh_from_db()
    assert registered.status == Status.EVALUATED

    services.send_back_for_rehandling(lead, by=alice, note="提案人不满意")
    lead.refresh_from_db()
    registered.refresh_from_db()
    assert (lead.state, registered.status) == (AssignmentState.REHANDLING, Status.REHANDLING)
    assert lead.deadline > timezone.localdate()
    assert "重新办理" in deadlines.explain(lead)

    second = _reply(lead, bob, classification="B")
    assert second.round == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_reply(second, by=bob)
    services.record_feedback(second, sponsor=sponsor, satisfaction="basically", by=alice)
    registered.refresh_from_db()
    assert registered.status == Status.EVALUATED

    closing.close_proposal(registered, by=alice)
    registered.refresh_from_db()
    assert registered.status == Status.CLOSED and registered.closed_at
    actions = set(registered.events.values_list("action", flat=True))
    assert {
        Action.ASSIGN,
        Action.ACCEPT,
        Action.FILE_REPLY,
        Action.CONFIRM_REPLY,
        Action.RECORD_FEEDBACK,
        Action.SEND_BACK,
        Action.CLOSE,
    } <= actions


def test_separate_agencies_each_owe_a_reply(
    registered, agency, other_agency, bob, charlie, alice, django_capture_on_commit_callbacks
):
    first, second = services.assign_proposal(
        registered, agencies=[(agency, Role.SEPARATE), (other_agency, Role.SEPARATE)], by=alice
    )
    services.accept_assignment(first, by=bob)
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_reply(_reply(first, bob), by=bob)
    registered.refresh_from_db()
    assert registered.status == Status.ASSIGNED
    with pytest.raises(TransitionError, match="苏州市财政局"):
        closing.close_proposal(registered, by=alice)
    services.accept_assignment(second, by=charlie)
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_reply(_reply(second, charlie), by=charlie)
    registered.refresh_from_db()
    assert registered.status == Status.REPLIED


def test_rehandling_needs_a_dissatisfied_sponsor(
    lead, bob, alice, sponsor, django_capture_on_commit_callbacks
):
    services.accept_assignment(lead, by=bob)
    reply = _reply(lead, bob)
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_reply(reply, by=bob)
    with pytest.raises(TransitionError, match="不满意"):
        services.send_back_for_rehandling(lead, by=alice)
    services.record_feedback(reply, sponsor=sponsor, satisfaction="satisfied", by=alice)
    with pytest.raises(TransitionError, match="不满意"):
        services.send_back_for_rehandling(lead, by=alice)


def test_a_stranger_cannot_record_feedback(lead, bob, sponsor, django_capture_on_commit_callbacks):
    services.accept_assignment(lead, by=bob)
    reply = _reply(lead, bob)
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_reply(reply, by=bob)
    stranger = UserFactory(username="eve", role="sponsor")
    with pytest.raises(PermissionDenied):
        services.record_feedback(reply, sponsor=sponsor, satisfaction="satisfied", by=stranger)
    staff = UserFactory(username="staffer", role="staff")
    with pytest.raises(TransitionError, match="不是该提案的提案人"):
        services.record_feedback(
            reply, sponsor=SponsorFactory(), satisfaction="satisfied", by=staff
        )


def test_staff_reopen_a_confirmed_reply_with_a_reason(
    registered, lead, bob, alice, django_capture_on_commit_callbacks
):
    services.accept_assignment(lead, by=bob)
    reply = _reply(lead, bob)
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_reply(reply, by=bob)
    with pytest.raises(TransitionError, match="理由"):
        services.reopen_reply(reply, by=alice, note="")
    with django_capture_on_commit_callbacks(execute=True):
        services.reopen_reply(reply, by=alice, note="附件有误")
    reply.refresh_from_db()
    lead.refresh_from_db()
    registered.refresh_from_db()
    assert reply.status == ReplyStatus.DRAFT
    assert lead.state == AssignmentState.ACCEPTED
    assert registered.status == Status.ASSIGNED


def test_adding_an_agency_that_owes_a_reply_reopens_a_replied_proposal_with_its_event(
    registered, agency, other_agency, bob, charlie, alice, django_capture_on_commit_callbacks
):
    first, second = services.assign_proposal(
        registered, agencies=[(agency, Role.SEPARATE), (other_agency, Role.SEPARATE)], by=alice
    )
    for assignment, officer in ((first, bob), (second, charlie)):
        services.accept_assignment(assignment, by=officer)
        with django_capture_on_commit_callbacks(execute=True):
            services.confirm_reply(_reply(assignment, officer), by=officer)
    registered.refresh_from_db()
    assert registered.status == Status.REPLIED

    services.add_assignment(registered, agency=AgencyFactory(), role=Role.SEPARATE, by=alice)
    registered.refresh_from_db()
    assert registered.status == Status.ASSIGNED
    assert registered.events.filter(
        action=Action.ASSIGN, from_state=Status.REPLIED, to_state=Status.ASSIGNED
    ).exists()
