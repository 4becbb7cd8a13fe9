"""Each committee's pages carry its own identity: the footer names the committee that runs
the site and the identifiers the government-website norms ask for, as data the
committee's administrator keeps (never translated)."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import CommitteeFactory, UserFactory, home_committee

pytestmark = pytest.mark.django_db


def _identify(committee, **fields):
    for name, value in fields.items():
        setattr(committee, name, value)
    committee.save()
    return committee


def test_the_public_footer_shows_the_committees_identifiers(client):
    _identify(
        home_committee(),
        sponsor_org="政协苏州市委员会办公室",
        site_code="3205000001",
        icp_record="苏ICP备12345678号",
        police_record="苏公网安备 32050002000001号",
        contact="0512-65230001",
    )
    page = client.get(reverse("public:home")).content.decode()
    for text in (
        "政协苏州市委员会办公室",
        "3205000001",
        "苏ICP备12345678号",
        "苏公网安备 32050002000001号",
        "0512-65230001",
        "https://beian.miit.gov.cn/",
    ):
        assert text in page


def test_a_district_user_sees_the_district_committees_footer(client):
    _identify(home_committee(), sponsor_org="政协苏州市委员会办公室")
    district = CommitteeFactory(slug="gusu", region="姑苏区", sponsor_org="政协姑苏区委员会办公室")
    zoe = UserFactory(username="zoe", role=Role.STAFF, is_staff=True, committee=district)
    client.force_login(zoe)
    page = client.get(reverse("staff:dashboard")).content.decode()
    assert "政协姑苏区委员会办公室" in page
    assert "政协苏州市委员会办公室" not in page


def test_the_reply_cover_names_the_committees_region(
    alice, session, sponsor, agency, settings, tmp_path
):
    from responses.documents.cover import cover_for_document
    from tests.officer_data import make_document
    from tests.staff_data import replied

    settings.MEDIA_ROOT = tmp_path / "media"
    home = _identify(home_committee(), region="苏州市")
    reply = replied(alice, session, sponsor, agency)
    assert reply.assignment.proposal.committee == home

    cover = cover_for_document(make_document(reply))

    assert cover.organisation == "政协苏州市第十五届委员会第四次会议"
