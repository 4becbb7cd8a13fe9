"""Search finds a proposal by the number and the names its card prints (issue 13): the
exact number first, then the sponsors' and agencies' names, then the text; on the list
page and in the API alike."""

import pytest
from django.urls import reverse

from demo.seed import load_seed
from portal import search
from tests.factories import SponsorFactory
from tests.public_data import make_118, make_published


@pytest.fixture(autouse=True)
def fresh_cache():
    from portal.selectors import forget_cached

    forget_cached()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def corpus(session, sponsor, agency, other_agency):
    qian = SponsorFactory(name="钱斌")
    make_published(
        title="关于督办第 118 号提案的建议",
        body="去年第 118 号提案的答复尚未落实，建议督办。",
        session=session,
        number=7,
        agency=other_agency,
        summary="我局已就第 118 号提案的落实情况作出说明。",
    )
    make_published(title="关于优化公交线路的提案", session=session, number=100, sponsor=qian)
    make_published(title="关于河道治理的提案", session=session, number=101, body="共 100 条河道。")
    p118 = make_118(session=session, sponsor=sponsor, agency=agency)
    return p118


def titles_on_the_page(client, q):
    response = client.get(reverse("public:proposals"), {"q": q})
    assert response.status_code == 200
    return [p.title for p in response.context["page"].object_list]


def titles_from_the_api(client, q):
    response = client.get(reverse("api:proposal-list"), {"q": q})
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


@pytest.mark.parametrize("found", [titles_on_the_page, titles_from_the_api])
def test_a_number_finds_its_proposal_first(client, corpus, found):
    assert found(client, "100") == ["关于优化公交线路的提案", "关于河道治理的提案"]
    # Proposal 118 itself before the proposal whose letter mentions it, however written.
    for q in ["118", "第 118 号", "第118号", "１１８", "118号"]:
        assert found(client, q) == [load_seed().title, "关于督办第 118 号提案的建议"], q


@pytest.mark.parametrize("found", [titles_on_the_page, titles_from_the_api])
def test_sponsor_and_agency_names_find_their_proposals(client, corpus, found):
    assert found(client, "市致公党") == [load_seed().title]
    assert found(client, "钱斌") == ["关于优化公交线路的提案"]
    assert found(client, "苏州市财政局") == ["关于督办第 118 号提案的建议"]
    assert found(client, "钱斌 公交") == ["关于优化公交线路的提案"]
    assert found(client, "钱斌 古城") == []


def test_a_name_match_ranks_before_a_text_match(client, corpus, session):
    make_published(title="钱斌委员的建议被采纳", body="钱斌", session=session)
    assert titles_on_the_page(client, "钱斌") == ["关于优化公交线路的提案", "钱斌委员的建议被采纳"]


def test_the_number_phrase_is_one_term():
    assert [t.text for t in search.parse_query("第 118 号 苏州")] == ["118", "苏州"]
    assert [t.number for t in search.parse_query("No. 12 第3号")] == [12, 3]
