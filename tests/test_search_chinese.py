"""Chinese full-text search: bigram tokens, exact hits across word boundaries, ranking,
escaped highlighted snippets, and only public text ever searchable."""

import pytest
from django.urls import reverse

from demo.seed import load_seed
from portal import search
from proposals.models import Proposal, SearchDocument
from tests.public_data import attach_document, make_118, make_published


@pytest.fixture(autouse=True)
def fresh_cache():
    # Home, feed and agency figures are cached; each test starts without them.
    from portal.selectors import forget_cached

    forget_cached()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def hits(q):
    terms = search.parse_query(q)
    found = search.search_order(search.search(Proposal.objects.published(), terms))
    return [p.title for p in found]


def test_tokens_are_cjk_bigrams_and_lowercased_words():
    assert search.tokenize("新型工业化") == ["新型", "型工", "工业", "业化"]
    assert search.tokenize("“人工智能+产业”，AI大模型 5G") == [
        "人工",
        "工智",
        "智能",
        "产业",
        "ai",
        "大模",
        "模型",
        "5g",
    ]
    assert search.tokenize("Ａ股，年。") == ["a", "股", "年"]  # full-width folded, lone chars kept
    assert search.document_tokens("苏州") == " 苏州 "


def test_query_terms_split_on_spaces_and_keep_their_adjacency_pattern():
    terms = search.parse_query("  型工业   苏州 ")
    assert [t.text for t in terms] == ["型工业", "苏州"]
    assert terms[0].pattern == " 型工 工业 "


class TestHits:
    @pytest.fixture
    def corpus(self, session, sponsor, agency, other_agency, db):
        make_118(session=session, sponsor=sponsor, agency=agency, assisting_agency=other_agency)
        make_published(title="关于加强古城保护的提案", body="历史街区需要保护。", session=session)
        make_published(
            title="关于新型城镇化的建议", body="推进工业园区和城镇协调发展。", session=session
        )
        make_published(
            title="关于河道治理的提案",
            body="太湖水质。",
            session=session,
            agency=agency,
            summary="我局将在苏州全域推进河长制。",
        )

    def test_人工智能_finds_proposal_118(self, corpus):
        assert hits("人工智能") == [load_seed().title]

    def test_新型工业化_finds_118_but_not_新型城镇化(self, corpus):
        assert hits("新型工业化") == [load_seed().title]
        assert "关于新型城镇化的建议" in hits("新型")

    def test_a_string_across_words_型工业_is_found(self, corpus):
        assert hits("型工业") == [load_seed().title]

    def test_bigrams_that_are_present_but_not_adjacent_do_not_match(self, corpus):
        # 新型城镇化 has 新型, 工业园区 has 工业: 型工 never, so 型工业 must not hit it.
        assert "关于新型城镇化的建议" not in hits("型工业")
        assert hits("城镇工业") == []

    def test_two_characters_苏州_finds_body_and_reply_text(self, corpus):
        assert set(hits("苏州")) == {load_seed().title, "关于河道治理的提案"}

    def test_several_words_must_all_be_present(self, corpus):
        assert hits("苏州 河长制") == ["关于河道治理的提案"]
        assert hits("苏州 古城") == []

    def test_reply_letter_text_is_searched(self, corpus, session, agency):
        proposal = make_published(title="关于公交线路的提案", session=session, agency=agency)
        attach_document(proposal.reply, text="经研究，我局已开通夜间公交线路。")
        assert hits("夜间公交") == ["关于公交线路的提案"]

    def test_title_hits_rank_before_body_hits(self, corpus, session):
        make_published(title="苏州古城墙修缮的建议", body="城墙。", session=session)
        assert hits("苏州")[0] == "苏州古城墙修缮的建议"

    def test_one_character_still_finds_by_scan(self, corpus):
        assert "关于河道治理的提案" in hits("湖")

    def test_punctuation_only_finds_nothing_special(self, corpus):
        assert search.parse_query("，。！") == []


def test_unpublished_proposals_and_non_public_replies_are_not_searchable(session, agency):
    make_published(title="未公开的提案", body="秘密内容甲", session=session, published=False)
    make_published(
        title="公开的提案",
        body="正文",
        session=session,
        agency=agency,
        reply_public=False,
        summary="不公开答复乙",
    )
    assert hits("秘密内容") == [] and hits("不公开答复") == []
    assert not SearchDocument.objects.filter(content__contains="秘密内容").exists()
    assert not SearchDocument.objects.filter(content__contains="不公开答复").exists()


def test_unpublishing_removes_the_search_document(session):
    proposal = make_published(title="将撤回的提案", session=session)
    assert hits("撤回") == ["将撤回的提案"]
    Proposal.objects.filter(pk=proposal.pk).update(is_published=False)
    search.refresh_search_document(proposal)
    assert hits("撤回") == []


def test_rebuild_makes_documents_for_every_published_proposal(session):
    proposal = make_published(title="重建索引的提案", session=session)
    SearchDocument.objects.all().delete()
    assert search.rebuild_search_documents() == 1
    assert SearchDocument.objects.get().proposal == proposal


def test_snippets_are_escaped_and_highlighted():
    terms = search.parse_query("智能")
    html = search.snippet("前文<script>x</script>人工智能产业后文", terms)
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "人工<mark>智能</mark>产业" in html
    assert search.highlight("AI & 智能", search.parse_query("ai")) == "<mark>AI</mark> &amp; 智能"


def test_search_page_shows_ranked_highlighted_results(client, session, sponsor, agency):
    make_118(session=session, sponsor=sponsor, agency=agency)
    make_published(title="<b>不安全</b>的标题", body="讲人工智能。", session=session)
    html = client.get(reverse("public:proposals"), {"q": "人工智能"}).content.decode()
    assert "“人工智能”的搜索结果" in html
    assert "<mark>人工智能</mark>" in html
    assert "&lt;b&gt;不安全&lt;/b&gt;" in html and "<b>不安全" not in html
    assert html.index("赋能新型工业化") < html.index("不安全")


def test_rebuild_search_command_reports_the_count(session):
    from io import StringIO

    from django.core.management import call_command

    make_published(title="命令重建的提案", session=session)
    make_published(title="未公开", session=session, published=False)
    SearchDocument.objects.all().delete()
    out = StringIO()
    call_command("rebuild_search", stdout=out)
    assert "1" in out.getvalue()
    assert hits("命令重建") == ["命令重建的提案"]
