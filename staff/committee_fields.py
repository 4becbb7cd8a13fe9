"""Form and filter choices of one committee: a staff form or filter made with
`committee=` offers only that committee's sessions, categories, sponsors, agencies and
people, and reads a typed name back only among them (staff.scope says why)."""

from django import forms
from django.db.models import Q

from accounts.models import User
from proposals.models import Category, Session, Sponsor
from responses.models import Agency

_OWNED = (Session, Category, Sponsor, Agency)


def limit(fields, committee) -> None:
    """Narrow the fields' choices to the committee (no committee: left as they are)."""
    if committee is None:
        return
    for field in fields.values():
        if hasattr(field, "committee"):  # a picker (staff.forms.PickerMixin)
            field.committee = committee
            continue
        queryset = getattr(field, "queryset", None)
        if queryset is None or not isinstance(field, forms.ModelChoiceField):
            continue
        if queryset.model in _OWNED:
            field.queryset = queryset.filter(committee=committee)
        elif queryset.model is User:
            field.queryset = queryset.filter(Q(committee=committee) | Q(committee__isnull=True))
