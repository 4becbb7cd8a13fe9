"""A Celery worker killed in the middle of a render: after a new worker starts, the
render completes exactly once and the original upload is untouched.

The worker is a separate process (SIGKILL must not take the test with it), so it must
share the test database: this runs where DATABASE_URL is PostgreSQL (CI, and
DATABASE_URL=postgres://... locally); on SQLite the module defines no test. The broker's
visibility timeout is shortened to a few seconds in the workers started here, so the
unacknowledged message (acks_late) comes back without waiting an hour.
"""

import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from responses.models import RenderStatus, ReplyDocument
from tests import corpus
from tests.officer_data import make_assignment, make_draft_reply

pytestmark = pytest.mark.worker

BASE_DIR = Path(__file__).resolve().parent.parent
LETTER = corpus.path("word/Headers.docx")
REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9")
VISIBILITY = 4

WORKER = """
import sys
from config.celery_app import app
app.conf.broker_transport_options = {{"visibility_timeout": {visibility}}}
app.conf.task_default_queue = "{queue}"
app.worker_main(["worker", "--pool", "solo", "--queues", "{queue}", "--loglevel", "INFO",
                 "--hostname", "{queue}-{n}@%h", "--without-gossip", "--without-mingle"])
"""


def start_worker(queue, n, media_root, log):
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k != "JIANYAN_TESTING"}
    env.update(
        JIANYAN_TESTING="0",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}",
        REDIS_URL=REDIS,
        MEDIA_ROOT=str(media_root),
        CACHE_KEY_PREFIX=f"test-{queue}",
        PYTHONUNBUFFERED="1",
    )
    code = WORKER.format(visibility=VISIBILITY, queue=queue, n=n)
    return subprocess.Popen(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def wait_until(predicate, seconds, what, log_path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"{what} not reached in {seconds}s; worker log:\n{log_path.read_text()[-3000:]}")


def status(document_id):
    return ReplyDocument.objects.values_list("render_status", "render_attempts").get(pk=document_id)


if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):

    @pytest.mark.django_db(transaction=True)
    def test_a_render_interrupted_by_a_killed_worker_completes_once_after_restart(
        tmp_path, settings, agency
    ):
        settings.MEDIA_ROOT = tmp_path / "media"
        queue = f"test-kill-{uuid.uuid4().hex[:10]}"
        original = LETTER.read_bytes()
        reply = make_draft_reply(make_assignment(agency))
        document = ReplyDocument(
            reply=reply, original_name="答复函.docx", doc_type="docx", size=len(original),
            sha256=hashlib.sha256(original).hexdigest(), render_status=RenderStatus.WAITING,
        )  # fmt: skip
        document.original.save("letter.docx", ContentFile(original), save=False)
        document.save()

        # A producer of its own: the test settings make the project's app eager.
        producer = Celery("kill-test", broker=REDIS, set_as_current=False)
        log_path = tmp_path / "workers.log"
        with log_path.open("w") as log:
            first = start_worker(queue, 1, settings.MEDIA_ROOT, log)
            try:
                producer.send_task(
                    "responses.tasks.render_reply_document_task", args=[document.pk], queue=queue
                )
                wait_until(
                    lambda: status(document.pk)[0] == RenderStatus.RENDERING, 120,
                    "the first worker claiming the render", log_path,
                )  # fmt: skip
                os.killpg(first.pid, signal.SIGKILL)  # the worker and its LibreOffice
                first.wait(timeout=10)
                assert status(document.pk) == (RenderStatus.RENDERING, 1)

                time.sleep(VISIBILITY + 1)  # the unacked message becomes visible again
                second = start_worker(queue, 2, settings.MEDIA_ROOT, log)
                try:
                    wait_until(
                        lambda: status(document.pk)[0] == RenderStatus.READY, 180,
                        "the render completed by the second worker", log_path,
                    )  # fmt: skip
                    time.sleep(VISIBILITY + 2)  # nothing else is redelivered after
                finally:
                    os.killpg(second.pid, signal.SIGTERM)
                    second.wait(timeout=30)
            finally:
                if first.poll() is None:
                    os.killpg(first.pid, signal.SIGKILL)
                client = redis.Redis.from_url(REDIS)
                leftover = client.llen(queue)
                for key in client.scan_iter(f"*{queue}*"):
                    client.delete(key)
                producer.close()

        document.refresh_from_db()
        assert (document.render_status, document.render_attempts) == (RenderStatus.READY, 2)
        assert document.pdf.read().startswith(b"%PDF")
        assert document.original.read() == original
        assert leftover == 0
