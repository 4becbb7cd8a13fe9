"""Every admin page opens, in Chinese, without N+1 queries.

The list of models comes from admin.site._registry, so a model registered later is
covered without touching this file, except that `world()` must make one row of it
(the change-page test says so when it finds none).
"""

import datetime as dt
import itertools

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals.models import (
    Action,
    Event,
    ImportBatch,
    ProposalView,
    PublicPage,
    SearchDocument,
    Status,
)
from responses.models import (
    AgencyMembership,
    Assignment,
    CommitteeRules,
    ExtensionRequest,
    Feedback,
    JointOpinion,
    ReassignmentRequest,
    ReplyDocument,
)
from tests.factories import (
    AssignmentFactory,
    OfficerFactory,
    ReplyFactory,
    SponsorFactory,
    SponsorUserFactory,
    home_committee,
)

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)
MODEL_IDS = [model._meta.label for model in MODELS]

_counter = itertools.count(1)


def world():
    """One row of every registered model, wired together as in real life."""
    n = next(_counter)
    sponsor = SponsorFactory(name=f"世界委员{n}")
    reply = ReplyFactory(assignment=AssignmentFactory(proposal__lead_sponsor=sponsor))
    assignment = reply.assignment
    proposal = assignment.proposal
    officer = OfficerFactory(username=f"officer{n}", agency=assignment.agency)
    SponsorUserFactory(username=f"member{n}", sponsor=sponsor)
    Event.objects.create(
        proposal=proposal,
        assignment_id=assignment.pk,
        actor=officer,
        action=Action.ACCEPT,
        from_state="pending",
        to_state="accepted",
    )
    ReassignmentRequest.objects.create(
        assignment=assignment, reason="不属于本单位职责", requested_by=officer
    )
    ExtensionRequest.objects.create(
        assignment=assignment,
        reason="需要调研",
        requested_by=officer,
        requested_deadline=assignment.deadline + dt.timedelta(days=30),
        previous_deadline=assignment.deadline,
    )
    joint = AssignmentFactory(proposal=proposal, role="joint")
    JointOpinion.objects.create(assignment=joint, body="会办意见", filed_by=officer)
    ReplyDocument.objects.create(
        reply=reply,
        original=f"replies/originals/2025/06/{n}.docx",
        original_name=f"答复函{n}.docx",
        sha256=f"{n:064x}",
        size=1024,
        doc_type="docx",
    )
    Feedback.objects.create(reply=reply, sponsor=sponsor, satisfaction="satisfied")
    SearchDocument.objects.create(proposal=proposal, content=proposal.title, tokens=" 关于 ")
    ImportBatch.objects.create(
        committee=home_committee(),
        original_name=f"往年提案{n}.xlsx",
        sha256=f"{n:064x}",
        content=b"PK",
        created_by=officer,
    )
    ProposalView.objects.create(proposal=proposal, visitor=f"{n:032x}", day=timezone.localdate())
    PublicPage.objects.create(
        proposal=proposal, language="zh-hans", version=timezone.now(), release="r", html="<p>"
    )
    CommitteeRules.objects.get_or_create(committee=home_committee())
    Group.objects.create(name=f"组{n}")
    _reminder_rows(n, assignment, officer)
    _axes_rows(n)
    return proposal


def _reminder_rows(n, assignment, officer):
    from responses.models import (
        CalendarDay,
        Delivery,
        Notification,
        Reminder,
        ReminderSettings,
        SmsMessage,
    )

    CalendarDay.objects.create(
        date=dt.date(2030, 1, 1) + dt.timedelta(days=n), is_working_day=False, name="假日"
    )
    ReminderSettings.objects.get_or_create(committee=home_committee())
    reminder = Reminder.objects.create(
        assignment=assignment,
        kind="before",
        due_on=assignment.deadline - dt.timedelta(days=7),
        deadline=assignment.deadline,
        days_left=7,
    )
    delivery = Delivery.objects.create(kind="digest", recipient=officer, day=timezone.localdate())
    Notification.objects.create(
        user=officer,
        reminder=reminder,
        assignment=assignment,
        kind="before",
        delivery=delivery,
    )
    SmsMessage.objects.create(
        committee=home_committee(),
        recipient=officer,
        phone="13800000000",
        kind="assigned",
        params={"number": "1", "agency": "市财政局", "deadline": "2030-01-01"},
        dedupe_key=f"world:{n}",
        status="failed",
        last_error="#5 SmsTransientError: isv.BUSINESS_LIMIT_CONTROL: 触发流控",
    )


