"""The public list's active filters as chips above the results, each with a link that
removes it (and goes back to page 1): a filter set from elsewhere, such as the sponsor
link on a proposal's page, is then visible and can be undone."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

NOT_CHIPS = ("sort",)
# The sponsor filter's field says "(by id)" for the form; its chip shows the name.
LABELS = {"sponsor": _("提案人")}


@dataclass(frozen=True)
class Chip:
    name: str
    label: str
    value: str
    remove_query: str  # the list's query string without this filter, "" for none


def active_filters(filterset, params) -> list[Chip]:
    """The valid, non-empty filters of a bound PublicProposalFilter, in the form's order."""
    form = filterset.form
    if not form.is_bound:
        return []
    filterset.errors  # noqa: B018 - cleans the form
    cleaned = getattr(form, "cleaned_data", {})
    chips = []
    for name, field in form.fields.items():
        value = cleaned.get(name)
        if name in NOT_CHIPS or value in EMPTY_VALUES:
            continue
        rest = params.copy()
        for key in (name, "page"):
            rest.pop(key, None)
        label = LABELS.get(name, field.label)
        chips.append(Chip(name, str(label), _shown(field, value), rest.urlencode()))
    return chips


def _shown(field, value) -> str:
    """The value as the filter's options name it (a session's name, a status's label)."""
    if hasattr(value, "pk") or not hasattr(field, "choices"):
        return str(value)
    labels = {str(code): label for code, label in field.choices}
    return str(labels.get(str(value), value))
