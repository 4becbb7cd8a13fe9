"""Every URL, every role, the status code each gets: one table, generated from the URL
configuration. A URL added without an entry in EXPECTED fails here until someone decides
who may open it.

Roles, in the order of each row: anonymous, bob (officer of the agency), charlie (officer
of another agency), dora (the proposal's sponsor), eve (another sponsor), alice (staff).
The table's requests are GETs; an action that takes only POST answers 405 to those who
may use it, and the same refusal (302/403/404) as its page to those who may not. Then every
state-changing URL is POSTed, with a complete form, by each role that may not use it: the
same refusal, and the database unchanged (STATE_CHANGING below).
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from proposals.models import WordImportBatch
from responses.models import AssignmentState, ExtensionRequest, ReassignmentRequest
from responses.models import Role as AssignmentRole
from responses.models.reminders import Notification, Reminder
from staff.importing.batches import preview_file
from staff.models import Compilation
from tests.factories import AgencyFactory, SponsorFactory, SponsorUserFactory, home_committee
from tests.officer_data import (
    make_assignment,
    make_document,
    make_draft_reply,
    make_opinion,
    pdf_bytes,
)
from tests.staff_data import replied

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "bob", "charlie", "dora", "eve", "alice")


def row(anonymous, bob, charlie, dora, eve, alice):
    return dict(zip(ROLES, (anonymous, bob, charlie, dora, eve, alice), strict=True))


EVERYONE = row(200, 200, 200, 200, 200, 200)
STAFF_PAGE = row(302, 403, 403, 403, 403, 200)
STAFF_ACTION = row(302, 403, 403, 403, 403, 405)  # POST only
OWN_AGENCY_PAGE = row(302, 200, 404, 403, 403, 403)
AGENCY_FILE = row(302, 200, 404, 404, 404, 200)  # staff read every file
OFFICER_HOME = row(302, 200, 200, 403, 403, 403)
SPONSOR_HOME = row(302, 403, 403, 200, 200, 403)
OWN_PROPOSAL_PAGE = row(302, 403, 403, 200, 404, 403)
# POST only, checked before the lookup: 405 tells another sponsor nothing either
OWN_REPLY_ACTION = row(302, 403, 403, 405, 405, 403)
ANY_USER = row(302, 200, 200, 200, 200, 200)
# The audit logs: the audit administrator only (三员分立); alice is staff, not an auditor.
AUDIT_ONLY = row(302, 403, 403, 403, 403, 403)

# name -> (kwargs as world keys, expected codes)
EXPECTED = {
    "healthz": ({}, EVERYONE),
    "set_language": ({}, row(302, 302, 302, 302, 302, 302)),  # GET just goes back
    "care_mode": ({}, row(302, 302, 302, 302, 302, 302)),  # sets its cookie and goes back
    # Accounts
    "accounts:login": ({}, EVERYONE),
    "accounts:logout": ({}, row(405, 405, 405, 405, 405, 405)),  # POST only
    "accounts:after-login": ({}, row(302, 302, 302, 302, 302, 302)),
    "accounts:password_change": ({}, ANY_USER),
    "accounts:password_change_done": ({}, ANY_USER),
    "accounts:password_reset": ({}, EVERYONE),
    "accounts:password_reset_done": ({}, EVERYONE),
    "accounts:password_reset_confirm": ({"uidb64": "uid", "token": "token"}, EVERYONE),
    "accounts:password_reset_complete": ({}, EVERYONE),
    "members:my-proposals": ({}, SPONSOR_HOME),
    "members:my-proposal": ({"pk": "proposal"}, OWN_PROPOSAL_PAGE),
    "members:my-feedback": ({"reply_id": "reply"}, OWN_REPLY_ACTION),
    "members:reply-letter": ({"document_id": "public_document"}, OWN_PROPOSAL_PAGE),
    "staff:officers": ({}, STAFF_PAGE),
    "staff:officer-create": ({}, STAFF_PAGE),
    "staff:officer-deactivate": ({"pk": "bob"}, STAFF_ACTION),
    "audit:log": ({}, AUDIT_ONLY),
    "audit:security": ({}, AUDIT_ONLY),
    "audit:security-export": ({}, AUDIT_ONLY),
    # The second factor: a verified session goes on (alice), one without a device is
    # sent to enrol (the others need none, but may enrol); new backup codes: POST only.
    "accounts:otp-verify": ({}, row(302, 302, 302, 302, 302, 302)),
    "accounts:otp-setup": ({}, ANY_USER),
    "accounts:otp-backup-codes": ({}, row(302, 405, 405, 405, 405, 405)),
    # Staff back office
    "staff:dashboard": ({}, STAFF_PAGE),
    "staff:proposal-list": ({}, STAFF_PAGE),
    "staff:proposal-create": ({}, STAFF_PAGE),
    "staff:import-word": ({}, STAFF_PAGE),
    "staff:word-batch": ({"pk": "word_batch"}, STAFF_PAGE),
    "staff:word-batch-progress": ({"pk": "word_batch"}, STAFF_PAGE),
    "staff:word-batch-import": ({"pk": "word_batch"}, STAFF_ACTION),
    "staff:proposal-detail": ({"pk": "proposal"}, STAFF_PAGE),
    "staff:proposal-edit": ({"pk": "proposal"}, STAFF_PAGE),
    "staff:sponsor-search": ({}, STAFF_PAGE),
    "staff:next-number": ({}, STAFF_PAGE),
    "staff:proposal-submit": ({"pk": "proposal"}, STAFF_ACTION),
    "staff:proposal-register": ({"pk": "proposal"}, STAFF_ACTION),
    "staff:proposal-reject": ({"pk": "proposal"}, STAFF_PAGE),
    "staff:proposal-convert": ({"pk": "proposal"}, STAFF_PAGE),
    "staff:proposal-merge": ({"pk": "proposal"}, STAFF_PAGE),
    "staff:proposal-assign": ({"pk": "proposal"}, STAFF_PAGE),
    "staff:proposal-add-assignment": ({"pk": "proposal"}, STAFF_PAGE),
    "staff:assignment-deadline": ({"pk": "assignment"}, STAFF_PAGE),
    "staff:assignment-waive": ({"pk": "assignment"}, STAFF_PAGE),  # GET: the confirmation
    "staff:requests": ({}, STAFF_PAGE),
    "staff:reassignment-decide": ({"pk": "reassignment"}, STAFF_PAGE),
    "staff:extension-decide": ({"pk": "extension"}, STAFF_PAGE),
    "staff:reply-feedback": ({"pk": "reply"}, STAFF_PAGE),
    "staff:reply-reopen": ({"pk": "reply"}, STAFF_PAGE),
    "staff:assignment-send-back": ({"pk": "assignment"}, STAFF_PAGE),
    "staff:proposal-close": ({"pk": "proposal"}, STAFF_ACTION),
    "staff:key-list": ({}, STAFF_PAGE),
    "staff:proposal-key": ({"pk": "proposal"}, STAFF_PAGE),
    "staff:overdue": ({}, STAFF_PAGE),
    "staff:assignment-remind": ({"pk": "assignment"}, STAFF_ACTION),
    "staff:publication": ({}, STAFF_PAGE),
    "staff:proposal-publish": ({"pk": "proposal"}, STAFF_ACTION),
    "staff:proposal-unpublish": ({"pk": "proposal"}, STAFF_ACTION),
    "staff:document-redaction": ({"pk": "public_document"}, STAFF_PAGE),
    "staff:document-original-public": ({"pk": "public_document"}, STAFF_ACTION),
    "staff:import-list": ({}, STAFF_PAGE),
    "staff:import-template": ({}, STAFF_PAGE),
    "staff:import-detail": ({"pk": "batch"}, STAFF_PAGE),
    "staff:import-confirm": ({"pk": "batch"}, STAFF_ACTION),
    "staff:reports": ({}, STAFF_PAGE),
    "staff:report-export": ({"table": "table"}, STAFF_PAGE),
    "staff:compilations": ({}, STAFF_PAGE),
    "staff:compilation-request": ({}, STAFF_ACTION),
    "staff:compilation-pdf": ({"pk": "compilation"}, STAFF_PAGE),
    "staff:compilation-docx": ({"pk": "compilation"}, STAFF_PAGE),
    # Agency officers
    "officer:dashboard": ({}, OFFICER_HOME),
    "officer:assignment": ({"assignment_id": "open_assignment"}, OWN_AGENCY_PAGE),
    "officer:accept": ({"assignment_id": "open_assignment"}, OWN_AGENCY_PAGE),
    "officer:request-reassignment": ({"assignment_id": "open_assignment"}, OWN_AGENCY_PAGE),
    "officer:request-extension": ({"assignment_id": "open_assignment"}, OWN_AGENCY_PAGE),
    "officer:file-opinion": ({"assignment_id": "open_assignment"}, OWN_AGENCY_PAGE),
    "officer:file-reply": ({"assignment_id": "open_assignment"}, OWN_AGENCY_PAGE),
    "officer:reply": ({"reply_id": "draft_reply"}, OWN_AGENCY_PAGE),
    "officer:confirm-reply": ({"reply_id": "draft_reply"}, OWN_AGENCY_PAGE),
    "officer:document-pdf": ({"document_id": "draft_document"}, AGENCY_FILE),
    "officer:remove-document": ({"document_id": "draft_document"}, OWN_AGENCY_PAGE),
    "officer:document-original": ({"document_id": "draft_document"}, AGENCY_FILE),
    "officer:redaction": ({"document_id": "draft_document"}, OWN_AGENCY_PAGE),
    "officer:opinion-attachment": ({"opinion_id": "opinion"}, AGENCY_FILE),
    # Notifications (each user's own) and the staff's deadline overview
    "notifications:list": ({}, ANY_USER),
    "notifications:open": ({"pk": "bobs_notification"}, row(302, 302, 404, 404, 404, 404)),
    "notifications:read-all": ({}, row(302, 405, 405, 405, 405, 405)),
    "notifications:overview": ({}, STAFF_PAGE),
    "notifications:urge": ({"assignment_id": "assignment"}, STAFF_ACTION),
    # Open data API and the public portal: published only, for everyone
    "api:proposal-list": ({}, EVERYONE),
    "api:proposal-detail": ({"pk": "proposal"}, EVERYONE),
    "api:session-list": ({}, EVERYONE),
    "api:category-list": ({}, EVERYONE),
    "api:agency-list": ({}, EVERYONE),
    "api:schema": ({}, EVERYONE),
    "api:index": ({}, EVERYONE),
    "public:api-docs": ({}, EVERYONE),
    "public:home": ({}, EVERYONE),
    "public:proposals": ({}, EVERYONE),
    "public:export": ({}, EVERYONE),
    "public:proposal": ({"pk": "proposal"}, EVERYONE),
    "public:agencies": ({}, EVERYONE),
    "public:agency": ({"pk": "agency"}, EVERYONE),
    "public:feed": ({}, EVERYONE),
    "public:reply-pdf": ({"pk": "public_document"}, EVERYONE),
    "public:reply-original": ({"pk": "public_document"}, EVERYONE),
}

# Unpublished or private things the public URLs must not show to anyone but nobody
# special either: the public portal has no back door for staff.
PRIVATE_ON_PUBLIC = {
    "public:proposal": ({"pk": "unpublished_proposal"}, row(404, 404, 404, 404, 404, 404)),
    "api:proposal-detail": ({"pk": "unpublished_proposal"}, row(404, 404, 404, 404, 404, 404)),
    "public:reply-pdf": ({"pk": "draft_document"}, row(404, 404, 404, 404, 404, 404)),
    "public:reply-original": ({"pk": "draft_document"}, row(404, 404, 404, 404, 404, 404)),
}


def walk(patterns, namespace=None):
    """(name, pattern) for every named URL, includes followed; the admin is left out here
    and covered by its own rule below."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            if inner == "admin":
                continue
            full = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from walk(pattern.url_patterns, full)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


