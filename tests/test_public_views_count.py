"""The view count: one visitor reloading counts once a day; other visitors count."""

import datetime as dt

import pytest
from django.urls import reverse

from proposals.models import Proposal, ProposalView
from tests.public_data import make_published


@pytest.fixture(autouse=True)
def fresh_cache():
    # Home, feed and agency figures are cached; each test starts without them.
    from portal.selectors import forget_cached

    forget_cached()


@pytest.fixture
def proposal(session):
    return make_published(session=session)


def views_of(proposal):
    return Proposal.objects.get(pk=proposal.pk).view_count


def test_reloading_does_not_inflate_the_count(client, proposal):
    url = reverse("public:proposal", args=[proposal.pk])
    for _ in range(5):
        client.get(url)
    assert views_of(proposal) == 1


def test_clearing_cookies_does_not_inflate_the_count(proposal):
    from django.test import Client

    url = reverse("public:proposal", args=[proposal.pk])
    for _ in range(3):
        Client().get(url)  # a fresh client: no cookies at all
    assert views_of(proposal) == 1


def test_another_visitor_counts(client, proposal):
    url = reverse("public:proposal", args=[proposal.pk])
    client.get(url)
    client.get(url, REMOTE_ADDR="10.0.0.2")
    client.get(url, HTTP_USER_AGENT="另一浏览器")
    assert views_of(proposal) == 3


def test_the_same_visitor_counts_again_the_next_day(client, proposal, time_machine):
    url = reverse("public:proposal", args=[proposal.pk])
    time_machine.move_to(dt.datetime(2025, 10, 16, 9, 0, tzinfo=dt.UTC))
    client.get(url)
    time_machine.move_to(dt.datetime(2025, 10, 17, 9, 0, tzinfo=dt.UTC))
    client.get(url)
    assert views_of(proposal) == 2


def test_no_client_address_is_stored(client, proposal):
    client.get(reverse("public:proposal", args=[proposal.pk]), REMOTE_ADDR="203.0.113.7")
    mark = ProposalView.objects.get()
    assert "203.0.113.7" not in mark.visitor and len(mark.visitor) == 32


def test_old_marks_are_purged(proposal, time_machine):
    time_machine.move_to(dt.datetime(2025, 10, 1, 9, 0, tzinfo=dt.UTC))
    ProposalView.objects.record(proposal.pk, "a" * 32)
    time_machine.move_to(dt.datetime(2025, 10, 10, 9, 0, tzinfo=dt.UTC))
    ProposalView.objects.record(proposal.pk, "a" * 32)
    assert ProposalView.objects.purge() == 1
    assert ProposalView.objects.count() == 1


def test_a_missing_proposal_counts_nothing(client, db):
    assert client.get(reverse("public:proposal", args=[999999])).status_code == 404
    assert not ProposalView.objects.exists()
