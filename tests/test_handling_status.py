"""One place decides a proposal's status and each assignment's state (responses.handling):
the rules as a table, then the cases that went wrong through the services — 分办 with a
reassignment approved without a new agency, an orphaned proposal, closing with an
assisting agency still open, merging — and the migration that mends old data."""

import datetime as dt
import importlib
from pathlib import Path

import pytest
import time_machine
from django.apps import apps as django_apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse

from proposals.models import Action, Event, Status
from proposals.policies import staff_actions
from responses import closing, handling, reminders, services, timeliness
from responses.handling import Part
from responses.models import (
    AssignmentState,
    ReplyDocument,
    Role,
    Satisfaction,
)
from responses.services import TransitionError
from staff.selectors import dashboard_counts, overdue_board
from tests.factories import (
    AgencyFactory,
    AssignmentFactory,
    OfficerFactory,
    ProposalFactory,
    home_committee,
)

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
S = AssignmentState

# --- The rules, as a table ----------------------------------------------------------------


def part(role, state, evaluated=False):
    return Part(role, state, evaluated)


STATUS_TABLE = [
    # (label, current status, assignments, derived status)
    ("nothing assigned yet", Status.REGISTERED, [], Status.REGISTERED),
    ("sole waiting to sign", Status.ASSIGNED, [part(Role.SOLE, S.PENDING)], Status.ASSIGNED),
    ("just assigned", Status.REGISTERED, [part(Role.SOLE, S.PENDING)], Status.ASSIGNED),
    (
        "sole asking to be reassigned still owes",
        Status.ASSIGNED,
        [part(Role.SOLE, S.REASSIGNMENT_REQUESTED)],
        Status.ASSIGNED,
    ),
    (
        "only agency withdrawn: to be assigned again",
        Status.ASSIGNED,
        [part(Role.SOLE, S.WITHDRAWN)],
        Status.REGISTERED,
    ),
    (
        "lead withdrawn, the assisting agency alone cannot reply",
        Status.ASSIGNED,
        [part(Role.LEAD, S.WITHDRAWN), part(Role.ASSISTING, S.OPINION_FILED)],
        Status.REGISTERED,
    ),
    (
        "lead replied, assisting never answered",
        Status.ASSIGNED,
        [part(Role.LEAD, S.REPLIED), part(Role.ASSISTING, S.PENDING)],
        Status.REPLIED,
    ),
    (
        "lead replied and rated",
        Status.REPLIED,
        [part(Role.LEAD, S.REPLIED, evaluated=True), part(Role.JOINT, S.OPINION_FILED)],
        Status.EVALUATED,
    ),
    (
        "分办: A replied, B withdrawn without a replacement",
        Status.ASSIGNED,
        [part(Role.SEPARATE, S.REPLIED), part(Role.SEPARATE, S.WITHDRAWN)],
        Status.REPLIED,
    ),
    (
        "分办: A replied, B still handling",
        Status.ASSIGNED,
        [part(Role.SEPARATE, S.REPLIED), part(Role.SEPARATE, S.ACCEPTED)],
        Status.ASSIGNED,
    ),
    (
        "分办: A rated, B replied but not rated",
        Status.REPLIED,
        [part(Role.SEPARATE, S.REPLIED, True), part(Role.SEPARATE, S.REPLIED)],
        Status.REPLIED,
    ),
    (
        "分办: both rated",
        Status.REPLIED,
        [part(Role.SEPARATE, S.REPLIED, True), part(Role.SEPARATE, S.REPLIED, True)],
        Status.EVALUATED,
    ),
    (
        "分办: a withdrawn agency's old rating does not count",
        Status.REPLIED,
        [part(Role.SEPARATE, S.REPLIED, True), part(Role.SEPARATE, S.WITHDRAWN, False)],
        Status.EVALUATED,
    ),
    (
        "sent back after 不满意",
        Status.EVALUATED,
        [part(Role.SOLE, S.REHANDLING, True)],
        Status.REHANDLING,
    ),
    (
        "re-handling beside a new agency",
        Status.REHANDLING,
        [part(Role.SEPARATE, S.REHANDLING), part(Role.SEPARATE, S.PENDING)],
        Status.REHANDLING,
    ),
    (
        "a reply reopened in its first round",
        Status.REPLIED,
        [part(Role.SOLE, S.ACCEPTED)],
        Status.ASSIGNED,
    ),
    (
        "an added agency owes a reply",
        Status.REPLIED,
        [part(Role.SEPARATE, S.REPLIED), part(Role.SEPARATE, S.PENDING)],
        Status.ASSIGNED,
    ),
    (
        "closed stays closed",
        Status.CLOSED,
        [part(Role.LEAD, S.REPLIED, True), part(Role.ASSISTING, S.ENDED)],
        Status.CLOSED,
    ),
    (
        "merged stays merged",
        Status.MERGED,
        [part(Role.SOLE, S.ENDED)],
        Status.MERGED,
    ),
    ("review is a staff decision", Status.SUBMITTED, [], Status.SUBMITTED),
    ("rejected stays rejected", Status.REJECTED, [], Status.REJECTED),
]


