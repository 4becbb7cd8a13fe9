"""The public pages: home, list with filters and sorting, a proposal's page, agencies."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demo.seed import load_seed
from portal.search import refresh_view_counts
from portal.selectors import forget_cached
from proposals.models import Proposal, ProposalKind, SponsorKind, Status
from responses.models import AssignmentState, Role
from tests.factories import AgencyFactory, CategoryFactory, SessionFactory, SponsorFactory
from tests.public_data import attach_document, make_118, make_published


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_cache():
    # The agencies page caches its figures; each test starts without them.
    forget_cached()


@pytest.fixture
def p118(session, sponsor, agency, other_agency):
    return make_118(session=session, sponsor=sponsor, agency=agency, assisting_agency=other_agency)


def page(client, name, *args, **params):
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    return response.content.decode()


def test_proposal_118_page_shows_every_field_of_the_seed_page(client, p118):
    seed = load_seed()
    html = page(client, "public:proposal", p118.pk)
    assert "建议人" in html and "建议号" in html and "建议内容" in html
    assert "市致公党" in html
    assert seed.title in html
    assert "<dd>118</dd>" in html
    for paragraph in seed.paragraphs:
        assert f"<p>{paragraph}</p>" in html
    assert "主办" in html and "苏州市工业和信息化局" in html
    assert "协办" in html and "苏州市财政局" in html
    assert "3个月" in html
    assert "2025-06-20 14:57" in html
    assert "A：已经解决" in html
    # Named for what it is, in the reader's language, not by the agency's file name.
    assert "第118号建议的答复.doc" in html
    assert reverse("public:reply-pdf", args=[p118.document.pk]) in html
    assert reverse("public:reply-pdf", args=[p118.document.pk]) + "?download=1" in html
    # The original is offered only when staff published it (docs/redaction.md).
    assert reverse("public:reply-original", args=[p118.document.pk]) not in html
    assert "2025-10-16 12:12" in html
    assert 'class="view-count">1<' in html


def test_a_proposal_says_提案人_where_a_suggestion_says_建议人(client, session, sponsor):
    proposal = make_published(session=session, sponsor=sponsor, kind=ProposalKind.PROPOSAL)
    html = page(client, "public:proposal", proposal.pk)
    assert "提案人" in html and "提案号" in html and "建议人" not in html


def test_lead_and_co_sponsors_are_all_named(client, session, sponsor):
    co = [SponsorFactory(name="张委员"), SponsorFactory(name="李委员")]
    proposal = make_published(session=session, sponsor=sponsor, co_sponsors=co)
    html = page(client, "public:proposal", proposal.pk)
    assert "市致公党" in html and "（领衔）" in html and "张委员" in html and "李委员" in html


def test_body_and_reply_text_are_escaped_with_paragraphs_kept(client, session, agency):
    proposal = make_published(
        session=session,
        agency=agency,
        body="第一段<script>alert(1)</script>\n\n第二段",
        summary="答复<b>加粗</b>",
    )
    html = page(client, "public:proposal", proposal.pk)
    assert "<script>alert(1)" not in html
    assert "<p>第一段&lt;script&gt;alert(1)&lt;/script&gt;</p>" in html
    assert "<p>第二段</p>" in html
    assert "答复&lt;b&gt;加粗&lt;/b&gt;" in html


def test_an_unpublished_proposal_has_no_page(client, session):
    proposal = make_published(session=session, published=False)
    assert client.get(reverse("public:proposal", args=[proposal.pk])).status_code == 404


def test_a_non_public_reply_is_not_shown_but_a_public_one_is(client, session, agency):
    hidden = make_published(session=session, agency=agency, reply_public=False, summary="内部答复")
    shown = make_published(session=session, agency=agency, summary="公开答复")
    assert "内部答复" not in page(client, "public:proposal", hidden.pk)
    assert "暂无公开的答复" in page(client, "public:proposal", hidden.pk)
    assert "公开答复" in page(client, "public:proposal", shown.pk)


def test_home_shows_latest_proposals_replies_and_session_figures(client, p118, session, agency):
    make_published(session=session, title="关于保护古城的提案", reply=False)
    make_published(session=session, title="未公开的提案", published=False)
    html = page(client, "public:home")
    assert "关于保护古城的提案" in html
    assert load_seed().title in html
    assert "未公开的提案" not in html
    assert session.name in html
    assert 'name="q"' in html
    figures = html.split('class="figures"')[1].split("</dl>")[0]
    assert "<dd>2</dd>" in figures  # published
    assert "<dd>1</dd>" in figures  # with a public reply


class TestListFilters:
    @pytest.fixture
    def data(self, session, sponsor, agency, other_agency):
        older = SessionFactory(term=15, meeting=3, year=2024, name="第十五届委员会第三次会议")
        culture = CategoryFactory(name="文化")
        member = SponsorFactory(name="王委员", kind=SponsorKind.MEMBER)
        return {
            "party_a": make_published(
                title="甲：致公党的经济提案", session=session, sponsor=sponsor, agency=agency
            ),
            "member_c": make_published(
                title="乙：委员的文化提案",
                session=older,
                sponsor=member,
                category=culture,
                agency=other_agency,
                classification="C",
            ),
            "unreplied": make_published(
                title="丙：尚未答复",
                session=session,
                sponsor=member,
                agency=other_agency,
                reply=False,
            ),
            "hidden_reply": make_published(
                title="丁：不公开答复",
                session=session,
                sponsor=member,
                agency=agency,
                reply_public=False,
                classification="B",
            ),
            "unpublished": make_published(
                title="戊：未公开", session=session, sponsor=sponsor, published=False
            ),
            "older": older,
            "culture": culture,
            "member": member,
        }

    def titles(self, client, **params):
        html = page(client, "public:proposals", **params)
        return {t for t in ("甲", "乙", "丙", "丁", "戊") if f"{t}：" in html}

    def test_without_filters_every_published_proposal_is_listed(self, client, data):
        assert self.titles(client) == {"甲", "乙", "丙", "丁"}

    def test_by_session_and_year(self, client, data, session):
        assert self.titles(client, session=data["older"].pk) == {"乙"}
        assert self.titles(client, year=2025) == {"甲", "丙", "丁"}

    def test_by_category(self, client, data):
        assert self.titles(client, category=data["culture"].pk) == {"乙"}

    def test_by_lead_sponsor_kind_sponsor_and_sponsor_name(self, client, data, sponsor):
        assert self.titles(client, sponsor_kind=SponsorKind.PARTY) == {"甲"}
        assert self.titles(client, sponsor=data["member"].pk) == {"乙", "丙", "丁"}
        assert self.titles(client, sponsor_name="致公") == {"甲"}

    def test_by_agency(self, client, data, agency):
        assert self.titles(client, agency=agency.pk) == {"甲", "丁"}

    def test_by_classification_of_public_replies_only(self, client, data):
        assert self.titles(client, classification="C") == {"乙"}
        assert self.titles(client, classification="B") == set()  # its reply is not public

    def test_by_status_and_kind(self, client, data):
        assert self.titles(client, status=Status.ASSIGNED) == {"丙"}
        assert self.titles(client, kind=ProposalKind.SUGGESTION) == set()

    def test_an_invalid_filter_is_reported_and_ignored(self, client, data):
        html = page(client, "public:proposals", category="999999")
        assert "部分筛选条件无效" in html


def test_sorting_by_publication_number_and_views(client, session):
    now = timezone.now()
    first = make_published(
        session=session, title="古城保护", number=2, published_at=now - dt.timedelta(days=2)
    )
    second = make_published(
        session=session, title="河道治理", number=1, published_at=now, view_count=0
    )
    first.__class__.objects.filter(pk=first.pk).update(view_count=50)
    refresh_view_counts()  # "most viewed" reads the copy the beat task refreshes

    def order(sort):
        html = page(client, "public:proposals", sort=sort)
        return html.index("古城保护") < html.index("河道治理")

    assert not order("-published_at")
    assert order("published_at")
    assert not order("number")
    assert order("-view_count")
    assert second.pk


def test_pagination_urls_are_stable_and_keep_the_filters(client, session):
    culture = CategoryFactory(name="文化")
    for n in range(23):
        make_published(session=session, title=f"文化提案{n:02d}", category=culture)
    html = page(client, "public:proposals", category=culture.pk)
    assert f"?category={culture.pk}&amp;page=2" in html
    second = page(client, "public:proposals", category=culture.pk, page=2)
    assert second.count('class="record"') == 3
    again = page(client, "public:proposals", category=culture.pk, page=2)
    assert re.findall("文化提案\\d+", again) == re.findall("文化提案\\d+", second)


def test_list_page_queries_do_not_grow_with_the_page(
    client, session, agency, django_assert_num_queries
):
    sponsors = [SponsorFactory() for _ in range(3)]
    for n in range(3):
        make_published(session=session, agency=agency, co_sponsors=sponsors[:2], summary=f"答复{n}")

    def count_queries(**params):
        with CaptureQueriesContext(connection) as ctx:
            page(client, "public:proposals", **params)
        return len(ctx.captured_queries)

    page(client, "public:proposals")  # the filter's options are cached from here on
    listing, searching = count_queries(), count_queries(q="答复")
    for n in range(17):
        make_published(session=session, agency=agency, co_sponsors=sponsors, summary=f"答复{n}")
    with django_assert_num_queries(listing):
        html = page(client, "public:proposals")
    assert html.count('class="record"') == 20
    with django_assert_num_queries(searching):
        html = page(client, "public:proposals", q="答复")
    assert html.count('class="record"') == 20


def test_detail_page_queries_are_fixed(
    client, p118, session, agency, other_agency, django_assert_num_queries
):
    def count_queries(proposal):
        with CaptureQueriesContext(connection) as ctx:
            page(client, "public:proposal", proposal.pk)
        return len(ctx.captured_queries)

    cold, warm = count_queries(p118), count_queries(p118)
    assert warm < cold  # cached body, and a reload does not update the count
    bigger = make_published(
        session=session, agency=agency, co_sponsors=[SponsorFactory() for _ in range(4)]
    )
    for _ in range(3):
        attach_document(bigger.reply, name="more.doc")
    from tests.factories import AssignmentFactory

    AssignmentFactory(proposal=bigger, agency=other_agency, role=Role.ASSISTING)
    with django_assert_num_queries(cold):
        page(client, "public:proposal", bigger.pk)
    with django_assert_num_queries(warm):
        page(client, "public:proposal", bigger.pk)


def test_the_cached_page_follows_reply_changes_and_unpublishing(client, session, agency):
    from portal.search import refresh_search_document

    proposal = make_published(session=session, agency=agency, summary="初次答复")
    assert "初次答复" in page(client, "public:proposal", proposal.pk)
    proposal.reply.summary = "修改后的答复"
    proposal.reply.save()
    refresh_search_document(proposal)  # what the search receiver does after a change
    assert "修改后的答复" in page(client, "public:proposal", proposal.pk)
    Proposal.objects.filter(pk=proposal.pk).update(is_published=False)
    assert client.get(reverse("public:proposal", args=[proposal.pk])).status_code == 404


def confirmed(proposal, *, days_late=None):
    """The reply's assignment as confirm_reply leaves it: 已答复 at the moment it was
    confirmed (responses.timeliness judges by that moment), `days_late` after its deadline."""
    assignment = proposal.reply.assignment
    assignment.state = AssignmentState.REPLIED
    assignment.completed_at = timezone.now()
    if days_late is not None:
        assignment.completed_at = timezone.make_aware(
            dt.datetime.combine(assignment.deadline + dt.timedelta(days=days_late), dt.time(10))
        )
    assignment.save(update_fields=["state", "completed_at"])
    return proposal


def test_agency_page_shows_public_replies_and_on_time_rate(client, session, agency):
    on_time = confirmed(make_published(session=session, agency=agency, title="按期答复的提案"))
    confirmed(
        make_published(session=session, agency=agency, title="逾期答复的提案", reply_public=False),
        days_late=3,
    )
    make_published(session=session, agency=agency, title="未公开提案的答复", published=False)
    html = page(client, "public:agency", agency.pk)
    assert "按期答复的提案" in html
    assert "逾期答复的提案" not in html  # its reply is not public
    assert "未公开提案的答复" not in html
    assert "<dd>50%</dd>" in html
    listing = page(client, "public:agencies")
    assert agency.name in listing and "50%" in listing
    assert on_time.pk


def test_agency_with_no_due_work_has_no_rate(client, db):
    agency = AgencyFactory(name="新设单位")
    assert "<dd>—</dd>" in page(client, "public:agency", agency.pk)


def test_separate_agencies_each_show_their_reply(client, session, agency, other_agency):
    proposal = make_published(
        session=session, agency=agency, role=Role.SEPARATE, summary="甲局答复"
    )
    from tests.factories import AssignmentFactory, ReplyFactory

    other = AssignmentFactory(proposal=proposal, agency=other_agency, role=Role.SEPARATE)
    ReplyFactory(assignment=other, summary="乙局答复")
    html = page(client, "public:proposal", proposal.pk)
    assert "甲局答复" in html and "乙局答复" in html and html.count("分办") >= 2


def test_a_second_reply_round_does_not_count_the_assignment_twice(client, session, agency):
    from tests.factories import ReplyFactory

    proposal = confirmed(make_published(session=session, agency=agency, title="重新办理过的提案"))
    ReplyFactory(assignment=proposal.reply.assignment, round=2, summary="第二轮答复")
    listing = page(client, "public:agencies")
    row = listing.split(agency.name)[1].split("</tr>")[0]
    assert re.findall(r"<td>([^<]*)</td>", row) == ["1", "1", "100%", "2"]


def test_agencies_figures_are_cached_and_survive_a_broken_cache(
    client, session, agency, monkeypatch
):
    confirmed(make_published(session=session, agency=agency))
    assert "100%" in page(client, "public:agencies")
    confirmed(make_published(session=session, agency=agency), days_late=3)
    assert "100%" in page(client, "public:agencies")  # cached figures

    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "get", broken)
    assert "50%" in page(client, "public:agencies")  # computed afresh, no error
