"""从 Word 导入 of .doc and .wps as well as .docx, one file or several: the .doc/.wps
converted by LibreOffice and read like a .docx, several files read by a Celery task
(progress on the batch), previewed, imported one transaction per file, originals kept
byte for byte; hostile files refused with a reason naming the file."""

import io
import shutil
import subprocess

import docx
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.celery_app import app as celery_app
from proposals.models import (
    Proposal,
    WordBatchStatus,
    WordFileStatus,
    WordImportBatch,
    WordImportFile,
)
from proposals.workflow import TransitionError
from responses.documents.libreoffice import lo_environment
from staff.importing.word import WordImportError
from staff.importing.word_batches import import_word_batch, new_word_batch, read_word_batch
from staff.importing.word_files import read_word_file
from tests import corpus
from tests.factories import CommitteeFactory, SessionFactory

TITLE = "关于“人工智能+产业”深度融合,赋能新型工业化发展的建议"
# A Windows program's first bytes: what a renamed .exe starts with.
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 496


@pytest.fixture(scope="module")
def submission_doc(tmp_path_factory) -> bytes:
    """The seed submission saved as Word 97 (.doc) by LibreOffice, as a sponsor's old
    Word or WPS 文字 saves it (WPS writes .wps in the same binary format)."""
    work = tmp_path_factory.mktemp("doc")
    source = work / "proposal-118.docx"
    shutil.copyfile(corpus.path("zh/proposal-118.docx"), source)
    subprocess.run(
        [
            settings.SOFFICE_BINARY,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(work),
            str(source),
        ],
        env=lo_environment(work),
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = (work / "proposal-118.doc").read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0")  # an OLE2 Word binary, not a .docx
    return data


@pytest.fixture
def eager_tasks():
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def staff_client(client, alice):
    client.force_login(alice)
    return client


def files(*pairs) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(name, data) for name, data in pairs]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["提案.doc", "提案.wps"])
def test_a_doc_or_wps_submission_is_converted_and_read_like_the_docx(submission_doc, name):
    result, doc_type = read_word_file(submission_doc, name)
    assert doc_type == name.rsplit(".", 1)[1]
    assert result.title == TITLE
    assert result.lead_name == "市致公党"
    assert len(result.body.split("\n")) == 28
    assert result.warnings == []


@pytest.mark.slow
def test_one_doc_file_prefills_the_entry_form(staff_client, session, sponsor, submission_doc):
    response = staff_client.post(
        reverse("staff:import-word"),
        {"document": files(("提案.doc", submission_doc)), "session": session.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].initial["title"] == TITLE
    assert response.context["import_warnings"] == []
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("name", ["提案.doc", "提案.wps", "提案.docx"])
def test_a_renamed_program_is_refused_with_a_clear_message(staff_client, session, name):
    response = staff_client.post(reverse("staff:import-word"), {"document": files((name, PROGRAM))})
    assert response.status_code == 200
    assert "这是一个可执行程序，不是文档" in response.context["form"].errors["document"][0]
    assert not Proposal.objects.exists()


def test_a_web_page_named_doc_is_refused_as_not_a_submission():
    with pytest.raises(WordImportError, match="这不是 Word 或 WPS 文档"):
        read_word_file(b"<html><body>hello</body></html>", "提案.doc")


@pytest.mark.slow
def test_three_files_one_broken_make_two_proposals_and_one_report(
    staff_client, session, sponsor, submission_doc, eager_tasks, django_capture_on_commit_callbacks
):
    docx = corpus.read("zh/proposal-118.docx")
    broken = corpus.read("made/truncated.docx")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("staff:import-word"),
            {
                "document": files(
                    ("一号.docx", docx), ("二号.doc", submission_doc), ("坏文件.docx", broken)
                ),
                "session": session.pk,
            },
        )
    batch = WordImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("staff:word-batch", args=[batch.pk])
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == (WordBatchStatus.PREVIEWED, 3, 3)

    page = staff_client.get(response.url)
    rows = {row["file"].original_name: row for row in page.context["rows"]}
    assert rows["一号.docx"]["fields"]["title"] == TITLE
    assert rows["二号.doc"]["fields"]["lead_name"] == "市致公党"
    assert rows["坏文件.docx"]["file"].status == WordFileStatus.REFUSED
    assert "“坏文件.docx”：文件已损坏" in page.content.decode()
    assert not Proposal.objects.exists()  # a preview saves no proposal

    done = staff_client.post(reverse("staff:word-batch-import", args=[batch.pk]), follow=True)
    assert "导入完成：录入 2 件，未录入 1 个文件。" in done.content.decode()
    assert Proposal.objects.filter(title=TITLE, session=session).count() == 2
    kept = {f.original_name: f for f in WordImportFile.objects.all()}
    assert bytes(kept["二号.doc"].content) == submission_doc  # the original, byte for byte
    assert kept["二号.doc"].proposal.lead_sponsor == sponsor
    assert kept["二号.doc"].doc_type == "doc"
    assert kept["坏文件.docx"].proposal is None
    assert bytes(kept["坏文件.docx"].content) == broken

    again = staff_client.post(reverse("staff:word-batch-import", args=[batch.pk]), follow=True)
    assert "这批文件已经导入过了。" in again.content.decode()
    assert Proposal.objects.count() == 2


