"""Container health checks for docker-compose.yml; exit 0 when healthy, 1 when not.

    python scripts/healthcheck.py web     GET /healthz on 127.0.0.1:8000 answers 200
    python scripts/healthcheck.py beat    beat wrote its schedule file in the last 10 min

Standard library only and no Django import, so a check costs milliseconds. The worker's
check is `celery inspect ping` (see docker-compose.yml).
"""

import http.client
import os
import sys
import time
from pathlib import Path


def first_allowed_host() -> str:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0] if hosts else "localhost"
    # ".example.org" allows subdomains; "*" allows anything.
    return "localhost" if host == "*" else host.lstrip(".")


def check_web() -> str | None:
    connection = http.client.HTTPConnection("127.0.0.1", 8000, timeout=5)
    # Behind the TLS proxy Django sees X-Forwarded-Proto; without it SECURE_SSL_REDIRECT
    # would answer every plain request with a redirect.
    connection.request(
        "GET", "/healthz", headers={"Host": first_allowed_host(), "X-Forwarded-Proto": "https"}
    )
    status = connection.getresponse().status
    return None if status == 200 else f"/healthz answered {status}"


def check_beat(max_age_seconds: int = 600) -> str | None:
    schedule = Path(os.environ.get("BEAT_SCHEDULE", "/app/var/celery/beat-schedule"))
    files = list(schedule.parent.glob(schedule.name + "*"))
    if not files:
        return f"no schedule file {schedule}*"
    age = time.time() - max(f.stat().st_mtime for f in files)
    return None if age <= max_age_seconds else f"schedule not written for {age:.0f}s"


CHECKS = {"web": check_web, "beat": check_beat}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CHECKS:
        sys.exit(f"usage: healthcheck.py {{{'|'.join(CHECKS)}}}")
    try:
        problem = CHECKS[sys.argv[1]]()
    except OSError as error:
        problem = str(error)
    if problem:
        print(problem, file=sys.stderr)
        sys.exit(1)
