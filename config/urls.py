from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("staff/", include("proposals.urls_staff")),
    path("agency/", include("responses.urls_officer")),
    path("notifications/", include("responses.urls_reminders")),
    path("api/v1/", include("proposals.api.urls")),
    path("", include("proposals.urls_public")),
]

admin.site.site_header = _("建言 · 提案办理系统管理")
admin.site.site_title = _("建言")
admin.site.index_title = _("数据管理（后备）")
