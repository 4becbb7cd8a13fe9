"""Reminder sweep benchmark: up to 100,000 open assignments in PostgreSQL.

    .venv/bin/python bench/reminders.py [--sizes 1000,10000,100000] [--due 500]
                                        [--database jianyan_bench_reminders] [--keep]

1. Creates its own database (never the one in DATABASE_URL) and migrates it.
2. Grows the open assignments to each size with bulk_create (120 agencies with one
   officer each; deadlines spread over months, so almost none is due). Before each run
   exactly `--due` of them are due now (a 30-days-before point, 2025-09-10 08:30).
3. Times `reminders.sweep()` at 2025-09-10 09:00 and counts its queries — then a second
   sweep right after, with nothing due (what most beats cost). The e-mails the sweep
   queues are counted, not sent: sending is one task per recipient, not the sweep.
4. At the largest size, varies the number due, and prints PostgreSQL's plan for the
   sweep's selection (an index scan on the partial next_reminder_at index).

The query count must not grow with the number of open assignments; with the number due
it grows by one batch (500 rows, a fixed handful of queries) at a time.
"""

import argparse
import os
import sys
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 9, 10, 9, 0, tzinfo=BEIJING)
DUE_AT = datetime(2025, 9, 10, 8, 30, tzinfo=BEIJING)
AGENCIES = 120


def create_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        exists = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            c.execute(f'CREATE DATABASE "{name}"')


def setup(database: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "JIANYAN_VAR_DIR": tempfile.mkdtemp(prefix="jianyan-bench-"),
            "LOG_LEVEL": "ERROR",
            "REDIS_URL": "",
            "AXES_ENABLED": "false",
        }
    )
    create_database(database)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def reset() -> None:
    """Empty the bench's tables (its own database only)."""
    from django.db import connection

    from proposals.models import Proposal
    from responses.models import Assignment

    tables = [Assignment._meta.db_table, Proposal._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")


def base_rows():
    from accounts.models import User
    from committees.scope import home
    from proposals.models import Category, Session
    from responses.models import Agency, AgencyMembership

    city = home()  # the installation's committee (committees 0001)
    session, _ = Session.objects.get_or_create(
        committee=city,
        term=15,
        meeting=4,
        defaults={"name": "第十五届委员会第四次会议", "year": 2025},
    )
    category, _ = Category.objects.get_or_create(committee=city, name="经济")
    if Agency.objects.count() < AGENCIES:
        Agency.objects.bulk_create(
            [
                Agency(committee=city, name=f"苏州市第{n}局", email=f"a{n}@example.gov.cn")
                for n in range(AGENCIES)
            ],
            ignore_conflicts=True,
        )
    agencies = list(Agency.objects.order_by("pk")[:AGENCIES])
    User.objects.bulk_create(
        [
            User(
                username=f"officer{a.pk}",
                role="officer",
                email=f"officer{a.pk}@example.gov.cn",
                password="!",
            )
            for a in agencies
        ]
        + [
            User(username=f"staff{n}", role="staff", email=f"s{n}@example.org", password="!")
            for n in range(3)
        ],
        ignore_conflicts=True,
    )
    officers = dict(
        User.objects.filter(username__in=[f"officer{a.pk}" for a in agencies]).values_list(
            "username", "pk"
        )
    )
    AgencyMembership.objects.bulk_create(
        [AgencyMembership(user_id=officers[f"officer{a.pk}"], agency=a) for a in agencies],
        ignore_conflicts=True,
    )
    return session, category, agencies


def grow(to: int, session, category, agencies) -> None:
    """Add open assignments (one proposal each) until there are `to`."""
    from proposals.models import Proposal
    from responses.models import Assignment

    have = Assignment.objects.count()
    chunk = 5000
    assigned_at = datetime(2025, 7, 10, 10, 0, tzinfo=BEIJING)
    while have < to:
        n = min(chunk, to - have)
        proposals = Proposal.objects.bulk_create(
            [
                Proposal(
                    committee=session.committee,
                    session=session,
                    number=have + i + 1,
                    title=f"关于第{have + i + 1}项工作的建议",
                    body="建议内容。",
                    category=category,
                    status="assigned",
                )
                for i in range(n)
            ]
        )
        rows = []
        for i, proposal in enumerate(proposals):
            k = have + i
            # Deadlines from mid-October into January: their next points lie ahead.
            deadline = date(2025, 10, 15) + timedelta(days=k % 90)
            rows.append(
                Assignment(
                    proposal=proposal,
                    agency=agencies[k % len(agencies)],
                    role="lead",
                    state="accepted",
                    assigned_at=assigned_at,
                    deadline=deadline,
                    next_reminder_at=datetime.combine(
                        deadline - timedelta(days=30), time(8, 30), tzinfo=BEIJING
                    ),
                )
            )
        Assignment.objects.bulk_create(rows, batch_size=2000)
        have += n


def make_due(count: int) -> None:
    """Exactly `count` assignments due now (deadline 2025-10-10, its 30-days-before point
    this morning); every other one back at its own next point, weeks ahead."""
    from django.db import connection

    from responses.models import Assignment, Delivery, Notification, Reminder

    Notification.objects.all().delete()
    Delivery.objects.all().delete()
    Reminder.objects.all().delete()
    table = Assignment._meta.db_table
    point = "((deadline - 30) + TIME '08:30') AT TIME ZONE 'Asia/Shanghai'"
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET deadline = DATE '2025-10-15' "
                       "WHERE deadline = DATE '2025-10-10'")  # fmt: skip
        cursor.execute(f"UPDATE {table} SET next_reminder_at = {point} "
                       f"WHERE next_reminder_at IS DISTINCT FROM {point}")  # fmt: skip
    ids = list(Assignment.objects.order_by("?").values_list("pk", flat=True)[:count])
    Assignment.objects.filter(pk__in=ids).update(
        deadline=date(2025, 10, 10), next_reminder_at=DUE_AT
    )
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")