@pytest.mark.parametrize(
    ("current", "parts", "expected"),
    [row[1:] for row in STATUS_TABLE],
    ids=[row[0] for row in STATUS_TABLE],
)
def test_the_status_is_derived_from_the_assignments(current, parts, expected):
    assert handling.derived_status(current, parts) == expected


def test_a_closed_proposal_sent_back_is_derived_again():
    parts = [part(Role.SOLE, S.REHANDLING, True), part(Role.ASSISTING, S.ENDED)]
    assert handling.derived_status(Status.CLOSED, parts) == Status.CLOSED
    assert handling.derived_status(Status.CLOSED, parts, reopen=True) == Status.REHANDLING


STATE_TABLE = [
    # (proposal status, assignment state, the state it should be in)
    (Status.CLOSED, S.PENDING, S.ENDED),
    (Status.CLOSED, S.ACCEPTED, S.ENDED),
    (Status.CLOSED, S.REASSIGNMENT_REQUESTED, S.ENDED),
    (Status.CLOSED, S.REHANDLING, S.ENDED),
    (Status.CLOSED, S.REPLIED, S.REPLIED),
    (Status.CLOSED, S.OPINION_FILED, S.OPINION_FILED),
    (Status.CLOSED, S.WITHDRAWN, S.WITHDRAWN),
    (Status.MERGED, S.PENDING, S.ENDED),
    (Status.EVALUATED, S.PENDING, S.PENDING),
    (Status.ASSIGNED, S.ACCEPTED, S.ACCEPTED),
]


@pytest.mark.parametrize(("status", "state", "expected"), STATE_TABLE)
def test_each_assignment_state_follows_its_proposal(status, state, expected):
    assert handling.derived_state(status, state) == expected


@pytest.mark.parametrize(
    ("role", "state", "owes"),
    [
        (Role.SOLE, S.PENDING, True),
        (Role.LEAD, S.REHANDLING, True),
        (Role.SEPARATE, S.REASSIGNMENT_REQUESTED, True),
        (Role.SEPARATE, S.REPLIED, False),
        (Role.SEPARATE, S.WITHDRAWN, False),
        (Role.LEAD, S.ENDED, False),
        (Role.JOINT, S.PENDING, False),
        (Role.ASSISTING, S.ACCEPTED, False),
    ],
)
def test_who_owes_a_reply(role, state, owes):
    assert handling.owes_reply(part(role, state)) is owes


# --- Through the services -----------------------------------------------------------------

ASSIGNED_AT = dt.datetime(2025, 3, 20, 10, 0, tzinfo=SHANGHAI)


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), SHANGHAI), tick=False)


@pytest.fixture
def registered(session, sponsor):
    return ProposalFactory(
        session=session, number=118, status=Status.REGISTERED, lead_sponsor=sponsor
    )


def ready_document(reply, by):
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


def reply_and_confirm(assignment, officer, day):
    with at(day):
        reply = services.file_reply(
            assignment,
            classification="A",
            replied_at=dt.datetime.combine(day, dt.time(9), SHANGHAI),
            signer="张局长",
            by=officer,
        )
        ready_document(reply, officer)
        services.confirm_reply(reply, by=officer)
    return reply


