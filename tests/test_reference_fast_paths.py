"""Each hand-tuned fast path gives the same rows as its plain reference beside it, on a
varied fixture: the stored-page statement (pages.visit / reference_visit), the bigram
search (search.RankedHits and search() / reference_hits) and the reminder sweep's raw
SQL (the sweeper's _claim and the schedule's _reschedule, and their _plain references)."""

import datetime as dt
import itertools

import pytest
from django.db import transaction
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from portal import pages, search
from proposals.models import Proposal, PublicPage, SearchDocument, Sponsorship
from responses.models import Assignment, AssignmentState
from responses.models import Role as AssignmentRole
from responses.reminders import schedule as reminder_schedule
from responses.reminders import sweeper as reminder_sweep
from tests.factories import AgencyFactory, AssignmentFactory, SessionFactory, SponsorFactory
from tests.officer_data import make_assignment
from tests.public_data import make_published

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def site_language(settings):
    """An English visit below leaves English active on this thread: put it back."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


class _Undo(Exception):
    pass


def rolled_back(call):
    """The call's result, with whatever it changed undone."""
    result = []
    try:
        with transaction.atomic():
            result.append(call())
            raise _Undo
    except _Undo:
        return result[0]


# --- The stored page --------------------------------------------------------------------


def test_the_stored_page_statement_finds_what_the_orm_finds(session, agency, time_machine):
    time_machine.move_to(dt.datetime(2025, 10, 1, 9, 0, tzinfo=dt.UTC))
    fresh = make_published(session=session, agency=agency)
    stale = make_published(session=session, agency=agency)
    old_release = make_published(session=session, agency=agency)
    too_old = make_published(session=session, agency=agency)
    english_only = make_published(session=session, agency=agency)
    never_visited = make_published(session=session, agency=agency)
    no_document = make_published(session=session, agency=agency)
    hidden = make_published(session=session, agency=agency, published=False)
    for proposal in (fresh, stale, old_release, too_old, no_document):
        assert Client().get(reverse("public:proposal", args=[proposal.pk])).status_code == 200
    Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("public:proposal", args=[english_only.pk]))
    SearchDocument.objects.filter(proposal=stale).update(updated_at=timezone.now())
    PublicPage.objects.filter(proposal=old_release).update(release="older")
    PublicPage.objects.filter(proposal=too_old).update(
        rendered_at=timezone.now() - pages.MAX_AGE - dt.timedelta(minutes=1)
    )
    SearchDocument.objects.filter(proposal=no_document).delete()
    Proposal.objects.filter(pk=fresh.pk).update(view_count=41)
    proposals = [fresh, stale, old_release, too_old, english_only, never_visited, no_document]
    visitors = (f"visitor-{n}" for n in itertools.count())
    answers = 0
    for proposal, language in itertools.product([*proposals, hidden], ["zh-hans", "en"]):
        try:
            expected = pages.reference_visit(proposal.pk, language)
        except Http404:
            with pytest.raises(Http404):
                pages.visit(proposal.pk, language, next(visitors))
            continue
        found = pages.visit(proposal.pk, language, next(visitors))
        assert found.html == expected.html, (proposal.title, language)
        assert found.view_count == expected.view_count + 1  # this visit counted
        answers += found.html is not None
    assert answers == 3  # fresh, no_document (zh-hans) and english_only (en) are current


# --- The bigram search --------------------------------------------------------------------

TEXTS = [
    ("关于苏州新型工业化的建议", "推进新型工业化，发展AI产业。", "答复摘要词", True),
    ("关于河长制的建议", "落实河长制，苏州河道治理。", "", True),
    ("关于xAI平台的建议", "建设xai平台，２０２５年完成。", "", True),
    ("发展ＡＩ产业", "AI 产业 与 工 业 互联网", "", True),
    ("苏州工业园区交通", "园区交通拥堵，建议优化。", "私密词", False),
    ("关于工的建议", "工", "", True),
    ("2025年苏州工作", "苏州 工业 发展 2025", "", True),
    ("无关的标题", "型工业化在标题里没有。", "", True),
]
TERMS = [
    "苏州",
    "型工业",
    "ai",
    "ＡＩ产业",
    "工",
    "2025",
    "苏州 工业",
    "河长制",
    "不存在的词",
    "答复摘要词",
    "私密词",
    "xai",
    "工业 化",
]


@pytest.fixture
def documents(session, agency):
    made = []
    start = timezone.now() - dt.timedelta(days=30)
    for n, (title, body, summary, public) in enumerate(TEXTS):
        made.append(
            make_published(
                session=session,
                agency=agency,
                title=title,
                body=body,
                summary=summary,
                reply_public=public,
                published_at=start + dt.timedelta(days=n % 3, hours=n),
            )
        )
    hidden = make_published(session=session, agency=agency, title="苏州未公开", published=False)
    return [*made, hidden]


@pytest.mark.parametrize("query", TERMS)
def test_the_bigram_search_finds_what_the_plain_text_holds(documents, query):
    terms = search.parse_query(query)
    expected = search.reference_hits(terms)
    hits = search.RankedHits(terms)
    assert hits[0:100] == expected, query
    assert hits.count_up_to(search.COUNT_LIMIT) == len(expected)
    assert hits[1:3] == expected[1:3]  # a page that starts inside the title hits
    found = search.search(Proposal.objects.published(), terms)
    assert sorted(found.values_list("pk", flat=True)) == sorted(expected)
    by_date = search.RankedHits(terms, order=search.PUBLICATION_ORDER)
    published = dict(Proposal.objects.values_list("pk", "published_at"))
    assert by_date[0:100] == sorted(expected, key=lambda pk: (published[pk], pk), reverse=True)


