"""The admin page of a login, with what the apps above accounts keep about it: the
agency an officer acts for and the sponsor a sponsor user acts for (accounts.admin
registers the User admin without them; it is registered again here, with them)."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin import UserAdmin as AccountsUserAdmin
from accounts.models import User
from proposals.policies import sponsor_of
from responses.policies import agency_of
from staff.admin_proposals import SponsorAccountInline
from staff.admin_responses import AgencyMembershipInline

# Django stores a permission's name once, in English ("Can add access attempt"); the
# pickers of the user and group pages name the four standard ones in the reader's language.
PERMISSION_ACTIONS = {
    "add": _("可添加%(model)s"),
    "change": _("可修改%(model)s"),
    "delete": _("可删除%(model)s"),
    "view": _("可查看%(model)s"),
}


def permission_label(permission: Permission) -> str:
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is None or action not in PERMISSION_ACTIONS or model_name != model._meta.model_name:
        return str(permission)
    name = gettext(PERMISSION_ACTIONS[action]) % {"model": model._meta.verbose_name}
    return f"{permission.content_type} | {name}"


class PermissionLabels:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Permission:
            field.label_from_instance = permission_label
        return field


class GroupAdmin(PermissionLabels, BaseGroupAdmin):
    pass


class UserAdmin(PermissionLabels, AccountsUserAdmin):
    list_display = (
        "username",
        "display_name",
        "role",
        "agency",
        "sponsor",
        "email",
        "is_active",
        "is_staff",
        "last_login",
    )
    list_filter = (*AccountsUserAdmin.list_filter, "agency_membership__agency")
    search_fields = (
        *AccountsUserAdmin.search_fields,
        "agency_membership__agency__name",
        "sponsor_account__sponsor__name",
    )
    list_select_related = ("agency_membership__agency", "sponsor_account__sponsor")
    inlines = (AgencyMembershipInline, SponsorAccountInline)

    @admin.display(description=_("所属承办单位"), ordering="agency_membership__agency__name")
    def agency(self, user):
        return agency_of(user)

    @admin.display(description=_("对应提案人"), ordering="sponsor_account__sponsor__name")
    def sponsor(self, user):
        return sponsor_of(user)


admin.site.unregister(User)
admin.site.register(User, UserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, GroupAdmin)
