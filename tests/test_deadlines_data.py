"""A deadline's history is data (DeadlineChange rows), said in the reader's language when
shown, and read back as data when the calendar changes: the language the interface had
when a date was set plays no part."""

import datetime as dt
import importlib
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import polib
import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from proposals.models import Action, Event, Status
from responses import deadlines, services
from responses.models import DeadlineChange, DeadlineChangeKind, DeadlineRule
from responses.models import Role as AssignmentRole
from responses.recalculation import change_calendar_day
from tests.factories import ProposalFactory

BEIJING = ZoneInfo("Asia/Shanghai")
D = dt.date
PO_PATH = django_settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"


def at(day, hour=10):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BEIJING)


@pytest.fixture
def english(tmp_path, settings):
    """The English catalogue compiled to a fresh .mo (no stale build is read)."""
    messages = tmp_path / "locale" / "en" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    polib.pofile(str(PO_PATH)).save_as_mofile(str(messages / "django.mo"))
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]


def extended_to_friday_14_november(agency, alice, bob, language):
    """Assigned 2025-07-01 (due 2025-10-09, after National Day), extended to Friday
    2025-11-14 by staff whose interface was in `language`."""
    proposal = ProposalFactory(status=Status.REGISTERED)
    with time_machine.travel(at(D(2025, 7, 1)), tick=False):
        (assignment,) = services.assign_proposal(
            proposal, agencies=[(agency, AssignmentRole.SOLE)], by=alice
        )
    with time_machine.travel(at(D(2025, 9, 1)), tick=False):
        services.accept_assignment(assignment, by=bob)
        request = services.request_extension(
            assignment, requested_deadline=D(2025, 11, 14), reason="需协调多部门", by=bob
        )
        with translation.override(language):
            services.decide_extension(request, approve=True, by=alice)
    assignment.refresh_from_db()
    assert assignment.deadline == D(2025, 11, 14)
    return assignment


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_new_holiday_moves_an_extended_deadline_whatever_language_approved_it(
    english, agency, alice, bob, language
):
    assignment = extended_to_friday_14_november(agency, alice, bob, language)

    with time_machine.travel(at(D(2025, 10, 20)), tick=False):
        moved = change_calendar_day(
            D(2025, 11, 14), is_working_day=False, name="临时假日", by=alice
        )

    assignment.refresh_from_db()
    assert assignment.deadline == D(2025, 11, 17)  # the Monday after, not the holiday
    assert [(m.field, m.old, m.new) for m in moved] == [
        ("deadline", D(2025, 11, 14), D(2025, 11, 17))
    ]
    with translation.override("zh-hans"):
        assert deadlines.explain(assignment) == (
            "交办 2025-07-01 + 3个月 = 2025-10-01；2025-10-01 国庆节 → 顺延至 2025-10-09；"
            "延期至 2025-11-14（王工作人员 于 2025-09-01 批准）；"
            "2025-11-14 临时假日 → 顺延至 2025-11-17；"
            "日历调整（王工作人员 2025-10-20）：2025-11-14 → 2025-11-17"
        )


@pytest.mark.django_db
def test_the_explanation_is_said_in_the_readers_language(english, agency, alice, bob):
    assignment = extended_to_friday_14_november(agency, alice, bob, "zh-hans")

    with translation.override("en"):
        english_text = deadlines.explain(assignment)

    assert english_text == (
        "Assigned 2025-07-01 + 3 months = 2025-10-01; "
        "2025-10-01 National Day → postponed to 2025-10-09; "
        "Extended to 2025-11-14 (approved by 王工作人员 on 2025-09-01)"
    )


@pytest.mark.django_db
def test_the_history_holds_codes_and_dates_not_sentences(english, agency, alice, bob):
    assignment = extended_to_friday_14_november(agency, alice, bob, "en")

    rows = list(DeadlineChange.objects.filter(assignment=assignment).values())
    assert [(r["kind"], r["rule"], r["date"]) for r in rows] == [
        (DeadlineChangeKind.RULE, DeadlineRule.REPLY, D(2025, 10, 1)),
        (DeadlineChangeKind.SHIFT, "", D(2025, 10, 9)),
        (DeadlineChangeKind.EXTENSION, "", D(2025, 11, 14)),
    ]
    rule, shift, extension = rows
    assert (rule["start"], rule["months"]) == (D(2025, 7, 1), 3)
    assert (shift["day"], shift["holiday"]) == (D(2025, 10, 1), "national_day")
    assert (extension["requested"], extension["previous"], extension["by_id"]) == (
        D(2025, 11, 14),
        D(2025, 10, 9),
        alice.pk,
    )
    assert extension["reason"] == "需协调多部门"  # the officer's own words
    events = Event.objects.filter(assignment_id=assignment.pk)
    assert not any(e.note for e in events if e.action == Action.ASSIGN)


@pytest.mark.django_db
def test_a_change_by_staff_keeps_who_when_and_why(agency, alice):
    proposal = ProposalFactory(status=Status.REGISTERED)
    with time_machine.travel(at(D(2025, 3, 20)), tick=False):
        (assignment,) = services.assign_proposal(
            proposal, agencies=[(agency, AssignmentRole.SOLE)], by=alice
        )
        services.change_deadline(assignment, deadline=D(2025, 5, 6), reason="两会前答复", by=alice)

    step = assignment.deadline_changes.last()
    assert (step.kind, step.previous, step.date, step.by, step.reason) == (
        DeadlineChangeKind.MANUAL,
        D(2025, 6, 20),
        D(2025, 5, 6),
        alice,
        "两会前答复",
    )
    assert deadlines.explain(assignment).endswith(
        "王工作人员 于 2025-03-20 调整为 2025-05-06，理由：两会前答复"
    )


