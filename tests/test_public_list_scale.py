"""The public list stays cheap at 100,000 proposals (issue 6) and says the same thing:
a capped count with pages that go on, the same search hits in the same order as ranking
every hit, the copies in the search documents kept right, a CSV read in chunks."""

import datetime as dt
import re

import pytest
from django.db import connection, transaction
from django.db.models import Case, Q, Value, When
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal import pagination, search, selectors
from portal.pagination import ListPaginator
from portal.search import refresh_search_document
from proposals.models import Proposal, ProposalKind, SearchDocument
from responses.models import Reply
from tests.factories import CategoryFactory, SessionFactory
from tests.public_data import make_published


@pytest.fixture(autouse=True)
def fresh_cache():
    selectors.forget_cached()


def page(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.content.decode()


def titles(html):
    return re.findall(r"(列表提案\d+)", html)


# --- The capped count --------------------------------------------------------------------


@pytest.fixture
def seven(session):
    now = timezone.now()
    return [
        make_published(
            session=session, title=f"列表提案{n}", published_at=now - dt.timedelta(hours=n)
        )
        for n in range(7)
    ]


def test_a_list_longer_than_the_count_limit_says_so_and_its_pages_go_on(client, seven, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 5)
    monkeypatch.setattr("portal.views.PAGE_SIZE", 2)
    first = page(client, "public:proposals")
    assert "共 5+ 条" in first and "第 1 页，共 5+ 条" in first
    assert titles(first) == ["列表提案0", "列表提案1"]
    assert 'href="?page=2" rel="next"' in first
    # Past the counted rows: still a plain ?page=N, the next rows, and no next link at
    # the end.
    fourth = page(client, "public:proposals", page=4)
    assert titles(fourth) == ["列表提案6"]
    assert 'rel="next"' not in fourth and 'href="?page=3" rel="prev"' in fourth
    assert titles(page(client, "public:proposals", page=4)) == titles(fourth)


def test_a_list_within_the_count_limit_is_counted_exactly(client, seven, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 7)
    monkeypatch.setattr("portal.views.PAGE_SIZE", 2)
    html = page(client, "public:proposals", page=4)
    assert "第 4 / 4 页，共 7 条" in html and "+ 条" not in html
    assert titles(page(client, "public:proposals", page=99)) == ["列表提案6"]  # the last


def test_the_capped_count_reads_in_english(client, seven, monkeypatch, settings):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 5)
    html = client.get(reverse("public:proposals"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "5+ results" in html and "共" not in html.split("<main")[1]


def test_the_paginator_counts_with_the_page_when_asked(session):
    for n in range(5):
        make_published(session=session, title=f"列表提案{n}")
    rows = Proposal.objects.published().order_by("-view_count", "-id")
    paginator = ListPaginator(rows, 2, count_with_page=True)
    with CaptureQueriesContext(connection) as ctx:
        second = paginator.page(2)
    assert len(ctx.captured_queries) == 1  # the rows and their count together
    assert paginator.count == 5 and paginator.num_pages == 3 and second.has_next()
    assert [p.pk for p in second] == list(rows.values_list("pk", flat=True)[2:4])


def test_a_capped_paginator_shows_the_pages_around_this_one_and_a_gap(session):
    for n in range(9):
        make_published(session=session, title=f"列表提案{n}")
    paginator = ListPaginator(Proposal.objects.order_by("pk"), 1, count_limit=4)
    paginator.page(8)
    assert paginator.capped and paginator.count == 4
    assert list(paginator.get_elided_page_range(8, on_each_side=1, on_ends=1)) == [
        1,
        paginator.ELLIPSIS,
        7,
        8,
        paginator.ELLIPSIS,
    ]


def test_the_api_says_when_its_count_is_capped(client, seven, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 5)
    data = client.get(reverse("api:proposal-list"), {"page_size": 2}).json()
    assert data["count"] == 5 and data["count_capped"] is True
    assert len(data["results"]) == 2 and data["next"]
    last = client.get(reverse("api:proposal-list"), {"page_size": 2, "page": 4}).json()
    assert len(last["results"]) == 1 and last["next"] is None
    small = client.get(reverse("api:proposal-list"), {"page_size": 2, "q": "列表提案6"}).json()
    assert small["count"] == 1 and small["count_capped"] is False


# --- Search: the same hits in the same order --------------------------------------------


def reference_order(terms, proposals):
    """What search_order over proposals gave before ranking moved into the documents:
    title hits first (case-insensitive on the title), then the newest."""
    ids = search.matching_documents(terms).values("proposal_id")
    rank = Value(0)
    for term in terms:
        rank = rank + Case(When(title__icontains=term.text, then=Value(1)), default=Value(0))
    ranked = proposals.filter(pk__in=ids).annotate(rank=rank)
    return list(ranked.order_by("-rank", "-published_at", "-id").values_list("pk", flat=True))


@pytest.fixture
def corpus(session, agency):
    now = timezone.now()
    other = SessionFactory(term=15, meeting=3, year=2024, name="第十五届委员会第三次会议")
    culture = CategoryFactory(name="文化")
    made = []
    for n in range(30):
        in_title = n % 4 == 0
        made.append(
            make_published(
                session=session if n % 3 else other,
                category=culture if n % 2 else None,
                kind=ProposalKind.SUGGESTION if n % 5 == 0 else ProposalKind.PROPOSAL,
                title=f"关于河长制第{n}项的建议" if in_title else f"关于第{n}项工作的建议",
                body="推进河长制落实。" if n % 3 != 1 else "推进河道治理。",
                agency=agency if n % 7 == 0 else None,
                summary="苏州市河长制办公室答复。",
                published_at=now - dt.timedelta(hours=n % 11, minutes=n),
            )
        )
    make_published(session=session, title="关于河长制的未公开建议", published=False)
    # A word's letters inside another word are not the word: "xai" holds no hit of "ai".
    made.append(make_published(session=session, title="关于xai平台的建议", body="AI 应用。"))
    made.append(make_published(session=session, title="关于AI应用的建议", published_at=now))
    made.append(make_published(session=session, title="关于xai工具的建议", body="工具。"))
    return {"other": other, "culture": culture, "made": made}


@pytest.mark.parametrize("q", ["河长制", "河长", "河", "河长制 苏州", "落实", "ai", "xai"])
@pytest.mark.parametrize("size", [1, 3, 7])
def test_ranked_hits_page_through_the_same_order_as_ranking_every_hit(corpus, q, size):
    terms = search.parse_query(q)
    expected = reference_order(terms, Proposal.objects.published())
    hits = search.RankedHits(terms)
    pages = [hits[start : start + size] for start in range(0, len(expected) + size, size)]
    assert [pk for chunk in pages for pk in chunk] == expected
    assert hits.count_up_to(1000) == len(expected)
    assert hits.count_up_to(3) == min(3, len(expected))


def test_ranked_hits_narrowed_in_the_documents_or_by_proposals_agree(corpus):
    terms = search.parse_query("河长制")
    culture, other = corpus["culture"], corpus["other"]
    cases = [
        (Q(category=culture), None, Proposal.objects.published().filter(category=culture)),
        (Q(session=other), None, Proposal.objects.published().filter(session=other)),
        (Q(session__year=2024), None, Proposal.objects.published().filter(session__year=2024)),
        (Q(), Proposal.objects.published().filter(kind=ProposalKind.SUGGESTION), None),
    ]
    for scope, within, proposals in cases:
        proposals = proposals if proposals is not None else within
        expected = reference_order(terms, proposals)
        hits = search.RankedHits(terms, within=within, scope=scope)
        assert hits[0:100] == expected and hits[2:5] == expected[2:5]
        assert hits.count_up_to(1000) == len(expected) > 0


@pytest.mark.parametrize("sort", ["-published_at", "published_at"])
def test_a_search_in_publication_order_lists_the_same_proposals(client, corpus, sort):
    from portal.filters import SORTS

    terms = search.parse_query("河长制")
    ids = search.matching_documents(terms).values("proposal_id")
    ordered = Proposal.objects.published().filter(pk__in=ids).order_by(*SORTS[sort][1])
    expected = list(ordered.values_list("pk", flat=True))
    hits = search.RankedHits(terms, order=search.DOCUMENT_SORTS[sort])
    assert hits[0:100] == expected and hits[3:6] == expected[3:6]
    html = page(client, "public:proposals", q="河长制", sort=sort)
    assert [int(pk) for pk in re.findall(r'href="/proposals/(\d+)/"', html)] == expected[:20]


def test_the_search_page_shows_the_same_results_with_a_filter(client, corpus):
    culture = corpus["culture"]
    terms = search.parse_query("河长制")
    expected = reference_order(terms, Proposal.objects.published().filter(category=culture))
    html = page(client, "public:proposals", q="河长制", category=culture.pk)
    shown = [int(pk) for pk in re.findall(r'href="/proposals/(\d+)/"', html)]
    assert shown == expected[:20]
    assert f"共 {len(expected)} 条" in html


def test_a_document_outliving_its_publication_is_never_a_hit(corpus):
    proposal = corpus["made"][0]
    Proposal.objects.filter(pk=proposal.pk).update(is_published=False)  # no refresh yet
    assert SearchDocument.objects.filter(pk=proposal.pk).exists()
    hits = search.RankedHits(search.parse_query("河长制"))
    assert proposal.pk not in hits[0:100]
    assert hits.count_up_to(1000) == len(hits[0:100])


def test_a_search_counts_up_to_its_limit_then_says_so(client, corpus, monkeypatch):
    monkeypatch.setattr(search, "COUNT_LIMIT", 3)
    html = page(client, "public:proposals", q="河长制")
    assert "共 3+ 条" in html and "结果超过 3 条" in html


# --- What the documents copy ---------------------------------------------------------------


def test_the_document_copies_title_publication_session_category_and_classifications(
    session, agency
):
    culture = CategoryFactory(name="文化")
    proposal = make_published(
        session=session,
        category=culture,
        agency=agency,
        title="关于ＡＩ大模型的建议",
        classification="B",
    )
    document = SearchDocument.objects.get(pk=proposal.pk)
    assert document.title == "关于ai大模型的建议"
    assert document.title_tokens == " 关于 ai 大模 模型 型的 的建 建议 "
    assert document.published_at == proposal.published_at
    assert (document.session_id, document.category_id) == (session.pk, culture.pk)
    assert document.classifications == "B"


def test_a_reply_no_longer_public_leaves_the_classification_filter(client, session, agency):
    proposal = make_published(
        session=session, agency=agency, title="丙类答复的提案", classification="C"
    )
    assert "丙类答复的提案" in page(client, "public:proposals", classification="C")
    Reply.objects.filter(pk=proposal.reply.pk).update(is_public=False)
    refresh_search_document(proposal)  # as the search receiver does after commit
    assert "丙类答复的提案" not in page(client, "public:proposals", classification="C")


# --- The CSV export -----------------------------------------------------------------------


def test_the_csv_reads_its_rows_in_chunks_whatever_their_number(client, session, agency):
    def export_queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("public:export"))
            text = b"".join(response.streaming_content).decode()
        return len(ctx.captured_queries), text.count("\n") - 1

    for n in range(3):
        make_published(session=session, agency=agency, title=f"导出提案{n}")
    few = export_queries()
    for n in range(3, 12):
        make_published(session=session, agency=agency, title=f"导出提案{n}")
    assert export_queries() == (few[0], 12)


def test_the_csv_is_read_four_queries_a_chunk(session, agency, django_assert_num_queries):
    for n in range(5):
        make_published(session=session, agency=agency, title=f"导出提案{n}")
    proposals = Proposal.objects.published().order_by("-published_at", "-id")
    # The rows come from one cursor; each chunk of 2 adds sponsors, assignments, replies.
    with django_assert_num_queries(1 + 3 * 3):
        rows = list(selectors.export_rows(proposals, chunk_size=2))
    assert [row.title for row in rows] == [p.title for p in proposals]
    assert rows[0].agencies == [(agency.name, "lead")] and rows[0].replies[0][0] == "A"


@pytest.mark.parametrize("sort", ["", "-view_count", "number"])
@pytest.mark.parametrize("q", ["", "建议"])
def test_a_page_number_past_any_list_shows_the_last_page(client, session, agency, sort, q):
    # OFFSET is a 64-bit integer: a number past it was a 500 before MAX_OFFSET.
    make_published(session=session, agency=agency)
    for number in (str(10**22), str(2**31 // 20 + 2)):
        response = client.get(reverse("public:proposals"), {"page": number, "sort": sort, "q": q})
        assert response.status_code == 200
        assert 'class="record"' in response.content.decode()


def test_a_new_agency_shows_in_the_filter_at_once(
    client, session, agency, django_capture_on_commit_callbacks
):
    from tests.factories import AgencyFactory

    make_published(session=session, agency=agency)
    assert "苏州市新设局" not in client.get(reverse("public:proposals")).content.decode()
    # Forgotten once the new agency is committed (proposals.signals), not before: a list
    # rendered meanwhile would cache the old options again.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        AgencyFactory(name="苏州市新设局")
    assert "苏州市新设局" in client.get(reverse("public:proposals")).content.decode()


def test_a_list_by_number_is_capped_and_pages_through_sessions_in_order(client, db, monkeypatch):
    # By number is index-ordered (filters.INDEXED_SORTS): a capped count, the newest
    # session first, each session's proposals by number, the same rows on every visit.
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 3)
    monkeypatch.setattr("portal.views.PAGE_SIZE", 2)
    older, newer = SessionFactory(year=2024), SessionFactory(year=2025)
    for session in (older, newer):
        for number in (3, 1, 2):
            make_published(session=session, number=number, title=f"列表提案{session.year}{number}")
    pages_seen = [
        titles(page(client, "public:proposals", sort="number", page=n)) for n in (1, 2, 3)
    ]
    assert pages_seen == [
        ["列表提案20251", "列表提案20252"],
        ["列表提案20253", "列表提案20241"],
        ["列表提案20242", "列表提案20243"],
    ]
    assert "共 3+ 条" in page(client, "public:proposals", sort="number")


def test_most_viewed_follows_the_copied_counts_and_is_capped(client, seven, monkeypatch):
    from portal.tasks import refresh_view_counts_task

    monkeypatch.setattr(pagination, "COUNT_LIMIT", 3)
    Proposal.objects.filter(title="列表提案5").update(view_count=900)
    Proposal.objects.filter(title="列表提案2").update(view_count=40)
    # Until the copy is refreshed the order is the one of the last refresh (all zero:
    # newest id first); the task brings the new counts in, once.
    assert titles(page(client, "public:proposals", sort="-view_count"))[:1] == ["列表提案6"]
    assert refresh_view_counts_task() == 2
    assert refresh_view_counts_task() == 0
    html = page(client, "public:proposals", sort="-view_count")
    assert titles(html)[:2] == ["列表提案5", "列表提案2"] and "共 3+ 条" in html
    searched = page(client, "public:proposals", sort="-view_count", q="建议内容")
    assert titles(searched)[:2] == ["列表提案5", "列表提案2"]
    api = client.get(reverse("api:proposal-list"), {"sort": "-view_count"}).json()
    assert [p["title"] for p in api["results"][:2]] == ["列表提案5", "列表提案2"]