URLS = dict(walk(get_resolver().url_patterns))


def test_every_url_has_an_entry_in_the_permission_table():
    missing = sorted(set(URLS) - set(EXPECTED))
    assert not missing, f"decide who may open these URLs, in EXPECTED: {missing}"


def test_the_table_names_no_url_that_does_not_exist():
    assert not sorted(set(EXPECTED) - set(URLS))


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def users(alice, bob, charlie, dora):
    eve = SponsorUserFactory(username="eve", sponsor=SponsorFactory(name="另一委员"))
    return {
        "anonymous": None,
        "alice": alice,
        "bob": bob,
        "charlie": charlie,
        "dora": dora,
        "eve": eve,
    }


@pytest.fixture
def world(alice, bob, session, sponsor, agency, users):
    """One real object behind every kind of id the URLs take."""
    # dora's published proposal, replied to by bob's agency, letter public and rendered
    reply = replied(alice, session, sponsor, agency)
    reply.is_public = True
    reply.save(update_fields=["is_public"])
    proposal = reply.assignment.proposal
    proposal.is_published = True
    proposal.published_at = timezone.now()
    proposal.save(update_fields=["is_published", "published_at"])
    public_document = make_document(reply, original_public=True)
    assignment = reply.assignment
    # bob's agency still working on another proposal: draft reply, letter, joint opinion
    open_assignment = make_assignment(agency, state=AssignmentState.ACCEPTED)
    third = AgencyFactory(name="苏州市住房和城乡建设局")
    joint = make_assignment(
        third,
        proposal=open_assignment.proposal,
        role=AssignmentRole.JOINT,
        state=AssignmentState.OPINION_FILED,
    )
    draft_reply = make_draft_reply(open_assignment)
    notification = Notification.objects.create(
        user=bob,
        assignment=assignment,
        kind="due",
        reminder=Reminder.objects.create(
            assignment=assignment,
            kind="due",
            due_on=assignment.deadline,
            deadline=assignment.deadline,
            days_left=0,
        ),
    )
    batch = preview_file("届次,编号\n".encode(), "empty.csv", by=alice)
    compilation = Compilation(session=session, kind="catalogue", status="ready", progress=100)
    compilation.pdf.save("c.pdf", ContentFile(pdf_bytes()), save=False)
    compilation.docx.save("c.docx", ContentFile(b"PK\x03\x04"), save=False)
    compilation.save()
    word_batch = WordImportBatch.objects.create(
        committee=home_committee(), session=open_assignment.proposal.session, total=0
    )
    return {
        "proposal": proposal.pk,
        "unpublished_proposal": open_assignment.proposal_id,
        "assignment": assignment.pk,
        "reply": reply.pk,
        "public_document": public_document.pk,
        "open_assignment": open_assignment.pk,
        "draft_reply": draft_reply.pk,
        "draft_document": make_document(draft_reply).pk,
        "opinion": make_opinion(joint, attachment=pdf_bytes()).pk,
        "reassignment": ReassignmentRequest.objects.create(
            assignment=assignment, reason="不属于本单位职责", requested_by=bob
        ).pk,
        "extension": ExtensionRequest.objects.create(
            assignment=assignment,
            reason="需要调研",
            requested_deadline=assignment.deadline,
            previous_deadline=assignment.deadline,
            requested_by=bob,
        ).pk,
        "batch": batch.pk,
        "compilation": compilation.pk,
        "word_batch": word_batch.pk,
        "bobs_notification": notification.pk,
        "agency": agency.pk,
        "bob": bob.pk,
        "table": "all",
        "uid": "MQ",
        "token": "set-password",
    }


