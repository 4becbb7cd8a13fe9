"""A reply's moment and its letters' names as a reader sees them:
`{% load reply_words %}{{ reply.replied_at|reply_moment }}`, `{{ document|letter_name }}`."""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

from responses.documents import naming

register = template.Library()


@register.filter
def reply_moment(value) -> str:
    """The moment as "2026-12-03 14:57" in the committee's time zone. A reply filed
    when only its date was asked for was stored at 00:00, a time nobody gave: that one
    shows its date only."""
    if not value:
        return ""
    if not isinstance(value, dt.datetime):
        return date_format(value, "Y-m-d")
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    if local.time() == dt.time.min:
        return date_format(local, "Y-m-d")
    return date_format(local, "Y-m-d H:i")


@register.filter
def letter_name(document) -> str:
    """The name the public downloads a letter under (第280号提案的答复.doc), in the
    reader's language; the agency's own file name stays in the row."""
    return naming.public_file_name(document)
