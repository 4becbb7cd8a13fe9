"""The public PDF of a reply is rendered from a redacted letter and checked; officers and
staff review what was found; originals are published only on purpose (docs/redaction.md)."""

import hashlib
import io
from pathlib import Path

import docx
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from proposals.models import Status
from responses.documents import libreoffice, pdf, render_document
from responses.documents.review import decide_findings
from responses.models import (
    CommitteeRules,
    PersonalDataFinding,
    PublicCheck,
    RedactionDecision,
    RenderStatus,
    ReplyDocument,
    ReplyStatus,
)
from tests import corpus
from tests.factories import ReplyFactory, home_committee
from tests.test_redaction_detect import ID_NUMBER, MOBILE, split_runs_docx

HEADER_MOBILE = "13912345678"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UNOSERVER_URL = ""  # cold soffice: no server to start for these few files


@pytest.fixture
def reply(db, agency):
    return ReplyFactory(
        assignment__agency=agency,
        assignment__proposal__status=Status.REPLIED,
        assignment__proposal__is_published=True,
        assignment__proposal__number=118,
        status=ReplyStatus.CONFIRMED,
    )


def stored(reply, data: bytes, name: str) -> ReplyDocument:
    document = ReplyDocument(
        reply=reply,
        original_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        doc_type=Path(name).suffix.lstrip("."),
    )
    document.original.save(name, ContentFile(data), save=False)
    document.save()
    return document


def rendered(document) -> ReplyDocument:
    assert render_document(document) is True
    document.refresh_from_db()
    assert document.render_status == RenderStatus.READY
    return document


def public_digits(client, document) -> str:
    response = client.get(reverse("public:reply-pdf", args=[document.pk]))
    assert response.status_code == 200
    text = pdf.extract_text(b"".join(response.streaming_content))
    return "".join(c for c in text if c.isdigit() or c in "Xx")


def docx_with_header_mobile() -> bytes:
    document = docx.Document()
    document.add_paragraph("关于第 118 号提案的答复。")
    document.sections[0].header.paragraphs[0].text = f"经办人手机 {HEADER_MOBILE}"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.slow
def test_a_docx_with_data_split_across_runs_is_published_without_any_of_it(client, reply):
    document = rendered(stored(reply, split_runs_docx(), "答复函.docx"))

    assert document.public_check == PublicCheck.PASSED
    digits = public_digits(client, document)
    assert MOBILE not in digits and ID_NUMBER not in digits
    assert MOBILE not in document.text and "zhang.san" not in document.text  # search text
    findings = {f.kind: f for f in document.findings.all()}
    assert set(findings) == {"mobile", "id_number", "email"}
    assert findings["mobile"].preview == "138 **** 5678"
    assert all(f.decision == RedactionDecision.REDACT for f in findings.values())
    # Data, not the value: nothing of the number is stored.
    for finding in PersonalDataFinding.objects.values():
        assert MOBILE not in str(finding) and ID_NUMBER not in str(finding)
    # Idempotent: rendering again keeps one row per item.
    ReplyDocument.objects.filter(pk=document.pk).update(render_status=RenderStatus.WAITING)
    rendered(document)
    assert document.findings.count() == 3


@pytest.mark.slow
def test_a_doc_letter_is_redacted_through_docx_when_landlines_count(client, reply):
    CommitteeRules(committee=home_committee(), redact_landlines=True).save()
    document = rendered(stored(reply, corpus.read("zh/reply-118.doc"), "答复函.doc"))

    assert [f.kind for f in document.findings.all()] == ["landline"]
    assert document.public_check == PublicCheck.PASSED
    digits = public_digits(client, document)
    assert "68000000" not in digits
    assert "2025" in digits  # the rest of the letter is there


@pytest.mark.slow
def test_a_doc_letter_keeps_its_office_landline_by_default(client, reply):
    document = rendered(stored(reply, corpus.read("zh/reply-118.doc"), "答复函.doc"))
    assert document.findings.count() == 0
    assert "051268000000" in public_digits(client, document)


@pytest.mark.slow
def test_an_item_marked_keep_stays_in_the_public_pdf(client, reply, alice):
    document = rendered(stored(reply, split_runs_docx(), "答复函.docx"))
    mobile = document.findings.get(kind="mobile")

    decide_findings(document, {mobile.pk: RedactionDecision.KEEP}, by=alice)
    document.refresh_from_db()
    assert document.render_status == RenderStatus.WAITING  # rendered again
    document = rendered(document)

    digits = public_digits(client, document)
    assert MOBILE in digits and ID_NUMBER not in digits
    mobile.refresh_from_db()
    assert (mobile.decision, mobile.decided_by) == (RedactionDecision.KEEP, alice)


@pytest.mark.slow
def test_the_check_blocks_a_pdf_whose_header_still_shows_a_number(client, reply, alice, tmp_path):
    """A PDF upload is never rewritten: the number in its header is still there after
    rendering, so the check blocks it from the portal and from publication."""
    source = tmp_path / "header.docx"
    source.write_bytes(docx_with_header_mobile())
    with_header = libreoffice.convert_cold(source, "docx", timeout=60)
    document = rendered(stored(reply, with_header, "答复函.pdf"))

    assert document.public_check == PublicCheck.BLOCKED
    finding = document.findings.get()
    assert (finding.kind, finding.leaked) == ("mobile", True)
    assert client.get(reverse("public:reply-pdf", args=[document.pk])).status_code == 404

    proposal = reply.assignment.proposal
    proposal.is_published = False
    proposal.save()
    client.force_login(alice)
    response = client.post(reverse("staff:proposal-publish", args=[proposal.pk]), follow=True)
    proposal.refresh_from_db()
    assert not proposal.is_published
    assert "仍能读到需要遮盖的个人信息" in response.content.decode()
    page = client.get(reverse("staff:document-redaction", args=[document.pk])).content.decode()
    assert "139****5678" in page and HEADER_MOBILE not in page

    # Staff decide the number is an office hotline: the letter may be published.
    client.post(
        reverse("staff:document-redaction", args=[document.pk]), {f"decision-{finding.pk}": "keep"}
    )
    document = rendered(document)
    assert document.public_check == PublicCheck.PASSED
    client.post(reverse("staff:proposal-publish", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.is_published
