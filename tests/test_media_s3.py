"""Media on S3-compatible object storage (MEDIA_STORAGE=s3, django-storages).

An S3 server runs on loopback (moto's server mode, `moto_server`: S3 itself is outside
the machine), with a fresh private bucket per test; the default
storage is the one config/storage.py builds from the environment. An officer uploads a
reply letter through the view, it is rendered (read from the bucket into a temporary
file, the PDF written back to the bucket), and the PDF and the original are fetched
through the officer's and the public file views. MEDIA_ROOT stays empty throughout.
"""

import hashlib
import io
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from config.celery_app import app as celery_app
from config.storage import s3_storage
from proposals.models import Status
from responses.documents import pdf, render_document
from responses.documents.render import RenderError
from responses.models import AssignmentState, RenderStatus, Reply, ReplyDocument
from responses.models import Role as AssignmentRole
from tests import corpus
from tests.factories import ProposalFactory, ReplyFactory
from tests.officer_data import make_assignment

pytestmark = pytest.mark.django_db

KEYS = {"access_key": "jianyan-test", "secret_key": "jianyan-test-secret"}
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    """moto's S3 server in a process of its own, started outside the project folder: moto
    imports the `responses` library, which our `responses` app would shadow."""
    port = free_port()
    folder = tmp_path_factory.mktemp("moto")
    log = (folder / "moto.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        cwd=folder,
        env={key: value for key, value in os.environ.items() if key != "PYTHONPATH"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, (folder / "moto.log").read_text()
                assert time.monotonic() < deadline, "moto_server did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture
def bucket(settings, s3_endpoint, tmp_path):
    """A new private bucket as the default storage, configured as settings.py does."""
    name = f"jianyan-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket=name)
    settings.MEDIA_ROOT = tmp_path / "media"  # must stay empty: nothing on local disk
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(bucket=name, endpoint_url=s3_endpoint, region=REGION, **KEYS),
    }

    def objects() -> set[str]:
        listed = client.list_objects_v2(Bucket=name)
        return {item["Key"] for item in listed.get("Contents", [])}

    def read(key: str) -> bytes:
        return client.get_object(Bucket=name, Key=key)["Body"].read()

    yield SimpleNamespace(name=name, client=client, objects=objects, read=read)
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*"))


@pytest.fixture
def eager_tasks():
    """Render in-process even where REDIS_URL is set and no worker listens."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def assignment(agency):
    proposal = ProposalFactory(
        status=Status.ASSIGNED, is_published=True, published_at=timezone.now(), number=118
    )
    return make_assignment(
        agency, proposal=proposal, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED
    )


def reply_form(upload) -> dict:
    return {
        "classification": "A",
        "summary": "已将建议纳入年度工作计划。",
        "signer": "张局长",
        "is_public": "1",
        "replied_on": timezone.localdate().isoformat(),
        "replied_time": f"{timezone.localtime():%H:%M}",
        "upload": upload,
    }


def streamed(response) -> bytes:
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def file_reply(client, assignment, name, data, capture) -> ReplyDocument:
    with capture(execute=True):  # the render is queued on commit
        response = client.post(
            reverse("officer:file-reply", kwargs={"assignment_id": assignment.pk}),
            reply_form(SimpleUploadedFile(name, data)),
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Reply.objects.get(assignment=assignment).documents.get()


def stored_letter(reply, name: str, doc_type: str) -> tuple[ReplyDocument, bytes]:
    """A corpus letter saved as the reply's document, through the storage, not rendered."""
    data = (corpus.path(f"zh/{name}")).read_bytes()
    document = ReplyDocument(
        reply=reply,
        original_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        doc_type=doc_type,
    )
    document.original.save(name, ContentFile(data), save=False)
    document.save()
    return document, data


def test_a_reply_letter_is_stored_rendered_and_served_from_the_bucket(
    client, bob, assignment, bucket, eager_tasks, django_capture_on_commit_callbacks
):
    letter = (corpus.path("zh/reply-118.pdf")).read_bytes()
    client.force_login(bob)

    document = file_reply(
        client, assignment, "reply-118.pdf", letter, django_capture_on_commit_callbacks
    )

    document.refresh_from_db()
    assert document.render_status == RenderStatus.READY, document.render_error
    assert "工业和信息化" in document.text  # extracted from the copy taken out of S3
    assert {document.original.name, document.pdf.name} <= bucket.objects()
    assert hashlib.sha256(bucket.read(document.original.name)).hexdigest() == document.sha256
    stored_pdf = bucket.read(document.pdf.name)
    assert len(PdfReader(io.BytesIO(stored_pdf)).pages) >= 2  # the cover, then the letter

    pdf_view = reverse("officer:document-pdf", kwargs={"document_id": document.pk})
    assert streamed(client.get(pdf_view)) == stored_pdf

    reply = document.reply
    confirm = reverse("officer:confirm-reply", kwargs={"reply_id": reply.pk})
    client.post(confirm)
    reply.refresh_from_db()
    assert reply.status == "confirmed"
    client.logout()
    assert streamed(client.get(reverse("public:reply-pdf", args=[document.pk]))) == stored_pdf
    # Staff published the original deliberately (nothing in it to redact).
    ReplyDocument.objects.filter(pk=document.pk).update(original_public=True)
    original = client.get(reverse("public:reply-original", args=[document.pk]))
    # The public gets a copy without metadata or active content (scrub.py), same text.
    public = streamed(original)
    assert public.startswith(b"%PDF") and public != letter
    assert pdf.extract_text(public) == pdf.extract_text(letter)


def test_a_rerender_replaces_the_pdf_in_the_bucket_and_keeps_the_original(agency, bucket, settings):
    reply = ReplyFactory(assignment__agency=agency)
    document, data = stored_letter(reply, "reply-118.pdf", "pdf")
    assert render_document(document) is True
    document.refresh_from_db()
    first_pdf = document.pdf.name

    ReplyDocument.objects.filter(pk=document.pk).update(render_status=RenderStatus.WAITING)
    assert render_document(document) is True

    document.refresh_from_db()
    assert document.pdf.name != first_pdf
    assert bucket.objects() == {document.original.name, document.pdf.name}
    assert bucket.read(document.original.name) == data


def test_the_same_letter_twice_is_two_objects_and_removing_one_keeps_the_other(
    client, bob, agency, bucket, django_capture_on_commit_callbacks
):
    letter = (corpus.path("zh/reply-118.pdf")).read_bytes()
    first = make_assignment(agency, state=AssignmentState.ACCEPTED)
    second = make_assignment(agency, state=AssignmentState.ACCEPTED)
    client.force_login(bob)
    kept = file_reply(client, first, "答复函.pdf", letter, django_capture_on_commit_callbacks)
    removed = file_reply(client, second, "答复函.pdf", letter, django_capture_on_commit_callbacks)
    # Both are stored under their sha256's first 16 digits: S3Storage would overwrite the
    # first object unless file_overwrite is off.
    assert kept.original.name != removed.original.name

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("officer:remove-document", kwargs={"document_id": removed.pk}))

    assert not ReplyDocument.objects.filter(pk=removed.pk).exists()
    assert removed.original.name not in bucket.objects()
    assert bucket.read(kept.original.name) == letter