# Terms that name proposals besides their text (portal.named): numbers written three ways,
# a sponsor, an agency by name and short name, a withdrawn agency (names nothing), a
# number that is also in texts, and mixes of names, numbers and words.
NAMED_TERMS = [
    "3",
    "第 3 号",
    "2025",
    "钱斌",
    "市致公党",
    "苏州市交通运输局",
    "市交通局",
    "苏州市撤回局",
    "钱斌 河长制",
    "苏州 3",
    "钱斌 市交通局",
    "交通运输局",
    "1号",
]


@pytest.fixture
def named_documents(documents, session, agency):
    """The documents above, a second session's No. 3 (and No. 1, unpublished), a sponsor
    on two of them, an agency on two (one withdrawn), and a text saying 第 3 号."""
    made = documents[:-1]
    qian = SponsorFactory(name="钱斌")
    zhigong = SponsorFactory(name="市致公党", kind="party")
    traffic = AgencyFactory(name="苏州市交通运输局", short_name="市交通局")
    withdrawn = AgencyFactory(name="苏州市撤回局")
    later = SessionFactory(term=15, meeting=5, year=2026, name="第十五届委员会第五次会议")
    other3 = make_published(
        session=later, number=3, title="另一届的第三件", sponsor=zhigong, agency=agency
    )
    make_published(session=later, number=1, title="未公开的一号", published=False)
    mention = make_published(
        session=later, number=9, title="关于落实第 3 号提案的建议", body="河长制", sponsor=qian
    )
    Sponsorship.objects.create(proposal=made[1], sponsor=qian, order=1)
    AssignmentFactory(proposal=made[3], agency=traffic, role=AssignmentRole.JOINT)
    AssignmentFactory(proposal=made[6], agency=traffic, role=AssignmentRole.ASSISTING)
    AssignmentFactory(
        proposal=made[0],
        agency=withdrawn,
        role=AssignmentRole.ASSISTING,
        state=AssignmentState.WITHDRAWN,
    )
    for proposal in [*made, other3, mention]:
        search.refresh_search_document(proposal)
    return [*made, other3, mention]


@pytest.mark.parametrize("query", NAMED_TERMS)
def test_numbers_and_names_find_what_the_reference_finds(named_documents, query):
    terms = search.parse_query(query)
    expected = search.reference_hits(terms)
    hits = search.RankedHits(terms)
    assert hits[0:100] == expected, query
    assert hits.count_up_to(search.COUNT_LIMIT) == len(expected)
    for start in range(len(expected)):  # every page boundary between the runs
        assert hits[start : start + 2] == expected[start : start + 2], (query, start)
    found = search.search_order(search.search(Proposal.objects.published(), terms))
    assert list(found.values_list("pk", flat=True)) == expected
    by_date = search.RankedHits(terms, order=search.PUBLICATION_ORDER)
    published = dict(Proposal.objects.values_list("pk", "published_at"))
    assert by_date[0:100] == sorted(expected, key=lambda pk: (published[pk], pk), reverse=True)


def test_the_named_fixture_has_hits_of_every_kind(named_documents):
    def titles(query):
        ids = search.reference_hits(search.parse_query(query))
        return [Proposal.objects.get(pk=pk).title for pk in ids]

    assert set(titles("第 3 号")[:2]) == {"另一届的第三件", "关于xAI平台的建议"}  # both No. 3
    assert titles("第 3 号")[2] == "关于落实第 3 号提案的建议"  # the text mention after
    assert len(titles("钱斌")) == 2 and len(titles("市交通局")) == 2
    assert titles("苏州市撤回局") == [] and titles("交通运输局") == []
    assert titles("1号") == [Proposal.objects.get(number=1, session__meeting=4).title]


def test_the_fixture_has_hits_of_every_kind(documents):
    def hits(query):
        return search.reference_hits(search.parse_query(query))

    assert len(hits("苏州")) >= 3 and hits("不存在的词") == []
    assert hits("私密词") == [] and len(hits("答复摘要词")) == 1  # public replies only
    assert len(hits("xai")) == 1 and len(hits("ai")) == 2  # whole words


# --- The reminder sweep's SQL -----------------------------------------------------------


def test_the_claim_and_reschedule_statements_change_what_the_orm_changes(agency):
    now = timezone.now().replace(microsecond=0)
    other = AgencyFactory(name="另一个局")
    moments = [None, now - dt.timedelta(days=2), now, now + dt.timedelta(seconds=1)]
    rows = [
        make_assignment(agency if n % 2 else other, next_reminder_at=when)
        for n, when in enumerate(moments * 2)
    ]
    ids = [row.pk for row in rows]

    def claimed_with(claim):
        def run():
            taken = claim(ids[:5] + ids[6:], now)  # one due row is not asked for
            return sorted(taken), column()

        return run

    def column():
        return dict(Assignment.objects.filter(pk__in=ids).values_list("pk", "next_reminder_at"))

    fast, plain = (
        rolled_back(claimed_with(reminder_sweep._claim)),
        rolled_back(claimed_with(reminder_sweep._claim_plain)),
    )
    assert fast == plain
    assert len(fast[0]) == 3  # the past and the present ones, less the one left out

    later = [None, now + dt.timedelta(days=3), now - dt.timedelta(hours=1)]

    def rescheduled_with(reschedule):
        def run():
            loaded = list(Assignment.objects.filter(pk__in=ids).order_by("pk"))
            reschedule([(a, None, later[n % 3]) for n, a in enumerate(loaded)])
            return column()

        return run

    fast, plain = (
        rolled_back(rescheduled_with(reminder_schedule._reschedule)),
        rolled_back(rescheduled_with(reminder_schedule._reschedule_plain)),
    )
    assert fast == plain and set(fast.values()) == set(later)
