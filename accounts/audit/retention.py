"""Retention: rows older than settings.AUDIT_RETENTION_DAYS (at least 180) are removed,
oldest first and only as a run from the start of the chain, and the anchor keeps the
hash of the last one removed so the rest still verifies. Safe to run twice."""

import datetime as dt

from django.conf import settings
from django.db import connection, transaction

from accounts.audit.recording import lock_chain
from common import clock

MINIMUM_RETENTION_DAYS = 180
# The trigger of migration 0006 lets a DELETE through only in a transaction that set this.
PRUNE_SETTING = "jianyan.audit_prune"


def retention_days() -> int:
    days = getattr(settings, "AUDIT_RETENTION_DAYS", MINIMUM_RETENTION_DAYS)
    return max(int(days), MINIMUM_RETENTION_DAYS)


def prune() -> int:
    """Remove the expired head of the chain; returns how many rows went."""
    from accounts.models import AuditAnchor, SecurityAudit

    cutoff = clock.now() - dt.timedelta(days=retention_days())
    with transaction.atomic():
        lock_chain()
        rows = SecurityAudit.objects.order_by("seq")
        first_kept = rows.filter(created_at__gte=cutoff).values_list("seq", flat=True).first()
        expired = rows.filter(created_at__lt=cutoff)
        if first_kept is not None:
            expired = expired.filter(seq__lt=first_kept)
        last = expired.order_by("-seq").values("seq", "hash").first()
        if last is None:
            return 0
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [PRUNE_SETTING])
        AuditAnchor.objects.update_or_create(
            pk=1, defaults={"seq": last["seq"], "hash": last["hash"], "pruned_at": clock.now()}
        )
        removed, _ = SecurityAudit.objects.filter(seq__lte=last["seq"]).delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', true)", [PRUNE_SETTING])
    return removed