def status_codes(client, user, world, table, role):
    if user is not None:
        client.force_login(user)
    wrong = {}
    for name, (kwargs, expected) in table.items():
        url = reverse(name, kwargs={key: world[value] for key, value in kwargs.items()})
        code = client.get(url).status_code
        if code != expected[role]:
            wrong[name] = (code, expected[role])
    return wrong


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_on_every_url(client, users, world, role):
    wrong = status_codes(client, users[role], world, EXPECTED, role)
    assert not wrong, f"{role}: (got, expected) {wrong}"


@pytest.mark.parametrize("role", ROLES)
def test_public_urls_do_not_show_unpublished_or_private_things(client, users, world, role):
    wrong = status_codes(client, users[role], world, PRIVATE_ON_PUBLIC, role)
    assert not wrong, f"{role}: (got, expected) {wrong}"


def test_the_admin_site_is_for_admins_only(client, users, admin_user):
    """The Django admin is covered by a rule: every changelist sends anyone without
    is_staff to the admin login, and an admin opens each."""
    changelists = [
        name
        for name in (f"admin:{p.name}" for p in _admin_patterns() if p.name)
        if name.endswith("_changelist")
    ]
    assert changelists
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        for name in ["admin:index", *changelists]:
            response = client.get(reverse(name))
            assert response.status_code == 302, (role, name)
            assert response.url.startswith(reverse("admin:login")), (role, name)
    client.force_login(admin_user)
    for name in ["admin:index", *changelists]:
        assert client.get(reverse(name)).status_code == 200, name