def test_separate_handling_with_a_reassignment_approved_without_a_new_agency(
    registered, agency, other_agency, bob, charlie, alice
):
    """The reported case: A replies, B is withdrawn without a replacement. Nobody owes a
    reply any more, so the proposal is 已答复 and can be closed."""
    with at(ASSIGNED_AT.date()):
        first, second = services.assign_proposal(
            registered, agencies=[(agency, Role.SEPARATE), (other_agency, Role.SEPARATE)], by=alice
        )
    with at(dt.date(2025, 3, 21)):
        services.accept_assignment(first, by=bob)
        request = services.request_reassignment(
            second, reason="不属于我局职责", suggested_agency="苏州市数据局", by=charlie
        )
    reply_and_confirm(first, bob, dt.date(2025, 3, 25))
    registered.refresh_from_db()
    assert registered.status == Status.ASSIGNED  # B still owes its reply

    with at(dt.date(2025, 3, 26)):
        services.decide_reassignment(request, approve=True, note="同意调整", by=alice)

    registered.refresh_from_db()
    second.refresh_from_db()
    assert second.state == AssignmentState.WITHDRAWN
    assert registered.status == Status.REPLIED
    assert handling.owing_reply(registered) == []
    assert registered.events.filter(
        action=Action.DECIDE_REASSIGNMENT,
        assignment_id=None,
        from_state=Status.ASSIGNED,
        to_state=Status.REPLIED,
    ).exists()
    with at(dt.date(2025, 4, 2)):
        closing.close_proposal(registered, by=alice)
    registered.refresh_from_db()
    assert registered.status == Status.CLOSED


def test_an_only_agency_withdrawn_without_a_replacement_sends_the_proposal_back_to_assign(
    registered, agency, other_agency, bob, alice
):
    with at(ASSIGNED_AT.date()):
        (sole,) = services.assign_proposal(registered, agencies=[(agency, Role.SOLE)], by=alice)
        request = services.request_reassignment(sole, reason="不属于我局职责", by=bob)
        services.decide_reassignment(request, approve=True, by=alice)

    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED
    assert registered.events.filter(
        action=Action.DECIDE_REASSIGNMENT, from_state=Status.ASSIGNED, to_state=Status.REGISTERED
    ).exists()
    assert dashboard_counts(home_committee())["to_assign"] == 1
    assert "assign" in staff_actions(alice, registered)

    with at(ASSIGNED_AT.date()):
        (again,) = services.assign_proposal(
            registered, agencies=[(other_agency, Role.SOLE)], by=alice
        )
    registered.refresh_from_db()
    assert registered.status == Status.ASSIGNED and again.state == AssignmentState.PENDING


def test_assigning_again_keeps_the_assisting_agency_and_fits_the_new_roles_to_it(
    registered, agency, other_agency, bob, alice
):
    helper_agency = AgencyFactory(name="苏州市数据局")
    with at(ASSIGNED_AT.date()):
        lead, helper = services.assign_proposal(
            registered, agencies=[(agency, Role.LEAD), (helper_agency, Role.ASSISTING)], by=alice
        )
        request = services.request_reassignment(lead, reason="不属于我局职责", by=bob)
        services.decide_reassignment(request, approve=True, by=alice)
    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED  # an assisting agency cannot reply

    with pytest.raises(TransitionError, match="独办只能有一个"):
        services.assign_proposal(registered, agencies=[(other_agency, Role.SOLE)], by=alice)
    with pytest.raises(TransitionError, match="苏州市数据局已在办理此提案"):
        services.assign_proposal(registered, agencies=[(helper_agency, Role.LEAD)], by=alice)
    services.assign_proposal(registered, agencies=[(other_agency, Role.LEAD)], by=alice)
    registered.refresh_from_db()
    helper.refresh_from_db()
    assert registered.status == Status.ASSIGNED
    assert helper.state == AssignmentState.PENDING


def test_the_staff_decision_form_offers_the_agency_the_officer_suggested(
    client, registered, agency, other_agency, bob, alice
):
    with at(ASSIGNED_AT.date()):
        (sole,) = services.assign_proposal(registered, agencies=[(agency, Role.SOLE)], by=alice)
        request = services.request_reassignment(
            sole, reason="属于财政职责", suggested_agency="财政局", by=bob
        )
    client.force_login(alice)
    url = reverse("staff:reassignment-decide", args=[request.pk])

    response = client.get(url)

    assert response.context["form"].initial == {"new_agency": other_agency.name}
    assert f'value="{other_agency.name}"' in response.content.decode()

    request.suggested_agency = "不知道哪个单位"
    request.save()
    assert client.get(url).context["form"].initial == {}