def timed_sweep():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from responses import reminders

    with CaptureQueriesContext(connection) as queries:
        started = perf_counter()
        result = reminders.sweep(NOW)
        elapsed = perf_counter() - started
    return result, elapsed, len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--due", type=int, default=500)
    parser.add_argument("--database", default="jianyan_bench_reminders")
    parser.add_argument("--keep", action="store_true", help="keep the rows a last run left")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    setup(args.database)
    import responses.tasks
    from responses.models import Assignment

    class Queued:  # e-mails are counted, not sent: sending is not the sweep's cost
        count = 0

        @classmethod
        def delay(cls, *args):
            cls.count += 1

    responses.tasks.send_delivery_task = Queued
    if not args.keep:
        reset()
    session, category, agencies = base_rows()

    grow(sizes[0], session, category, agencies)
    make_due(0)
    timed_sweep()  # the first sweep creates the settings rows: not part of the figures
    print(f"sweep at {NOW:%Y-%m-%d %H:%M} Beijing; {args.due} due per run; PostgreSQL")
    print(f"{'open':>8} {'due':>6} {'sent':>6} {'mails':>6} {'queries':>8} {'seconds':>8}"
          f"  | idle beat: {'queries':>7} {'seconds':>8}")  # fmt: skip
    runs = [(size, args.due) for size in sizes]
    runs += [(sizes[-1], due) for due in (100, 2000, 5000) if due != args.due]
    for size, due in runs:
        started = perf_counter()
        grow(size, session, category, agencies)
        grown = perf_counter() - started
        make_due(due)
        result, elapsed, queries = timed_sweep()
        idle, idle_elapsed, idle_queries = timed_sweep()
        assert len(result.sent) == due and not idle.sent, (len(result.sent), len(idle.sent))
        print(
            f"{Assignment.objects.count():>8} {due:>6} {len(result.sent):>6} "
            f"{len(result.digests):>6} {queries:>8} {elapsed:>8.3f}"
            f"  |            {idle_queries:>7} {idle_elapsed:>8.4f}"
            + (f"   (loaded in {grown:.0f} s)" if grown > 1 else "")
        )

    make_due(args.due)
    plan = (
        Assignment.objects.filter(next_reminder_at__lte=NOW)
        .order_by("next_reminder_at", "pk")
        .values_list("pk", flat=True)[:500]
        .explain(analyze=True)
    )
    print("\nPlan of the sweep's selection at the largest size:")
    print("\n".join("  " + line for line in plan.splitlines()))


if __name__ == "__main__":
    main()
