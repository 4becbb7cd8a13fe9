"""proposals.signals: one "proposal changed" signal, sent once per transaction after
commit, drives the stored pages, the search documents and the portal's caches; the
page version moves once, inside the transaction of the change."""

import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import pages, selectors
from proposals import signals
from proposals.models import Category, PublicPage, SearchDocument, Status
from responses.models import Assignment, AssignmentState
from responses.services import confirm_reply
from tests.factories import home_committee
from tests.officer_data import make_document, make_draft_reply
from tests.public_data import make_published

pytestmark = pytest.mark.django_db

VERSION_WRITE = re.compile(r'UPDATE "proposals_searchdocument" SET .*"updated_at"')


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sent():
    """Every proposal_changed sent during the test: (proposal_ids, reasons, shared)."""
    calls = []

    def receiver(sender, proposal_ids, reasons, shared, **kwargs):
        calls.append((proposal_ids, reasons, shared))

    signals.proposal_changed.connect(receiver, dispatch_uid="test-recorder")
    yield calls
    signals.proposal_changed.disconnect(dispatch_uid="test-recorder")


def announce_pending():
    """Run what the test's own transaction would announce at commit (its setup), so
    that what follows is announced on its own."""
    for _sids, callback, _robust in list(connection.run_on_commit):
        callback()


def version_writes(queries) -> int:
    return sum(bool(VERSION_WRITE.search(q["sql"])) for q in queries.captured_queries)


def version(proposal):
    return pages.load(proposal.pk).version


def test_one_reply_confirmation_moves_the_page_version_once(
    session, agency, bob, sent, django_capture_on_commit_callbacks
):
    proposal = make_published(session=session, agency=agency, reply=False, status=Status.ASSIGNED)
    Assignment.objects.filter(proposal=proposal).update(state=AssignmentState.ACCEPTED)
    reply = make_draft_reply(Assignment.objects.get(proposal=proposal))
    make_document(reply)
    assert Client().get(reverse("public:proposal", args=[proposal.pk])).status_code == 200
    stored_version = PublicPage.objects.get(proposal=proposal).version
    sent.clear()

    with (
        CaptureQueriesContext(connection) as body,
        django_capture_on_commit_callbacks() as callbacks,
    ):
        confirm_reply(reply, by=bob)
    assert version_writes(body) == 1
    moved = version(proposal)
    assert moved != stored_version  # the stored page is out of date at commit
    assert sent == []  # nothing is announced before commit

    with CaptureQueriesContext(connection) as after:
        for callback in callbacks:
            callback()
    assert version_writes(after) == 0  # the refresh after commit leaves the version be
    assert version(proposal) == moved
    assert len(sent) == 1
    proposal_ids, reasons, _shared = sent[0]
    assert proposal.pk in proposal_ids and signals.Reason.EVENT in reasons[proposal.pk]
    # ... and drove the consumers: the page rendered again, the search document refreshed
    assert PublicPage.objects.get(proposal=proposal).version == moved
    assert "已按建议推进" in SearchDocument.objects.get(proposal=proposal).content


def test_a_transaction_is_announced_once_whatever_it_changed(
    session, agency, sent, django_capture_on_commit_callbacks
):
    one = make_published(session=session, agency=agency)
    two = make_published(session=session, agency=agency)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        signals.changed([one.pk], signals.Reason.EVENT)
        signals.changed([one.pk, two.pk], signals.Reason.ROW)
        with transaction.atomic():  # a service called by another
            signals.changed([two.pk], signals.Reason.EVENT)
    assert len(sent) == 1
    proposal_ids, reasons, _shared = sent[0]
    assert {one.pk, two.pk} <= proposal_ids
    assert reasons[one.pk] >= {"event", "row"} and reasons[two.pk] >= {"event", "row"}


def test_a_rolled_back_change_is_not_announced_and_moves_again_when_redone(
    session, agency, sent, django_capture_on_commit_callbacks
):
    proposal = make_published(session=session, agency=agency)
    Client().get(reverse("public:proposal", args=[proposal.pk]))  # stored: re-armed
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                signals.changed([proposal.pk], signals.Reason.EVENT)
                raise RuntimeError("refused")
        except RuntimeError:
            pass
    assert sent == []
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        signals.changed([proposal.pk], signals.Reason.EVENT)  # the move was rolled back
    assert version_writes(queries) == 1


def test_a_renamed_agency_moves_its_pages_now_and_refreshes_no_document(
    session, agency, other_agency, sent, django_capture_on_commit_callbacks
):
    shown = make_published(session=session, agency=agency)
    elsewhere = make_published(session=session, agency=other_agency)
    for proposal in (shown, elsewhere):
        Client().get(reverse("public:proposal", args=[proposal.pk]))
    before = {p.pk: version(p) for p in (shown, elsewhere)}
    announce_pending()
    sent.clear()
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        agency.name = "苏州市新名称局"  # as the admin saves it: in an atomic block
        agency.save()
    assert version(shown) != before[shown.pk]
    assert version(elsewhere) == before[elsewhere.pk]
    (proposal_ids, reasons, _shared), *others = sent
    assert not others and proposal_ids == {shown.pk}
    assert reasons[shown.pk] == {signals.Reason.SHARED}
    documents = [q["sql"] for q in queries.captured_queries if "searchdocument" in q["sql"]]
    assert len(documents) == 1 and VERSION_WRITE.search(documents[0])  # no refresh


def test_a_new_category_shows_in_the_filter_options_after_commit(
    session, django_capture_on_commit_callbacks
):
    selectors.forget_cached()
    assert selectors.filter_options()["category"] == [
        (c.pk, str(c)) for c in Category.objects.all()
    ]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        category = Category.objects.create(committee=home_committee(), name="生态环境")
    assert (category.pk, "生态环境") in selectors.filter_options()["category"]
