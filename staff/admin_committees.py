"""The committees an installation serves: their names, their place among the others, and
what their public pages show (branding, the identifiers in the footer). Administrators
keep them; staff may read them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import is_staff_role
from committees.models import Committee


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "level", "parent", "slug", "host", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("name", "short_name", "region", "slug")
    list_select_related = ("parent",)
    fieldsets = (
        (None, {"fields": ("name", "short_name", "region", "slug", "level", "parent")}),
        (_("公开网站"), {"fields": ("site_title", "host", "order", "is_active")}),
        (
            _("网站标识（页脚）"),
            {"fields": ("sponsor_org", "site_code", "icp_record", "police_record", "contact")},
        ),
    )

    def has_view_permission(self, request, obj=None):
        return is_staff_role(request) or super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return is_staff_role(request) or super().has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # a committee's records outlive it; switch it off instead
