"""/healthz: is the stack able to serve and to work? JSON, 200 when all is well, else 503.

Checks the database (a query), Redis (a PING, only when REDIS_URL is set) and a live
Celery worker (the heartbeat beat makes every worker stamp into the cache, see
config/tasks.py; older than WORKER_STALE_AFTER means no worker is running the queue).
Without REDIS_URL tasks run eagerly in the web process, so there is no worker to check.
"""

import datetime as dt

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.tasks import worker_last_seen

# Beat sends a heartbeat every minute; allow a few to be missed before calling it dead.
WORKER_STALE_AFTER = dt.timedelta(minutes=5)


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is "down", reported as text
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def check_redis() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "skipped": "REDIS_URL not set"}
    try:
        import redis

        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def check_worker() -> dict:
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return {"ok": True, "skipped": "tasks run eagerly"}
    try:
        last_seen = worker_last_seen()
    except Exception as exc:  # noqa: BLE001 - cache down: no evidence of a worker
        return {"ok": False, "error": exc.__class__.__name__}
    if last_seen is None:
        return {"ok": False, "error": "no heartbeat"}
    age = timezone.now() - last_seen
    return {
        "ok": age <= WORKER_STALE_AFTER,
        "last_seen": last_seen.isoformat(),
        "age_seconds": int(age.total_seconds()),
    }


@never_cache
@require_GET
def healthz(request):
    checks = {"database": check_database(), "redis": check_redis(), "worker": check_worker()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503
    )