@pytest.fixture
def closed_with_waived_assisting(registered, agency, sponsor, alice, bob):
    """The reported case: 主办 工信局 + 协办 数据局; the joint opinion waived; the lead
    replies and confirms; the sponsor rates; staff close."""
    data_bureau = AgencyFactory(name="苏州市数据局")
    officer = OfficerFactory(username="dan", agency=data_bureau)
    with at(ASSIGNED_AT.date()):
        lead, assisting = services.assign_proposal(
            registered, agencies=[(agency, Role.LEAD), (data_bureau, Role.ASSISTING)], by=alice
        )
        services.accept_assignment(lead, by=bob)
    with at(dt.date(2025, 4, 25)):
        services.waive_joint_opinions(lead, by=alice, note="协办单位机构调整")
    reply = reply_and_confirm(lead, bob, dt.date(2025, 5, 20))
    with at(dt.date(2025, 5, 30)):
        services.record_feedback(
            reply, sponsor=sponsor, satisfaction=Satisfaction.SATISFIED, by=alice
        )
    with at(dt.date(2025, 6, 5)):
        closing.close_proposal(registered, by=alice)
    assisting.refresh_from_db()
    registered.refresh_from_db()
    return registered, assisting, officer


def test_closing_ends_the_assisting_assignment_with_an_event(closed_with_waived_assisting):
    proposal, assisting, _officer = closed_with_waived_assisting
    assert proposal.status == Status.CLOSED
    assert assisting.state == AssignmentState.ENDED
    assert assisting.next_reminder_at is None
    event = Event.objects.get(assignment_id=assisting.pk, action=Action.CLOSE)
    assert (event.from_state, event.to_state) == (AssignmentState.PENDING, AssignmentState.ENDED)


def test_the_staff_page_no_longer_shows_the_ended_assignment_as_pending(
    client, alice, closed_with_waived_assisting
):
    proposal, assisting, _officer = closed_with_waived_assisting
    client.force_login(alice)
    with at(dt.date(2026, 12, 1)):
        response = client.get(reverse("staff:proposal-detail", args=[proposal.pk]))
    card = next(c for c in response.context["assignments"] if c["assignment"] == assisting)
    assert card["assignment"].get_state_display() == "已结束"
    assert not card["overdue"] and "remind" not in card["actions"]
    page = response.content.decode()
    assert '<span class="tag tag-state">已结束</span>' in page
    assert '<span class="tag tag-state">待签收</span>' not in page
    assert "tag-alert" not in page


def test_an_ended_assignment_is_never_overdue_reminded_or_urged(
    client, alice, closed_with_waived_assisting, django_capture_on_commit_callbacks
):
    _proposal, assisting, officer = closed_with_waived_assisting
    years_later = dt.date(2026, 12, 1)
    with at(years_later):
        assert list(overdue_board(home_committee())) == []
        assert dashboard_counts(home_committee())["overdue"] == 0
        assert reminders.target_of(assisting, reminders.Context.of(assisting)) is None
        with django_capture_on_commit_callbacks(execute=True):
            result = reminders.sweep()
        assert result.sent == []
        with pytest.raises(TransitionError, match="无需催办"):
            reminders.send_urgent_reminder(assisting, by=alice)
        client.force_login(officer)
        rows = client.get(reverse("officer:dashboard")).context["rows"]
    assert [(row["assignment"].pk, row["overdue"]) for row in rows] == [(assisting.pk, False)]
    assert rows[0]["waiting"] == []
    assert not assisting.reminders.exists()


def test_waiving_opinions_stops_the_assisting_agency_owing_one(
    registered, agency, other_agency, bob, alice
):
    with at(ASSIGNED_AT.date()):
        lead, assisting = services.assign_proposal(
            registered, agencies=[(agency, Role.LEAD), (other_agency, Role.ASSISTING)], by=alice
        )
        services.waive_joint_opinions(lead, by=alice)
    assisting.refresh_from_db()
    assert assisting.opinions_waived and assisting.state == AssignmentState.PENDING
    with at(dt.date(2025, 5, 1)):  # its opinion deadline has passed
        assert not timeliness.is_overdue(assisting)
        assert list(overdue_board(home_committee())) == []
        with pytest.raises(TransitionError, match="已免于等待"):
            reminders.send_urgent_reminder(assisting, by=alice)


