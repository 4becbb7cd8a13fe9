"""Project-wide Celery tasks: the worker heartbeat.

Beat queues `heartbeat_task` every minute (settings.CELERY_BEAT_SCHEDULE); whichever
worker runs it stamps the time into the cache (Redis in production), so /healthz can
tell "a worker is alive and the queue moves" without talking to Celery itself.
"""

from datetime import datetime

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "worker-heartbeat"
# Long enough to outlive a few missed beats, so staleness is judged by the timestamp
# (see worker_last_seen) rather than by the key vanishing.
HEARTBEAT_TTL_SECONDS = 24 * 3600


@shared_task(ignore_result=False)
def heartbeat_task() -> str:
    """Record that a worker ran this task now; returns the ISO timestamp it stored."""
    now = timezone.now()
    cache.set(HEARTBEAT_CACHE_KEY, now.isoformat(), timeout=HEARTBEAT_TTL_SECONDS)
    return now.isoformat()


def worker_last_seen() -> datetime | None:
    """When a worker last ran heartbeat_task, or None if none has (or the cache is gone)."""
    value = cache.get(HEARTBEAT_CACHE_KEY)
    return datetime.fromisoformat(value) if value else None
