"""/healthz tells the database, Redis and a live Celery worker apart, as JSON."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from config import health
from config.tasks import HEARTBEAT_CACHE_KEY, heartbeat_task

pytestmark = pytest.mark.django_db


def test_a_healthy_stack_answers_200_with_each_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "worker"}


def test_a_broken_database_answers_503(client, monkeypatch):
    monkeypatch.setattr(
        health, "check_database", lambda: {"ok": False, "error": "OperationalError"}
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "OperationalError"}


def test_redis_at_a_closed_port_is_reported_down(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    assert health.check_redis() == {"ok": False, "error": "ConnectionError"}


@pytest.fixture
def queued(settings):
    """As in production: tasks go to a worker, so a heartbeat is required."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete(HEARTBEAT_CACHE_KEY)


def test_no_worker_heartbeat_answers_503(client, queued):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"ok": False, "error": "no heartbeat"}


def test_a_recent_heartbeat_means_a_live_worker(client, queued):
    heartbeat_task()
    assert client.get("/healthz").json()["checks"]["worker"]["ok"] is True


def test_a_stale_heartbeat_means_no_worker(client, queued):
    stale = timezone.now() - dt.timedelta(minutes=10)
    cache.set(HEARTBEAT_CACHE_KEY, stale.isoformat())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["age_seconds"] >= 600
