"""Each action of the officer's assignment page, legal and illegal, through its view.

A refused action shows the service's own Chinese message and changes nothing.
"""

import datetime as dt

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from config.celery_app import app as celery_app
from proposals.models import Action, Event, Status
from responses.models import (
    AssignmentState,
    CommitteeRules,
    ExtensionRequest,
    JointOpinion,
    ReassignmentRequest,
    RenderStatus,
    Reply,
    ReplyDocument,
    ReplyStatus,
)
from responses.models import Role as AssignmentRole
from tests import corpus
from tests.factories import home_committee
from tests.officer_data import make_assignment, make_document, make_draft_reply, pdf_bytes

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 6, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Suzhou


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def eager_tasks():
    """Render in-process even where REDIS_URL is set and no worker listens."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def officer(client, bob):
    client.force_login(bob)
    return client


def url(name, obj):
    key = "reply_id" if isinstance(obj, Reply) else "assignment_id"
    return reverse(f"officer:{name}", kwargs={key: obj.pk})


def page_text(response):
    return response.content.decode()


def pdf_upload(name="答复函.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def reply_data(**overrides):
    data = {
        "classification": "A",
        "summary": "已将建议纳入年度工作计划。",
        "signer": "张局长",
        "contact": "李联络员",
        "contact_phone": "0512-65000000",
        "is_public": "1",
        "replied_on": "2025-06-02",
        "replied_time": "09:30",
    }
    return data | overrides


# --- 签收 -------------------------------------------------------------------------------


def test_officer_accepts_a_pending_assignment(officer, bob, agency):
    assignment = make_assignment(agency)
    response = officer.post(url("accept", assignment), follow=True)
    assert response.redirect_chain[-1][0] == url("assignment", assignment)
    assert "已签收。" in page_text(response)
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.ACCEPTED
    assert assignment.accepted_by == bob
    assert Event.objects.filter(assignment_id=assignment.pk, action=Action.ACCEPT).count() == 1


def test_accepting_an_accepted_assignment_again_says_why_not(officer, agency):
    assignment = make_assignment(agency, state=AssignmentState.ACCEPTED)
    response = officer.post(url("accept", assignment), follow=True)
    assert "苏州市工业和信息化局的交办当前状态为“办理中”，不能签收。" in page_text(response)
    assert not Event.objects.filter(assignment_id=assignment.pk).exists()


def test_the_assignment_page_offers_accept_only_while_pending(officer, agency):
    pending = make_assignment(agency)
    accepted = make_assignment(agency, state=AssignmentState.ACCEPTED)
    assert url("accept", pending) in page_text(officer.get(url("assignment", pending)))
    assert url("accept", accepted) not in page_text(officer.get(url("assignment", accepted)))


# --- 申请调整 ---------------------------------------------------------------------------


def test_officer_asks_for_reassignment_within_the_window(officer, agency):
    assignment = make_assignment(agency)
    response = officer.post(
        url("request-reassignment", assignment),
        {"reason": "该事项属于市财政局职责。", "suggested_agency": "苏州市财政局"},
        follow=True,
    )
    assert "调整申请已提交，等待提案委员会审批。" in page_text(response)
    request = ReassignmentRequest.objects.get(assignment=assignment)
    assert request.reason == "该事项属于市财政局职责。"
    assert request.suggested_agency == "苏州市财政局"
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.REASSIGNMENT_REQUESTED


def test_the_reassignment_page_and_the_assignment_page_show_the_last_date(officer, agency):
    assignment = make_assignment(agency, reassignment_deadline=dt.date(2025, 6, 13))
    assert "2025-06-13" in page_text(officer.get(url("request-reassignment", assignment)))
    detail = page_text(officer.get(url("assignment", assignment)))
    assert "须在 2025-06-13 前提出" in detail


def test_reassignment_after_the_window_is_refused_with_the_date(officer, agency):
    assignment = make_assignment(agency, reassignment_deadline=dt.date(2025, 5, 30))
    response = officer.post(url("request-reassignment", assignment), {"reason": "不属于本单位"})
    assert response.status_code == 200
    assert "申请调整须在2025-05-30前提出，已超过期限" in page_text(response)
    assert not ReassignmentRequest.objects.exists()
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.PENDING
    assert url("request-reassignment", assignment) not in page_text(
        officer.get(url("assignment", assignment))
    )


def test_reassignment_without_a_reason_is_a_form_error_in_chinese(officer, agency):
    assignment = make_assignment(agency)
    response = officer.post(url("request-reassignment", assignment), {"reason": "  "})
    assert "该字段是必填项。" in page_text(response)
    assert not ReassignmentRequest.objects.exists()


# --- 申请延期 ---------------------------------------------------------------------------


def test_the_extension_page_shows_the_latest_allowed_date(officer, agency):
    assignment = make_assignment(agency)
    latest = timezone.localdate(assignment.assigned_at) + relativedelta(months=6)
    page = page_text(officer.get(url("request-extension", assignment)))
    assert f"最晚可延至 {latest:%Y-%m-%d}" in page
    assert f'max="{latest:%Y-%m-%d}"' in page


def test_officer_asks_for_an_extension(officer, agency):
    assignment = make_assignment(agency, state=AssignmentState.ACCEPTED)
    wanted = assignment.deadline + dt.timedelta(days=30)
    response = officer.post(
        url("request-extension", assignment),
        {"requested_deadline": wanted.isoformat(), "reason": "需征求多部门意见。"},
        follow=True,
    )
    assert "延期申请已提交，等待提案委员会审批。" in page_text(response)
    extension = ExtensionRequest.objects.get(assignment=assignment)
    assert extension.requested_deadline == wanted
    assert extension.previous_deadline == assignment.deadline
    assert url("request-extension", assignment) not in page_text(
        officer.get(url("assignment", assignment))
    )


def test_an_extension_past_six_months_is_refused(officer, agency):
    assignment = make_assignment(agency)
    too_late = timezone.localdate(assignment.assigned_at) + relativedelta(months=6, days=1)
    response = officer.post(
        url("request-extension", assignment),
        {"requested_deadline": too_late.isoformat(), "reason": "工作量大。"},
    )
    assert "延期不能超过" in page_text(response)
    assert not ExtensionRequest.objects.exists()


def test_an_extension_to_a_date_before_the_deadline_is_refused(officer, agency):
    assignment = make_assignment(agency)
    response = officer.post(
        url("request-extension", assignment),
        {"requested_deadline": "2025-06-10", "reason": "工作量大。"},
    )
    assert "申请延至的日期必须晚于现在的期限" in page_text(response)
    assert not ExtensionRequest.objects.exists()


def test_a_second_extension_request_waits_for_the_first(officer, agency):
    assignment = make_assignment(agency)
    wanted = (assignment.deadline + dt.timedelta(days=10)).isoformat()
    officer.post(
        url("request-extension", assignment), {"requested_deadline": wanted, "reason": "一"}
    )
    response = officer.post(
        url("request-extension", assignment), {"requested_deadline": wanted, "reason": "二"}
    )
    assert "已有一份延期申请等待审批。" in page_text(response)
    assert ExtensionRequest.objects.count() == 1


def test_an_extension_without_a_date_is_a_form_error_in_chinese(officer, agency):
    assignment = make_assignment(agency)
    response = officer.post(url("request-extension", assignment), {"reason": "工作量大。"})
    assert "该字段是必填项。" in page_text(response)


# --- 会办意见 ---------------------------------------------------------------------------


def test_a_joint_agency_files_its_opinion_and_the_lead_sees_it(
    client, bob, charlie, agency, other_agency
):
    lead = make_assignment(other_agency, state=AssignmentState.ACCEPTED)
    joint = make_assignment(
        agency, proposal=lead.proposal, role=AssignmentRole.JOINT, state=AssignmentState.ACCEPTED
    )
    client.force_login(bob)
    page = page_text(client.get(url("file-opinion", joint)))
    assert "会办意见将送交主办单位 苏州市财政局" in page
    response = client.post(
        url("file-opinion", joint),
        {"body": "建议将园区配套纳入规划。", "attachment": pdf_upload("会办意见.pdf")},
        follow=True,
    )
    assert "会办意见已提交。" in page_text(response)
    opinion = JointOpinion.objects.get(assignment=joint)
    joint.refresh_from_db()
    assert joint.state == AssignmentState.OPINION_FILED

    client.force_login(charlie)
    lead_page = page_text(client.get(url("assignment", lead)))
    assert "建议将园区配套纳入规划。" in lead_page
    attachment = reverse("officer:opinion-attachment", kwargs={"opinion_id": opinion.pk})
    assert attachment in lead_page
    assert client.get(attachment).status_code == 200


def test_a_lead_agency_cannot_file_a_joint_opinion(officer, agency):
    assignment = make_assignment(agency, state=AssignmentState.ACCEPTED)
    response = officer.post(url("file-opinion", assignment), {"body": "意见"})
    assert "只有会办或协办单位提交会办意见；主办单位请直接答复。" in page_text(response)
    assert not JointOpinion.objects.exists()


def test_an_opinion_attachment_that_is_not_a_document_is_a_form_error(officer, agency):
    joint = make_assignment(agency, role=AssignmentRole.JOINT)
    response = officer.post(
        url("file-opinion", joint),
        {"body": "意见", "attachment": SimpleUploadedFile("a.exe", b"MZ\x90\x00")},
    )
    assert "只接受 .doc、.docx、.wps、.pdf 格式的文件。" in page_text(response)
    assert not JointOpinion.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        b"<!doctype html><html><script>alert(1)</script></html>",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,
    ],
    ids=["html-page", "windows-program"],
)
def test_an_opinion_attachment_is_checked_by_its_content_not_its_name(officer, agency, content):
    joint = make_assignment(agency, role=AssignmentRole.JOINT)
    response = officer.post(
        url("file-opinion", joint),
        {"body": "意见", "attachment": SimpleUploadedFile("会办意见.doc", content)},
    )
    assert response.status_code == 200
    assert "不是 Word 文档" in page_text(response) or "可执行程序" in page_text(response)
    assert not JointOpinion.objects.exists()
    joint.refresh_from_db()
    assert joint.state != AssignmentState.OPINION_FILED


def test_the_opinion_service_checks_the_attachment_content_too(bob, agency):
    from responses import services

    joint = make_assignment(agency, role=AssignmentRole.JOINT)
    with pytest.raises(services.TransitionError) as caught:
        services.file_joint_opinion(
            joint,
            body="意见",
            by=bob,
            attachment=SimpleUploadedFile("意见.doc", b"<html><body>hi</body></html>"),
        )
    assert "网页" in str(caught.value.messages[0])
    assert not JointOpinion.objects.exists()


def test_a_real_document_under_the_wrong_suffix_is_stored_as_what_it_is(bob, agency):
    from responses import services

    joint = make_assignment(agency, role=AssignmentRole.JOINT)
    opinion = services.file_joint_opinion(
        joint, body="意见", by=bob, attachment=SimpleUploadedFile("会办意见.doc", pdf_bytes())
    )
    assert opinion.attachment.name.endswith("会办意见.pdf")
    assert opinion.attachment.open("rb").read() == pdf_bytes()


# --- 填报答复 ---------------------------------------------------------------------------


def test_officer_files_a_reply_and_lands_on_the_preview(officer, bob, agency):
    assignment = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    response = officer.post(
        url("file-reply", assignment), reply_data(upload=pdf_upload()), follow=True
    )
    reply = Reply.objects.get(assignment=assignment)
    assert response.redirect_chain[-1][0] == url("reply", reply)
    assert reply.status == ReplyStatus.DRAFT
    assert (reply.classification, reply.signer, reply.contact) == ("A", "张局长", "李联络员")
    assert reply.summary == "已将建议纳入年度工作计划。"
    assert reply.is_public is True
    assert timezone.localdate(reply.replied_at) == dt.date(2025, 6, 2)
    document = reply.documents.get()
    assert document.original_name == "答复函.pdf"
    page = page_text(response)
    assert "答复已保存，请核对转换后的 PDF 后确认。" in page
    assert '<meta http-equiv="refresh"' in page  # waiting for the render
    assert "等待转换" in page


def test_the_render_runs_after_commit_and_the_preview_shows_the_pdf(
    officer, agency, django_capture_on_commit_callbacks, eager_tasks
):
    assignment = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    letter = (corpus.path("zh/reply-118.pdf")).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(
            url("file-reply", assignment),
            reply_data(upload=SimpleUploadedFile("reply-118.pdf", letter)),
        )
    reply = Reply.objects.get(assignment=assignment)
    document = reply.documents.get()
    assert document.render_status == RenderStatus.READY, document.render_error
    page = page_text(officer.get(url("reply", reply)))
    pdf_url = reverse("officer:document-pdf", kwargs={"document_id": document.pk})
    assert f'<iframe class="pdf-frame" src="{pdf_url}"' in page
    assert 'http-equiv="refresh"' not in page
    assert url("confirm-reply", reply) in page
    pdf = officer.get(pdf_url)
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_the_reply_form_offers_the_committees_classification_scheme(officer, agency):
    assignment = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    page = page_text(officer.get(url("file-reply", assignment)))
    assert "C：因条件限制留作参考" in page and "D：" not in page
    rules = CommitteeRules.of(home_committee().pk)
    rules.classification_scheme = "ABCD"
    rules.save()
    page = page_text(officer.get(url("file-reply", assignment)))
    assert "C：需以后解决" in page and "D：留作参考" in page


def test_filing_before_accepting_is_refused_and_nothing_is_saved(officer, agency):
    assignment = make_assignment(agency, role=AssignmentRole.SOLE)
    response = officer.post(url("file-reply", assignment), reply_data(upload=pdf_upload()))
    assert "请先签收该交办，再填报答复。" in page_text(response)
    assert not Reply.objects.exists()
    assert not ReplyDocument.objects.exists()


def test_a_lead_cannot_file_while_a_joint_opinion_is_missing(officer, agency, other_agency):
    lead = make_assignment(agency, state=AssignmentState.ACCEPTED)
    make_assignment(other_agency, proposal=lead.proposal, role=AssignmentRole.JOINT)
    detail = page_text(officer.get(url("assignment", lead)))
    assert "尚未收到会办意见：苏州市财政局（会办）" in detail
    response = officer.post(url("file-reply", lead), reply_data(upload=pdf_upload()))
    assert "尚未收到会办意见：苏州市财政局。" in page_text(response)
    assert not Reply.objects.exists()


def test_a_joint_agency_cannot_file_a_reply(officer, agency):
    joint = make_assignment(agency, role=AssignmentRole.JOINT, state=AssignmentState.ACCEPTED)
    response = officer.post(url("file-reply", joint), reply_data(upload=pdf_upload()))
    assert "会办、协办单位不直接答复提案人，请提交会办意见。" in page_text(response)
    assert not Reply.objects.exists()


def test_a_reply_dated_in_the_future_is_refused(officer, agency):
    assignment = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    response = officer.post(
        url("file-reply", assignment), reply_data(upload=pdf_upload(), replied_on="2025-06-03")
    )
    assert "答复时间不能晚于现在。" in page_text(response)
    assert not Reply.objects.exists()


def test_a_letter_that_is_really_a_web_page_is_refused_and_nothing_is_half_saved(officer, agency):
    assignment = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    fake = SimpleUploadedFile("答复函.docx", b"<!doctype html><html><body>hi</body></html>")
    response = officer.post(url("file-reply", assignment), reply_data(upload=fake))
    assert "这是网页或 XML 文件，不是 Word 文档。" in page_text(response)
    assert not Reply.objects.exists()
    assert not Event.objects.filter(assignment_id=assignment.pk).exists()


def test_a_letter_of_another_type_is_a_form_error(officer, agency):
    assignment = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    response = officer.post(
        url("file-reply", assignment),
        reply_data(upload=SimpleUploadedFile("答复.txt", "答复".encode())),
    )
    assert "只接受 .doc、.docx、.wps、.pdf 格式的文件。" in page_text(response)
    assert not Reply.objects.exists()


def test_a_letter_over_the_size_limit_is_a_form_error(officer, agency, settings):
    settings.REPLY_UPLOAD_MAX_BYTES = 2048
    assignment = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    big = SimpleUploadedFile("答复.pdf", b"%PDF-1.4\n" + b"0" * 4096)
    response = officer.post(url("file-reply", assignment), reply_data(upload=big))
    # filesizeformat puts a no-break space between number and unit.
    assert "文件过大（4.0\xa0KB），上限为 2.0\xa0KB。" in page_text(response)
    assert not Reply.objects.exists()


def test_the_first_filing_needs_a_letter_and_a_signer(officer, agency):
    assignment = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    response = officer.post(url("file-reply", assignment), reply_data(signer=""))
    form = response.context["form"]
    assert form.errors["upload"] == ["该字段是必填项。"]
    assert form.errors["signer"] == ["该字段是必填项。"]
    assert not Reply.objects.exists()


def test_filing_again_updates_the_draft_without_a_new_letter(officer, agency):
    assignment = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    reply = make_draft_reply(assignment)
    make_document(reply)
    form_page = page_text(officer.get(url("file-reply", assignment)))
    assert "已有一份待确认的答复" in form_page
    officer.post(url("file-reply", assignment), reply_data(signer="王副局长", is_public="0"))
    reply.refresh_from_db()
    assert (reply.signer, reply.is_public) == ("王副局长", False)
    assert reply.documents.count() == 1


# --- 预览与确认答复 ---------------------------------------------------------------------


def test_the_preview_shows_a_failed_render_with_its_message_and_no_confirm(officer, agency):
    assignment = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    reply = make_draft_reply(assignment)
    make_document(reply, status=RenderStatus.FAILED, error="文件已加密，请去除密码后重新上传。")
    page = page_text(officer.get(url("reply", reply)))
    assert "转换失败：文件已加密，请去除密码后重新上传。" in page
    assert url("confirm-reply", reply) not in page
    assert 'http-equiv="refresh"' not in page


def test_a_failed_letter_is_removed_so_a_corrected_one_can_be_confirmed(
    officer, agency, django_capture_on_commit_callbacks
):
    assignment = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    reply = make_draft_reply(assignment)
    failed = make_document(reply, status=RenderStatus.FAILED, error="文件已损坏。")
    remove_url = reverse("officer:remove-document", kwargs={"document_id": failed.pk})
    assert remove_url in page_text(officer.get(url("reply", reply)))
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(remove_url, follow=True)
    assert "已删除答复函“答复函.docx”" in page_text(response)
    assert not ReplyDocument.objects.filter(pk=failed.pk).exists()
    assert Event.objects.filter(action=Action.REMOVE_DOCUMENT, data__sha256=failed.sha256).exists()
    make_document(reply)
    officer.post(url("confirm-reply", reply))
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.CONFIRMED


def test_a_confirmed_reply_keeps_its_letter(officer, agency):
    assignment = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    reply = make_draft_reply(assignment)
    document = make_document(reply)
    officer.post(url("confirm-reply", reply))
    response = officer.post(
        reverse("officer:remove-document", kwargs={"document_id": document.pk}), follow=True
    )
    assert "答复已确认，不能再更换附件" in page_text(response)
    assert ReplyDocument.objects.filter(pk=document.pk).exists()


def test_the_preview_refreshes_itself_while_rendering(officer, agency):
    assignment = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    reply = make_draft_reply(assignment)
    make_document(reply, status=RenderStatus.RENDERING)
    page = page_text(officer.get(url("reply", reply)))
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "正在转换为 PDF" in page
    assert "<script" not in page.split("</head>")[0].replace('<script src="', "")


def test_officer_confirms_a_rendered_reply_and_it_is_locked(officer, agency):
    assignment = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    reply = make_draft_reply(assignment)
    make_document(reply)
    response = officer.post(url("confirm-reply", reply), follow=True)
    assert "答复已确认，不能再修改" in page_text(response)
    assert "答复已确认并锁定。" in page_text(response)
    reply.refresh_from_db()
    assignment.refresh_from_db()
    assert reply.status == ReplyStatus.CONFIRMED
    assert assignment.state == AssignmentState.REPLIED
    assert assignment.proposal.status == Status.REPLIED
    assert url("confirm-reply", reply) not in page_text(officer.get(url("reply", reply)))

    again = officer.post(
        url("file-reply", assignment), reply_data(signer="改", upload=pdf_upload())
    )
    assert "当前状态为“已答复”，不能填报答复。" in page_text(again)
    reply.refresh_from_db()
    assert reply.signer == "张局长"


def test_confirming_before_the_pdf_is_ready_says_why_not(officer, agency):
    assignment = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    reply = make_draft_reply(assignment)
    make_document(reply, status=RenderStatus.WAITING, name="答复函.doc")
    response = officer.post(url("confirm-reply", reply), follow=True)
    assert "答复函尚未转换为 PDF（答复函.doc），请待转换完成并核对后再确认。" in page_text(response)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.DRAFT


def test_confirming_twice_says_it_is_already_confirmed(officer, agency):
    assignment = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.REPLIED)
    reply = make_draft_reply(assignment, status=ReplyStatus.CONFIRMED)
    response = officer.post(url("confirm-reply", reply), follow=True)
    assert "该答复已经确认。" in page_text(response)
