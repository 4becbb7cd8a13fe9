"""Public portal benchmark: 100,000 published proposals in PostgreSQL.

    .venv/bin/python bench/public.py [--proposals 100000] [--database jianyan_bench_public]
                                     [--reload] [--requests 40] [--seconds 10]

1. Creates its own database (never the one in DATABASE_URL), migrates it and, unless it
   already holds the data, loads realistic synthetic proposals with bulk_create: topics,
   sentences and place names so that 苏州 is common, 人工智能 rare, and proposal 118's
   own sentences appear where they belong; sponsors, agencies (lead + assisting),
   public replies with summaries and letter text, and the search documents.
   Then builds the stored detail pages that are not current (portal/pages.py), as
   `manage.py build_public_pages` does after a deploy, and prints how long that took.
2. Compares search options on the same rows (exact substring count as the truth):
   character bigrams in a GIN tsvector + adjacency check (what we ship), pg_trgm GIN +
   ILIKE, and the cost of ts_rank over bigram vectors.
3. Times pages in-process with Django's test client (median and p95 server time):
   home, list, filters, search, detail, agency, API list/search/detail.
4. Serves the site with gunicorn on 127.0.0.1 beside a trivial Django view and measures
   requests per second with wrk.

The same module is the gunicorn entry point (`bench.public:application`): it adds
/bench/trivial/ to the site's URLs.
"""

import argparse
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from django.http import HttpResponse
from django.urls import include, path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# --- gunicorn entry point ----------------------------------------------------------------


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


def __getattr__(name):
    # The URLconf, built on first use: config.urls needs Django set up, this module not.
    if name == "urlpatterns":
        return [path("bench/trivial/", trivial), path("", include("config.urls"))]
    raise AttributeError(name)


_application = None


def application(environ, start_response):
    global _application
    if _application is None:
        from django.conf import settings
        from django.core.wsgi import get_wsgi_application

        _application = get_wsgi_application()
        settings.ROOT_URLCONF = "bench.public"
    return _application(environ, start_response)


# --- environment -------------------------------------------------------------------------


