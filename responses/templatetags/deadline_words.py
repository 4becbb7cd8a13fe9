"""Deadlines in words, composed when shown (responses.deadlines.explain):
`{% load deadline_words %}{{ assignment|deadline_explanation }}`.

A deadline counted over a year whose public holidays the calendar does not know yet is
said once per page, with `{% deadline_calendar_note assignments computed %}`: to a user
who can edit the working calendar, which years to add and a link to the page; to anyone
else, one neutral line that the deadline may still move."""

from collections.abc import Iterable

from django import template
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.urls import reverse

from responses import deadlines
from responses.models import Assignment, CalendarDay

register = template.Library()


@register.filter
def deadline_explanation(assignment) -> str:
    """How the assignment's deadline was made, in the reader's language (prefetch
    responses.deadlines.HISTORY when showing many)."""
    return deadlines.explain(assignment)


def _years(item) -> set[int]:
    if item is None or item == "":
        return set()
    if isinstance(item, Assignment):
        # A finished assignment's deadline no longer moves: nothing to add for it.
        return set(deadlines.unknown_years(deadlines.history(item))) if item.is_open else set()
    if isinstance(item, deadlines.ComputedDate):
        return set(item.unknown_years)
    if isinstance(item, dict):  # a page's card: {"assignment": …, …}
        return _years(item.get("assignment"))
    if isinstance(item, Iterable) and not isinstance(item, str | dict):
        return set().union(*(_years(each) for each in item))
    return set()


def may_edit_calendar(request) -> bool:
    """Whoever the admin lets change the working calendar (staff and administrators with
    access to 数据管理)."""
    if request is None or not admin.site.has_permission(request):
        return False
    try:
        model_admin = admin.site.get_model_admin(CalendarDay)
    except NotRegistered:
        return False
    return model_admin.has_change_permission(request) or model_admin.has_add_permission(request)


@register.inclusion_tag("deadlines/calendar_note.html", takes_context=True)
def deadline_calendar_note(context, *items):
    """Once per page: the years not yet in the calendar among the deadlines shown
    (assignments, computed dates, or lists of them; card dicts give their "assignment")."""
    years = sorted(_years(items))
    request = context.get("request")
    editor = bool(years) and may_edit_calendar(request)
    return {
        "years": "、".join(str(year) for year in years),
        "editor": editor,
        "calendar_url": reverse("admin:responses_calendarday_changelist") if editor else "",
    }
