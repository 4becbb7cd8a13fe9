"""The hash chain's arithmetic and its check."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64
# The advisory lock every writer of the chain takes (any constant; "JYAUDIT").
LOCK_KEY = 0x4A59415544495400 & 0x7FFFFFFFFFFFFFFF
HASHED_FIELDS = ("seq", "created_at", "action", "actor_id", "actor_username", "target", "ip")


def canonical(fields: dict) -> str:
    """One byte-exact text for a row's own fields: sorted keys, no spaces, UTF-8 kept."""
    values = {name: fields[name] for name in HASHED_FIELDS}
    moment = fields["created_at"].astimezone(UTC)
    values["created_at"] = moment.isoformat(timespec="microseconds")
    values["detail"] = fields["detail"]
    return json.dumps(
        values, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    )


def row_hash(prev_hash: str, fields: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(fields)).encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first row that does not verify, and why."""

    seq: int
    reason: str


def verify_chain(batch_size: int = 2000) -> tuple[int, Break | None]:
    """Walk the chain from its anchor: (rows checked, the first break or None)."""
    from accounts.models import AuditAnchor, SecurityAudit

    anchor = AuditAnchor.objects.filter(pk=1).first()
    prev_hash = anchor.hash if anchor else GENESIS
    expected_seq = (anchor.seq if anchor else 0) + 1
    checked = 0
    rows = SecurityAudit.objects.order_by("seq").values(
        *HASHED_FIELDS, "detail", "prev_hash", "hash"
    )
    for row in rows.iterator(chunk_size=batch_size):
        if row["seq"] != expected_seq:
            return checked, Break(
                row["seq"], f"missing rows before {row['seq']} (expected {expected_seq})"
            )
        if row["prev_hash"] != prev_hash:
            return checked, Break(row["seq"], "previous hash does not match")
        if row_hash(prev_hash, row) != row["hash"]:
            return checked, Break(row["seq"], "content does not match its hash")
        prev_hash = row["hash"]
        expected_seq += 1
        checked += 1
    return checked, None
