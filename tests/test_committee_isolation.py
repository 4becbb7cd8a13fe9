# ruff: noqa: F811 - the fixtures come from the permission table
"""Two committees side by side: the staff of one never read, list or change the other's
work. Every staff URL of the permission table is opened by the staff of a district
committee with the city committee's objects (404 or 403), every list shows none of the
city's proposals, and every state-changing POST is refused with the database unchanged.
"""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import CommitteeFactory, UserFactory
from tests.test_permission_matrix import (  # noqa: F401 - fixtures
    EXPECTED,
    STATE_CHANGING,
    a_complete_form,
    database_state,
    media_root,
    users,
    world,
)

pytestmark = pytest.mark.django_db

STAFF_OPEN = (200, 405)


def _staff_urls():
    """The URLs the city's staff (alice) may open: the district's staff may open them
    too, but never for the city's objects."""
    return {
        name: kwargs
        for name, (kwargs, expected) in EXPECTED.items()
        if expected["alice"] in STAFF_OPEN and expected["anonymous"] != 200
    }


@pytest.fixture
def zoe(db):
    """Staff of a district committee."""
    district = CommitteeFactory(slug="gusu", region="姑苏区")
    return UserFactory(username="zoe", role=Role.STAFF, is_staff=True, committee=district)


def test_another_committees_objects_are_not_found(client, world, zoe):
    client.force_login(zoe)
    leaks = {}
    for name, kwargs in _staff_urls().items():
        if not kwargs:
            continue
        url = reverse(name, kwargs={key: world[value] for key, value in kwargs.items()})
        code = client.get(url).status_code
        if code not in (403, 404, 405):
            leaks[name] = code
        if code == 405:  # POST-only: the POST test below shows it is refused
            continue
    assert not leaks, f"opened by another committee's staff: {leaks}"


def test_another_committees_lists_show_none_of_its_proposals(client, world, zoe, alice):
    from proposals.models import Proposal

    titles = list(Proposal.objects.values_list("title", flat=True))
    numbers_pages = {}
    client.force_login(zoe)
    for name, kwargs in _staff_urls().items():
        if kwargs:
            continue
        response = client.get(reverse(name))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        shown = [t for t in titles if t in page]
        if shown:
            numbers_pages[name] = shown
    assert not numbers_pages, f"another committee's proposals listed: {numbers_pages}"
    # The city's own staff do see them (the test would pass on an empty page otherwise).
    client.force_login(alice)
    assert titles[0] in client.get(reverse("staff:proposal-list")).content.decode()


def test_another_committees_work_cannot_be_changed(client, world, zoe):
    client.force_login(zoe)
    before = database_state()
    changed = {}
    for name in STATE_CHANGING:
        kwargs, expected = EXPECTED[name]
        if not kwargs or expected["alice"] not in STAFF_OPEN or not name.startswith("staff:"):
            continue
        url = reverse(name, kwargs={key: world[value] for key, value in kwargs.items()})
        response = client.post(url, a_complete_form(world))
        if response.status_code not in (403, 404):
            changed[name] = response.status_code
    assert not changed, f"not refused: {changed}"
    assert database_state() == before
