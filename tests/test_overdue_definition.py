"""One definition of overdue and on time (responses.timeliness): its Q expressions and its
Python predicates agree row by row, and every page that shows a figure — the staff
dashboard, 逾期督办, 期限总览, the session reports, the officer's list, the staff list's
filter, the public agencies page — shows the same one on the same data."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from portal.selectors import forget_cached
from proposals.models import Status
from responses import closing, reminders, timeliness
from responses.models import Assignment, AssignmentState, Role
from staff.reports import table_by_key
from tests.factories import AgencyFactory, AssignmentFactory, ProposalFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2025, 10, 15)
NOON = dt.datetime(2025, 10, 15, 12, 0, tzinfo=SHANGHAI)
S = AssignmentState
D = dt.date


def work(agency, *, proposal=None, role=Role.LEAD, state=S.ACCEPTED, completed=None, **fields):
    """An assignment as the services leave it; `completed` is a date (10:00 that day) or
    a datetime, in Asia/Shanghai."""
    if isinstance(completed, dt.date) and not isinstance(completed, dt.datetime):
        completed = dt.datetime.combine(completed, dt.time(10), SHANGHAI)
    fields.setdefault("deadline", D(2025, 12, 31))
    return AssignmentFactory(
        proposal=proposal or ProposalFactory(status=Status.ASSIGNED),
        agency=agency,
        role=role,
        state=state,
        assigned_at=dt.datetime(2025, 7, 1, 9, tzinfo=SHANGHAI),
        completed_at=completed,
        **fields,
    )


# --- The rule, row by row --------------------------------------------------------------------

ROWS = [
    # (label, fields, overdue, on time, late)
    ("reply due yesterday", {"deadline": D(2025, 10, 14)}, True, False, False),
    ("reply due today is not overdue", {"deadline": TODAY}, False, False, False),
    (
        "asking to be reassigned still owes",
        {"state": S.REASSIGNMENT_REQUESTED, "deadline": D(2025, 10, 1)},
        True,
        False,
        False,
    ),
    (
        "re-handling past its new deadline",
        {"state": S.REHANDLING, "deadline": D(2025, 10, 1)},
        True,
        False,
        False,
    ),
    ("withdrawn", {"state": S.WITHDRAWN, "deadline": D(2025, 10, 1)}, False, False, False),
    (
        "ended with its proposal",
        {"state": S.ENDED, "deadline": D(2023, 5, 22)},
        False,
        False,
        False,
    ),
    (
        "opinion judged by its opinion deadline",
        {"role": Role.ASSISTING, "state": S.PENDING, "opinion_deadline": D(2025, 10, 10)},
        True,
        False,
        False,
    ),
    (
        "opinion not due yet although the reply deadline passed",
        {"role": Role.JOINT, "deadline": D(2025, 9, 30), "opinion_deadline": D(2025, 10, 20)},
        False,
        False,
        False,
    ),
    (
        "opinion waived",
        {
            "role": Role.JOINT,
            "state": S.PENDING,
            "opinion_deadline": D(2025, 10, 1),
            "opinions_waived": True,
        },
        False,
        False,
        False,
    ),
    (
        "opinion without its own deadline",
        {"role": Role.JOINT, "state": S.PENDING, "deadline": D(2025, 10, 1)},
        True,
        False,
        False,
    ),
    (
        "replied on the deadline day",
        {"state": S.REPLIED, "deadline": D(2025, 10, 10), "completed": D(2025, 10, 10)},
        False,
        True,
        False,
    ),
    (
        "replied the day after",
        {"state": S.REPLIED, "deadline": D(2025, 10, 10), "completed": D(2025, 10, 11)},
        False,
        False,
        True,
    ),
    (
        "replied at 23:30 Beijing time on the deadline day (15:30 UTC)",
        {
            "state": S.REPLIED,
            "deadline": D(2025, 10, 10),
            "completed": dt.datetime(2025, 10, 10, 23, 30, tzinfo=SHANGHAI),
        },
        False,
        True,
        False,
    ),
    (
        "replied at 00:30 Beijing time the day after (still the deadline day in UTC)",
        {
            "state": S.REPLIED,
            "deadline": D(2025, 10, 10),
            "completed": dt.datetime(2025, 10, 11, 0, 30, tzinfo=SHANGHAI),
        },
        False,
        False,
        True,
    ),
    (
        "opinion filed after its opinion deadline",
        {
            "role": Role.JOINT,
            "state": S.OPINION_FILED,
            "opinion_deadline": D(2025, 10, 9),
            "completed": D(2025, 10, 10),
        },
        False,
        False,
        True,
    ),
]


@pytest.mark.django_db
@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    ("fields", "overdue", "on_time", "late"),
    [row[1:] for row in ROWS],
    ids=[row[0] for row in ROWS],
)
def test_the_queryset_and_the_predicate_say_the_same(fields, overdue, on_time, late):
    assignment = work(AgencyFactory(), **fields)
    mine = Assignment.objects.filter(pk=assignment.pk)

    assert timeliness.is_overdue(assignment, TODAY) is overdue
    assert mine.filter(timeliness.overdue_q(TODAY)).exists() is overdue
    assert timeliness.is_overdue(assignment) is overdue  # the clock's today
    assert timeliness.is_on_time(assignment) is on_time
    assert mine.filter(timeliness.on_time_q()).exists() is on_time
    assert timeliness.is_late(assignment) is late
    assert mine.filter(timeliness.late_q()).exists() is late
    assert mine.filter(timeliness.fallen_due_q(TODAY)).exists() is (overdue or on_time or late)
    assert mine.filter(timeliness.owes_q()).exists() is timeliness.owes(assignment)
    assert timeliness.with_due(mine).get().due == timeliness.due_date(assignment)


def test_the_on_time_rate_is_over_what_has_fallen_due():
    assert timeliness.on_time_rate(0, 0) is None
    assert timeliness.on_time_rate(3, 4) == 0.75


# --- Every page, one fixture -------------------------------------------------------------------


@pytest.fixture
def handled(session, agency, other_agency, alice, bob, charlie):
    """At TODAY, in the current session, all published:

    P1  工信局 主办, past its deadline                  → overdue
        财政局 协办, past its opinion deadline          → overdue (reply deadline far off)
    P2  工信局 独办, replied 3 days late                 → late
    P3  财政局 独办, replied before its deadline         → on time
    P4  工信局 主办 replied on time; 数据局 协办 never answered, closed → ended, not overdue
    P5  工信局 withdrawn long ago; 财政局 主办 not yet due → neither
    P6  财政局 主办 not yet due; 数据局 会办 past its opinion deadline but waived → neither
    """
    session.is_current = True
    session.save()
    data_bureau = AgencyFactory(name="苏州市数据局")

    def proposal(number, status=Status.ASSIGNED):
        return ProposalFactory(session=session, number=number, status=status, is_published=True)

    p1 = proposal(1)
    overdue = [
        work(agency, proposal=p1, deadline=D(2025, 10, 5)),
        work(
            other_agency,
            proposal=p1,
            role=Role.ASSISTING,
            state=S.PENDING,
            opinion_deadline=D(2025, 10, 1),
        ),
    ]
    work(
        agency,
        proposal=proposal(2, Status.REPLIED),
        role=Role.SOLE,
        state=S.REPLIED,
        deadline=D(2025, 9, 30),
        completed=D(2025, 10, 3),
    )
    work(
        other_agency,
        proposal=proposal(3, Status.REPLIED),
        role=Role.SOLE,
        state=S.REPLIED,
        deadline=D(2025, 10, 10),
        completed=D(2025, 10, 8),
    )
    p4 = proposal(4, Status.REPLIED)
    work(agency, proposal=p4, state=S.REPLIED, deadline=D(2025, 9, 1), completed=D(2025, 8, 20))
    ended = work(
        data_bureau,
        proposal=p4,
        role=Role.ASSISTING,
        state=S.PENDING,
        opinion_deadline=D(2025, 7, 1),
    )
    with time_machine.travel(dt.datetime(2025, 9, 5, 10, tzinfo=SHANGHAI), tick=False):
        closing.close_proposal(p4, by=alice)
    p5 = proposal(5)
    work(agency, proposal=p5, state=S.WITHDRAWN, deadline=D(2025, 9, 1))
    work(other_agency, proposal=p5, state=S.PENDING)
    p6 = proposal(6)
    work(other_agency, proposal=p6, opinions_waived=True)
    work(
        data_bureau,
        proposal=p6,
        role=Role.JOINT,
        state=S.PENDING,
        opinion_deadline=D(2025, 9, 15),
        opinions_waived=True,
    )
    ended.refresh_from_db()
    assert ended.state == S.ENDED
    forget_cached()
    return {"overdue": {a.pk for a in overdue}, "lead": overdue[0], "assisting": overdue[1]}


@time_machine.travel(NOON, tick=False)
def test_every_overdue_figure_agrees(client, handled, session, alice, bob, charlie):
    expected = handled["overdue"]
    assert set(timeliness.overdue_assignments().values_list("pk", flat=True)) == expected
    client.force_login(alice)

    dashboard = client.get(reverse("staff:dashboard"))
    assert dashboard.context["counts"]["overdue"] == len(expected)
    assert "以下待办统计各届次会议的提案" in dashboard.content.decode()

    board = client.get(reverse("staff:overdue"))
    rows = list(board.context["page"])
    assert {a.pk for a in rows} == expected
    assisting = next(a for a in rows if a.pk == handled["assisting"].pk)
    # Shown with the date it is judged by (its opinion deadline), not its reply deadline.
    assert (assisting.due, assisting.overdue_days) == (D(2025, 10, 1), 14)
    assert "2025-10-01" in board.content.decode()
    assert "2025-12-31" not in board.content.decode()

    overview = client.get(reverse("notifications:overview")).context
    assert overview["totals"]["overdue"] == len(expected)
    assert {a.pk for a in overview["overdue"]} == expected
    by_agency = {row["agency__name"]: row for row in overview["agencies"]}
    assert by_agency["苏州市工业和信息化局"]["overdue"] == 1
    assert by_agency["苏州市财政局"]["overdue"] == 1
    assert by_agency["苏州市数据局"]["overdue"] == 0

    report = table_by_key(session, "agency")
    assert report.total[7] == len(expected)  # 逾期未办结
    assert {row[0]: row[7] for row in report.rows} == {
        "苏州市工业和信息化局": 1,
        "苏州市财政局": 1,
        "苏州市数据局": 0,
    }
    replying = {row[0]: row[1] for row in table_by_key(session, "timeliness").rows}
    assert replying["逾期未答复"] == 1  # the assisting agency owes an opinion, not a reply

    listed = client.get(reverse("staff:proposal-list"), {"overdue": "yes"}).context["page"]
    assert [p.number for p in listed] == [1]

    for officer, assignment in ((bob, handled["lead"]), (charlie, handled["assisting"])):
        client.force_login(officer)
        officer_rows = client.get(reverse("officer:dashboard")).context["rows"]
        assert [r["assignment"].pk for r in officer_rows if r["overdue"]] == [assignment.pk]
        filtered = client.get(reverse("officer:dashboard"), {"due": "overdue"}).context["rows"]
        assert [r["assignment"].pk for r in filtered] == [assignment.pk]


@time_machine.travel(NOON, tick=False)
def test_every_on_time_rate_agrees(client, handled, session, alice):
    """工信局: P2 late, P4 on time, P1 overdue → 1 of 3. 财政局: P3 on time, its overdue
    opinion on P1 → 1 of 2 (the public page counts replies only: 1 of 1)."""
    client.force_login(alice)
    overview = client.get(reverse("notifications:overview")).context
    by_agency = {row["agency__name"]: row for row in overview["agencies"]}
    assert by_agency["苏州市工业和信息化局"]["on_time_rate"] == 33.3
    assert by_agency["苏州市财政局"]["on_time_rate"] == 50.0
    assert by_agency["苏州市数据局"]["on_time_rate"] is None  # nothing has fallen due

    report = {row[0]: row[8] for row in table_by_key(session, "agency").rows}
    assert report["苏州市工业和信息化局"] == pytest.approx(1 / 3)
    assert report["苏州市财政局"] == 0.5

    public = {
        a.name: (a.owed, a.on_time)
        for a in client.get(reverse("public:agencies")).context["agencies"]
    }
    assert public["苏州市工业和信息化局"] == (3, 1)
    assert public["苏州市财政局"] == (1, 1)


@time_machine.travel(NOON, tick=False)
def test_the_on_time_rate_is_below_100_when_a_reply_was_late(client, alice, agency, session):
    published = {"session": session, "is_published": True, "status": Status.REPLIED}
    work(
        agency,
        proposal=ProposalFactory(number=1, **published),
        role=Role.SOLE,
        state=S.REPLIED,
        deadline=D(2025, 9, 1),
        completed=D(2025, 8, 25),
    )
    work(
        agency,
        proposal=ProposalFactory(number=2, **published),
        role=Role.SOLE,
        state=S.REPLIED,
        deadline=D(2025, 9, 1),
        completed=D(2025, 9, 2),
    )
    forget_cached()

    [row] = reminders.overview(TODAY)["agencies"]
    assert row["on_time_rate"] == 50.0
    assert table_by_key(session, "agency").rows[0][8] == 0.5
    client.force_login(alice)
    page = client.get(reverse("public:agencies")).content.decode()
    assert "50%" in page and "100%" not in page


@time_machine.travel(NOON, tick=False)
def test_overdue_work_lowers_the_on_time_rate_of_an_agency_that_was_never_late(
    client, alice, agency, session
):
    """The demo's 100.0% beside 已逾期 1: work past its deadline is not on time either."""
    work(
        agency,
        proposal=ProposalFactory(session=session, number=1, status=Status.REPLIED),
        role=Role.SOLE,
        state=S.REPLIED,
        deadline=D(2025, 9, 1),
        completed=D(2025, 8, 25),
    )
    work(agency, proposal=ProposalFactory(session=session, number=2), deadline=D(2025, 10, 1))

    [row] = reminders.overview(TODAY)["agencies"]
    assert (row["finished"], row["overdue"], row["on_time_rate"]) == (1, 1, 50.0)
    assert table_by_key(session, "agency").rows[0][8] == 0.5
