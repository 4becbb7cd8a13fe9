from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from config.health import healthz
from portal import care

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # The language switcher posts without a CSRF token, so public pages carry no token
    # and set no cookie (their stored copies serve every visitor, portal/pages.py).
    # Forging it could only switch someone's language; `next` is checked by the view.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # 关怀模式: a GET that sets or clears a cookie and goes back (portal/care.py).
    path("care-mode/", care.switch, name="care_mode"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("members.urls")),
    path("staff/", include("staff.urls")),
    path("audit/", include("staff.urls_audit")),
    path("agency/", include("officer.urls")),
    path("notifications/", include("officer.urls_notifications")),
    path("api/v1/", include("portal.api.urls")),
    path("", include("portal.urls")),
]

admin.site.site_header = _("建言 · 提案办理系统管理")
admin.site.site_title = _("建言")
admin.site.index_title = _("数据管理（后备）")

# JSON under /api/, and a 503 page when the database or media storage is away
# (config/errors.py).
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
