"""The open-data API for people and machines (issue 13): a readable reference page in
the reader's language, the schema saved under its real name, an index at /api/v1/, and
error messages in the language the request asks for."""

import json
from urllib.parse import unquote

import pytest
from django.urls import reverse

from portal.api import examples
from tests.public_data import make_118


@pytest.fixture(autouse=True)
def fresh_cache():
    from portal.selectors import forget_cached

    forget_cached()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_schema_is_saved_under_its_name_not_as_download(client, db):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "=?utf-8?" not in disposition  # not RFC 2047
    assert disposition.startswith("inline; filename=\"jianyan-api-v1.yaml\"; filename*=UTF-8''")
    assert unquote(disposition.split("UTF-8''")[1]) == "建言 Jianyan open data API (v1).yaml"


def test_the_schema_documents_the_lang_parameter(client, db):
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    operation = response.json()["paths"]["/api/v1/proposals/"]["get"]
    assert "lang" in {p["name"] for p in operation["parameters"]}


def test_api_v1_answers_an_index_of_its_endpoints(client, db):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    index = response.json()
    assert set(index) == set(examples.INDEX)
    for key in ("proposals", "sessions", "categories", "agencies"):
        assert client.get(index[key]).status_code == 200
    assert client.get(index["docs"]).status_code == 200


def test_the_reference_page_documents_each_endpoint_in_chinese(client, db):
    html = client.get(reverse("public:api-docs")).content.decode()
    assert "数据接口说明" in html
    for path in ["/api/v1/proposals/", "/api/v1/proposals/{id}/", "/api/v1/agencies/"]:
        assert f"GET {path}" in html
    assert "curl --get http://testserver/api/v1/proposals/" in html
    assert "--data-urlencode" in html and "q=人工智能" in html
    assert "<code>classification</code>" in html and "办理类型" in html  # a filter, in words
    assert "&quot;count_capped&quot;: false" in html  # an example answer
    assert "关于“人工智能+产业”" in html
    assert "每个 IP 地址每分钟最多 120 次请求" in html  # accounts.ratelimit's limit


def test_the_reference_page_is_english_for_an_english_reader(client, db):
    html = client.get(reverse("public:api-docs"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Open data API" in html
    assert "Results per page" in html


def test_home_and_footer_link_the_reference_page(client, db):
    html = client.get(reverse("public:home")).content.decode()
    docs = reverse("public:api-docs")
    assert html.count(f'href="{docs}"') == 2  # the open-data list and the footer


def test_the_examples_have_the_fields_the_api_answers(client, session, sponsor, agency):
    proposal = make_118(session=session, sponsor=sponsor, agency=agency)
    listed = client.get(reverse("api:proposal-list")).json()
    assert set(listed) == set(examples.PROPOSAL_LIST)
    assert set(listed["results"][0]) == set(examples.PROPOSAL)
    detail = client.get(reverse("api:proposal-detail", args=[proposal.pk])).json()
    assert set(detail) == set(examples.PROPOSAL_DETAIL)
    reply, example_reply = detail["replies"][0], examples.PROPOSAL_DETAIL["replies"][0]
    assert set(reply) == set(example_reply)
    assert set(reply["documents"][0]) == set(example_reply["documents"][0])
    assert set(client.get(reverse("api:agency-list")).json()[0]) == set(examples.AGENCIES[0])
    assert set(client.get(reverse("api:session-list")).json()[0]) == set(examples.SESSION)


@pytest.mark.parametrize(
    ("url", "chinese", "english"),
    [
        (
            "/api/v1/proposals/999999/",
            "没有这个 id 的公开提案。",
            "No published proposal has this id.",
        ),
        ("/api/v1/proposals/?page=99", "没有这一页：99。", "There is no page 99."),
        ("/api/v1/nothing/", "未找到。", "Not found."),
        ("/api/v1/proposals/?page_size=x", "每页条数须为正整数", "Results per page must be"),
    ],
)
def test_errors_are_in_the_requests_language(client, db, url, chinese, english):
    def detail(response):
        return json.dumps(response.json(), ensure_ascii=False)

    assert chinese in detail(client.get(url))
    assert english in detail(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    joined = url + ("&" if "?" in url else "?")
    assert english in detail(client.get(joined + "lang=en"))
    assert chinese in detail(client.get(joined + "lang=zh-hans", HTTP_ACCEPT_LANGUAGE="en"))
    assert english in detail(client.get(joined + "lang=EN"))
    assert chinese in detail(client.get(joined + "lang=xx"))  # unknown: the default


def test_a_429_is_in_the_requests_language(client, db, settings):
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_LIMITS = {"api": 1}
    from django.core.cache import cache

    cache.clear()
    client.get("/api/v1/sessions/")
    response = client.get("/api/v1/sessions/?lang=en", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 429
    assert response.json()["detail"] == "Too many requests; please try again later."
    assert response["Content-Language"] == "en"
