"""`manage.py loaddemo`: idempotent demo data with proposal 118 exactly as published.

The command renders reply letters with LibreOffice and takes a while, so it runs once for
this module (twice, to show the second run changes nothing); the data are committed to
the test database and flushed when the module is done, so no other test sees them.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role as UserRole
from accounts.models import User
from demo.reference import LOGINS
from demo.seed import SEED_LETTER, SEED_PAGE
from proposals.models import Event, Proposal, Sponsor, SponsorKind, Status
from proposals.policies import sponsor_of
from responses import deadlines
from responses.models import (
    Assignment,
    AssignmentState,
    ExtensionRequest,
    Feedback,
    ReassignmentRequest,
    Reply,
    ReplyDocument,
    ReplyStatus,
    RequestStatus,
    Role,
    Satisfaction,
)
from responses.policies import agency_of

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SHANGHAI = ZoneInfo("Asia/Shanghai")


# --- the data, loaded twice ----------------------------------------------------------------


@dataclass
class Snapshot:
    counts: dict
    checksum: str


@dataclass
class Loaded:
    first_output: str
    second_output: str
    first: Snapshot
    second: Snapshot


def _local(moment):
    return timezone.localtime(moment).isoformat() if moment else None


def snapshot() -> Snapshot:
    """Row counts of every model of ours, and a checksum over the fields that matter."""
    counts = {
        model._meta.label: model.objects.count()
        for app in ("accounts", "proposals", "responses", "auth")
        for model in apps.get_app_config(app).get_models()
    }
    rows = []
    for p in Proposal.objects.select_related("session", "category", "supervisor", "merged_into"):
        rows.append((
            "proposal", p.session.name, p.number, p.kind, p.title,
            hashlib.sha256(p.body.encode()).hexdigest(), p.status, str(p.category),
            sorted((s.sponsor.name, s.is_lead, s.order) for s in p.sponsorships.all()),
            p.is_key, p.supervisor.username if p.supervisor else None, p.is_published,
            _local(p.published_at), _local(p.submitted_at), _local(p.reviewed_at),
            _local(p.closed_at), p.merged_into.number if p.merged_into else None,
        ))  # fmt: skip
    for a in Assignment.objects.select_related("proposal", "agency"):
        rows.append((
            "assignment", a.proposal.number, a.agency.name, a.role, a.state,
            _local(a.assigned_at), a.deadline.isoformat(), _local(a.accepted_at),
            _local(a.completed_at), a.opinions_waived,
        ))  # fmt: skip
    for r in Reply.objects.select_related("assignment__proposal", "assignment__agency"):
        rows.append((
            "reply", r.assignment.proposal.number, r.assignment.agency.name, r.round, r.status,
            r.classification, _local(r.replied_at), r.signer, r.is_public,
        ))  # fmt: skip
    for d in ReplyDocument.objects.select_related("reply__assignment__proposal"):
        rows.append((
            "document", d.reply.assignment.proposal.number, d.original_name, d.sha256, d.size,
            d.doc_type, d.render_status,
        ))  # fmt: skip
    for f in Feedback.objects.select_related("reply__assignment__proposal", "sponsor"):
        rows.append(
            (
                "feedback",
                f.reply.assignment.proposal.number,
                f.sponsor.name,
                f.satisfaction,
                _local(f.recorded_at),
            )
        )
    for e in Event.objects.select_related("proposal"):
        rows.append(
            ("event", e.proposal.number, e.action, e.from_state, e.to_state, _local(e.created_at))
        )
    for model in (ReassignmentRequest, ExtensionRequest):
        for q in model.objects.select_related("assignment__proposal"):
            rows.append(
                (model.__name__, q.assignment.proposal.number, q.status, _local(q.requested_at))
            )
    for u in User.objects.select_related("agency_membership__agency", "sponsor_account__sponsor"):
        rows.append(
            (
                "user",
                u.username,
                u.role,
                str(agency_of(u)),
                str(sponsor_of(u)),
                u.is_staff,
                u.is_superuser,
                u.password,
            )
        )
    digest = hashlib.sha256()
    for row in sorted(rows, key=repr):
        digest.update(repr(row).encode())
    return Snapshot(counts, digest.hexdigest())


def run_loaddemo() -> str:
    """As `make run` does: on a development machine, where DEBUG is on (pytest turns it
    off; loaddemo refuses to run with DEBUG off, see test_demo_production.py)."""
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("loaddemo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("demo-media")
    with override_settings(MEDIA_ROOT=str(media)), django_db_blocker.unblock():
        first_output = run_loaddemo()
        first = snapshot()
        second_output = run_loaddemo()
        second = snapshot()
        yield Loaded(first_output, second_output, first, second)
        call_command("flush", interactive=False, verbosity=0)


# --- idempotency ---------------------------------------------------------------------------


def test_loading_the_demo_a_second_time_changes_nothing_and_says_so(demo):
    assert "本次新建" in demo.first_output
    assert demo.second.counts == demo.first.counts
    assert demo.second.checksum == demo.first.checksum
    assert "演示数据已齐全，本次未做任何修改" in demo.second_output


def test_the_summary_counts_proposals_by_status(demo):
    for status in Status:
        count = Proposal.objects.filter(status=status).count()
        assert re.search(rf"{status.label}\s+{status.value}\s+{count}\n", demo.second_output)
    assert re.search(rf"合计\s+{Proposal.objects.count()}\n", demo.second_output)


# --- breadth -------------------------------------------------------------------------------


def test_the_demo_has_about_two_hundred_proposals_over_four_sessions(demo):
    assert 190 <= Proposal.objects.count() <= 230
    sessions = {
        (p.session.name, p.session.year) for p in Proposal.objects.select_related("session")
    }
    assert sessions == {
        ("第十五届委员会第二次会议", 2023),
        ("第十五届委员会第三次会议", 2024),
        ("第十五届委员会第四次会议", 2025),
        ("第十五届委员会第五次会议", 2026),
    }


def test_categories_follow_the_domain_proportions(demo):
    total = Proposal.objects.count()
    share = {
        name: Proposal.objects.filter(category__name=name).count() / total
        for name in ("经济", "政治", "文化", "社会", "生态文明", "其他")
    }
    assert 0.36 <= share["经济"] <= 0.50
    assert 0.22 <= share["社会"] <= 0.34
    assert share["经济"] > share["社会"] > share["生态文明"] > share["其他"] > 0
    assert all(value > 0 for value in share.values())


def test_every_status_of_a_proposal_is_present(demo):
    present = set(Proposal.objects.values_list("status", flat=True))
    assert present == set(Status.values)


def test_every_assignment_role_and_state_is_present(demo):
    assert set(Assignment.objects.values_list("role", flat=True)) == set(Role.values)
    assert set(Assignment.objects.values_list("state", flat=True)) == set(AssignmentState.values)


def test_agencies_have_pending_and_decided_requests(demo):
    for model in (ReassignmentRequest, ExtensionRequest):
        assert model.objects.filter(status=RequestStatus.PENDING).exists()
        assert model.objects.filter(status=RequestStatus.APPROVED).exists()
    assert ExtensionRequest.objects.filter(status=RequestStatus.REFUSED).exists()


def test_a_rejected_proposal_says_why_and_a_merged_one_names_its_target(demo):
    for proposal in Proposal.objects.filter(status=Status.REJECTED):
        assert proposal.review_note
    for proposal in Proposal.objects.filter(status=Status.MERGED):
        assert proposal.merged_into.session_id == proposal.session_id


def test_replies_and_feedback_cover_every_classification_and_satisfaction(demo):
    confirmed = Reply.objects.filter(status=ReplyStatus.CONFIRMED)
    assert set(confirmed.values_list("classification", flat=True)) == {"A", "B", "C"}
    assert Reply.objects.filter(status=ReplyStatus.DRAFT).exists()
    assert Reply.objects.filter(round=2).exists()  # answered again after 重新办理
    assert set(Feedback.objects.values_list("satisfaction", flat=True)) == set(Satisfaction.values)
    assert not ReplyDocument.objects.exclude(render_status="ready").exists()


def test_some_open_work_is_due_soon_and_some_is_overdue(demo):
    today = timezone.localdate()
    open_replies = Assignment.objects.open().owing_reply()
    assert open_replies.filter(deadline__gte=today, deadline__lte=today + timedelta(days=14))
    assert open_replies.filter(deadline__lt=today)
    assert open_replies.filter(deadline__gt=today + timedelta(days=14))


def test_key_proposals_have_a_supervisor_and_publication_varies(demo):
    key = Proposal.objects.filter(is_key=True)
    assert key.exists() and not key.filter(supervisor__isnull=True).exists()
    handled = Proposal.objects.filter(status__in=[Status.CLOSED, Status.EVALUATED])
    assert handled.filter(is_published=True).exists()
    assert handled.filter(is_published=False).exists()
    assert Event.objects.filter(action="unpublish").exists()


def test_sponsors_of_every_kind_lead_proposals(demo):
    kinds = set(
        Proposal.objects.values_list("sponsorships__sponsor__kind", flat=True).filter(
            sponsorships__is_lead=True
        )
    )
    assert kinds == set(SponsorKind.values)
    parties = set(Sponsor.objects.filter(kind=SponsorKind.PARTY).values_list("name", flat=True))
    assert parties == {"市民革", "市民盟", "市民建", "市民进", "市农工党", "市致公党",
                       "市九三学社", "市台盟"}  # fmt: skip
    assert Sponsor.objects.filter(kind=SponsorKind.FEDERATION, name="市工商联").exists()
    assert Proposal.objects.filter(sponsorships__is_lead=False).exists()  # co-sponsors


def test_every_change_left_an_audit_event_and_none_lies_in_the_future(demo):
    for proposal in Proposal.objects.prefetch_related("events"):
        actions = [event.action for event in proposal.events.all()]
        assert "create" in actions
        if proposal.status not in {Status.DRAFT, Status.SUBMITTED}:
            assert len(actions) >= 2
    assert not Event.objects.filter(created_at__gt=timezone.now()).exists()


# --- proposal 118 --------------------------------------------------------------------------


def seed_text() -> str:
    return SEED_PAGE.read_text(encoding="utf-8")


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def p118(demo):
    return Proposal.objects.get(session__term=15, session__meeting=4, number=118)


def test_proposal_118_has_the_seed_pages_title_number_kind_and_sponsor(p118):
    lines = [line.strip() for line in seed_text().splitlines()]
    title = lines[lines.index("标 题:") + 2]
    assert p118.title == title == "关于“人工智能+产业”深度融合,赋能新型工业化发展的建议"
    assert p118.number == 118 and p118.get_kind_display() == "建议"
    assert p118.session.name == "第十五届委员会第四次会议" and p118.session.year == 2025
    assert p118.category.name == "经济"
    assert p118.lead_sponsor.name == "市致公党"
    assert p118.lead_sponsor.kind == SponsorKind.PARTY
    assert p118.co_sponsors == []


def test_proposal_118_has_the_seed_body_in_paragraphs(p118):
    text = seed_text()
    body = text[text.index("建议内容:") + len("建议内容:") : text.index("承办单位:")]
    assert normalised(p118.body) == normalised(body)
    paragraphs = p118.body.split("\n\n")
    assert len(paragraphs) > 20
    assert paragraphs[1] == "(一)我市“人工智能+产业”融合发展的现状"
    assert all(paragraph == paragraph.strip() for paragraph in paragraphs)


def test_proposal_118_went_to_the_industry_bureau_alone_with_a_three_month_deadline(p118):
    (assignment,) = p118.assignments.select_related("agency")
    assert assignment.agency.name == "苏州市工业和信息化局"
    assert assignment.role == Role.LEAD
    assigned_on = timezone.localdate(assignment.assigned_at)
    assert assignment.deadline == assigned_on + relativedelta(months=3)
    assert "3个月" in deadlines.explain(assignment)


def test_proposal_118_was_answered_with_the_letter_byte_for_byte(p118):
    (reply,) = Reply.objects.filter(assignment__proposal=p118)
    assert reply.replied_at == datetime(2025, 6, 20, 14, 57, tzinfo=SHANGHAI)
    assert reply.classification == "A" and reply.status == ReplyStatus.CONFIRMED
    assert reply.is_public
    (document,) = reply.documents.all()
    letter = SEED_LETTER.read_bytes()
    with document.original.open("rb") as handle:
        assert handle.read() == letter
    assert document.sha256 == hashlib.sha256(letter).hexdigest()
    assert document.size == len(letter) and document.doc_type == "doc"
    assert document.original_name == "118号提案的答复.doc"
    assert document.render_status == "ready" and document.pdf.name


def test_proposal_118_is_published_at_the_seed_pages_time(p118):
    assert p118.is_published
    assert p118.published_at == datetime(2025, 10, 16, 12, 12, tzinfo=SHANGHAI)


# --- logins --------------------------------------------------------------------------------


@pytest.mark.parametrize("username", list(LOGINS))
def test_each_printed_demo_login_signs_in(demo, client, username):
    login = LOGINS[username]
    assert re.search(rf"{username}\s+/ {re.escape(login.password)}", demo.first_output)
    user = User.objects.get(username=username)
    # Meets the policy for this login's role (unsaved: the history holds it already).
    validate_password(
        login.password,
        User(
            username=username,
            role=user.role,
            is_staff=user.is_staff,
            is_superuser=user.is_superuser,
        ),
    )
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": login.password}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:after-login")


def test_the_demo_logins_have_one_role_each(demo):
    users = {u.username: u for u in User.objects.all()}
    assert users["staff"].role == UserRole.STAFF and users["staff"].is_staff
    assert users["gxj"].is_officer and agency_of(users["gxj"]).name == "苏州市工业和信息化局"
    assert users["czj"].is_officer and agency_of(users["czj"]).name == "苏州市财政局"
    assert users["zhigong"].is_sponsor_user and sponsor_of(users["zhigong"]).name == "市致公党"
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert users["admin"].role == UserRole.SYSTEM_ADMIN
    assert users["security"].role == UserRole.SECURITY_ADMIN and users["security"].is_staff
    assert users["auditor"].role == UserRole.AUDIT_ADMIN and not users["auditor"].is_superuser


def test_the_demo_prints_how_to_enrol_the_second_factor(demo):
    assert "扫描页面上的二维码" in demo.first_output


def test_the_staff_login_can_use_the_admin(demo, client):
    client.force_login(User.objects.get(username="staff"))
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:proposals_proposal_changelist")).status_code == 200
