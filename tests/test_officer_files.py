"""A reply's files reach the agency's officers and staff only, streamed by a view."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from responses.models import AssignmentState, RenderStatus
from responses.models import Role as AssignmentRole
from tests import corpus
from tests.factories import AgencyFactory
from tests.officer_data import (
    make_assignment,
    make_document,
    make_draft_reply,
    make_opinion,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def document(agency):
    assignment = make_assignment(agency, state=AssignmentState.ACCEPTED)
    return make_document(make_draft_reply(assignment), name="关于118号提案的答复.docx")


def pdf_url(document):
    return reverse("officer:document-pdf", kwargs={"document_id": document.pk})


def original_url(document):
    return reverse("officer:document-original", kwargs={"document_id": document.pk})


def body(response):
    return b"".join(response.streaming_content)


def test_the_rendered_pdf_is_shown_inline_and_never_cached(client, bob, document):
    client.force_login(bob)
    response = client.get(pdf_url(document))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    # Our rendering, named for what it is (第118号提案的答复.pdf), not by the upload.
    expected = quote(f"第{document.reply.assignment.proposal.number}号提案的答复.pdf")
    assert f"filename*=UTF-8''{expected}" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert body(response) == document.pdf.open("rb").read()


def test_the_original_is_a_download_under_its_original_name_byte_for_byte(client, bob, document):
    client.force_login(bob)
    response = client.get(original_url(document))
    assert response["Content-Disposition"].startswith("attachment;")
    # The agency's own file keeps the agency's own name.
    own_name = quote("关于118号提案的答复.docx")
    assert f"filename*=UTF-8''{own_name}" in response["Content-Disposition"]
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert body(response) == corpus.read("word/sample.docx")


def test_a_pdf_not_yet_rendered_is_not_found(client, bob, agency):
    reply = make_draft_reply(make_assignment(agency, state=AssignmentState.ACCEPTED))
    waiting = make_document(reply, status=RenderStatus.WAITING)
    client.force_login(bob)
    assert client.get(pdf_url(waiting)).status_code == 404
    assert client.get(original_url(waiting)).status_code == 200


def test_a_file_missing_from_storage_is_not_found_rather_than_an_error(client, bob, document):
    document.pdf.storage.delete(document.pdf.name)
    client.force_login(bob)
    assert client.get(pdf_url(document)).status_code == 404


def test_files_are_read_only(client, bob, document):
    client.force_login(bob)
    assert client.post(pdf_url(document)).status_code == 405
    assert client.delete(original_url(document)).status_code == 405


def test_a_guessed_id_and_another_agencys_file_look_the_same(client, charlie, document):
    client.force_login(charlie)
    missing = reverse("officer:document-pdf", kwargs={"document_id": document.pk + 1000})
    theirs = client.get(pdf_url(document))
    nothing = client.get(missing)
    assert theirs.status_code == nothing.status_code == 404
    assert client.post(pdf_url(document)).status_code == 404


def test_staff_read_any_agencys_files(client, alice, document):
    client.force_login(alice)
    assert client.get(pdf_url(document)).status_code == 200
    assert client.get(original_url(document)).status_code == 200


def test_a_joint_opinion_attachment_reaches_its_agency_and_the_lead_only(
    client, bob, charlie, agency, other_agency
):
    lead = make_assignment(other_agency, state=AssignmentState.ACCEPTED)  # charlie's
    joint = make_assignment(agency, proposal=lead.proposal, role=AssignmentRole.JOINT)  # bob's
    opinion = make_opinion(joint, attachment=pdf_bytes())
    outsider = make_assignment(
        AgencyFactory(name="苏州市教育局"), proposal=lead.proposal, role=AssignmentRole.ASSISTING
    )
    other_opinion = make_opinion(outsider, attachment=pdf_bytes())
    url = reverse("officer:opinion-attachment", kwargs={"opinion_id": opinion.pk})
    other_url = reverse("officer:opinion-attachment", kwargs={"opinion_id": other_opinion.pk})

    client.force_login(bob)  # the joint agency: its own opinion, not another joint's
    assert client.get(url).status_code == 200
    assert client.get(other_url).status_code == 404
    client.force_login(charlie)  # the lead agency: every opinion sent to it
    assert client.get(url).status_code == 200
    assert client.get(other_url).status_code == 200
