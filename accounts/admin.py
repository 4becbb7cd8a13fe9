"""Admin for logins, and the access rule every Jianyan admin page shares.

The Django admin is the data-management fallback, not the staff UI. Who may use it:
Django lets in users with `is_staff=True`; on our models, a user whose role is staff
(or admin) may then view and change without any model permission being granted, since
the role is what the rest of the site checks. Deleting still needs Django's delete
permission (superusers have it), and a few pages narrow the rule further (below).
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User


def is_staff_role(request) -> bool:
    return bool(getattr(request.user, "is_staff_member", False))


class StaffRoleAccess:
    """Mixin for ModelAdmin and inlines: role staff may view, change and (where allowed) add.

    `staff_may_add = False` keeps the add button away from staff-role users who hold no
    add permission: workflow rows (assignments, replies…) are made by the services,
    which check the rules and write the audit trail.
    """

    staff_may_add = True

    def has_view_permission(self, request, obj=None):
        return is_staff_role(request) or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return is_staff_role(request) or super().has_change_permission(request, obj)

    def has_add_permission(self, request, *args):
        if self.staff_may_add and is_staff_role(request):
            return True
        return super().has_add_permission(request, *args)

    def has_module_permission(self, request):
        return is_staff_role(request) or super().has_module_permission(request)


class ReadOnlyAdminMixin:
    """Rows only the system writes (audit trail, derived data): nobody edits them here.

    Role staff may read them, as may users with Django's view permission.
    """

    def has_view_permission(self, request, obj=None):
        return is_staff_role(request) or super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return is_staff_role(request) or super().has_module_permission(request)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(StaffRoleAccess, BaseUserAdmin):
    list_display = (
        "username",
        "display_name",
        "role",
        "email",
        "is_active",
        "is_staff",
        "last_login",
    )
    list_display_links = ("username", "display_name")
    list_filter = ("role", "is_active", "is_staff", "is_superuser")
    search_fields = (
        "username",
        "display_name",
        "first_name",
        "last_name",
        "email",
        "phone",
    )
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("display_name", "last_name", "first_name", "email", "phone")}),
        (
            _("角色与所属单位"),
            {
                "fields": ("role",),
                "description": _(
                    "承办单位联络员必须选择所属承办单位；提案人账号应关联对应提案人。"
                ),
            },
        ),
        (
            _("权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("角色与所属单位"), {"fields": ("role", "display_name", "email")}),
    )
    readonly_fields = ("last_login", "date_joined")

    # Fields that would let a staff-role user raise anyone's rights above their own.
    SUPERUSER_ONLY_FIELDS = ("is_superuser", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            fields = (*fields, *self.SUPERUSER_ONLY_FIELDS)
        return fields

    def has_change_permission(self, request, obj=None):
        # A staff-role user must not take over a superuser or system administrator
        # (e.g. by setting their password).
        if (
            obj is not None
            and (obj.is_superuser or obj.role == Role.ADMIN)
            and not request.user.is_superuser
        ):
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # Only a superuser grants the admin role: it opens the audit log, which staff
        # cannot, and staff could no longer edit the account they made.
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        if db_field.name == "role" and not request.user.is_superuser:
            field.choices = [choice for choice in field.choices if choice[0] != Role.ADMIN]
        return field

    def save_model(self, request, obj, form, change):
        if obj.role == Role.ADMIN and not request.user.is_superuser:
            raise PermissionDenied
        super().save_model(request, obj, form, change)
