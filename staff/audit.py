"""The audit logs, for the audit administrator only (三员分立): every workflow Event (who
changed what proposal and when) and the security audit log (sign-ins, roles, passwords,
exports, admin actions; accounts.audit), each filtered and paginated."""

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from proposals.models import Event
from staff.forms import Form
from staff.selectors import with_agency_names

PAGE_SIZE = 50


class AuditFilter(Form):
    proposal = forms.IntegerField(label=_("提案编号（ID）"), required=False, min_value=1)
    user = forms.CharField(label=_("操作人用户名"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("操作"), required=False)
    date_from = forms.DateField(label=_("起始日期"), required=False)
    date_to = forms.DateField(label=_("截止日期"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("全部"))] + list(
            Event._meta.get_field("action").choices
        )

    def filter(self, events):
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        if data["proposal"]:
            events = events.filter(proposal_id=data["proposal"])
        if data["user"]:
            users = get_user_model().objects.filter(username=data["user"])
            events = events.filter(actor__in=users)
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["date_from"]:
            events = events.filter(created_at__date__gte=data["date_from"])
        if data["date_to"]:
            events = events.filter(created_at__date__lt=data["date_to"] + dt.timedelta(days=1))
        return events


@permissions.audit_admin_required
def audit_log(request):
    form = AuditFilter(request.GET or {})
    events = form.filter(
        with_agency_names(Event.objects.select_related("proposal", "actor")).order_by(
            "-created_at", "-pk"
        )
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit.html",
        {"form": form, "page_obj": page, "query": query.urlencode()},
    )
