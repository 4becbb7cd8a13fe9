"""Only CPPCC staff enter /staff/: every URL of proposals/urls_staff.py, iterated from its
urlpatterns so that a URL added tomorrow is covered the day it is added."""

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, reverse

from accounts.models import Role
from proposals.models import WordImportBatch
from responses.models import ExtensionRequest, ReassignmentRequest, ReplyDocument
from staff import urls as urls_staff
from staff.importing.batches import preview_file
from staff.models import Compilation
from tests.factories import UserFactory
from tests.staff_data import replied

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(alice, session, sponsor, agency, bob, settings, tmp_path):
    """One real object behind every kind of id, found by the URL's first path segment."""
    reply = replied(alice, session, sponsor, agency)
    assignment = reply.assignment
    reassignment = ReassignmentRequest.objects.create(
        assignment=assignment, reason="不属于本单位职责", requested_by=bob
    )
    extension = ExtensionRequest.objects.create(
        assignment=assignment,
        reason="需要调研",
        requested_deadline=assignment.deadline,
        previous_deadline=assignment.deadline,
        requested_by=bob,
    )
    document = ReplyDocument.objects.create(
        reply=reply, original_name="答复函.docx", sha256="0" * 64, size=1, doc_type="docx"
    )
    batch = preview_file("届次,编号\n".encode(), "empty.csv", by=alice)
    settings.MEDIA_ROOT = tmp_path / "media"
    compilation = Compilation(session=session, kind="catalogue", status="ready", progress=100)
    compilation.pdf.save("c.pdf", ContentFile(b"%PDF-1.7"), save=False)
    compilation.docx.save("c.docx", ContentFile(b"PK\x03\x04"), save=False)
    compilation.save()
    word_batch = WordImportBatch.objects.create(
        committee=session.committee, session=session, total=0
    )
    return {
        "word_batches": word_batch.pk,
        "compilations": compilation.pk,
        "proposals": assignment.proposal_id,
        "assignments": assignment.pk,
        "replies": reply.pk,
        "reassignments": reassignment.pk,
        "extensions": extension.pk,
        "import": batch.pk,
        "reports": "all",
        "officers": bob.pk,
        "documents": document.pk,
    }


# URLs whose id is not the kind their first path segment names.
BY_NAME = {
    name: "word_batches" for name in ("word-batch", "word-batch-progress", "word-batch-import")
}


def staff_urls(world):
    urls = []
    for pattern in urls_staff.urlpatterns:
        assert isinstance(pattern, URLPattern), "nested includes need their own walk"
        segment = BY_NAME.get(pattern.name) or str(pattern.pattern).split("/", 1)[0]
        kwargs = {name: world[segment] for name in pattern.pattern.converters}
        urls.append((pattern.name, reverse(f"staff:{pattern.name}", kwargs=kwargs)))
    return urls


def test_every_staff_view_is_wrapped_in_the_staff_check():
    for pattern in urls_staff.urlpatterns:
        assert getattr(pattern.callback, "staff_only", False), pattern.name


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, world, method):
    for name, url in staff_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("accounts:login")), name


@pytest.mark.parametrize("who", ["officer", "sponsor", "no_role"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_officers_sponsors_and_other_users_are_refused(client, world, bob, dora, who, method):
    user = {"officer": bob, "sponsor": dora, "no_role": UserFactory(username="eve", role="")}[who]
    client.force_login(user)
    for name, url in staff_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == 403, (name, response.status_code)


def test_an_inactive_staff_account_is_refused(client, world):
    former = UserFactory(username="frank", role=Role.STAFF, is_active=False)
    client.force_login(former)
    # Django's session auth drops an inactive user: they are anonymous again.
    response = client.get(reverse("staff:dashboard"))
    assert response.status_code in (302, 403)


def test_staff_open_every_page(client, world, alice):
    client.force_login(alice)
    for name, url in staff_urls(world):
        response = client.get(url)
        # Pages answer 200; actions that only take a POST answer 405 to a GET.
        assert response.status_code in (200, 405), (name, response.status_code)


def test_an_admin_is_staff_too(client, world, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("staff:dashboard")).status_code == 200


def test_after_login_staff_land_on_the_staff_dashboard(client, alice):
    client.force_login(alice)
    response = client.get(reverse("accounts:after-login"))
    assert response.url == reverse("staff:dashboard")
