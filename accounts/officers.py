"""Staff manage the agencies' officers (承办单位联络员): create one, deactivate one."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import BaseUserCreationForm
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.models import Role

User = get_user_model()
PAGE_SIZE = 50


class OfficerForm(BaseUserCreationForm):
    """Django's user creation form (password validators included), as an officer."""

    class Meta(BaseUserCreationForm.Meta):
        model = User
        fields = ["username", "display_name", "agency", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].required = True
        self.fields["display_name"].required = True
        self.instance.role = Role.OFFICER


OfficerForm.base_fields["password1"].label = gettext_lazy("初始密码")
OfficerForm.base_fields["password2"].label = gettext_lazy("确认密码")


@permissions.staff_required
def officer_list(request):
    officers = (
        User.objects.filter(role=Role.OFFICER)
        .select_related("agency")
        .order_by("-is_active", "agency__name", "username")
    )
    agency = request.GET.get("agency")
    if agency and agency.isdigit():
        officers = officers.filter(agency_id=int(agency))
    page = Paginator(officers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/officer_list.html", {"page_obj": page})


@permissions.staff_required
def officer_create(request):
    form = OfficerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        officer = form.save()
        messages.success(
            request,
            _("已为%(agency)s创建联络员 %(name)s。")
            % {
                "agency": officer.agency,
                "name": officer,
            },
        )
        return redirect("accounts:officers")
    return render(request, "accounts/officer_form.html", {"form": form})


@permissions.staff_required
@require_POST
def officer_deactivate(request, pk):
    """Deactivate, never delete: their past replies and events keep their author."""
    officer = get_object_or_404(User, pk=pk, role=Role.OFFICER)
    User.objects.filter(pk=officer.pk).update(is_active=False)
    messages.success(request, _("已停用联络员 %(name)s。") % {"name": officer})
    return redirect("accounts:officers")
