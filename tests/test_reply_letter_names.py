"""A public reply letter is named for what it is (第280号提案的答复.doc), composed when it
is downloaded, in the reader's language; the agency's own file name stays its own."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import translation

from proposals.models import ProposalKind
from responses.documents import naming
from responses.models import ReplyDocument
from responses.models import Role as AssignmentRole
from tests.factories import ReplyFactory
from tests.public_data import PDF_BYTES, attach_document, make_published

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def letter(session, agency):
    proposal = make_published(session=session, agency=agency, number=280)
    return attach_document(proposal.reply, name="reply-118.doc", original_public=True)


def disposition(response) -> str:
    return response["Content-Disposition"]


def test_the_public_pdf_is_named_for_the_proposal_and_its_bytes_are_unchanged(client, letter):
    response = client.get(reverse("public:reply-pdf", args=[letter.pk]), {"download": "1"})
    header = disposition(response)
    assert header.startswith("attachment; ")
    assert f"filename*=UTF-8''{quote('第280号提案的答复.pdf')}" in header
    assert 'filename="proposal-280-reply.pdf"' in header  # for clients that read only this
    assert "reply-118" not in header
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_the_public_original_is_named_for_the_proposal(client, letter):
    response = client.get(reverse("public:reply-original", args=[letter.pk]))
    assert f"filename*=UTF-8''{quote('第280号提案的答复.doc')}" in disposition(response)
    assert "reply-118" not in disposition(response)
    letter.refresh_from_db()
    assert letter.original_name == "reply-118.doc"  # the row keeps the agency's name


def test_the_name_is_composed_in_the_readers_language(client, letter):
    response = client.get(
        reverse("public:reply-original", args=[letter.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert f"filename*=UTF-8''{quote('Reply to Proposal No. 280.doc')}" in disposition(response)


def test_the_public_page_shows_the_composed_name(client, letter):
    page = client.get(reverse("public:proposal", args=[letter.reply.assignment.proposal_id]))
    html = page.content.decode()
    assert "第280号提案的答复.doc" in html
    assert "reply-118.doc" not in html


def test_a_suggestion_a_second_round_a_separate_agency_and_a_second_letter_say_so(
    session, agency, other_agency
):
    proposal = make_published(
        session=session,
        agency=other_agency,
        number=12,
        role=AssignmentRole.SEPARATE,
        kind=ProposalKind.SUGGESTION,
    )
    first = attach_document(proposal.reply, name="a.doc")
    second = attach_document(proposal.reply, name="b.pdf")
    translation.activate("zh-hans")
    assert naming.public_file_name(first) == "第12号建议的答复（苏州市财政局）-1.doc"
    assert naming.public_file_name(second) == "第12号建议的答复（苏州市财政局）-2.pdf"

    again = ReplyFactory(assignment=proposal.reply.assignment, round=2)
    third = attach_document(again, name="c.docx")
    third = ReplyDocument.objects.get(pk=third.pk)
    assert naming.public_file_name(third) == "第12号建议的答复（苏州市财政局，第2轮）.docx"
    assert naming.ascii_file_name(third, ".docx") == "proposal-12-reply-round-2.docx"


def test_the_header_escapes_what_it_must():
    header = naming.content_disposition('a"b\\c 答复.pdf', attachment=False)
    assert header.startswith('inline; filename="a_b_c.pdf"; ')
    assert header.endswith("filename*=UTF-8''" + quote('a"b\\c 答复.pdf', safe=""))
