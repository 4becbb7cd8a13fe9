"""Nothing personal, unpublished or non-public reaches the public, by any way out:
pages, search, CSV, feed, API and file URLs."""

import pytest
from django.urls import reverse

from responses.models import ReplyDocument
from tests.factories import SponsorFactory
from tests.public_data import attach_document, make_118, make_published

SECRETS = [
    "13800138000",  # sponsor's phone
    "zgd@example.org",  # sponsor's e-mail (conftest's sponsor)
    "secret-member@example.org",
    "13700000000",  # a co-sponsor's phone
    "13900001111",  # the reply's contact phone
    "赵联系",  # the reply's contact person
    "李联络员",  # bob's display name
    "bob@example.org",
    "未公开提案的标题",
    "不公开的答复内容",
    "不公开的信函正文",
    "草稿答复的内容",
]


@pytest.fixture(autouse=True)
def fresh_cache():
    # Home, feed and agency figures are cached; each test starts without them.
    from portal.selectors import forget_cached

    forget_cached()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(session, sponsor, agency, bob):
    sponsor.phone = "13800138000"
    sponsor.save()
    member = SponsorFactory(name="钱委员", phone="13700000000", email="secret-member@example.org")
    public = make_118(session=session, sponsor=sponsor, agency=agency)
    from proposals.models import Sponsorship

    Sponsorship.objects.create(proposal=public, sponsor=member, order=1)
    make_published(title="未公开提案的标题", body="正文", session=session, published=False)
    hidden = make_published(
        title="有不公开答复的提案",
        session=session,
        agency=agency,
        reply_public=False,
        summary="不公开的答复内容",
    )
    hidden_document = attach_document(hidden.reply, name="hidden.doc", text="不公开的信函正文")
    draft = make_published(
        title="有草稿答复的提案", session=session, agency=agency, summary="草稿答复的内容"
    )
    draft.reply.status = "draft"
    draft.reply.save()
    draft_document = attach_document(draft.reply, name="draft.doc")
    return {"public": public, "hidden": hidden_document, "draft": draft_document, "member": member}


def public_urls(world):
    public = world["public"]
    return [
        reverse("public:home"),
        reverse("public:proposals"),
        reverse("public:proposals") + "?q=答复",
        reverse("public:proposals") + "?q=不公开",
        reverse("public:proposal", args=[public.pk]),
        reverse("public:agencies"),
        reverse("public:agency", args=[public.reply.assignment.agency_id]),
        reverse("public:export"),
        reverse("public:export") + "?q=不公开",
        reverse("public:feed"),
        reverse("api:proposal-list"),
        reverse("api:proposal-list") + "?q=不公开",
        reverse("api:proposal-detail", args=[public.pk]),
        reverse("api:agency-list"),
        reverse("api:session-list"),
    ]


def body_of(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode()


def test_no_personal_detail_or_hidden_text_on_any_public_url(client, world):
    for url in public_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        text = body_of(response)
        for secret in SECRETS:
            assert secret not in text, (url, secret)


def test_the_api_names_no_personal_field(client, world):
    detail = client.get(reverse("api:proposal-detail", args=[world["public"].pk])).json()
    sponsor = detail["sponsors"][0]
    assert set(sponsor) == {"id", "name", "kind", "kind_display", "is_lead"}
    reply = detail["replies"][0]
    assert not {"contact", "contact_phone", "signer", "filed_by"} & set(reply)


def test_files_of_non_public_and_draft_replies_are_404(client, world):
    for document in (world["hidden"], world["draft"]):
        assert client.get(reverse("public:reply-pdf", args=[document.pk])).status_code == 404
        assert client.get(reverse("public:reply-original", args=[document.pk])).status_code == 404


def test_files_of_an_unpublished_proposal_are_404(client, world):
    document = world["public"].document
    proposal = world["public"]
    proposal.is_published = False
    proposal.save()
    assert client.get(reverse("public:reply-pdf", args=[document.pk])).status_code == 404
    assert client.get(reverse("public:reply-original", args=[document.pk])).status_code == 404
    assert client.get(reverse("public:proposal", args=[proposal.pk])).status_code == 404
    assert client.get(reverse("api:proposal-detail", args=[proposal.pk])).status_code == 404


def test_a_public_reply_pdf_opens_inline_or_downloads_and_the_original_downloads(client, world):
    document = world["public"].document
    ReplyDocument.objects.filter(pk=document.pk).update(original_public=True)
    inline = client.get(reverse("public:reply-pdf", args=[document.pk]))
    assert inline.status_code == 200
    assert inline["Content-Type"] == "application/pdf"
    assert inline["Content-Disposition"].startswith("inline")
    assert b"".join(inline.streaming_content).startswith(b"%PDF")
    download = client.get(reverse("public:reply-pdf", args=[document.pk]), {"download": "1"})
    assert download["Content-Disposition"].startswith("attachment")
    original = client.get(reverse("public:reply-original", args=[document.pk]))
    assert original.status_code == 200
    assert original["Content-Type"] == "application/msword"
    assert original["Content-Disposition"].startswith("attachment")
    assert "118" in original["Content-Disposition"]


def test_a_pdf_not_yet_rendered_is_404_and_an_original_is_public_only_when_published(
    client, session, agency
):
    proposal = make_published(session=session, agency=agency)
    document = attach_document(proposal.reply, rendered=False)
    assert client.get(reverse("public:reply-pdf", args=[document.pk])).status_code == 404
    assert client.get(reverse("public:reply-original", args=[document.pk])).status_code == 404
    ReplyDocument.objects.filter(pk=document.pk).update(original_public=True)
    assert client.get(reverse("public:reply-original", args=[document.pk])).status_code == 200


def test_media_files_are_not_served_from_a_public_url(client, world):
    name = world["public"].document.original.name
    assert client.get(f"/media/{name}").status_code == 404
