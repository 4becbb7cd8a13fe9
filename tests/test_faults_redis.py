"""Redis down: the public portal and the staff pages still work, an upload is kept and
its render waits to be queued again; failed tasks are logged with their case."""

import logging

import pytest
from django.core.cache import caches
from django.urls import reverse
from kombu.exceptions import OperationalError

from config.task_logging import context_of, log_task_failure
from responses.documents import service as documents
from responses.models import RenderStatus
from responses.tasks import render_reply_document_task
from tests.officer_data import make_document, make_draft_reply
from tests.public_data import make_published

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/9"


@pytest.fixture
def redis_down(settings):
    """The real cache backend of production, pointed at a port where nothing listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSafeRedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.REDIS_URL = CLOSED_PORT
    settings.RATELIMIT_ENABLED = True  # the limiter uses the cache: it must fail open
    caches._settings = None
    if hasattr(caches._connections, "default"):
        del caches._connections.default
    yield
    if hasattr(caches._connections, "default"):
        del caches._connections.default


def test_the_cache_answers_misses_when_redis_is_down(redis_down):
    cache = caches["default"]
    cache.set("k", "v")
    assert cache.get("k", "fallback") == "fallback"
    assert cache.add("k", 1) is False


def test_public_and_staff_pages_work_while_redis_is_down(
    client, redis_down, alice, agency, sponsor, session
):
    proposal = make_published(
        title="关于缓存故障的建议", session=session, sponsor=sponsor, agency=agency
    )
    for url in [
        reverse("public:home"),
        reverse("public:proposals") + "?q=缓存",
        reverse("public:proposal", args=[proposal.pk]),
        reverse("api:proposal-list"),
    ]:
        assert client.get(url).status_code == 200, url
    client.force_login(alice)
    for url in [reverse("staff:dashboard"), reverse("staff:proposal-detail", args=[proposal.pk])]:
        assert client.get(url).status_code == 200, url
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["checks"]["redis"]["ok"] is False


def test_an_upload_is_kept_when_the_broker_is_down_and_waits_for_its_render(
    monkeypatch, agency, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1")

    monkeypatch.setattr(render_reply_document_task, "delay", broker_down)
    from tests.officer_data import make_assignment

    reply = make_draft_reply(make_assignment(agency))
    document = make_document(reply, status=RenderStatus.WAITING)
    with django_capture_on_commit_callbacks(execute=True):
        documents.queue_render(document)
    document.refresh_from_db()
    assert document.render_status == RenderStatus.WAITING
    assert document.original.read().startswith(b"PK")


def test_a_failed_task_is_logged_with_its_proposal_and_assignment(agency, caplog):
    from tests.officer_data import make_assignment

    assignment = make_assignment(agency)
    document = make_document(make_draft_reply(assignment))
    assert context_of(render_reply_document_task, (document.pk,), {}) == {
        "document_id": document.pk,
        "reply_id": document.reply_id,
        "assignment_id": assignment.pk,
        "proposal_id": assignment.proposal_id,
    }
    with caplog.at_level(logging.ERROR, logger="jianyan.tasks"):
        log_task_failure(
            sender=render_reply_document_task,
            task_id="t1",
            exception=RuntimeError("boom"),
            args=(document.pk,),
            kwargs={},
        )
    (record,) = caplog.records
    assert f"proposal_id={assignment.proposal_id}" in record.getMessage()
    assert record.assignment_id == assignment.pk
