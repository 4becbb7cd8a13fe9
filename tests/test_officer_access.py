"""An officer sees and changes their own agency's work only: every URL of the officer
portal, iterated from its urlpatterns so a new URL is covered the day it is added."""

import pytest
from django.urls import URLPattern, reverse

from accounts.models import Role as UserRole
from officer import urls as urls_officer
from proposals.models import Event
from responses.models import Assignment, AssignmentState, JointOpinion, Reply, ReplyStatus
from responses.models import Role as AssignmentRole
from tests.factories import AgencyFactory, UserFactory
from tests.officer_data import (
    make_assignment,
    make_document,
    make_draft_reply,
    make_opinion,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def bobs_world(agency):
    """One object of bob's agency for every kind of id the officer URLs take.

    The joint opinion comes from a third agency: charlie's agency has no part in it.
    """
    assignment = make_assignment(agency, state=AssignmentState.ACCEPTED)
    third = AgencyFactory(name="苏州市住房和城乡建设局")
    joint = make_assignment(
        third,
        proposal=assignment.proposal,
        role=AssignmentRole.JOINT,
        state=AssignmentState.OPINION_FILED,
    )
    reply = make_draft_reply(assignment)
    return {
        "assignment_id": assignment.pk,
        "reply_id": reply.pk,
        "document_id": make_document(reply).pk,
        "opinion_id": make_opinion(joint, attachment=pdf_bytes()).pk,
    }


def officer_urls(world):
    """(name, url) for every pattern; a new kind of id fails here until the world has one."""
    urls = []
    for pattern in urls_officer.urlpatterns:
        assert isinstance(pattern, URLPattern), "nested includes need their own walk"
        kwargs = {name: world[name] for name in pattern.pattern.converters}
        urls.append((pattern.name, reverse(f"officer:{pattern.name}", kwargs=kwargs)))
    return urls


def snapshot():
    """What an officer's action could change."""
    return (
        Event.objects.count(),
        list(Reply.objects.values_list("id", "status")),
        JointOpinion.objects.count(),
        list(Assignment.objects.order_by("pk").values_list("pk", "state", "deadline")),
    )


def test_every_officer_url_is_listed_with_an_id_the_world_provides(bobs_world):
    names = [name for name, _url in officer_urls(bobs_world)]
    assert "dashboard" in names and "document-pdf" in names
    assert len(names) == len(urls_officer.urlpatterns)


def test_the_agencys_officer_opens_every_url(client, bob, bobs_world):
    client.force_login(bob)
    for name, url in officer_urls(bobs_world):
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)


def test_another_agencys_officer_gets_404_for_every_url_with_an_id(client, charlie, bobs_world):
    client.force_login(charlie)
    for name, url in officer_urls(bobs_world):
        if name == "dashboard":
            continue
        assert client.get(url).status_code == 404, (name, url)


def test_another_agencys_officer_cannot_change_anything_by_posting(client, charlie, bobs_world):
    client.force_login(charlie)
    before = snapshot()
    for name, url in officer_urls(bobs_world):
        if name == "dashboard":
            continue
        data = {
            "reason": "不属于本单位职责",
            "requested_deadline": "2099-01-01",
            "body": "意见",
            "classification": "A",
            "summary": "答复",
            "signer": "张三",
            "is_public": "1",
            "replied_on": "2020-01-01",
            "replied_time": "10:00",
        }
        assert client.post(url, data).status_code == 404, (name, url)
    assert snapshot() == before
    assert Reply.objects.get(pk=bobs_world["reply_id"]).status == ReplyStatus.DRAFT


def test_another_agencys_dashboard_does_not_list_bobs_assignment(client, charlie, bobs_world):
    client.force_login(charlie)
    response = client.get(reverse("officer:dashboard"))
    assert response.status_code == 200
    assert not response.context["rows"]


def test_an_officer_of_no_agency_reaches_nothing(client, bobs_world):
    """The officer role without an AgencyMembership row: the portal refuses (403), the
    files are not found, and nothing changes."""
    client.force_login(UserFactory(username="dan", role=UserRole.OFFICER))
    before = snapshot()
    assert client.get(reverse("officer:dashboard")).status_code == 403
    for name, url in officer_urls(bobs_world):
        files = name in {"document-pdf", "document-original", "opinion-attachment"}
        expected = 404 if files else 403
        assert client.get(url).status_code == expected, (name, url)
        posted = client.post(url, {"reason": "不属于本单位职责"}).status_code
        assert posted in ({404, 405} if files else {403}), (name, url)
    assert snapshot() == before


def test_an_anonymous_visitor_is_sent_to_login_from_every_url(client, bobs_world):
    login = reverse("accounts:login")
    for name, url in officer_urls(bobs_world):
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302, (name, url)
            assert response["Location"].startswith(f"{login}?next="), (name, url)


def test_staff_may_read_the_files_but_the_officer_pages_are_for_officers(client, alice, bobs_world):
    client.force_login(alice)
    for name, url in officer_urls(bobs_world):
        expected = (
            200 if name in {"document-pdf", "document-original", "opinion-attachment"} else 403
        )
        assert client.get(url).status_code == expected, (name, url)


def test_a_sponsor_user_reads_no_file(client, dora, bobs_world):
    client.force_login(dora)
    for name, url in officer_urls(bobs_world):
        assert client.get(url).status_code in {403, 404}, (name, url)