# The three administrators (三员分立): (system, security, audit) on the pages that tell
# them apart. The admin site sends the audit administrator to its login (changes nothing).
ADMIN_ROLE_EXPECTED = {
    "audit:log": (403, 403, 200),
    "audit:security": (403, 403, 200),
    "audit:security-export": (403, 403, 200),
    "staff:dashboard": (200, 403, 403),
    "staff:officers": (200, 403, 403),
    "admin:index": (200, 200, 302),
    "admin:accounts_user_changelist": (200, 200, 302),
    "admin:proposals_proposal_changelist": (200, 403, 302),
}


@pytest.mark.parametrize("column", [0, 1, 2], ids=["sysadmin", "secadmin", "auditor"])
def test_each_of_the_three_administrators_opens_only_their_own_pages(
    client, sysadmin, secadmin, auditor, column
):
    user = (sysadmin, secadmin, auditor)[column]
    client.force_login(user)
    wrong = {}
    for name, codes in ADMIN_ROLE_EXPECTED.items():
        code = client.get(reverse(name)).status_code
        if code != codes[column]:
            wrong[name] = (code, codes[column])
    assert not wrong, f"{user.username}: (got, expected) {wrong}"


def _admin_patterns():
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "admin":
            yield from _flatten(pattern.url_patterns)


