"""Staff manage the agencies' officers (承办单位联络员): create one, deactivate one.

Here, not in accounts: an officer is a login (accounts.User) and the agency it acts for
(responses.AgencyMembership), and accounts knows no agency."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import BaseUserCreationForm
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Role
from responses.models import Agency, AgencyMembership
from staff import scope
from staff.forms import NamedLimitsMixin

User = get_user_model()
PAGE_SIZE = 50


class OfficerForm(NamedLimitsMixin, BaseUserCreationForm):
    """Django's user creation form (password validators included), as an officer of an
    agency."""

    agency = forms.ModelChoiceField(
        label=gettext_lazy("所属承办单位"), queryset=Agency.objects.all()
    )

    class Meta(BaseUserCreationForm.Meta):
        model = User
        fields = ["username", "display_name", "agency", "email", "phone"]

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True
        self.fields["agency"].queryset = Agency.objects.filter(committee=committee)
        self.instance.role = Role.OFFICER
        self.instance.committee = committee

    @transaction.atomic
    def save(self, commit=True):
        officer = super().save(commit=commit)
        if commit:
            AgencyMembership.objects.create(user=officer, agency=self.cleaned_data["agency"])
        return officer


OfficerForm.base_fields["password1"].label = gettext_lazy("初始密码")
OfficerForm.base_fields["password2"].label = gettext_lazy("确认密码")


def officer_list(request):
    officers = (
        User.objects.filter(role=Role.OFFICER, committee=scope.committee(request))
        .select_related("agency_membership__agency")
        .order_by("-is_active", "agency_membership__agency__name", "username")
    )
    agency = request.GET.get("agency")
    if agency and agency.isdigit():
        officers = officers.filter(agency_membership__agency_id=int(agency))
    page = Paginator(officers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "staff/officer_list.html", {"page_obj": page})


def officer_create(request):
    form = OfficerForm(request.POST or None, committee=scope.committee(request))
    if request.method == "POST" and form.is_valid():
        officer = form.save()
        messages.success(
            request,
            _("已为%(agency)s创建联络员 %(name)s。")
            % {
                "agency": form.cleaned_data["agency"],
                "name": officer,
            },
        )
        return redirect("staff:officers")
    return render(request, "staff/officer_form.html", {"form": form})


@require_POST
def officer_deactivate(request, pk):
    """Deactivate, never delete: their past replies and events keep their author."""
    officer = get_object_or_404(User, pk=pk, role=Role.OFFICER, committee=scope.committee(request))
    User.objects.filter(pk=officer.pk).update(is_active=False)
    messages.success(request, _("已停用联络员 %(name)s。") % {"name": officer})
    return redirect("staff:officers")
