"""A real Celery worker on Redis renders an uploaded reply: broker, JSON arguments, late
acks and the database seen from the worker, end to end.

The worker runs in a thread of the test process (celery.contrib.testing), so it shares
the test database (SQLite in memory or PostgreSQL) without a migrate of its own; it
listens on a queue of its own so no other worker on the same Redis takes the message.
tests/test_celery_worker.py covers a worker as a separate process.
"""

import os
import socket
import subprocess
import time
import uuid

import pytest
import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.core.files.base import ContentFile

import responses.tasks  # noqa: F401 - registers the shared task with every app
from config.celery_app import app as project_app
from responses.models import RenderStatus, ReplyDocument
from tests import corpus
from tests.factories import ReplyFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for_redis(url: str) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if os.environ.get("REDIS_URL"):
        wait_for_redis(os.environ["REDIS_URL"])
        yield os.environ["REDIS_URL"]
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path_factory.mktemp("redis"))],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"redis://127.0.0.1:{port}/0"
        wait_for_redis(url)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def worker_app(redis_url):
    queue = f"test-render-{uuid.uuid4().hex[:12]}"
    app = Celery("jianyan-render-test")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=redis_url,
        result_backend=redis_url,
        task_always_eager=False,
        task_default_queue=queue,
    )
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]):
            yield app
    finally:
        # Shared tasks follow the current app: hand them back to the project's (eager in
        # tests), or later tests would queue renders on this worker's gone broker.
        project_app.set_current()
        project_app.set_default()
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"*{queue}*"):
        client.delete(key)


def test_a_real_worker_renders_an_uploaded_reply(worker_app, agency, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    reply = ReplyFactory(assignment__agency=agency, assignment__proposal__number=118)
    data = (corpus.path("zh/reply-118.pdf")).read_bytes()
    document = ReplyDocument(
        reply=reply, original_name="答复函.pdf", sha256="-", size=len(data), doc_type="pdf"
    )
    document.original.save("答复函.pdf", ContentFile(data), save=False)
    document.save()

    worker_app.tasks["responses.tasks.render_reply_document_task"].delay(document.pk)

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.render_status in (RenderStatus.READY, RenderStatus.FAILED):
            break
        time.sleep(0.2)
    assert document.render_status == RenderStatus.READY, document.render_error
    assert "苏州市工业和信息化局" in document.text
    with document.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