def test_a_file_whose_sponsor_is_unknown_is_reported_and_the_others_still_created(
    alice, session, sponsor, django_capture_on_commit_callbacks
):
    document = docx.Document()
    document.add_heading("关于某事的提案", level=1)
    document.add_paragraph("提案人：不存在的人")
    document.add_paragraph("正文。")
    buffer = io.BytesIO()
    document.save(buffer)
    with django_capture_on_commit_callbacks(execute=False):
        batch = new_word_batch(
            [("甲.docx", corpus.read("zh/proposal-118.docx")), ("乙.docx", buffer.getvalue())],
            session=session,
            by=alice,
        )
    read_word_batch(batch.pk)
    import_word_batch(batch, by=alice)
    outcome = {f.original_name: f for f in batch.files.all()}
    assert outcome["甲.docx"].status == WordFileStatus.CREATED
    assert outcome["乙.docx"].status == WordFileStatus.FAILED
    assert "找不到提案人“不存在的人”" in outcome["乙.docx"].error
    assert Proposal.objects.count() == 1


def test_progress_is_counted_while_the_files_are_read(
    staff_client, alice, session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        batch = new_word_batch(
            [("甲.docx", corpus.read("zh/proposal-118.docx")), ("乙.doc", PROGRAM)],
            session=session,
            by=alice,
        )
    assert len(queued) == 1  # the reading task, queued after commit
    url = reverse("staff:word-batch-progress", args=[batch.pk])
    assert staff_client.get(url).json() == {"done": 0, "total": 2, "finished": False}
    page = staff_client.get(reverse("staff:word-batch", args=[batch.pk])).content.decode()
    assert 'http-equiv="refresh"' in page
    with pytest.raises(TransitionError, match="文件还在读取中"):
        import_word_batch(batch, by=alice)

    read_word_batch(batch.pk)
    read_word_batch(batch.pk)  # a retried task reads nothing twice
    assert staff_client.get(url).json() == {"done": 2, "total": 2, "finished": True}


def test_a_batch_of_another_committee_is_not_found(staff_client, alice, session):
    district = CommitteeFactory()
    theirs = WordImportBatch.objects.create(
        committee=district, session=SessionFactory(committee=district), total=0
    )
    assert staff_client.get(reverse("staff:word-batch", args=[theirs.pk])).status_code == 404
    posted = staff_client.post(reverse("staff:word-batch-import", args=[theirs.pk]))
    assert posted.status_code == 404
    with pytest.raises(TransitionError, match="本政协的届次会议"):
        new_word_batch([("甲.docx", b"x")], session=SessionFactory(committee=district), by=alice)


@pytest.mark.slow
def test_a_conversion_that_runs_past_its_time_is_given_up_with_a_message(
    submission_doc, settings, monkeypatch
):
    from staff.importing import word_files

    settings.UNOSERVER_URL = ""  # the cold soffice, whose whole process group is killed
    monkeypatch.setattr(word_files, "CONVERT_TIMEOUT_SECONDS", 0.05)
    with pytest.raises(WordImportError, match="文件转换超时"):
        read_word_file(submission_doc, "提案.doc")