def bench_environment(database: str, var_dir: str) -> dict:
    """Production-like settings (DEBUG off, manifest static files) on our own database."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "JIANYAN_VAR_DIR": var_dir,
        "LOG_LEVEL": "ERROR",
        "AXES_ENABLED": "false",
        "RATELIMIT_ENABLED": "false",  # wrk is one client hammering on purpose
        "REDIS_URL": "",
    }


def create_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        exists = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            c.execute(f'CREATE DATABASE "{name}"')


# --- synthetic data ----------------------------------------------------------------------

CITIES = ["苏州", "我市", "姑苏区", "吴中区", "相城区", "吴江区", "昆山", "常熟", "张家港",
          "太仓", "工业园区", "高新区"]  # fmt: skip
TOPICS = {
    "古城保护": ["历史街区", "古建筑修缮", "非物质文化遗产"],
    "河道治理": ["水环境", "河长制", "太湖水质"],
    "养老服务": ["居家养老", "社区养老", "护理人才"],
    "公共交通": ["轨道交通", "公交线路", "慢行系统"],
    "基础教育": ["义务教育", "课后服务", "教师队伍"],
    "医疗卫生": ["基层医疗", "分级诊疗", "公共卫生"],
    "营商环境": ["政务服务", "中小企业", "融资难"],
    "乡村振兴": ["农村人居环境", "特色产业", "集体经济"],
    "文化旅游": ["文旅融合", "夜间经济", "昆曲传承"],
    "生态环境": ["垃圾分类", "大气污染", "绿色低碳"],
    "住房保障": ["保障性租赁住房", "老旧小区改造", "物业管理"],
    "就业创业": ["高校毕业生", "灵活就业", "技能培训"],
    "数字经济": ["数据要素", "工业互联网", "数字政府"],
    "新型工业化": ["智能制造", "先进制造业集群", "工业企业"],
    "人工智能": ["大模型", "算力基础设施", "智能计算中心"],
    "科技创新": ["创新联合体", "成果转化", "人才引进"],
    "食品安全": ["农贸市场", "校园食品", "冷链"],
    "社会治理": ["网格化", "基层减负", "矛盾调解"],
}
# 人工智能 and 新型工业化 are rarer than the everyday topics, as in a real year.
TOPIC_WEIGHTS = {"人工智能": 1, "新型工业化": 1, "数字经济": 2}
SENTENCES = [
    "建议{city}进一步加强{topic}工作的统筹协调。",
    "目前{city}{topic}仍存在投入不足、机制不健全等问题。",
    "应当加快完善{detail}相关政策，形成长效机制。",
    "据调研，{city}在{detail}方面已取得一定成效，但与群众期待仍有差距。",
    "建议有关部门加大对{detail}的资金支持力度。",
    "同时，要注重{topic}与民生改善的有机结合。",
    "可借鉴先进地区经验，探索{detail}的新模式。",
    "要建立健全{topic}考核评价体系，压实各方责任。",
    "加强{detail}的宣传引导，营造全社会共同参与的良好氛围。",
    "{city}应结合实际，制定{topic}三年行动计划。",
]
REPLY_SENTENCES = [
    "感谢您对{topic}工作的关心和支持。",
    "经研究，我局已将{detail}纳入年度重点工作计划。",
    "下一步，我们将会同有关部门，持续推进{city}{topic}工作。",
    "关于您提出的{detail}问题，我局已组织专题调研。",
    "目前，相关配套政策正在制定中，预计年内出台。",
]
PARTIES = ["民革苏州市委", "民盟苏州市委", "民建苏州市委", "民进苏州市委", "农工党苏州市委",
           "市致公党", "九三学社苏州市委", "台盟苏州市委"]  # fmt: skip


def seed_sentences() -> list[str]:
    from demo.seed import load_seed

    try:
        body = load_seed().body
    except OSError:
        return []
    return [s + "。" for s in re.split(r"[。\n]", body) if len(s) > 12]


def make_text(rng, templates, topic, count) -> str:
    details = TOPICS[topic]
    return "".join(
        rng.choice(templates).format(
            city=rng.choice(CITIES), topic=topic, detail=rng.choice(details)
        )
        for _ in range(count)
    )


def load(n: int, rng: random.Random) -> None:  # noqa: PLR0915 - one straight script
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from portal.search import compose_document, document_tokens, list_fields
    from proposals.models import (
        Category,
        Proposal,
        ProposalKind,
        SearchDocument,
        Session,
        Sponsor,
        SponsorKind,
        Sponsorship,
        Status,
    )
    from responses.models import Agency, Assignment, RenderStatus, Reply, ReplyDocument

    started = time.perf_counter()
    with connection.cursor() as cursor:
        # A bench load that crashes is simply run again: no need to wait for each fsync.
        cursor.execute("SET synchronous_commit TO off")
        cursor.execute(
            "TRUNCATE proposals_searchdocument, proposals_proposalview, responses_replydocument,"
            " responses_reply, responses_assignment, proposals_sponsorship, proposals_event,"
            " proposals_proposal, proposals_sponsor, proposals_category, proposals_session,"
            " responses_agency RESTART IDENTITY CASCADE"
        )
        cursor.execute("DROP INDEX IF EXISTS searchdocument_vector_gin")

    from committees.scope import home

    city = home()  # the installation's committee (committees 0001)
    sessions = Session.objects.bulk_create(
        Session(committee=city, name=f"第{term}届委员会第{meeting}次会议", term=term,
                meeting=meeting,
                year=1998 + (term - 11) * 5 + meeting, is_current=(term, meeting) == (15, 5))
        for term in range(11, 16) for meeting in range(1, 6)
    )  # fmt: skip
    categories = Category.objects.bulk_create(
        Category(committee=city, name=name, order=i)
        for i, name in enumerate(["经济", "政治", "文化", "社会", "生态文明", "其他"])
    )
    sponsors = Sponsor.objects.bulk_create(
        [Sponsor(committee=city, name=name, kind=SponsorKind.PARTY, phone="13800000000")
         for name in PARTIES]
        + [Sponsor(committee=city, name="市工商联", kind=SponsorKind.FEDERATION)]
        + [Sponsor(committee=city, name=f"界别{n}", kind=SponsorKind.SECTOR) for n in range(30)]
        + [Sponsor(committee=city, name=f"专门委员会{n}", kind=SponsorKind.COMMITTEE)
           for n in range(9)]
        + [Sponsor(committee=city, name=f"委员{n:04d}", kind=SponsorKind.MEMBER,
                   email=f"m{n}@example.org")
           for n in range(2000)]
    )  # fmt: skip
    agencies = Agency.objects.bulk_create(
        Agency(committee=city, name=f"苏州市{topic}主管部门{n}", short_name=f"{topic}{n}")
        for topic in TOPICS
        for n in range(1, 8)
    )
    members = [s for s in sponsors if s.kind == SponsorKind.MEMBER]
    collective = [s for s in sponsors if s.kind != SponsorKind.MEMBER]
    topics = list(TOPICS)
    weights = [TOPIC_WEIGHTS.get(t, 5) for t in topics]
    from_118 = seed_sentences()
    per_session = -(-n // len(sessions))
    batch = 2000
    made = 0
    while made < n:
        size = min(batch, n - made)
        rows, extras = [], []
        for i in range(size):
            index = made + i
            session = sessions[index // per_session]
            topic = rng.choices(topics, weights)[0]
            body = make_text(rng, SENTENCES, topic, rng.randint(18, 40))
            if topic == "人工智能" and from_118:
                body += "".join(rng.sample(from_118, min(8, len(from_118))))
            published = dt.datetime(session.year, 3, 1, tzinfo=dt.UTC) + dt.timedelta(
                minutes=rng.randint(0, 365 * 24 * 60)
            )
            replied = rng.random() < 0.75
            rows.append(
                Proposal(
                    committee=city,
                    session=session,
                    number=index % per_session + 1,
                    kind=ProposalKind.PROPOSAL if rng.random() < 0.8 else ProposalKind.SUGGESTION,
                    title=f"关于{rng.choice(CITIES)}{rng.choice(TOPICS[topic])}和{topic}的"
                    f"{rng.choice(['提案', '建议'])}",
                    body=body,
                    category=rng.choice(categories),
                    status=Status.REPLIED if replied else Status.ASSIGNED,
                    submitted_at=published - dt.timedelta(days=200),
                    is_published=True,
                    published_at=published,
                    view_count=rng.randint(0, 500),
                    created_at=published,
                )
            )
            extras.append((topic, replied))
        Proposal.objects.bulk_create(rows)
        sponsorships, assignments, meta = [], [], []
        for proposal, (topic, replied) in zip(rows, extras, strict=True):
            lead = rng.choice(collective) if rng.random() < 0.3 else rng.choice(members)
            sponsorships.append(Sponsorship(proposal=proposal, sponsor=lead, is_lead=True))
            for order, co in enumerate(rng.sample(members, rng.randint(0, 3)), start=1):
                if co.pk != lead.pk:
                    sponsorships.append(Sponsorship(proposal=proposal, sponsor=co, order=order))
            assigned = proposal.published_at - dt.timedelta(days=150)
            lead_agency = agencies[topics.index(topic) * 7 + rng.randint(0, 6)]
            lead_assignment = Assignment(
                proposal=proposal, agency=lead_agency, role="lead",
                state="replied" if replied else "accepted", assigned_at=assigned,
                deadline=(assigned + dt.timedelta(days=91)).date(),
            )  # fmt: skip
            assignments.append(lead_assignment)
            for other in rng.sample(agencies, rng.randint(0, 2)):
                if other.pk != lead_agency.pk:
                    assignments.append(
                        Assignment(proposal=proposal, agency=other, role="assisting",
                                   state="opinion_filed", assigned_at=assigned,
                                   deadline=(assigned + dt.timedelta(days=91)).date())
                    )  # fmt: skip
            meta.append((proposal, topic, replied, lead_assignment))
        Sponsorship.objects.bulk_create(sponsorships)
        Assignment.objects.bulk_create(assignments)
        replies, documents, search_documents = [], [], []
        for proposal, topic, replied, assignment in meta:
            parts = [proposal.title, proposal.body]
            public_replies = []
            if replied:
                summary = make_text(rng, REPLY_SENTENCES, topic, rng.randint(2, 5))
                letter = make_text(rng, REPLY_SENTENCES, topic, rng.randint(6, 14))
                reply = Reply(
                    assignment=assignment, classification=rng.choice("AAABBC"),
                    replied_at=assignment.assigned_at + dt.timedelta(days=rng.randint(30, 110)),
                    signer="局长", contact="联系人", contact_phone="0512-00000000",
                    is_public=True, summary=summary, status="confirmed",
                    confirmed_at=proposal.published_at,
                )  # fmt: skip
                replies.append(reply)
                public_replies.append(reply)
                documents.append((reply, letter))
                parts += [summary, letter]
            content = compose_document(parts[0], parts[1], parts[2:])
            search_documents.append(
                SearchDocument(
                    proposal=proposal,
                    content=content,
                    tokens=document_tokens(content),
                    updated_at=timezone.now(),
                    **list_fields(proposal, public_replies),  # as refresh_search_document
                )  # fmt: skip
            )
        Reply.objects.bulk_create(replies)
        ReplyDocument.objects.bulk_create(
            ReplyDocument(
                reply=reply,
                original="replies/originals/bench.doc",
                original_name=f"{reply.assignment.proposal.number}号提案的答复.doc",
                sha256="0" * 64,
                size=1024,
                doc_type="doc",
                text=letter,
                render_status=RenderStatus.READY,
                pdf="replies/pdf/bench.pdf",
            )  # fmt: skip
            for reply, letter in documents
        )
        SearchDocument.objects.bulk_create(search_documents)
        made += size
        print(f"  loaded {made}/{n} ({time.perf_counter() - started:.0f} s)", flush=True)
    index_started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(
            "CREATE INDEX searchdocument_vector_gin ON proposals_searchdocument USING gin (vector)"
        )
        print(f"  bigram GIN index built in {time.perf_counter() - index_started:.0f} s")
        cursor.execute("VACUUM ANALYZE")
    print(f"loaded {n} proposals in {time.perf_counter() - started:.0f} s")


def build_pages() -> None:
    """The stored detail pages, as `manage.py build_public_pages` makes them after a
    deploy (and the app after each publication): only those not current."""
    from tqdm import tqdm

    from portal import pages

    ids = list(pages.stale().order_by("pk").values_list("pk", flat=True))
    if not ids:
        return
    started = time.perf_counter()
    with tqdm(total=len(ids), unit="page", desc="stored pages", mininterval=5) as bar:
        pages.build(ids, progress=bar.update)
    took = time.perf_counter() - started
    print(f"  {len(ids)} stored pages built in {took:.0f} s ({took / len(ids) * 1000:.1f} ms each)")


# --- measuring ---------------------------------------------------------------------------


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm: plans and caches, as a running server has
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


SEARCH_TERMS = ["人工智能", "新型工业化", "苏州", "型工业", "河长制", "昆曲传承", "养老 苏州"]


def compare_search(repeat: int) -> list[tuple]:
    """Hits and time per query for each option, against an exact substring scan."""
    from django.db import connection

    from portal import search
    from proposals.models import SearchDocument

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'bench_searchdocument_trgm'")
        if not cursor.fetchone():
            started = time.perf_counter()
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute(
                "CREATE INDEX bench_searchdocument_trgm ON proposals_searchdocument "
                "USING gin (content gin_trgm_ops)"
            )
            print(f"  pg_trgm GIN index built in {time.perf_counter() - started:.0f} s")
        cursor.execute(
            "SELECT pg_size_pretty(pg_relation_size('searchdocument_vector_gin')),"
            " pg_size_pretty(pg_relation_size('bench_searchdocument_trgm')),"
            " pg_size_pretty(pg_total_relation_size('proposals_searchdocument'))"
        )
        sizes = cursor.fetchone()
    print(f"  index sizes: bigram GIN {sizes[0]}, pg_trgm GIN {sizes[1]}; table {sizes[2]}")

    def sql_count(sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def bigram_count(terms):
        with search.index_scans(terms):  # as the pages run it
            return search.matching_documents(terms).count()

    def sql_rows(sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    rows = []
    for q in SEARCH_TERMS:
        words = q.split()
        exact_sql = "SELECT count(*) FROM proposals_searchdocument WHERE " + " AND ".join(
            ["strpos(lower(content), %s) > 0"] * len(words)
        )
        trgm_sql = "SELECT count(*) FROM proposals_searchdocument WHERE " + " AND ".join(
            ["content ILIKE %s"] * len(words)
        )
        terms = search.parse_query(q)
        tsquery = " ".join(t for term in terms for t in term.indexable)
        rank_sql = (
            "SELECT proposal_id FROM proposals_searchdocument WHERE vector @@"
            " plainto_tsquery('simple'::regconfig, %s) ORDER BY ts_rank(vector,"
            " plainto_tsquery('simple'::regconfig, %s)) DESC LIMIT 20"
        )
        likes = [f"%{w}%" for w in words]
        truth = sql_count(exact_sql, words)
        bigram = bigram_count(terms)
        trgm = sql_count(trgm_sql, likes)
        t_exact = summary(timed(partial(sql_count, exact_sql, words), max(2, repeat // 10)))
        t_bigram = summary(timed(partial(bigram_count, terms), repeat))
        t_trgm = summary(timed(partial(sql_count, trgm_sql, likes), max(3, repeat // 4)))
        rank_params = [tsquery, tsquery]
        t_rank = summary(timed(partial(sql_rows, rank_sql, rank_params), max(2, repeat // 10)))
        rows.append((q, truth, bigram, trgm, t_exact, t_bigram, t_trgm, t_rank))
        assert SearchDocument.objects.exists()
    return rows


def page_cases(rng: random.Random, ids: list[int]):
    from proposals.models import Category, Session
    from responses.models import Agency

    categories = list(Category.objects.values_list("pk", flat=True))
    sessions = list(Session.objects.values_list("pk", flat=True))
    agencies = list(Agency.objects.values_list("pk", flat=True))
    return {
        "home": lambda: "/",
        "list (page 1-50)": lambda: f"/proposals/?page={rng.randint(1, 50)}",
        "filter: category+session": lambda: (
            f"/proposals/?category={rng.choice(categories)}&session={rng.choice(sessions)}"
        ),
        "filter: agency": lambda: f"/proposals/?agency={rng.choice(agencies)}",
        "filter: class.+kind, by views": lambda: (
            f"/proposals/?classification={rng.choice('ABC')}&sponsor_kind=party&sort=-view_count"
        ),
        "list by views (page 1-50)": lambda: (
            f"/proposals/?sort=-view_count&page={rng.randint(1, 50)}"
        ),
        "list by number (page 1-50)": lambda: f"/proposals/?sort=number&page={rng.randint(1, 50)}",
        "search (7 queries)": lambda: f"/proposals/?q={rng.choice(SEARCH_TERMS)}",
        "search, by views": lambda: f"/proposals/?q={rng.choice(SEARCH_TERMS)}&sort=-view_count",
        "search + filter": lambda: (
            f"/proposals/?q={rng.choice(SEARCH_TERMS)}&category={rng.choice(categories)}"
        ),
        "detail": lambda: f"/proposals/{rng.choice(ids)}/",
        "agency page": lambda: f"/agencies/{rng.choice(agencies)}/",
        "agencies + on-time rates": lambda: "/agencies/",
        "CSV export (one session+category)": lambda: (
            f"/proposals/export.csv?category={rng.choice(categories)}&session={rng.choice(sessions)}"
        ),
        "API list": lambda: f"/api/v1/proposals/?page={rng.randint(1, 50)}",
        "API search": lambda: f"/api/v1/proposals/?q={rng.choice(SEARCH_TERMS)}",
        "API detail": lambda: f"/api/v1/proposals/{rng.choice(ids)}/",
        "feed": lambda: "/feed/",
    }


def measure_pages(rng: random.Random, ids: list[int], repeat: int) -> list[tuple]:
    from django.test import Client

    rows = []
    for name, make_url in page_cases(rng, ids).items():
        client = Client(REMOTE_ADDR=f"10.9.{rng.randint(0, 255)}.{rng.randint(1, 254)}")
        statuses = set()

        def one(client=client, make_url=make_url, statuses=statuses):
            response = client.get(make_url())
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)  # the export's time is its whole body
            statuses.add(response.status_code)

        median, p95 = summary(timed(one, repeat))
        rows.append((name, median, p95, statuses))
    return rows


def wrk(url: str, seconds: int, script: str | None = None) -> tuple[float, str, str]:
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1)
    p99 = re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        p99 += f" ({errors.group(1)} non-2xx!)"
    return rate, p50, p99


def serve_and_load(env: dict, ids: list[int], seconds: int, workers: int) -> list[tuple]:
    port = 8765
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "bench.public:application", "-w", str(workers),
         "-b", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, **env}, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    lo, hi = min(ids), max(ids)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(
            f"math.randomseed(42)\nrequest = function()\n"
            f'  return wrk.format("GET", string.format(wrk.path, math.random({lo}, {hi})))\nend\n'
        )
    try:
        for _ in range(100):
            try:
                subprocess.run(["curl", "-sf", base + "/bench/trivial/"], check=True,
                               capture_output=True)  # fmt: skip
                break
            except subprocess.CalledProcessError:
                time.sleep(0.2)
        for url in ("/", "/proposals/", "/proposals/?q=%E8%8B%8F%E5%B7%9E"):
            subprocess.run(["curl", "-s", "-o", "/dev/null", base + url], check=False)
        # Cheap pages first: a slow page's backlog must not spill into the next figure.
        cases = [
            ("trivial Django view", "/bench/trivial/", None),
            ("detail (random ids)", "/proposals/%d/", lua.name),
            ("API detail (random ids)", "/api/v1/proposals/%d/", lua.name),
            ("list page 1", "/proposals/", None),
            ("API list", "/api/v1/proposals/", None),
            ("search 人工智能", "/proposals/?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD", None),
        ]
        return [(name, *wrk(base + url, seconds, script)) for name, url, script in cases]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        os.unlink(lua.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proposals", type=int, default=100_000)
    parser.add_argument("--database", default="jianyan_bench_public")
    parser.add_argument("--reload", action="store_true", help="load again even if present")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per URL")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument(
        "--skip-compare", action="store_true", help="skip the search options comparison"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("bench/public.py needs wrk for step 4: run `make bench-deps` first")

    var_dir = tempfile.mkdtemp(prefix="jianyan-bench-")
    env = bench_environment(args.database, var_dir)
    os.environ.update(env)
    create_database(args.database)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ROOT_URLCONF = "bench.public"
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    from proposals.models import Proposal

    rng = random.Random(20251016)
    if args.reload or Proposal.objects.count() != args.proposals:
        print(f"loading {args.proposals} proposals into {args.database} …", flush=True)
        load(args.proposals, rng)
    ids = list(Proposal.objects.values_list("pk", flat=True))
    build_pages()

    print(f"load average now: {os.getloadavg()} on {os.cpu_count()} cores (shared machine)")
    if not args.skip_compare:
        print("\n== Search options (hits: exact / bigram / pg_trgm; time ms median/p95) ==")
        header = f"{'query':<10} {'exact':>6} {'bigram':>6} {'trgm':>6}  {'scan':>11}"
        print(header + f"  {'bigram':>11}  {'pg_trgm':>11}  {'ts_rank top20':>13}")
        comparison = compare_search(args.requests)
        for q, truth, bigram, trgm, t_exact, t_bigram, t_trgm, t_rank in comparison:
            print(
                f"{q:<10} {truth:>6} {bigram:>6} {trgm:>6}  {t_exact[0]:>5.0f}/{t_exact[1]:<5.0f}"
                f"  {t_bigram[0]:>5.1f}/{t_bigram[1]:<5.1f}  {t_trgm[0]:>5.0f}/{t_trgm[1]:<5.0f}"
                f"  {t_rank[0]:>6.0f}/{t_rank[1]:<6.0f}"
            )

    print(f"\n== Server time in-process, Django test client, {args.requests} requests each ==")
    print(f"{'page':<32} {'median ms':>9} {'p95 ms':>8}  status")
    for name, median, p95, statuses in measure_pages(rng, ids, args.requests):
        flag = "" if p95 < 100 else "  <-- over 100 ms"
        print(f"{name:<32} {median:>9.1f} {p95:>8.1f}  {sorted(statuses)}{flag}")

    print(f"\n== gunicorn ({args.workers} sync workers) + wrk -t2 -c16, {args.seconds} s each ==")
    print(f"{'URL':<26} {'req/s':>8} {'p50':>9} {'p99':>9}")
    results = serve_and_load(env, ids, args.seconds, args.workers)
    baseline = results[0][1]
    for name, rate, p50, p99 in results:
        print(f"{name:<26} {rate:>8.0f} {p50:>9} {p99:>9}   {rate / baseline:>5.0%} of trivial")
    shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
