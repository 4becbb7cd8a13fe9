"""Deadlines in words, composed when shown (responses.deadlines.explain):
`{% load deadline_words %}{{ assignment|deadline_explanation }}`."""

from django import template

from responses import deadlines

register = template.Library()


@register.filter
def deadline_explanation(assignment) -> str:
    """How the assignment's deadline was made, in the reader's language (prefetch
    responses.deadlines.HISTORY when showing many)."""
    return deadlines.explain(assignment)
