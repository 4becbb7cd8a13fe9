"""The render service: claims a document, keeps the original, replaces only derived files."""

import hashlib
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from responses.documents import libreoffice, queue_render, render_document
from responses.documents.render import RenderError
from responses.documents.service import MAX_ATTEMPTS
from responses.models import RenderStatus, ReplyDocument
from responses.tasks import render_reply_document_task
from tests import corpus
from tests.factories import ReplyFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def reply(db, agency):
    return ReplyFactory(
        assignment__agency=agency,
        assignment__proposal__number=118,
        assignment__proposal__title="关于“人工智能+产业”深度融合,赋能新型工业化发展的建议",
    )


def make_document(reply, name: str) -> ReplyDocument:
    """A stored upload; hostile files too, as if kept from before a rule was added."""
    data = (corpus.path(name)).read_bytes()
    document = ReplyDocument(
        reply=reply,
        original_name=Path(name).name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        doc_type=Path(name).suffix.lstrip(".")[:4].replace("docm", "docx"),
    )
    document.original.save(Path(name).name, ContentFile(data), save=False)
    document.save()
    return document


def original_sha256(document) -> str:
    with document.original.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


@pytest.mark.slow
def test_a_word_reply_is_rendered_with_its_cover_and_text_and_the_original_untouched(reply):
    document = make_document(reply, "zh/reply-118.doc")

    assert render_document(document) is True

    document.refresh_from_db()
    assert document.render_status == RenderStatus.READY
    assert document.render_attempts == 1
    assert document.rendered_at is not None
    assert "工业和信息化" in document.text
    assert "提案号" not in document.text  # the text is the letter's, not the cover's
    with document.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert original_sha256(document) == document.sha256


def test_a_pdf_reply_is_kept_and_its_text_extracted(reply):
    document = make_document(reply, "zh/reply-118.pdf")

    assert render_document(document) is True

    document.refresh_from_db()
    assert document.render_status == RenderStatus.READY
    assert "苏州市工业和信息化局" in document.text
    assert original_sha256(document) == document.sha256


def test_a_rerender_replaces_the_pdf_and_removes_the_old_one(reply):
    document = make_document(reply, "zh/reply-118.pdf")
    render_document(document)
    document.refresh_from_db()
    first_pdf = document.pdf.name
    call_command("rerender_replies", str(document.pk), verbosity=0)

    document.refresh_from_db()
    assert document.render_status == RenderStatus.READY
    assert document.pdf.name != first_pdf
    assert not document.pdf.storage.exists(first_pdf)
    assert document.pdf.storage.exists(document.pdf.name)
    assert original_sha256(document) == document.sha256


def test_a_document_already_being_rendered_is_not_claimed_twice(reply):
    document = make_document(reply, "zh/reply-118.pdf")
    ReplyDocument.objects.filter(pk=document.pk).update(render_status=RenderStatus.RENDERING)

    assert render_document(document) is False
    document.refresh_from_db()
    assert document.render_status == RenderStatus.RENDERING
    assert document.render_attempts == 0


def test_a_redelivered_task_takes_over_a_render_its_dead_worker_left(reply):
    document = make_document(reply, "zh/reply-118.pdf")
    ReplyDocument.objects.filter(pk=document.pk).update(render_status=RenderStatus.RENDERING)

    assert render_document(document, takeover=True) is True
    document.refresh_from_db()
    assert document.render_status == RenderStatus.READY


def test_a_ready_document_is_not_rendered_again_by_a_duplicate_task(reply):
    document = make_document(reply, "zh/reply-118.pdf")
    render_document(document)

    assert render_document(document) is False
    document.refresh_from_db()
    assert document.render_attempts == 1


def test_an_encrypted_letter_fails_with_a_message_an_officer_understands(reply):
    document = make_document(reply, "word/PasswordProtected.doc")

    assert render_document(document) is False

    document.refresh_from_db()
    assert document.render_status == RenderStatus.FAILED
    assert "密码" in document.render_error
    assert not document.pdf
    assert original_sha256(document) == document.sha256


def test_a_transient_failure_goes_back_to_waiting_for_a_retry(reply):
    document = make_document(reply, "zh/reply-118.docx")
    with (
        mock.patch.object(
            libreoffice, "convert_to_pdf", side_effect=libreoffice.Unavailable("no soffice")
        ),
        pytest.raises(RenderError),
    ):
        render_document(document, retry=True)

    document.refresh_from_db()
    assert document.render_status == RenderStatus.WAITING
    assert "自动重试" in document.render_error


def test_the_task_retries_a_transient_failure_then_records_it(reply):
    document = make_document(reply, "zh/reply-118.docx")
    with (
        mock.patch.object(
            libreoffice, "convert_to_pdf", side_effect=libreoffice.Unavailable("no soffice")
        ) as convert,
        mock.patch("responses.documents.tasks._backoff", return_value=0),
    ):
        render_reply_document_task.apply(args=(document.pk,))

    assert convert.call_count == render_reply_document_task.max_retries + 1
    document.refresh_from_db()
    assert document.render_status == RenderStatus.FAILED
    assert document.render_attempts == render_reply_document_task.max_retries + 1


def test_a_document_that_keeps_killing_its_worker_ends_failed(reply):
    document = make_document(reply, "zh/reply-118.pdf")
    ReplyDocument.objects.filter(pk=document.pk).update(
        render_status=RenderStatus.RENDERING, render_attempts=MAX_ATTEMPTS
    )

    assert render_document(document, takeover=True) is False
    document.refresh_from_db()
    assert document.render_status == RenderStatus.FAILED
    assert "多次" in document.render_error


def test_the_render_is_queued_only_after_the_transaction_commits(
    reply, django_capture_on_commit_callbacks
):
    document = make_document(reply, "zh/reply-118.pdf")
    with mock.patch.object(render_reply_document_task, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            queue_render(document)
        delay.assert_not_called()
        for callback in callbacks:
            callback()
    delay.assert_called_once_with(document.pk)


def test_rerender_replies_failed_only_touches_failed_documents(reply):
    good = make_document(reply, "zh/reply-118.pdf")
    render_document(good)
    bad = make_document(reply, "word/PasswordProtected.doc")
    render_document(bad)
    good.refresh_from_db()
    rendered_at = good.rendered_at

    call_command("rerender_replies", "--failed", verbosity=0)

    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.rendered_at == rendered_at
    assert bad.render_status == RenderStatus.FAILED
    assert bad.render_attempts == 1  # reset, then tried once more


def test_render_document_command_writes_a_pdf(tmp_path):
    output = tmp_path / "out.pdf"
    call_command("render_document", str(corpus.path("zh/reply-118.pdf")), str(output),
                 "--number", "118", verbosity=0)  # fmt: skip
    assert output.read_bytes().startswith(b"%PDF-")


def test_render_document_command_fails_with_a_one_line_reason(tmp_path):
    output = tmp_path / "out.pdf"
    with pytest.raises(CommandError) as caught:
        call_command("render_document", str(corpus.path("made/macro.docm")), str(output))
    assert "宏" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert not output.exists()
