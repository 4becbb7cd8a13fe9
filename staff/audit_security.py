"""The security audit log's page and its CSV export: the audit administrator only. The
export is itself recorded (accounts.middleware.AuditMiddleware records every download)."""

import csv
import datetime as dt
import json

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.models import AuditAction, SecurityAudit

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000


class SecurityAuditFilter(forms.Form):
    action = forms.ChoiceField(label=gettext_lazy("事件"), required=False)
    user = forms.CharField(label=gettext_lazy("操作人用户名"), required=False, max_length=150)
    ip = forms.CharField(label=gettext_lazy("IP 地址"), required=False, max_length=64)
    date_from = forms.DateField(label=gettext_lazy("起始日期"), required=False)
    date_to = forms.DateField(label=gettext_lazy("截止日期"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", gettext_lazy("全部")), *AuditAction.choices]

    def filter(self, rows):
        if not self.is_valid():
            return rows.none()
        data = self.cleaned_data
        if data["action"]:
            rows = rows.filter(action=data["action"])
        if data["user"]:
            rows = rows.filter(actor_username=data["user"])
        if data["ip"]:
            rows = rows.filter(ip=data["ip"])
        if data["date_from"]:
            rows = rows.filter(created_at__date__gte=data["date_from"])
        if data["date_to"]:
            rows = rows.filter(created_at__date__lt=data["date_to"] + dt.timedelta(days=1))
        return rows


@permissions.audit_admin_required
def security_log(request):
    form = SecurityAuditFilter(request.GET or {})
    rows = form.filter(SecurityAudit.objects.order_by("-seq"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/security_audit.html",
        {"form": form, "page_obj": page, "query": query.urlencode()},
    )


def inert(cell):
    """A cell a spreadsheet would run as a formula is kept as text."""
    text = str(cell)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


@permissions.audit_admin_required
def security_export(request):
    form = SecurityAuditFilter(request.GET or {})
    rows = form.filter(SecurityAudit.objects.order_by("seq"))[:EXPORT_MAX_ROWS]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="security-audit-{stamp}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 with the mark
    writer = csv.writer(response)
    writer.writerow(
        [
            _("序号"),
            _("时间"),
            _("事件"),
            _("操作人"),
            _("对象"),
            _("IP 地址"),
            _("详情"),
            _("哈希"),
        ]
    )
    for row in rows.iterator(chunk_size=2000):
        cells = [
            row.seq,
            timezone.localtime(row.created_at).isoformat(),
            row.get_action_display(),
            row.actor_username,
            row.target,
            row.ip,
            json.dumps(row.detail, ensure_ascii=False, sort_keys=True),
            row.hash,
        ]
        writer.writerow([inert(cell) for cell in cells])
    return response
