"""The public list's filters, shared by the list page, its CSV export and the API.

Scoped by construction: the views hand in `selectors.published_proposals()`, and every
filter on replies reads public replies only, so a filter can never reveal what an
unpublished proposal or a non-public reply says.
"""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from proposals import search
from proposals.models import (
    Category,
    Proposal,
    ProposalKind,
    Session,
    Sponsor,
    SponsorKind,
    Sponsorship,
)
from proposals.selectors import PUBLIC_STATUSES
from responses.models import Agency, Assignment, AssignmentState, Reply

SORTS = {
    "-published_at": (_("最新发布"), ("-published_at", "-id")),
    "published_at": (_("最早发布"), ("published_at", "id")),
    "number": (_("按编号"), ("-session__year", "-session__meeting", "number", "id")),
    "-view_count": (_("浏览最多"), ("-view_count", "-id")),
}
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


class PublicProposalFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("关键词"), max_length=200)
    session = django_filters.ModelChoiceFilter(
        queryset=Session.objects.all(), label=_("届次会议"), empty_label=_("全部届次")
    )
    year = django_filters.NumberFilter(field_name="session__year", label=_("年份"))
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

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.terms = search.parse_query((data or {}).get("q"))

    @property
    def searching(self) -> bool:
        return bool(self.terms)

    def keep(self, queryset, name, value):
        return queryset  # applied in filter_queryset, after every filter

    def filter_q(self, queryset, name, value):
        return search.search(queryset, self.terms)

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
        # The outer queryset is published proposals already: no need to join them again.
        replies = (
            Reply.objects.public()
            .filter(assignment__proposal=OuterRef("pk"), classification=value)
            .exclude(assignment__state=AssignmentState.WITHDRAWN)
        )
        return queryset.filter(Exists(replies))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or ""
        if sort in SORTS:
            return queryset.order_by(*SORTS[sort][1])
        if self.searching:
            return search.search_order(queryset)
        return queryset.order_by(*SORTS["-published_at"][1])
