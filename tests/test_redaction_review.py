"""个人信息审核: officers and staff see masked previews and mark each item; the original is
published only by staff, after the review, and never with an item to redact."""

import io

import docx
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from proposals.models import Status
from responses.documents import personal_data
from responses.models import (
    PersonalDataFinding,
    PublicCheck,
    RedactionDecision,
    RenderStatus,
    ReplyDocument,
    ReplyStatus,
)
from tests.factories import ReplyFactory

MOBILE = "13812345678"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def docx_bytes() -> bytes:
    out = io.BytesIO()
    docx.Document().save(out)
    return out.getvalue()


def letter(agency, *, status=ReplyStatus.DRAFT, published=False) -> ReplyDocument:
    reply = ReplyFactory(
        assignment__agency=agency,
        assignment__proposal__status=Status.REPLIED if published else Status.ASSIGNED,
        assignment__proposal__is_published=published,
        status=status,
    )
    document = ReplyDocument(
        reply=reply,
        original_name="答复函.docx",
        sha256="0" * 64,
        size=10,
        doc_type="docx",
        render_status=RenderStatus.READY,
        public_check=PublicCheck.PASSED,
    )
    document.original.save("a.docx", ContentFile(docx_bytes()), save=False)
    document.pdf.save("a.pdf", ContentFile(b"%PDF-1.4 redacted"), save=False)
    document.save()
    match = personal_data.find(MOBILE)[0]
    PersonalDataFinding.objects.create(
        document=document,
        kind=match.kind,
        digest=match.digest,
        preview=match.preview,
        page=1,
        start=0,
        end=11,
    )
    return document


def test_the_officer_sees_masked_previews_and_marks_an_item_keep(client, agency, bob):
    document = letter(agency)
    finding = document.findings.get()
    client.force_login(bob)

    detail = client.get(reverse("officer:reply", kwargs={"reply_id": document.reply_id}))
    page = client.get(reverse("officer:redaction", kwargs={"document_id": document.pk}))
    for response in (detail, page):
        html = response.content.decode()
        assert "138****5678" in html and MOBILE not in html
    assert 'value="keep"' in page.content.decode()

    client.post(
        reverse("officer:redaction", kwargs={"document_id": document.pk}),
        {f"decision-{finding.pk}": "keep"},
    )
    finding.refresh_from_db()
    document.refresh_from_db()
    assert (finding.decision, finding.decided_by) == (RedactionDecision.KEEP, bob)
    # The public PDF is rendered again for the new decision, and is not public meanwhile.
    assert document.render_status == RenderStatus.WAITING
    assert document.public_check == PublicCheck.PENDING


def test_another_agencys_officer_cannot_open_the_review(client, agency, charlie):
    document = letter(agency)
    client.force_login(charlie)
    url = reverse("officer:redaction", kwargs={"document_id": document.pk})
    assert client.get(url).status_code == 404


def test_after_confirmation_only_staff_change_a_decision(client, agency, bob, alice):
    document = letter(agency, status=ReplyStatus.CONFIRMED)
    finding = document.findings.get()
    url = reverse("officer:redaction", kwargs={"document_id": document.pk})
    client.force_login(bob)
    response = client.post(url, {f"decision-{finding.pk}": "keep"}, follow=True)
    assert "只能由提案委员会工作人员修改" in response.content.decode()
    finding.refresh_from_db()
    assert finding.decision == RedactionDecision.REDACT

    client.force_login(alice)
    client.post(
        reverse("staff:document-redaction", args=[document.pk]), {f"decision-{finding.pk}": "keep"}
    )
    finding.refresh_from_db()
    assert finding.decision == RedactionDecision.KEEP


def test_a_decision_that_is_not_offered_changes_nothing(client, agency, bob):
    document = letter(agency)
    finding = document.findings.get()
    client.force_login(bob)
    response = client.post(
        reverse("officer:redaction", kwargs={"document_id": document.pk}),
        {f"decision-{finding.pk}": "publish"},
        follow=True,
    )
    assert "请为每一项选择" in response.content.decode()
    document.refresh_from_db()
    assert document.render_status == RenderStatus.READY


def test_the_original_is_private_until_staff_publish_it_after_the_review(client, agency, alice):
    document = letter(agency, status=ReplyStatus.CONFIRMED, published=True)
    finding = document.findings.get()
    original = reverse("public:reply-original", args=[document.pk])
    assert client.get(original).status_code == 404
    assert client.get(reverse("public:reply-pdf", args=[document.pk])).status_code == 200
    proposal_page = client.get(
        reverse("public:proposal", args=[document.reply.assignment.proposal_id])
    )
    assert original not in proposal_page.content.decode()

    client.force_login(alice)
    publish = reverse("staff:document-original-public", args=[document.pk])
    response = client.post(publish, {"public": "1"}, follow=True)
    assert "原件不能公开" in response.content.decode()
    document.refresh_from_db()
    assert not document.original_public

    # The item is a published hotline: kept; once the public PDF passed again, publishable.
    PersonalDataFinding.objects.filter(pk=finding.pk).update(decision=RedactionDecision.KEEP)
    client.post(publish, {"public": "1"})
    document.refresh_from_db()
    assert document.original_public
    client.logout()
    assert client.get(original).status_code == 200

    # Back to "redact": the original stops being public at once.
    client.force_login(alice)
    client.post(
        reverse("staff:document-redaction", args=[document.pk]),
        {f"decision-{finding.pk}": "redact"},
    )
    document.refresh_from_db()
    assert not document.original_public
    client.logout()
    assert client.get(original).status_code == 404


def test_the_original_cannot_be_published_before_the_check(client, agency, alice):
    document = letter(agency, status=ReplyStatus.CONFIRMED, published=True)
    document.findings.all().delete()
    ReplyDocument.objects.filter(pk=document.pk).update(public_check=PublicCheck.PENDING)
    client.force_login(alice)
    response = client.post(
        reverse("staff:document-original-public", args=[document.pk]), {"public": "1"}, follow=True
    )
    assert "尚未通过公开前的个人信息检查" in response.content.decode()
    document.refresh_from_db()
    assert not document.original_public


def test_a_pdf_not_yet_checked_is_not_public(client, agency):
    document = letter(agency, status=ReplyStatus.CONFIRMED, published=True)
    for check in (PublicCheck.PENDING, PublicCheck.BLOCKED):
        ReplyDocument.objects.filter(pk=document.pk).update(public_check=check)
        assert client.get(reverse("public:reply-pdf", args=[document.pk])).status_code == 404
