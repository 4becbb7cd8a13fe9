"""Notifications in the app (officers and staff), the header count, and the staff's
deadline overview with its on-time rates."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from proposals.models import Status
from responses import reminders
from responses.models import AssignmentState, Notification, Reminder, ReminderKind
from responses.models import Role as AssignmentRole
from tests.factories import (
    AgencyFactory,
    AssignmentFactory,
    NotificationFactory,
    ProposalFactory,
    ReminderFactory,
)

BEIJING = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2025, 10, 15)  # a Wednesday; the week ends Sunday 10-19
NOON = dt.datetime(2025, 10, 15, 12, 0, tzinfo=BEIJING)


def notify(user, number=1, assignment=None, read=False, days_left=7):
    """A notification of a reminder about proposal No. `number` (or about `assignment`)."""
    assignment = assignment or AssignmentFactory(
        proposal=ProposalFactory(status=Status.ASSIGNED, number=number)
    )
    return NotificationFactory(
        user=user,
        reminder=ReminderFactory(assignment=assignment, days_left=days_left),
        read_at=NOON if read else None,
    )


def work(agency, deadline, state=AssignmentState.ACCEPTED, completed_on=None, **kwargs):
    completed_at = (
        dt.datetime.combine(completed_on, dt.time(10), tzinfo=BEIJING) if completed_on else None
    )
    return AssignmentFactory(
        proposal=ProposalFactory(status=Status.ASSIGNED),
        agency=agency,
        state=state,
        assigned_at=dt.datetime(2025, 7, 1, 9, tzinfo=BEIJING),
        deadline=deadline,
        completed_at=completed_at,
        **kwargs,
    )


# --- Notifications ------------------------------------------------------------------------------


def test_an_officer_sees_only_their_own_notifications_newest_first(client, bob, charlie):
    notify(bob, 1, days_left=7)
    notify(bob, 2, days_left=0)
    notify(charlie, 3)
    client.force_login(bob)

    page = client.get(reverse("notifications:list")).content.decode()

    assert page.index("第2号提案答复今天到期") < page.index("第1号提案答复期限还有7天")
    assert "第3号" not in page


def test_the_header_counts_unread_notifications(client, bob):
    notify(bob)
    notify(bob)
    notify(bob, read=True)
    client.force_login(bob)

    response = client.get(reverse("notifications:list"))

    assert response.context["unread_notification_count"]() == 2
    assert '<span class="badge" aria-label="2 条未读">2</span>' in response.content.decode()


def test_an_anonymous_visitor_has_no_notifications_and_costs_no_query(
    db, client, rf, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser

    from officer.context_processors import notifications

    request = rf.get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert notifications(request) == {"unread_notification_count": 0}
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_opening_a_notification_marks_it_read_and_leads_to_the_assignment(client, bob, agency):
    assignment = work(agency, TODAY)
    note = notify(bob, assignment=assignment)
    client.force_login(bob)

    response = client.get(reverse("notifications:open", args=[note.pk]))

    assert response.url == reverse("officer:assignment", kwargs={"assignment_id": assignment.pk})
    note.refresh_from_db()
    assert note.is_read


def test_nobody_opens_another_users_notification(client, bob, charlie):
    note = notify(charlie)
    client.force_login(bob)

    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert not note.is_read


def test_all_notifications_can_be_marked_read_at_once(client, bob, charlie):
    notify(bob)
    notify(bob)
    others = notify(charlie)
    client.force_login(bob)

    response = client.post(reverse("notifications:read-all"), {"next": "https://evil.example/"})

    assert response.url == reverse("notifications:list")
    assert Notification.objects.for_user(bob).unread().count() == 0
    others.refresh_from_db()
    assert not others.is_read


def test_the_notification_list_costs_the_same_queries_for_3_or_30(
    client, bob, django_assert_num_queries
):
    client.force_login(bob)
    for _ in range(3):
        notify(bob)
    # session, user, count, page, deadline histories, header count
    with django_assert_num_queries(6):
        client.get(reverse("notifications:list"))
    for _ in range(27):
        notify(bob)
    with django_assert_num_queries(6):
        client.get(reverse("notifications:list"))


# --- The staff overview -------------------------------------------------------------------------


@pytest.fixture
def handled(agency, other_agency):
    """苏州市工业和信息化局: 1 due this week, 1 overdue, 2 finished (1 on time, 1 late).
    苏州市财政局: 1 joint opinion due this week, 1 finished on time, 1 withdrawn (ignored)."""
    return {
        "due": work(agency, dt.date(2025, 10, 17)),
        "overdue": work(agency, dt.date(2025, 10, 10)),
        "later": work(agency, dt.date(2025, 12, 1)),
        "on_time": work(
            agency, dt.date(2025, 10, 10), AssignmentState.REPLIED, dt.date(2025, 10, 10)
        ),
        "late": work(agency, dt.date(2025, 9, 30), AssignmentState.REPLIED, dt.date(2025, 10, 9)),
        "opinion": work(
            other_agency,
            dt.date(2025, 12, 31),
            role=AssignmentRole.JOINT,
            opinion_deadline=dt.date(2025, 10, 16),
        ),
        "opinion_filed": work(
            other_agency,
            dt.date(2025, 12, 31),
            AssignmentState.OPINION_FILED,
            dt.date(2025, 10, 1),
            role=AssignmentRole.JOINT,
            opinion_deadline=dt.date(2025, 10, 9),
        ),
        "withdrawn": work(other_agency, dt.date(2025, 10, 1), AssignmentState.WITHDRAWN),
    }


def test_the_overview_shows_due_this_week_overdue_and_on_time_rates(handled):
    data = reminders.overview(TODAY)

    assert data["week_end"] == dt.date(2025, 10, 19)
    assert data["due_this_week"] == [handled["opinion"], handled["due"]]
    assert data["overdue"] == [handled["overdue"]]
    rows = {row["agency__name"]: row for row in data["agencies"]}
    gxj, czj = rows["苏州市工业和信息化局"], rows["苏州市财政局"]
    assert (gxj["open"], gxj["due_this_week"], gxj["overdue"]) == (3, 1, 1)
    # The rate is over what has fallen due, the overdue one included: 1 of 2 + 1.
    assert (gxj["finished"], gxj["on_time"], gxj["on_time_rate"]) == (2, 1, 33.3)
    assert (czj["open"], czj["due_this_week"], czj["overdue"]) == (1, 1, 0)
    assert (czj["finished"], czj["on_time"], czj["on_time_rate"]) == (1, 1, 100.0)
    assert data["totals"]["on_time_rate"] == 50.0


@time_machine.travel(NOON, tick=False)
def test_staff_read_the_overview_in_a_fixed_number_of_queries(
    client, alice, handled, django_assert_num_queries
):
    client.force_login(alice)
    # session, user, 2 lists and their deadline histories, by agency, failed, header
    with django_assert_num_queries(10):  # 9, and the second factor's device
        response = client.get(reverse("notifications:overview"))

    page = response.content.decode()
    assert "苏州市工业和信息化局" in page and "33.3%" in page
    for _ in range(10):
        work(AgencyFactory(), TODAY)
    with django_assert_num_queries(10):  # 9, and the second factor's device
        client.get(reverse("notifications:overview"))


def test_officers_and_visitors_do_not_see_the_overview(client, bob):
    assert client.get(reverse("notifications:overview")).status_code == 302
    client.force_login(bob)
    assert client.get(reverse("notifications:overview")).status_code == 403


@time_machine.travel(NOON, tick=False)
def test_staff_urge_from_the_overview_and_come_back_to_it(
    client, alice, bob, handled, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(alice)
    url = reverse("notifications:urge", args=[handled["overdue"].pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": reverse("notifications:overview")})
    again = client.post(url, follow=True)

    assert response.url == reverse("notifications:overview")
    assert Reminder.objects.filter(kind=ReminderKind.URGENT).count() == 1
    assert len(mailoutbox) == 1
    assert "今天已经催办过该单位" in again.content.decode()


def test_officers_cannot_urge(client, bob, handled):
    client.force_login(bob)

    response = client.post(reverse("notifications:urge", args=[handled["overdue"].pk]))

    assert response.status_code == 403
    assert not Reminder.objects.exists()
