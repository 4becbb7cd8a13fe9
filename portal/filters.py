"""The public list's filters, shared by the list page, its CSV export and the API.

Scoped by construction: the views hand in `selectors.published_proposals()`, and every
filter on replies reads public replies only, so a filter can never reveal what an
unpublished proposal or a non-public reply says.
"""

import functools
import re

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from portal import search, selectors
from portal.selectors import PUBLIC_STATUSES
from proposals.models import (
    Category,
    Proposal,
    ProposalKind,
    SearchDocument,
    Session,
    Sponsor,
    SponsorKind,
    Sponsorship,
)
from responses.models import Agency, Assignment, AssignmentState

SORTS = {
    "-published_at": (_("最新发布"), ("-published_at", "-id")),
    "published_at": (_("最早发布"), ("published_at", "id")),
    "number": (_("按编号"), ("-session__year", "-session__meeting", "number", "id")),
    # By the documents' copy of the count, refreshed every ten minutes
    # (search.refresh_view_counts) and indexed: the live counter has no index, so that a
    # counted view stays a cheap in-place update.
    "-view_count": (_("浏览最多"), ("-search_document__view_count", "-id")),
}
# Orders an index serves (proposal_published_idx and the session/category indexes): a
# page stops after its rows, so its count is capped (portal.pagination). By number:
# the sessions in order, each session's proposals by the (session, number) index, which
# PostgreSQL sorts incrementally, a session at a time (measured at 100,000 proposals:
# 285 ms counted with the page, 20 ms so).
INDEXED_SORTS = {"-published_at", "published_at", "number", "-view_count"}
RELEVANCE = "relevance"
SORT_CHOICES = [(RELEVANCE, _("相关度（有关键词时）"))] + [
    (key, label) for key, (label, _fields) in SORTS.items()
]
CLASSIFICATION_CHOICES = [
    ("A", _("A：已经解决或基本解决")),
    ("B", _("B：正在解决或列入计划解决")),
    ("C", _("C：留作参考或需以后解决")),
    ("D", _("D：留作参考")),
]


class WholeNumberField(forms.IntegerField):
    """Digits only: IntegerField also reads "2025.0" as 2025."""

    re_decimal = re.compile(r"(?!)")  # strip nothing before int()


def _cached_options(name: str, empty_label) -> list[tuple]:
    return [("", empty_label), *selectors.filter_options()[name]]


class IntegerFilter(django_filters.NumberFilter):
    """A whole number: NumberFilter takes decimals, so ?year=0.5 was accepted."""

    field_class = WholeNumberField


class PublicProposalFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("关键词"), max_length=200)
    session = django_filters.ModelChoiceFilter(
        queryset=Session.objects.all(), label=_("届次会议"), empty_label=_("全部届次")
    )
    year = IntegerFilter(field_name="session__year", label=_("年份"))
    kind = django_filters.ChoiceFilter(
        choices=ProposalKind.choices, label=_("类型"), empty_label=_("提案和建议")
    )
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), label=_("类别"), empty_label=_("全部类别")
    )
    sponsor_kind = django_filters.ChoiceFilter(
        choices=SponsorKind.choices,
        method="filter_sponsor_kind",
        label=_("提案者类型"),
        empty_label=_("全部提案者"),
    )
    # field_name only tells the OpenAPI schema the value's type; `method` does the work.
    sponsor = django_filters.ModelChoiceFilter(
        field_name="sponsors",
        queryset=Sponsor.objects.all(),
        method="filter_sponsor",
        label=_("提案人（编号）"),
    )
    sponsor_name = django_filters.CharFilter(
        method="filter_sponsor_name", label=_("提案人"), max_length=64
    )
    agency = django_filters.ModelChoiceFilter(
        field_name="assignments__agency",
        queryset=Agency.objects.all(),
        method="filter_agency",
        label=_("承办单位"),
        empty_label=_("全部承办单位"),
    )
    classification = django_filters.ChoiceFilter(
        choices=CLASSIFICATION_CHOICES,
        method="filter_classification",
        label=_("办理类型"),
        empty_label=_("全部办理类型"),
    )
    status = django_filters.ChoiceFilter(
        choices=[(s.value, s.label) for s in PUBLIC_STATUSES],
        label=_("办理状态"),
        empty_label=_("全部状态"),
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="keep", label=_("排序"), empty_label=None
    )

    class Meta:
        model = Proposal
        fields: list[str] = []  # every filter is declared above

    # Choices shown from selectors.filter_options (cached) instead of a query each.
    CACHED_OPTIONS = ("session", "category", "agency")

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.terms = search.parse_query((data or {}).get("q"))

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for name in self.CACHED_OPTIONS:
                field = form.fields[name]
                # ChoiceField's setter, not django-filter's (which would wrap the choices
                # in an iterator over the queryset again), with a callable: read when the
                # page shows the options, never by the API. Validation uses the queryset.
                options = functools.partial(_cached_options, name, field.empty_label)
                forms.ChoiceField.choices.fset(field, options)
        return self._form

    @property
    def searching(self) -> bool:
        return bool(self.terms)

    @functools.cached_property
    def named(self):
        """The proposals the terms name by number or name (portal.named), found once
        for the filtered queryset and the ranked pages."""
        return search.find_named(self.terms, self.queryset.db)

    @property
    def chosen_sort(self) -> str:
        """The chosen sort, or "" for the default (relevance when searching, else the
        newest publications first)."""
        self.errors  # noqa: B018 - cleans a bound form
        sort = getattr(self.form, "cleaned_data", {}).get("sort") or ""
        return sort if sort in SORTS else ""

    @property
    def ranked(self) -> bool:
        """Results in relevance order: a search with no other sort chosen."""
        return self.searching and not self.chosen_sort

    @property
    def index_ordered(self) -> bool:
        return not self.ranked and (self.chosen_sort or "-published_at") in INDEXED_SORTS

    # Filters the search documents hold a copy of (SearchDocument.session, .category).
    DOCUMENT_FILTERS = {"session": "session", "category": "category", "year": "session__year"}

    def search_scope(self) -> tuple[Q, QuerySet | None]:
        """How a ranked search is narrowed by the other filters: (conditions on the search
        documents, or the filtered proposals). When every filter in use has a copy in the
        documents, the hits are narrowed in place, without reading any proposal."""
        self.qs  # noqa: B018 - filtering sets narrowed_qs
        active = {
            name: value
            for name, value in self.form.cleaned_data.items()
            if name not in ("q", "sort") and value not in EMPTY_VALUES
        }
        if not active:
            return Q(), None
        if active.keys() <= self.DOCUMENT_FILTERS.keys():
            return Q(**{self.DOCUMENT_FILTERS[name]: value for name, value in active.items()}), None
        return Q(), self.narrowed_qs

    def keep(self, queryset, name, value):
        return queryset  # applied in filter_queryset, after every filter

    def filter_q(self, queryset, name, value):
        return search.search(queryset, self.terms, self.named)

    def filter_sponsor_kind(self, queryset, name, value):
        lead = Sponsorship.objects.filter(
            proposal=OuterRef("pk"), is_lead=True, sponsor__kind=value
        )
        return queryset.filter(Exists(lead))

    def filter_sponsor(self, queryset, name, value):
        return queryset.filter(
            Exists(Sponsorship.objects.filter(proposal=OuterRef("pk"), sponsor=value))
        )

    def filter_sponsor_name(self, queryset, name, value):
        return queryset.filter(
            Exists(
                Sponsorship.objects.filter(
                    proposal=OuterRef("pk"), sponsor__name__icontains=value.strip()
                )
            )
        )

    def filter_agency(self, queryset, name, value):
        live = Assignment.objects.filter(proposal=OuterRef("pk"), agency=value).exclude(
            state=AssignmentState.WITHDRAWN
        )
        return queryset.filter(Exists(live))

    def filter_classification(self, queryset, name, value):
        # A classification of a public reply on a live assignment: the search document
        # holds them (search.public_classifications), one short column per published
        # proposal, where joining replies and assignments per proposal took 80 ms.
        documents = SearchDocument.objects.filter(classifications__contains=value)
        return queryset.filter(pk__in=documents.values("proposal_id"))

    def filter_queryset(self, queryset):
        """Every filter, then the search terms, then the order. `narrowed_qs` keeps the
        proposals the filters other than the terms leave (what a ranked search narrows
        its documents to)."""
        for name, value in self.form.cleaned_data.items():
            if name not in ("q", "sort"):
                queryset = self.filters[name].filter(queryset, value)
        self.narrowed_qs = queryset
        if self.searching:
            queryset = search.search(queryset, self.terms, self.named)
        sort = self.chosen_sort
        if sort:
            if sort == "-view_count":  # an inner join, so the documents' index can lead
                queryset = queryset.filter(search_document__isnull=False)
            return queryset.order_by(*SORTS[sort][1])
        if self.searching:
            return search.search_order(queryset)
        return queryset.order_by(*SORTS["-published_at"][1])
