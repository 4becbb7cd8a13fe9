"""The admin page of a login, with what the apps above accounts keep about it: the
agency an officer acts for and the sponsor a sponsor user acts for (accounts.admin
registers the User admin without them; it is registered again here, with them)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import UserAdmin as AccountsUserAdmin
from accounts.models import User
from proposals.policies import sponsor_of
from responses.policies import agency_of
from staff.admin_proposals import SponsorAccountInline
from staff.admin_responses import AgencyMembershipInline


class UserAdmin(AccountsUserAdmin):
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
