"""The audit logs: the audit administrator only (not the staff pages, which staff_only
guards; not the system administrator: 三员分立)."""

from django.urls import path

from staff import audit, audit_security

app_name = "audit"

urlpatterns = [
    path("", audit.audit_log, name="log"),
    path("security/", audit_security.security_log, name="security"),
    path("security/export/", audit_security.security_export, name="security-export"),
]
