"""A changed calendar moves the deadlines still running, says why, and who changed it;
the services keep next_reminder_at right after assignment and extension."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from proposals.models import Action, Event, Status
from responses import deadlines, reminders, services
from responses.models import (
    AssignmentState,
    CalendarDay,
    CommitteeRules,
)
from responses.models import Role as AssignmentRole
from responses.recalculation import change_calendar_day
from tests.factories import AssignmentFactory, ProposalFactory

BEIJING = ZoneInfo("Asia/Shanghai")
D = dt.date
JUNE_1 = dt.datetime(2025, 6, 1, 9, 0, tzinfo=BEIJING)


def at(day, hour=8, minute=30):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BEIJING)


def assigned(agency, on: dt.date, role=AssignmentRole.LEAD, state=AssignmentState.ACCEPTED):
    assigned_at = at(on, 10, 0)
    with time_machine.travel(assigned_at, tick=False):
        reply = deadlines.reply_deadline(on, CommitteeRules())
        assignment = AssignmentFactory(
            proposal=ProposalFactory(status=Status.ASSIGNED),
            agency=agency,
            role=role,
            state=state,
            assigned_at=assigned_at,
            deadline=reply.date,
            reassignment_deadline=deadlines.reassignment_deadline(on, CommitteeRules()).date,
            opinion_deadline=(
                deadlines.opinion_deadline(on, CommitteeRules()).date
                if role == AssignmentRole.JOINT
                else None
            ),
        )
        deadlines.record(assignment, reply)
        reminders.schedule_next_reminder(assignment)
    return assignment


@pytest.fixture
def june_20(agency):
    """Assigned 2025-03-20, due Friday 2025-06-20."""
    return assigned(agency, D(2025, 3, 20))


@time_machine.travel(JUNE_1, tick=False)
def test_a_new_holiday_moves_a_running_deadline_and_says_who_moved_it(june_20, alice):
    assert june_20.next_reminder_at == at(D(2025, 5, 21))  # 30 days before

    changes = change_calendar_day(D(2025, 6, 20), is_working_day=False, name="临时假日", by=alice)

    june_20.refresh_from_db()
    assert june_20.deadline == D(2025, 6, 23)
    assert deadlines.explain(june_20) == (
        "交办 2025-03-20 + 3个月 = 2025-06-20；2025-06-20 临时假日 → 顺延至 2025-06-23；"
        "日历调整（王工作人员 2025-06-01）：2025-06-20 → 2025-06-23"
    )
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("deadline", D(2025, 6, 20), D(2025, 6, 23))
    ]
    event = Event.objects.get(action=Action.CHANGE_DEADLINE)
    assert (event.assignment_id, event.actor) == (june_20.pk, alice)
    assert june_20.next_reminder_at == at(D(2025, 6, 16))  # 7 days before the new date


@time_machine.travel(JUNE_1, tick=False)
def test_a_make_up_working_day_pulls_a_moved_deadline_back_and_removing_it_undoes_that(
    agency, alice
):
    saturday = assigned(agency, D(2025, 3, 21))
    assert saturday.deadline == D(2025, 6, 23)

    change_calendar_day(D(2025, 6, 21), is_working_day=True, name="调休上班", by=alice)
    saturday.refresh_from_db()
    assert saturday.deadline == D(2025, 6, 21)
    assert "2025-06-21 周六（调休上班），不顺延" in deadlines.explain(saturday)

    change_calendar_day(D(2025, 6, 21), is_working_day=None, by=alice)
    saturday.refresh_from_db()
    assert saturday.deadline == D(2025, 6, 23)
    assert not CalendarDay.objects.exists()


@time_machine.travel(JUNE_1, tick=False)
def test_finished_work_and_past_deadlines_do_not_move(agency, alice):
    replied = assigned(agency, D(2025, 3, 20), state=AssignmentState.REPLIED)
    past = assigned(agency, D(2025, 2, 20))  # due 2025-05-20, already overdue

    change_calendar_day(D(2025, 6, 20), is_working_day=False, by=alice)
    change_calendar_day(D(2025, 5, 20), is_working_day=False, by=alice)

    replied.refresh_from_db()
    past.refresh_from_db()
    assert (replied.deadline, past.deadline) == (D(2025, 6, 20), D(2025, 5, 20))


@time_machine.travel(JUNE_1, tick=False)
def test_a_date_staff_chose_for_a_rest_day_stays_where_they_put_it(agency, alice):
    chosen = assigned(agency, D(2025, 3, 20))
    chosen.deadline = D(2025, 6, 21)  # a Saturday, set deliberately
    chosen.save()
    deadlines.record(
        chosen,
        deadlines.set_by_staff(
            D(2025, 6, 21), previous=D(2025, 6, 20), by=alice, reason="周末现场办公"
        ),
    )

    change_calendar_day(D(2025, 6, 21), is_working_day=False, name="端午调休", by=alice)

    chosen.refresh_from_db()
    assert chosen.deadline == D(2025, 6, 21)


@time_machine.travel(dt.datetime(2025, 6, 3, 9, tzinfo=BEIJING), tick=False)
def test_reassignment_and_opinion_deadlines_move_too(other_agency, alice):
    joint = assigned(other_agency, D(2025, 6, 2), AssignmentRole.JOINT)
    assert (joint.reassignment_deadline, joint.opinion_deadline) == (
        D(2025, 6, 16),
        D(2025, 7, 2),
    )

    change_calendar_day(D(2025, 6, 10), is_working_day=False, by=alice)
    change_calendar_day(D(2025, 7, 2), is_working_day=False, by=alice)

    joint.refresh_from_db()
    assert (joint.reassignment_deadline, joint.opinion_deadline) == (
        D(2025, 6, 17),
        D(2025, 7, 3),
    )


@time_machine.travel(JUNE_1, tick=False)
def test_staff_add_a_holiday_in_the_admin_and_running_deadlines_follow(client, admin_user, june_20):
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:responses_calendarday_add"),
        {"date": "2025-06-20", "is_working_day": "", "name": "临时假日", "note": "市政府通知"},
        follow=True,
    )

    assert response.status_code == 200
    assert "1 个期限随之变动" in response.content.decode()
    june_20.refresh_from_db()
    assert june_20.deadline == D(2025, 6, 23)
    assert CalendarDay.objects.get().updated_by == admin_user


def test_the_reminder_admin_pages_open_for_staff(client, admin_user):
    client.force_login(admin_user)
    for name in ("calendarday", "remindersettings", "reminder", "notification", "delivery"):
        assert client.get(reverse(f"admin:responses_{name}_changelist")).status_code == 200


# --- The services keep next_reminder_at right -------------------------------------------------


def test_assigning_through_the_service_schedules_the_first_reminder(agency, alice):
    proposal = ProposalFactory(status=Status.REGISTERED)
    with time_machine.travel(at(D(2025, 7, 1), 10, 0), tick=False):
        (assignment,) = services.assign_proposal(
            proposal, agencies=[(agency, AssignmentRole.SOLE)], by=alice
        )

    assert assignment.deadline == D(2025, 10, 9)  # 10-01 + National Day
    assert "2025-10-01 国庆节 → 顺延至 2025-10-09" in deadlines.explain(assignment)
    assignment.refresh_from_db()
    assert assignment.next_reminder_at == at(D(2025, 9, 9))


def test_an_approved_extension_moves_the_next_reminder(agency, bob, alice):
    proposal = ProposalFactory(status=Status.REGISTERED)
    with time_machine.travel(at(D(2025, 3, 20), 10, 0), tick=False):
        (assignment,) = services.assign_proposal(
            proposal, agencies=[(agency, AssignmentRole.SOLE)], by=alice
        )
    with time_machine.travel(at(D(2025, 6, 10), 10, 0), tick=False):
        services.accept_assignment(assignment, by=bob)
        request = services.request_extension(
            assignment, requested_deadline=D(2025, 8, 20), reason="需协调多部门", by=bob
        )
        services.decide_extension(request, approve=True, by=alice)

    assignment.refresh_from_db()
    assert assignment.deadline == D(2025, 8, 20)
    assert assignment.next_reminder_at == at(D(2025, 7, 21))  # 30 days before 8-20
