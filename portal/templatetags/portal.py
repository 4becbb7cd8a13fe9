"""Template helpers for the public portal."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

register = template.Library()


@register.simple_tag
def select_options(field) -> str:
    """The <option>s of a bound select field, the current value selected. Written out here
    rather than by a template loop: the list page's selects hold some 170 options (126
    agencies), which a {% for %} with a comparison each took about 10 ms to render, the
    widget's own per-option templates seventy."""
    current = field.value()
    current = "" if current is None else str(current)
    options = []
    for value, label in field.field.choices:
        value = str(value)
        selected = " selected" if value == current else ""
        options.append(f'<option value="{escape(value)}"{selected}>{escape(label)}</option>')
    return mark_safe("".join(options))  # noqa: S308 - every value and label escaped above


@register.simple_tag
def colon() -> str:
    """The colon between a label and its value in the reader's language: "：" in
    Chinese, ": " in English (a full-width colon in an English line looks broken)."""
    return pgettext("标签与内容之间", "：")
