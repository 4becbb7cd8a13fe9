"""One FilterSet per staff list page. The rows come scoped to the staff's committee
(staff.scope); made with `committee=`, the choices are that committee's too. Each filter
that looks across a relation uses EXISTS, so no row is listed twice."""

from datetime import timedelta

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common import clock
from proposals.models import Category, ImportStatus, ProposalKind, Session, Sponsorship, Status
from responses.models import Agency, Assignment, AssignmentState, Reply, Role
from staff import committee_fields
from staff.selectors import overdue_assignments_q, supervisor_choices

ALL = _("全部")


class FilterSet(django_filters.FilterSet):
    """A staff list's filters, with one committee's choices."""

    def __init__(self, *args, committee=None, **kwargs):
        super().__init__(*args, **kwargs)
        committee_fields.limit(self.form.fields, committee)


YES_NO = [("yes", _("是")), ("no", _("否"))]


def _yes_no(value: str, condition: Q, queryset):
    if value == "yes":
        return queryset.filter(condition)
    if value == "no":
        return queryset.exclude(condition)
    return queryset


class YesNoFilter(django_filters.ChoiceFilter):
    """是 / 否 / 全部 for a condition given as a Q (or a callable building one)."""

    def __init__(self, *args, condition, **kwargs):
        self.condition = condition
        kwargs.setdefault("choices", YES_NO)
        kwargs.setdefault("empty_label", ALL)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        condition = self.condition() if callable(self.condition) else self.condition
        return _yes_no(value, condition, qs)


def _live_assignment(**lookups):
    return Exists(
        Assignment.objects.exclude(state=AssignmentState.WITHDRAWN).filter(
            proposal=OuterRef("pk"), **lookups
        )
    )


def _overdue_condition():
    return Q(Exists(Assignment.objects.filter(overdue_assignments_q(), proposal=OuterRef("pk"))))


class ProposalFilter(FilterSet):
    q = django_filters.CharFilter(label=_("标题或编号"), method="filter_q")
    session = django_filters.ModelChoiceFilter(
        label=_("届次会议"), queryset=Session.objects.all(), empty_label=ALL
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices, empty_label=ALL)
    kind = django_filters.ChoiceFilter(
        label=_("类型"), choices=ProposalKind.choices, empty_label=ALL
    )
    category = django_filters.ModelChoiceFilter(
        label=_("类别"), queryset=Category.objects.all(), empty_label=ALL
    )
    agency = django_filters.ModelChoiceFilter(
        label=_("承办单位"), queryset=Agency.objects.all(), empty_label=ALL, method="filter_agency"
    )
    sponsor = django_filters.CharFilter(label=_("提案人"), method="filter_sponsor")
    overdue = YesNoFilter(label=_("有逾期交办"), condition=_overdue_condition)
    is_key = YesNoFilter(label=_("重点提案"), condition=Q(is_key=True))
    is_published = YesNoFilter(label=_("已公开"), condition=Q(is_published=True))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(title__icontains=value)
        if value.isdigit():
            condition |= Q(number=int(value))
        return queryset.filter(condition)

    def filter_agency(self, queryset, name, value):
        return queryset.filter(_live_assignment(agency=value)) if value else queryset

    def filter_sponsor(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        named = Sponsorship.objects.filter(proposal=OuterRef("pk"), sponsor__name__icontains=value)
        return queryset.filter(Exists(named))


class KeyProposalFilter(FilterSet):
    session = django_filters.ModelChoiceFilter(
        label=_("届次会议"), queryset=Session.objects.all(), empty_label=ALL
    )
    supervisor = django_filters.ModelChoiceFilter(
        label=_("督办领导"), queryset=supervisor_choices(), empty_label=ALL
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices, empty_label=ALL)
    overdue = YesNoFilter(label=_("有逾期交办"), condition=_overdue_condition)


class PublicationFilter(FilterSet):
    session = django_filters.ModelChoiceFilter(
        label=_("届次会议"), queryset=Session.objects.all(), empty_label=ALL
    )
    is_published = YesNoFilter(label=_("已公开"), condition=Q(is_published=True))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices, empty_label=ALL)
    public_reply = YesNoFilter(
        label=_("有公开答复"),
        condition=lambda: Q(
            Exists(Reply.objects.public().filter(assignment__proposal=OuterRef("pk")))
        ),
    )


class OverdueFilter(FilterSet):
    agency = django_filters.ModelChoiceFilter(
        label=_("承办单位"), queryset=Agency.objects.all(), empty_label=ALL
    )
    session = django_filters.ModelChoiceFilter(
        label=_("届次会议"),
        field_name="proposal__session",
        queryset=Session.objects.all(),
        empty_label=ALL,
    )
    role = django_filters.ChoiceFilter(label=_("办理方式"), choices=Role.choices, empty_label=ALL)
    is_key = YesNoFilter(label=_("重点提案"), condition=Q(proposal__is_key=True))
    min_days = django_filters.NumberFilter(label=_("逾期至少（天）"), method="filter_min_days")

    def filter_min_days(self, queryset, name, value):
        if value is None or value < 1:
            return queryset
        latest = clock.today() - timedelta(days=int(value))
        return queryset.filter(due__lte=latest)  # annotated by overdue_board


class RequestFilter(FilterSet):
    agency = django_filters.ModelChoiceFilter(
        label=_("承办单位"),
        field_name="assignment__agency",
        queryset=Agency.objects.all(),
        empty_label=ALL,
    )
    session = django_filters.ModelChoiceFilter(
        label=_("届次会议"),
        field_name="assignment__proposal__session",
        queryset=Session.objects.all(),
        empty_label=ALL,
    )


class ImportBatchFilter(FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=ImportStatus.choices, empty_label=ALL
    )
    created_by = django_filters.ModelChoiceFilter(
        label=_("上传人"),
        queryset=User.objects.filter(is_active=True).exclude(role__in=["officer", "sponsor"]),
        empty_label=ALL,
    )
