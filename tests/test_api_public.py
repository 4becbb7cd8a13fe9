"""The read-only open-data API under /api/v1/."""

import pytest
from django.urls import reverse

from demo.seed import load_seed
from proposals.models import SponsorKind
from responses.models import ReplyDocument
from tests.factories import CategoryFactory, SponsorFactory
from tests.public_data import make_118, make_published


@pytest.fixture(autouse=True)
def fresh_cache():
    # Home, feed and agency figures are cached; each test starts without them.
    from portal.selectors import forget_cached

    forget_cached()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def p118(session, sponsor, agency, other_agency):
    return make_118(session=session, sponsor=sponsor, agency=agency, assisting_agency=other_agency)


def get(client, name, *args, **params):
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, response.content
    return response.json()


def test_proposal_list_is_paginated_and_holds_published_proposals_only(client, p118, session):
    make_published(title="未公开", session=session, published=False)
    data = get(client, "api:proposal-list")
    assert data["count"] == 1
    item = data["results"][0]
    assert item["title"] == load_seed().title
    assert item["number"] == 118
    assert item["sponsors"][0]["name"] == "市致公党"
    assert {a["role"] for a in item["agencies"]} == {"lead", "assisting"}
    assert item["classifications"] == ["A"]
    assert item["web_url"].endswith(reverse("public:proposal", args=[p118.pk]))


def test_proposal_detail_has_body_replies_and_file_urls(client, p118):
    data = get(client, "api:proposal-detail", p118.pk)
    assert data["body"] == load_seed().body
    reply = data["replies"][0]
    assert reply["classification"] == "A"
    assert reply["replied_at"].startswith("2025-06-20T14:57")
    document = reply["documents"][0]
    assert document["original_name"] == "118号提案的答复.doc"
    assert document["pdf_url"].endswith(reverse("public:reply-pdf", args=[p118.document.pk]))
    # The original is published only when staff chose to (docs/redaction.md).
    assert document["original_url"] is None
    ReplyDocument.objects.filter(pk=p118.document.pk).update(original_public=True)
    document = get(client, "api:proposal-detail", p118.pk)["replies"][0]["documents"][0]
    assert client.get(document["original_url"]).status_code == 200


def test_the_list_filters_and_searches_like_the_list_page(client, p118, session, agency):
    culture = CategoryFactory(name="文化")
    member = SponsorFactory(name="孙委员", kind=SponsorKind.MEMBER)
    make_published(title="关于昆曲传承的提案", category=culture, session=session, sponsor=member)

    def titles(**params):
        return [r["title"] for r in get(client, "api:proposal-list", **params)["results"]]

    assert titles(category=culture.pk) == ["关于昆曲传承的提案"]
    assert titles(sponsor_kind="party") == [load_seed().title]
    assert titles(agency=agency.pk) == [load_seed().title]
    assert titles(q="型工业") == [load_seed().title]
    assert titles(q="昆曲") == ["关于昆曲传承的提案"]
    assert titles(classification="A") == [load_seed().title]


def test_an_invalid_filter_is_a_400_with_a_reason(client, db):
    response = client.get(reverse("api:proposal-list"), {"category": "999999"})
    assert response.status_code == 400
    assert "category" in response.json()


def test_page_size_is_bounded(client, session):
    for n in range(3):
        make_published(session=session, title=f"提案{n}")
    data = get(client, "api:proposal-list", page_size=2)
    assert len(data["results"]) == 2 and data["next"]
    assert len(get(client, "api:proposal-list", page_size=1000)["results"]) == 3


def test_list_queries_do_not_grow_with_the_page(client, session, agency, django_assert_num_queries):
    make_published(session=session, agency=agency)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        get(client, "api:proposal-list")
    for _ in range(15):
        make_published(session=session, agency=agency, co_sponsors=[SponsorFactory()])
    with django_assert_num_queries(len(ctx.captured_queries)):
        get(client, "api:proposal-list")


def test_unpublished_proposal_detail_is_404(client, session):
    proposal = make_published(session=session, published=False)
    assert client.get(reverse("api:proposal-detail", args=[proposal.pk])).status_code == 404


def test_sessions_categories_and_agencies(client, p118, session, agency):
    assert session.name in [s["name"] for s in get(client, "api:session-list")]
    assert "经济" in [c["name"] for c in get(client, "api:category-list")]
    agencies = get(client, "api:agency-list")
    assert agency.name in [a["name"] for a in agencies]
    assert "email" not in agencies[0]


def test_the_api_is_read_only(client, p118):
    assert client.post(reverse("api:proposal-list"), {}).status_code == 405
    assert client.delete(reverse("api:proposal-detail", args=[p118.pk])).status_code == 405


def test_openapi_schema_describes_the_endpoints(client, db):
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert "/api/v1/proposals/" in paths and "/api/v1/proposals/{id}/" in paths
    params = {p["name"] for p in paths["/api/v1/proposals/"]["get"]["parameters"]}
    assert {"q", "session", "category", "agency", "classification", "page"} <= params
