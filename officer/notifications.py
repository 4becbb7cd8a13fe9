"""Notifications (every signed-in user: officers and staff) and the staff's deadline
overview. Thin views: reads come from responses.reminders, writes are its services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from responses import policies, reminders
from responses.models import Assignment, Notification
from staff.views.access import run_or_report, staff_required

PAGE_SIZE = 30


def _first_url(*candidates) -> str | None:
    for name, kwargs in candidates:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


def target_url(notification: Notification, user) -> str:
    """Where a notification leads: the officer's page of the assignment, the staff's page
    of the proposal, or (until that exists) the list of notifications."""
    assignment = notification.assignment
    fallback = reverse("notifications:list")
    if assignment is None:
        return fallback
    if policies.is_officer_of(user, assignment.agency_id):
        return _first_url(("officer:assignment", {"assignment_id": assignment.pk})) or fallback
    if user.is_staff_member:
        return (
            _first_url(
                ("staff:proposal-detail", {"pk": assignment.proposal_id}),
                ("admin:responses_assignment_change", {"object_id": assignment.pk}),
            )
            or fallback
        )
    return fallback


@login_required
def notification_list(request):
    """通知: the user's notifications, newest first, unread ones marked."""
    notifications = reminders.displayable(Notification.objects.for_user(request.user))
    show = request.GET.get("show")
    if show == "unread":
        notifications = notifications.unread()
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = reminders.with_text(page.object_list)
    return render(request, "reminders/notification_list.html", {"page": page, "show": show})


@login_required
def notification_open(request, pk):
    """Open one notification: it becomes read, and the user goes to what it is about."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    reminders.mark_read(request.user, [notification.pk])
    return redirect(target_url(notification, request.user))


@login_required
@require_POST
def notification_read_all(request):
    count = reminders.mark_read(request.user)
    messages.success(request, _("已将 %(count)s 条通知标为已读。") % {"count": count})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("notifications:list")
    return redirect(back)


@staff_required
def overview(request):
    """期限总览: due this week, overdue, by agency with each agency's on-time rate."""
    today = timezone.localdate()
    data = reminders.overview(today, committee_id=request.user.committee_id)
    return render(request, "reminders/overview.html", {"today": today, **data})


@staff_required
@require_POST
def urge(request, assignment_id):
    """催办 one assignment: one click, at most once a day."""
    assignment = get_object_or_404(Assignment.objects.select_related("agency"), pk=assignment_id)
    run_or_report(
        request,
        lambda: reminders.send_urgent_reminder(
            assignment, by=request.user, note=request.POST.get("note", "")
        ),
        success=_("已向%(agency)s催办。") % {"agency": assignment.agency.name},
    )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("notifications:overview")
    return redirect(back)
