"""Periodic jobs of accounts: the security audit log's retention (settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from accounts import audit
from accounts.models import AuditAction


@shared_task(ignore_result=True)
def prune_security_audit_task() -> int:
    """Remove audit rows past AUDIT_RETENTION_DAYS (at least 180); running twice removes
    nothing more. The pruning itself is recorded."""
    removed = audit.prune()
    if removed:
        audit.record(AuditAction.AUDIT_PRUNED, target="accounts.securityaudit", removed=removed)
    return removed
