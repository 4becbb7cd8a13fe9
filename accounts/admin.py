"""Admin for logins, and the access rule every Jianyan admin page shares.

The Django admin is the data-management fallback, not the staff UI. Who may use it:
Django lets in users with `is_staff=True`; on our models, a user whose role is staff
(or admin) may then view and change without any model permission being granted, since
the role is what the rest of the site checks. Deleting still needs Django's delete
permission (superusers have it), and a few pages narrow the rule further (below).
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import audit, otp
from accounts.models import ADMIN_ROLES, AuditAction, User
from accounts.policies import is_security_admin, may_change_role, may_manage_credentials


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

    actions = ("reset_second_factor",)

    # Who holds which rights (三员分立): only the security administrator changes these,
    # and never on their own account (accounts.policies.may_change_role).
    SECURITY_FIELDS = ("role", "is_active", "is_staff", "groups", "user_permissions")
    # Made with `createsuperuser` only: a superuser holds every right at once.
    NEVER_HERE = ("is_superuser",)

    def get_readonly_fields(self, request, obj=None):
        fields = (*super().get_readonly_fields(request, obj), *self.NEVER_HERE)
        if not may_change_role(request.user, obj):
            fields = (*fields, *self.SECURITY_FIELDS)
        return fields

    def has_view_permission(self, request, obj=None):
        return is_security_admin(request.user) or super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return is_security_admin(request.user) or super().has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        # Nobody but the security administrator touches a superuser's or an
        # administrator's account (e.g. to set its password); the audit administrator
        # changes nothing.
        if is_security_admin(request.user):
            return True
        if (
            obj is not None
            and (obj.is_superuser or obj.role in ADMIN_ROLES)
            and not request.user.is_superuser
        ):
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password is a reset: the security administrator's.
        target = self.get_object(request, id)
        if target is not None:
            may_manage_credentials(request.user, target).enforce()
        return super().user_change_password(request, id, form_url)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_security_admin(request.user):
            actions.pop("reset_second_factor", None)
        return actions

    @admin.action(description=_("重置所选用户的动态口令（下次登录时重新绑定）"))
    def reset_second_factor(self, request, queryset):
        done = 0
        for user in queryset:
            decision = may_manage_credentials(request.user, user)
            if not decision:
                self.message_user(request, str(decision.refusal), messages.ERROR)
                continue
            removed = otp.reset_devices(user)
            audit.record(AuditAction.OTP_RESET, target=f"accounts.user:{user.pk}", devices=removed)
            done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "已重置 %(count)d 个用户的动态口令。",
                    "已重置 %(count)d 个用户的动态口令。",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )

    def save_model(self, request, obj, form, change):
        changed = set(form.changed_data) & set(self.SECURITY_FIELDS)
        if changed:
            may_change_role(request.user, obj if change else None).enforce()
        super().save_model(request, obj, form, change)


# The devices' own admin pages would show their secret keys: resets go through the users'
# page instead (reset_second_factor above).
for _device_model in otp.DEVICE_MODELS:
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)