def _flatten(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _flatten(pattern.url_patterns)
        else:
            yield pattern


def test_a_file_field_upload_is_never_reachable_under_media_url(client, settings, world):
    """MEDIA_URL is not served: the only way to a letter is through the views above."""
    path = settings.MEDIA_URL + "anything.pdf"
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    (settings.MEDIA_ROOT / "anything.pdf").write_bytes(ContentFile(b"%PDF").read())
    assert client.get(path).status_code == 404


# --- POSTs: the URLs that change something, for every role that may not ---------------------

# Every URL a form or a button posts to. Those who may not use it (by the table above:
# 403/404, or the login redirect for anonymous) get the same refusal to a POST carrying a
# complete, plausible form, and the database is left exactly as it was.
STATE_CHANGING = [
    "accounts:otp-verify",
    "accounts:otp-setup",
    "accounts:otp-backup-codes",
    "members:my-feedback",
    "staff:officer-create",
    "staff:officer-deactivate",
    "accounts:password_change",
    "staff:proposal-create",
    "staff:import-word",
    "staff:word-batch-import",
    "staff:proposal-edit",
    "staff:proposal-submit",
    "staff:proposal-register",
    "staff:proposal-reject",
    "staff:proposal-convert",
    "staff:proposal-merge",
    "staff:proposal-assign",
    "staff:proposal-add-assignment",
    "staff:assignment-deadline",
    "staff:assignment-waive",
    "staff:reassignment-decide",
    "staff:extension-decide",
    "staff:reply-feedback",
    "staff:reply-reopen",
    "staff:assignment-send-back",
    "staff:proposal-close",
    "staff:proposal-key",
    "staff:assignment-remind",
    "staff:proposal-publish",
    "staff:proposal-unpublish",
    "staff:import-list",
    "staff:import-confirm",
    "staff:compilation-request",
    "officer:accept",
    "officer:request-reassignment",
    "officer:request-extension",
    "officer:file-opinion",
    "officer:file-reply",
    "officer:reply",
    "officer:confirm-reply",
    "officer:remove-document",
    "officer:redaction",
    "staff:document-redaction",
    "staff:document-original-public",
    "notifications:open",
    "notifications:read-all",
    "notifications:urge",
]
# Refused although the GET answers 405 (which tells nothing): another sponsor's reply.
ALSO_FORBIDDEN = {"members:my-feedback": {"eve"}}


def forbidden_roles(name: str) -> list[str]:
    _kwargs, expected = EXPECTED[name]
    return [
        role
        for role in ROLES
        if expected[role] in (403, 404)
        or (role == "anonymous" and expected[role] == 302)
        or role in ALSO_FORBIDDEN.get(name, ())
    ]


def a_complete_form(world) -> dict:
    """Every field any of these forms asks for, filled in as a user would: were a check
    missing, the action would go through."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    today = timezone.localdate()
    later = today + timezone.timedelta(days=30)
    return {
        "action": "approve",
        "decision": "approve",
        "approve": "1",
        "note": "理由",
        "reason": "理由",
        "body": "意见正文",
        "title": "标题",
        "comment": "评价",
        "satisfaction": "satisfied",
        "classification": "A",
        "summary": "答复内容",
        "signer": "签发人",
        "contact": "联系人",
        "contact_phone": "0512-1234567",
        "is_public": "1",
        "public": "1",
        "is_key": "on",
        "replied_on": f"{today:%Y-%m-%d}",
        "replied_time": "00:00",
        "requested_deadline": f"{later:%Y-%m-%d}",
        "deadline": f"{later:%Y-%m-%d}",
        "deadline_reason": "调整",
        "submitted_at": f"{today:%Y-%m-%d}",
        "kind": "proposal",
        "role": "lead",
        "lead_role": "lead",
        "agency": world["agency"],
        "agencies": world["agency"],
        "suggested_agency": "另一局",
        "into_number": "1",
        "number": "999",
        "proposal": world["proposal"],
        "user": "bob",
        "username": "mallory",
        "display_name": "新联络员",
        "email": "mallory@example.org",
        "password1": "Zx9!long-enough-pass",
        "password2": "Zx9!long-enough-pass",
        "old_password": "x",
        "new_password1": "Zx9!long-enough-pass",
        "new_password2": "Zx9!long-enough-pass",
        "upload": SimpleUploadedFile("答复函.pdf", pdf_bytes(), "application/pdf"),
        "attachment": SimpleUploadedFile("意见.pdf", pdf_bytes(), "application/pdf"),
        "document": SimpleUploadedFile("提案.docx", b"PK\x03\x04", "application/octet-stream"),
        "file": SimpleUploadedFile("导入.csv", "届次,编号\n".encode(), "text/csv"),
        "next": "/",
    }


def database_state():
    """Every row of our apps, as values: any change shows as a difference."""
    from django.apps import apps

    state = {}
    for app in ("accounts", "proposals", "responses", "staff"):
        for model in apps.get_app_config(app).get_models():
            state[model._meta.label] = list(model.objects.order_by("pk").values())
    return state


def test_every_state_changing_url_is_in_the_table():
    assert set(STATE_CHANGING) <= set(EXPECTED)
    assert all(forbidden_roles(name) for name in STATE_CHANGING)


@pytest.mark.parametrize("role", ROLES)
def test_a_forbidden_post_is_refused_and_changes_nothing(client, users, world, role):
    if users[role] is not None:
        client.force_login(users[role])
    login = reverse("accounts:login")
    before = database_state()
    wrong = {}
    for name in STATE_CHANGING:
        if role not in forbidden_roles(name):
            continue
        kwargs, _expected = EXPECTED[name]
        url = reverse(name, kwargs={key: world[value] for key, value in kwargs.items()})
        response = client.post(url, a_complete_form(world))
        refused = (
            response.status_code == 302 and response["Location"].startswith(login)
            if role == "anonymous"
            else response.status_code in (403, 404)
        )
        if not refused:
            wrong[name] = (response.status_code, response.get("Location"))
    assert not wrong, f"{role}: not refused {wrong}"
    assert database_state() == before, role