def _axes_rows(n):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    common = {"user_agent": "pytest", "ip_address": "127.0.0.1", "username": f"u{n}"}
    AccessAttempt.objects.create(failures_since_start=1, **common)
    AccessLog.objects.create(**common)
    AccessFailureLog.objects.create(**common)


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change_url(model, obj):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def admin_client_logged_in(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
def test_every_changelist_and_change_page_opens_for_a_superuser(admin_client_logged_in, model):
    world()
    response = admin_client_logged_in.get(changelist_url(model))
    assert response.status_code == 200
    if admin.site._registry[model].search_fields:
        # A typo in search_fields only shows when someone searches.
        response = admin_client_logged_in.get(changelist_url(model), {"q": "1"})
        assert response.status_code == 200
    obj = model._default_manager.first()
    assert obj is not None, f"world() in {__name__} makes no {model._meta.label}: add one"
    response = admin_client_logged_in.get(change_url(model, obj))
    assert response.status_code == 200


def _changelist_query_counts(client):
    counts = {}
    for model in MODELS:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(changelist_url(model))
        assert response.status_code == 200
        counts[model._meta.label] = len(queries)
    return counts


@pytest.mark.django_db
def test_no_changelist_makes_more_queries_for_more_rows(admin_client_logged_in):
    world()
    _changelist_query_counts(admin_client_logged_in)  # warm caches (content types, rules)
    with_one = _changelist_query_counts(admin_client_logged_in)
    world()
    world()
    with_three = _changelist_query_counts(admin_client_logged_in)
    assert with_three == with_one
    assert max(with_one.values()) <= 15, with_one


@pytest.mark.django_db
def test_the_proposal_list_is_labelled_in_chinese(admin_client_logged_in):
    world()
    response = admin_client_logged_in.get(reverse("admin:proposals_proposal_changelist"))
    content = response.content.decode()
    assert "选择 提案 来修改" in content or "提案" in content
    for label in ("编号", "标题", "届次会议", "领衔提案人", "状态", "已公开"):
        assert label in content


@pytest.mark.django_db
def test_a_proposals_page_shows_its_sponsors_assignments_and_events(admin_client_logged_in):
    proposal = world()
    response = admin_client_logged_in.get(change_url(type(proposal), proposal))
    content = response.content.decode()
    assert "提案人署名" in content
    assert proposal.assignments.first().agency.name in content
    assert "操作记录" in content and "签收" in content


@pytest.mark.django_db
def test_an_assignments_page_links_to_its_events(admin_client_logged_in):
    world()
    event = Event.objects.exclude(assignment_id=None).get()
    assignment = Assignment.objects.get(pk=event.assignment_id)
    page = admin_client_logged_in.get(change_url(Assignment, assignment)).content.decode()
    events = f"{changelist_url(Event)}?assignment_id={assignment.pk}"
    assert events in page
    listing = admin_client_logged_in.get(events)
    assert list(listing.context["cl"].result_list) == [event]


# --- Staff access ---------------------------------------------------------------------


@pytest.fixture
def staff_client(client, alice):
    alice.is_staff = True
    alice.save(update_fields=["is_staff"])
    client.force_login(alice)
    return client


@pytest.mark.django_db
def test_staff_with_admin_access_can_use_the_admin_without_model_permissions(staff_client):
    proposal = world()
    assert staff_client.get(reverse("admin:index")).status_code == 200
    assert staff_client.get(reverse("admin:proposals_proposal_changelist")).status_code == 200
    assert staff_client.get(change_url(type(proposal), proposal)).status_code == 200
    assert staff_client.get(reverse("admin:proposals_sponsor_add")).status_code == 200


@pytest.mark.django_db
def test_staff_can_correct_a_sponsor(staff_client, sponsor):
    response = staff_client.post(
        change_url(type(sponsor), sponsor),
        {
            "committee": str(sponsor.committee_id),
            "name": "市致公党",
            "kind": "party",
            "affiliation": "致公党",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    sponsor.refresh_from_db()
    assert sponsor.affiliation == "致公党"


@pytest.mark.django_db
def test_staff_cannot_add_workflow_rows_or_delete_the_audit_trail(staff_client):
    proposal = world()
    event = proposal.events.first()
    assert staff_client.get(reverse("admin:responses_assignment_add")).status_code == 403
    assert staff_client.get(reverse("admin:responses_reply_add")).status_code == 403
    assert (
        staff_client.get(reverse("admin:proposals_event_delete", args=[event.pk])).status_code
        == 403
    )
    assert staff_client.post(change_url(Event, event), {"note": "改写"}).status_code == 403


@pytest.mark.django_db
def test_staff_cannot_take_over_a_superuser(staff_client, admin_user):
    url = reverse("admin:auth_user_password_change", args=[admin_user.pk])
    assert staff_client.get(url).status_code == 403
    # They may look at the account, not change it.
    response = staff_client.get(change_url(type(admin_user), admin_user))
    assert 'name="_save"' not in response.content.decode()
    response = staff_client.post(change_url(type(admin_user), admin_user), {"username": "x"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_staff_cannot_make_anyone_a_superuser(staff_client, bob):
    response = staff_client.get(change_url(type(bob), bob))
    assert response.status_code == 200
    assert 'name="is_superuser"' not in response.content.decode()


def _bob_form(bob, **changes):
    membership = AgencyMembership.objects.get(user=bob)
    return {
        "username": bob.username,
        "role": bob.role,
        "is_active": "on",
        "agency_membership-TOTAL_FORMS": 1,
        "agency_membership-INITIAL_FORMS": 1,
        "agency_membership-0-id": membership.pk,
        "agency_membership-0-user": bob.pk,
        "agency_membership-0-agency": membership.agency_id,
        "sponsor_account-TOTAL_FORMS": 0,
        "sponsor_account-INITIAL_FORMS": 0,
        "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00",
        **changes,
    }


@pytest.mark.django_db
def test_staff_give_no_role_the_role_is_the_security_admins(staff_client, bob):
    """三员分立: roles are the security administrator's to give; staff may still edit the
    rest of an account."""
    from accounts.models import Role, User

    add = staff_client.get(reverse("admin:accounts_user_add")).content.decode()
    assert 'name="role"' not in add
    response = staff_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "mallory",
            "usable_password": "true",
            "password1": "Zx9!long-enough-pass",
            "password2": "Zx9!long-enough-pass",
            "role": "sysadmin",
            "agency_membership-TOTAL_FORMS": 0,
            "agency_membership-INITIAL_FORMS": 0,
            "sponsor_account-TOTAL_FORMS": 0,
            "sponsor_account-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="mallory").role == ""
    response = staff_client.post(change_url(User, bob), _bob_form(bob, role="sysadmin"))
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.role == Role.OFFICER


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ["admin_user", "sysadmin"])
def test_neither_a_superuser_nor_the_system_admin_changes_a_role(client, bob, actor, request):
    from accounts.models import Role, User

    client.force_login(request.getfixturevalue(actor))
    page = client.get(change_url(User, bob)).content.decode()
    assert 'name="role"' not in page and 'name="is_superuser"' not in page
    client.post(change_url(User, bob), _bob_form(bob, role="secadmin"))
    bob.refresh_from_db()
    assert bob.role == Role.OFFICER


@pytest.mark.django_db
def test_the_security_admin_changes_roles_but_never_their_own(client, secadmin, bob):
    from accounts.models import AuditAction, Role, SecurityAudit, User

    client.force_login(secadmin)
    response = client.post(change_url(User, bob), _bob_form(bob, role="staff"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    bob.refresh_from_db()
    assert bob.role == Role.STAFF
    change = SecurityAudit.objects.filter(action=AuditAction.ROLE_CHANGED).get()
    assert (change.actor_username, change.target) == ("sec", f"accounts.user:{bob.pk}")
    assert change.detail == {"before": "officer", "after": "staff"}
    # Their own page offers no role to change, and a forged post changes nothing.
    own = client.get(change_url(User, secadmin)).content.decode()
    assert 'name="role"' not in own
    client.post(
        change_url(User, secadmin),
        {
            "username": "sec",
            "role": "auditadmin",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "00:00:00",
            "agency_membership-TOTAL_FORMS": 0,
            "agency_membership-INITIAL_FORMS": 0,
            "sponsor_account-TOTAL_FORMS": 0,
            "sponsor_account-INITIAL_FORMS": 0,
        },
    )
    secadmin.refresh_from_db()
    assert secadmin.role == Role.SECURITY_ADMIN


@pytest.mark.django_db
def test_a_logins_pages_name_the_agency_and_sponsor_it_acts_for(
    staff_client, bob, dora, agency, sponsor
):
    listing = staff_client.get(changelist_url(type(bob))).content.decode()
    assert agency.name in listing and sponsor.name in listing
    officers = staff_client.get(change_url(type(agency), agency)).content.decode()
    assert bob.username in officers


@pytest.mark.django_db
def test_staff_move_an_officer_to_another_agency_on_the_logins_page(
    staff_client, bob, other_agency
):
    response = staff_client.get(change_url(type(bob), bob))
    form = response.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields if name != "password"}
    data.update(
        {
            "agency_membership-TOTAL_FORMS": 1,
            "agency_membership-INITIAL_FORMS": 1,
            "agency_membership-0-id": AgencyMembership.objects.get(user=bob).pk,
            "agency_membership-0-user": bob.pk,
            "agency_membership-0-agency": other_agency.pk,
            "sponsor_account-TOTAL_FORMS": 0,
            "sponsor_account-INITIAL_FORMS": 0,
        }
    )
    response = staff_client.post(change_url(type(bob), bob), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert AgencyMembership.objects.get(user=bob).agency == other_agency


@pytest.mark.django_db
def test_an_officer_with_the_admin_flag_sees_no_proposals(client, bob):
    bob.is_staff = True
    bob.save(update_fields=["is_staff"])
    client.force_login(bob)
    assert client.get(reverse("admin:proposals_proposal_changelist")).status_code == 403


@pytest.mark.django_db
def test_a_user_without_the_admin_flag_is_sent_to_the_admin_login(client, alice):
    client.force_login(alice)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


# --- Actions and the audit trail --------------------------------------------------------


@pytest.mark.django_db
def test_publishing_from_the_list_goes_through_the_service(staff_client):
    proposal = world()
    proposal.status = Status.REGISTERED
    proposal.save(update_fields=["status"])
    response = staff_client.post(
        reverse("admin:proposals_proposal_changelist"),
        {"action": "publish_selected", "_selected_action": [proposal.pk]},
        follow=True,
    )
    proposal.refresh_from_db()
    assert proposal.is_published
    assert proposal.events.filter(action=Action.PUBLISH).exists()
    assert "已公开 1 件提案" in response.content.decode()


@pytest.mark.django_db
def test_publishing_a_draft_from_the_list_is_refused_with_the_reason(staff_client):
    proposal = world()
    proposal.status = Status.DRAFT
    proposal.save(update_fields=["status"])
    response = staff_client.post(
        reverse("admin:proposals_proposal_changelist"),
        {"action": "publish_selected", "_selected_action": [proposal.pk]},
        follow=True,
    )
    proposal.refresh_from_db()
    assert not proposal.is_published
    assert "不能公开" in response.content.decode()


@pytest.mark.django_db
def test_editing_a_proposal_in_the_admin_leaves_an_audit_event(staff_client):
    proposal = world()
    response = staff_client.get(change_url(type(proposal), proposal))
    form = response.context["adminform"].form
    data = {
        name: form.initial.get(name) or ""
        for name in ("session", "number", "kind", "title", "body", "category", "submitted_at")
    }
    data.update(
        {
            "title": "关于改正标题的建议",
            "submitted_at_0": timezone.localtime(proposal.submitted_at).strftime("%Y-%m-%d"),
            "submitted_at_1": timezone.localtime(proposal.submitted_at).strftime("%H:%M:%S"),
        }
    )
    data.pop("submitted_at")
    for prefix, formset in (
        ("sponsorships", proposal.sponsorships.all()),
        ("assignments", proposal.assignments.all()),
        ("events", proposal.events.all()),
    ):
        rows = list(formset)
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = len(rows)
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = row.pk
            data[f"{prefix}-{i}-proposal"] = proposal.pk
            if prefix == "sponsorships":
                data[f"{prefix}-{i}-sponsor"] = row.sponsor_id
                data[f"{prefix}-{i}-is_lead"] = "on" if row.is_lead else ""
                data[f"{prefix}-{i}-order"] = row.order
    response = staff_client.post(change_url(type(proposal), proposal), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    proposal.refresh_from_db()
    assert proposal.title == "关于改正标题的建议"
    event = proposal.events.get(action=Action.UPDATE)
    assert event.data["fields"] == ["title"]