# --- Converting the stored text, once --------------------------------------------------------

convert = importlib.import_module("responses.migrations.0011_deadline_history_from_text")


def steps(text, users=None):
    assignment = SimpleNamespace(deadline_explanation=text, assigned_at=at(D(2025, 7, 1)))
    return convert.Reader(users or {}).steps(assignment)


def test_the_old_chinese_text_becomes_its_steps():
    assert steps(
        "交办 2025-07-01 + 3个月 = 2025-10-01；2025-10-01 国庆节 → 顺延至 2025-10-09；"
        "延期至 2025-11-14（王工作人员 于 2025-09-01 批准）",
        {"王工作人员": 7},
    ) == [
        {
            "kind": "rule",
            "rule": "reply",
            "start": D(2025, 7, 1),
            "months": 3,
            "date": D(2025, 10, 1),
        },
        {
            "kind": "shift",
            "day": D(2025, 10, 1),
            "date": D(2025, 10, 9),
            "day_name": "",
            "holiday": "national_day",
        },
        {
            "kind": "extension",
            "requested": D(2025, 11, 14),
            "date": D(2025, 11, 14),
            "by_id": 7,
            "at": at(D(2025, 9, 1), 12),
        },
    ]


def test_english_segments_are_read_too():
    kinds = steps(
        "交办 2025-07-01 + 3个月 = 2025-10-01；2025-10-01 国庆节 → 顺延至 2025-10-09；"
        "Extended to 2025-11-14 (approved by Wang on 2025-09-01); "
        "2025-11-14 Staff holiday → postponed to 2025-11-17; "
        "changed by Wang on 2025-10-10 to 2025-11-20, reason: on site; twice"
    )
    assert [(s["kind"], s["date"]) for s in kinds] == [
        ("rule", D(2025, 10, 1)),
        ("shift", D(2025, 10, 9)),
        ("extension", D(2025, 11, 14)),
        ("shift", D(2025, 11, 17)),
        ("manual", D(2025, 11, 20)),
    ]
    assert kinds[3]["day_name"] == "Staff holiday"
    assert kinds[4]["reason"] == "on site；twice"


def test_staff_sentences_and_calendar_changes_are_read():
    kinds = steps(
        "交办 2025-03-20 + 3个月 = 2025-06-20；工作人员改为 2025-05-06，理由：两会前；"
        "王 于 2025-04-01 调整为 2025-05-08，理由：再议；重新办理：工作人员指定 2025-09-30；"
        "日历调整（王 2025-06-01）：2025-09-30 → 2025-10-09"
    )
    assert [(s["kind"], s.get("rule", ""), s["date"]) for s in kinds] == [
        ("rule", "reply", D(2025, 6, 20)),
        ("manual", "", D(2025, 5, 6)),
        ("manual", "", D(2025, 5, 8)),
        ("manual", "rehandling", D(2025, 9, 30)),
        ("calendar", "", D(2025, 10, 9)),
    ]


@pytest.mark.django_db(transaction=True)
def test_the_migration_converts_stored_text_and_keeps_dates_it_cannot_read(agency):
    executor = MigrationExecutor(connection)
    before = [("responses", "0010_deadline_changes")]
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        Assignment = old.get_model("responses", "Assignment")
        Proposal = old.get_model("proposals", "Proposal")

        def proposal():
            return Proposal.objects.get(pk=ProposalFactory(status=Status.ASSIGNED).pk)

        common = {"agency_id": agency.pk, "role": "sole"}
        read = Assignment.objects.create(
            **common,
            proposal=proposal(),
            assigned_at=at(D(2025, 7, 1)),
            deadline=D(2025, 10, 9),
            deadline_explanation=(
                "交办 2025-07-01 + 3个月 = 2025-10-01；2025-10-01 国庆节 → 顺延至 2025-10-09"
            ),
        )
        unread = Assignment.objects.create(
            **common,
            proposal=proposal(),
            assigned_at=at(D(2025, 7, 1)),
            deadline=D(2025, 9, 30),
            deadline_explanation="由工作人员商定",
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)

    converted = DeadlineChange.objects.filter(assignment_id=read.pk)
    assert [(c.kind, c.date) for c in converted] == [
        (DeadlineChangeKind.RULE, D(2025, 10, 1)),
        (DeadlineChangeKind.SHIFT, D(2025, 10, 9)),
    ]
    (kept,) = DeadlineChange.objects.filter(assignment_id=unread.pk)
    assert (kept.kind, kept.rule, kept.date) == (
        DeadlineChangeKind.RULE,
        DeadlineRule.UNKNOWN,
        D(2025, 9, 30),
    )
    with translation.override("zh-hans"):
        assert deadlines.explain(converted[0].assignment) == (
            "交办 2025-07-01 + 3个月 = 2025-10-01；2025-10-01 国庆节 → 顺延至 2025-10-09"
        )