def test_merging_ends_what_is_still_open_on_the_merged_proposal(
    session, registered, agency, other_agency, bob, alice
):
    """A proposal back to 已立案 after its lead's withdrawal, its assisting agency still on
    it, is merged into another: the assisting assignment ends with it."""
    with at(ASSIGNED_AT.date()):
        lead, assisting = services.assign_proposal(
            registered, agencies=[(agency, Role.LEAD), (other_agency, Role.ASSISTING)], by=alice
        )
        request = services.request_reassignment(lead, reason="不属于我局职责", by=bob)
        services.decide_reassignment(request, approve=True, by=alice)
    target = ProposalFactory(session=session, number=119, status=Status.REGISTERED)

    closing.merge_proposal(registered, into=target, by=alice)

    registered.refresh_from_db()
    assisting.refresh_from_db()
    assert registered.status == Status.MERGED
    assert assisting.state == AssignmentState.ENDED
    assert Event.objects.filter(
        assignment_id=assisting.pk, action=Action.MERGE, to_state=AssignmentState.ENDED
    ).exists()


def test_sending_a_closed_proposal_back_reopens_it(
    registered, agency, sponsor, bob, alice, django_capture_on_commit_callbacks
):
    with at(ASSIGNED_AT.date()):
        (sole,) = services.assign_proposal(registered, agencies=[(agency, Role.SOLE)], by=alice)
        services.accept_assignment(sole, by=bob)
    reply = reply_and_confirm(sole, bob, dt.date(2025, 5, 20))
    with at(dt.date(2025, 5, 30)):
        services.record_feedback(reply, sponsor=sponsor, satisfaction="dissatisfied", by=alice)
        closing.close_proposal(registered, by=alice)
        services.send_back_for_rehandling(sole, by=alice, note="提案人不满意")
    registered.refresh_from_db()
    assert (registered.status, registered.closed_at) == (Status.REHANDLING, None)


def test_no_service_writes_a_status_of_its_own():
    """Only responses.handling moves a proposal under handling (through move_proposal)."""
    base = Path(settings.BASE_DIR)
    for module in sorted((base / "responses" / "services").glob("*.py")):
        handling_services = module.read_text(encoding="utf-8")
        assert "move_proposal" not in handling_services, module.name
        assert "update(status" not in handling_services, module.name
    assert "update(status" not in (base / "proposals" / "services.py").read_text(encoding="utf-8")


# --- Data made before: the migration ------------------------------------------------------


def test_the_migration_ends_open_assignments_of_closed_and_merged_proposals(session, agency):
    migration = importlib.import_module("responses.migrations.0013_assignment_ended")
    closed_at = dt.datetime(2023, 6, 1, 10, tzinfo=SHANGHAI)
    closed = ProposalFactory(session=session, status=Status.CLOSED, closed_at=closed_at)
    AssignmentFactory(proposal=closed, agency=agency, role=Role.LEAD, state=S.REPLIED)
    stale = AssignmentFactory(
        proposal=closed,
        role=Role.ASSISTING,
        state=S.PENDING,
        deadline=dt.date(2023, 5, 22),
        opinion_deadline=dt.date(2023, 3, 20),
        next_reminder_at=closed_at,
    )
    running = AssignmentFactory(role=Role.LEAD, state=S.ACCEPTED, opinions_waived=True)
    helper = AssignmentFactory(proposal=running.proposal, role=Role.JOINT, state=S.PENDING)

    migration.end_open_assignments(django_apps, None)
    migration.carry_waivers_to_helpers(django_apps, None)

    stale.refresh_from_db()
    helper.refresh_from_db()
    assert (stale.state, stale.completed_at, stale.next_reminder_at) == (
        S.ENDED,
        closed_at,
        None,
    )
    assert Event.objects.filter(assignment_id=stale.pk, action="close", to_state=S.ENDED).exists()
    assert helper.opinions_waived and helper.state == S.PENDING
    running.refresh_from_db()
    assert running.state == S.ACCEPTED
