"""A real Celery worker, started as its own process on Redis, runs the heartbeat task.

The rest of the suite runs tasks eagerly; this is the one test of the real path: the
broker, serialisation, task discovery (CELERY_IMPORTS) and the Redis cache a separate
process writes and the web process reads. It uses REDIS_URL when set (CI) and otherwise
starts a private redis-server. Its own queue name keeps any other worker on the same
Redis from taking the message, and the heartbeat needs no database.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.test import override_settings
from django.utils import timezone

from config.tasks import worker_last_seen

pytestmark = pytest.mark.worker

BASE_DIR = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_redis(url: str, process: subprocess.Popen | None = None) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            if process is not None and process.poll() is not None:
                raise AssertionError(f"redis-server exited with {process.returncode}") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if os.environ.get("REDIS_URL"):
        wait_for_redis(os.environ["REDIS_URL"])
        yield os.environ["REDIS_URL"]
        return
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path_factory.mktemp("redis"))],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"redis://127.0.0.1:{port}/0"
        wait_for_redis(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def token():
    return uuid.uuid4().hex[:12]


@pytest.fixture
def worker(redis_url, token, tmp_path):
    """A `celery -A config worker` process consuming only its own queue."""
    env = {k: v for k, v in os.environ.items() if k not in {"JIANYAN_TESTING", "DATABASE_URL"}}
    env.update(
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=f"test-{token}",
        JIANYAN_VAR_DIR=str(tmp_path / "var"),
        PYTHONUNBUFFERED="1",
    )
    log_path = tmp_path / "worker.log"
    queue = f"test-{token}"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
             "--queues", queue, "--hostname", f"{queue}@%h", "--loglevel", "INFO",
             "--without-gossip", "--without-mingle"],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        yield process, queue, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"*{token}*"):
            client.delete(key)


def wait_for_result(result, process, log_path):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if result.ready():
            return result.get(timeout=1)
        if process.poll() is not None:
            pytest.fail(f"the worker exited with {process.returncode}:\n{log_path.read_text()}")
        time.sleep(0.2)
    pytest.fail(f"no result after {WAIT_SECONDS}s; worker log:\n{log_path.read_text()}")


def test_a_real_worker_runs_the_heartbeat_and_the_web_side_sees_it(redis_url, token, worker):
    process, queue, log_path = worker
    # set_as_current=False: shared tasks queued later in this process must keep using
    # the project's (eager) app, not this client.
    client = Celery("test-client", broker=redis_url, backend=redis_url, set_as_current=False)
    client.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])
    sent_at = timezone.now()

    result = client.send_task("config.tasks.heartbeat_task", queue=queue)
    stamp = wait_for_result(result, process, log_path)
    result.forget()

    recorded_at = timezone.datetime.fromisoformat(stamp)
    assert sent_at <= recorded_at <= sent_at + timedelta(seconds=WAIT_SECONDS)
    assert f"Task config.tasks.heartbeat_task[{result.id}] succeeded" in log_path.read_text()
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"test-{token}",
        }
    }
    with override_settings(CACHES=redis_cache):
        assert worker_last_seen() == recorded_at


def test_no_heartbeat_recorded_means_no_worker_seen(settings, token):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"empty-{token}",
        }
    }

    assert worker_last_seen() is None
