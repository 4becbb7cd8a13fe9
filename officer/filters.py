"""The officer's list (我的办理): filters and sorting over one agency's assignments."""

from datetime import timedelta

import django_filters
from django.db.models import Case, Value, When
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common import clock
from proposals.models import Session
from responses import timeliness
from responses.models import OPEN_STATES, AssignmentState, Role

DUE_SOON_DAYS = 7

_OPEN_FIRST = Case(When(state__in=OPEN_STATES, then=Value(0)), default=Value(1)).asc()


class OfficerAssignmentFilter(django_filters.FilterSet):
    """Scoped by the queryset it is given (officer.selectors.officer_assignments); the
    sessions offered are those of the officer's committee."""

    def __init__(self, *args, committee_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        if committee_id is not None:
            field = self.form.fields["session"]
            field.queryset = field.queryset.filter(committee_id=committee_id)

    state = django_filters.ChoiceFilter(
        label=_("状态"), choices=AssignmentState.choices, empty_label=_("全部状态")
    )
    role = django_filters.ChoiceFilter(
        label=_("办理方式"), choices=Role.choices, empty_label=_("全部方式")
    )
    session = django_filters.ModelChoiceFilter(
        label=_("届次会议"),
        field_name="proposal__session",
        queryset=Session.objects.all(),
        empty_label=_("全部会议"),
    )
    due = django_filters.ChoiceFilter(
        label=_("期限"),
        choices=[
            ("open", _("未办结")),
            ("overdue", _("已逾期")),
            ("soon", format_lazy(_("{days}日内到期"), days=DUE_SOON_DAYS)),
        ],
        empty_label=_("全部"),
        method="filter_due",
    )
    q = django_filters.CharFilter(label=_("标题或编号"), method="filter_text")
    sort = django_filters.OrderingFilter(
        label=_("排序"),
        empty_label=_("默认（未办结在前，期限由近及远）"),
        fields=(
            ("deadline", "deadline"),
            ("assigned_at", "assigned_at"),
            ("proposal__number", "number"),
        ),
        # Keyed by the field for the ascending choice, by "-" and the parameter for the
        # descending one (django-filter's OrderingFilter.build_choices).
        field_labels={
            "deadline": _("期限由近及远"),
            "-deadline": _("期限由远及近"),
            "assigned_at": _("交办时间由早到晚"),
            "-assigned_at": _("交办时间由晚到早"),
            "proposal__number": _("提案号从小到大"),
            "-number": _("提案号从大到小"),
        },
    )

    def filter_due(self, queryset, name, value):
        """By the due date each row is judged by (responses.timeliness)."""
        today = clock.today()
        if value == "open":
            return queryset.filter(state__in=OPEN_STATES)
        if value == "overdue":
            return queryset.filter(timeliness.overdue_q(today))
        if value == "soon":
            return queryset.filter(
                timeliness.due_between_q(today, today + timedelta(DUE_SOON_DAYS))
            )
        return queryset

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if value.isdigit():
            return queryset.filter(proposal__number=int(value))
        return queryset.filter(proposal__title__icontains=value) if value else queryset

    @property
    def qs(self):
        queryset = super().qs
        # By default the work still open comes first, nearest deadline first; "id" last
        # keeps the order total so pages never repeat or skip a row.
        chosen = queryset.query.order_by or (_OPEN_FIRST, timeliness.due_expression().asc())
        return queryset.order_by(*chosen, "id")
