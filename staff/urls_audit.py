"""The audit log: administrators only (not the staff pages, which staff_only guards)."""

from django.urls import path

from staff import audit

app_name = "audit"

urlpatterns = [
    path("", audit.audit_log, name="log"),
]
