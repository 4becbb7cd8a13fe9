"""The admin site: for those Django lets in (is_staff), once their session has passed the
second factor, and never for the audit administrator, who changes nothing (三员分立)."""

from django.contrib import admin

from accounts import otp
from accounts.policies import is_audit_admin


class AdminSite(admin.AdminSite):
    def has_permission(self, request):
        user = request.user
        return (
            super().has_permission(request)
            and otp.is_verified_enough(user)
            and not is_audit_admin(user)
        )
