"""A sponsor's replies: the letters to their own proposals (members/files.py), the
rendered PDF of a confirmed reply, public or not, nothing of anyone else's nor a draft;
and the satisfaction they give each reply, chosen by them, never preset."""

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from responses.models import RenderStatus, ReplyStatus, Satisfaction
from tests.factories import SponsorFactory, SponsorUserFactory
from tests.officer_data import make_document
from tests.staff_data import replied, with_feedback

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def letter(alice, dora, session, sponsor, agency):
    reply = replied(alice, session, sponsor, agency)
    reply.is_public = False  # addressed to the sponsor all the same
    reply.save(update_fields=["is_public"])
    return make_document(reply, name="关于118号提案的答复.docx")


def test_a_sponsor_opens_the_letter_from_their_proposal_page(client, dora, letter):
    client.force_login(dora)
    page = client.get(reverse("members:my-proposal", args=[letter.reply.assignment.proposal_id]))
    url = reverse("members:reply-letter", args=[letter.pk])
    assert f'href="{url}"' in page.content.decode()
    assert "答复函：关于118号提案的答复.docx（PDF）" in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "inline; filename*=utf-8''" + quote(
        "关于118号提案的答复.pdf"
    )
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_another_sponsor_gets_a_404(client, letter):
    eve = SponsorUserFactory(username="eve", sponsor=SponsorFactory(name="另一委员"))
    client.force_login(eve)
    assert client.get(reverse("members:reply-letter", args=[letter.pk])).status_code == 404


def test_an_unconfirmed_or_unrendered_letter_is_not_offered(client, dora, letter):
    client.force_login(dora)
    reply = letter.reply
    reply.status = ReplyStatus.DRAFT
    reply.save(update_fields=["status"])
    assert client.get(reverse("members:reply-letter", args=[letter.pk])).status_code == 404
    reply.status = ReplyStatus.CONFIRMED
    reply.save(update_fields=["status"])
    letter.render_status = RenderStatus.FAILED
    letter.save(update_fields=["render_status"])
    assert client.get(reverse("members:reply-letter", args=[letter.pk])).status_code == 404
    page = client.get(reverse("members:my-proposal", args=[reply.assignment.proposal_id]))
    assert "答复函：" not in page.content.decode()


def test_the_rating_offers_three_choices_and_presets_none(client, dora, sponsor, letter):
    client.force_login(dora)
    url = reverse("members:my-proposal", args=[letter.reply.assignment.proposal_id])
    content = client.get(url).content.decode()
    radios = re.findall(r'<input type="radio"[^>]*>', content)
    assert len(radios) == 3
    assert not [radio for radio in radios if "checked" in radio]
    with_feedback(letter.reply, sponsor, Satisfaction.BASICALLY)
    content = client.get(url).content.decode()
    (checked,) = [r for r in re.findall(r'<input type="radio"[^>]*>', content) if "checked" in r]
    assert 'value="basically"' in checked