@pytest.fixture
def unreachable_bucket(settings, tmp_path):
    """The storage of a bucket whose endpoint does not answer (nothing listens there)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            bucket="jianyan-away",
            endpoint_url=f"http://127.0.0.1:{free_port()}",
            region=REGION,
            **KEYS,
        ),
    }


def test_a_render_while_the_bucket_is_unreachable_waits_to_be_retried(agency, unreachable_bucket):
    reply = ReplyFactory(assignment__agency=agency)
    document = ReplyDocument.objects.create(
        reply=reply,
        original="replies/originals/2025/06/0123456789abcdef.pdf",
        original_name="答复函.pdf",
        sha256="0" * 64,
        size=100,
        doc_type="pdf",
    )

    with pytest.raises(RenderError) as raised:
        render_document(document, retry=True)

    assert raised.value.transient
    document.refresh_from_db()
    assert document.render_status == RenderStatus.WAITING
    assert document.render_error == "暂时无法读取或保存文件，系统将自动重试。"


def test_a_file_view_while_the_bucket_is_unreachable_is_a_clean_503(
    client, bob, agency, unreachable_bucket
):
    reply = ReplyFactory(
        assignment=make_assignment(agency, state=AssignmentState.ACCEPTED), status="draft"
    )
    document = ReplyDocument.objects.create(
        reply=reply,
        original="replies/originals/2025/06/0123456789abcdef.pdf",
        original_name="答复函.pdf",
        sha256="0" * 64,
        size=100,
        doc_type="pdf",
    )
    client.force_login(bob)

    response = client.get(reverse("officer:document-original", kwargs={"document_id": document.pk}))

    assert response.status_code == 503
    assert "文件存储暂时无法访问" in response.content.decode()
    assert response["Retry-After"]


@pytest.mark.slow
def test_a_word_letter_is_converted_by_libreoffice_from_a_copy_of_the_bucket_object(agency, bucket):
    reply = ReplyFactory(
        assignment__agency=agency,
        assignment__proposal__number=118,
        assignment__proposal__title="关于“人工智能+产业”深度融合,赋能新型工业化发展的建议",
    )
    document, data = stored_letter(reply, "reply-118.doc", "doc")

    assert render_document(document) is True

    document.refresh_from_db()
    assert document.render_status == RenderStatus.READY, document.render_error
    assert "工业和信息化" in document.text
    assert bucket.read(document.pdf.name).startswith(b"%PDF-")
    assert bucket.read(document.original.name) == data


def test_the_media_archive_moves_a_bucket_into_an_empty_one_name_for_name(
    agency, bucket, settings, s3_endpoint, tmp_path
):
    reply = ReplyFactory(assignment__agency=agency)
    letter = (corpus.path("zh/reply-118.pdf")).read_bytes()
    document = ReplyDocument(
        reply=reply, original_name="答复函.pdf", sha256="0" * 64, size=len(letter), doc_type="pdf"
    )
    document.original.save("a.pdf", ContentFile(letter), save=False)
    document.pdf.save("reply.pdf", ContentFile(b"%PDF-1.4 rendered"), save=False)
    document.save()
    archive = tmp_path / "media.tar.gz"

    call_command("media_archive", "export", str(archive), verbosity=0)

    source = {key: bucket.read(key) for key in bucket.objects()}
    target = f"jianyan-{uuid.uuid4().hex[:12]}"
    bucket.client.create_bucket(Bucket=target)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(bucket=target, endpoint_url=s3_endpoint, region=REGION, **KEYS),
    }
    call_command("media_archive", "import", str(archive), verbosity=0)
    listed = bucket.client.list_objects_v2(Bucket=target)["Contents"]
    restored = {
        item["Key"]: bucket.client.get_object(Bucket=target, Key=item["Key"])["Body"].read()
        for item in listed
    }
    assert restored == source and len(source) == 2
    document.refresh_from_db()
    with document.original.open("rb") as handle:  # the row finds its file in the new bucket
        assert handle.read() == letter

    with pytest.raises(CommandError, match="媒体存储不是空的"):
        call_command("media_archive", "import", str(archive), verbosity=0)


@pytest.mark.slow
@pytest.mark.skipif(
    not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="make backup is pg_dump: runs where DATABASE_URL is PostgreSQL (CI)",
)
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_carry_the_bucket_into_an_empty_one(
    agency, sponsor, session, bucket, s3_endpoint, tmp_path
):
    from django.db import connection

    from tests.public_data import attach_document, make_published
    from tests.test_backup_restore import _url

    proposal = make_published(title="关于对象存储备份的建议", session=session, agency=agency)
    document = attach_document(proposal.reply)
    source = {key: bucket.read(key) for key in bucket.objects()}
    target = f"jianyan-{uuid.uuid4().hex[:12]}"
    bucket.client.create_bucket(Bucket=target)
    restore_db = f"{connection.settings_dict['NAME']}_s3restore"
    admin = _url("postgres")

    def storage_env(database: str, bucket_name: str) -> dict:
        return {
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": database,
            "MEDIA_STORAGE": "s3",
            "S3_BUCKET": bucket_name,
            "S3_ENDPOINT_URL": s3_endpoint,
            "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": KEYS["access_key"],
            "S3_SECRET_ACCESS_KEY": KEYS["secret_key"],
        }

    def script(name: str, *args: str, env: dict) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", f"scripts/{name}", *args],
            cwd=django_settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    import psycopg

    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{restore_db}"')
        server.execute(f'CREATE DATABASE "{restore_db}"')
    try:
        live = storage_env(_url(connection.settings_dict["NAME"]), bucket.name)
        backup = script("backup.sh", str(tmp_path / "backup"), env=live)
        assert backup.returncode == 0, backup.stderr
        folder = backup.stdout.strip().splitlines()[-1]

        # Into a bucket that holds something: refused before anything is restored.
        refused = script("restore.sh", folder, env=storage_env(_url(restore_db), bucket.name))
        assert refused.returncode == 3 and "not empty" in refused.stderr

        restored = script("restore.sh", folder, env=storage_env(_url(restore_db), target))
        assert restored.returncode == 0, restored.stderr
        with psycopg.connect(_url(restore_db)) as database:
            (original,) = database.execute(
                "select original from responses_replydocument where id = %s", [document.pk]
            ).fetchone()
        listed = bucket.client.list_objects_v2(Bucket=target)["Contents"]
        copied = {
            item["Key"]: bucket.client.get_object(Bucket=target, Key=item["Key"])["Body"].read()
            for item in listed
        }
        assert copied == source
        assert original in copied
    finally:
        with psycopg.connect(admin, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{restore_db}" WITH (FORCE)')
