"""The security audit log: append (`record`), verify (`verify_chain`), prune (`prune`).

Rows form a hash chain: row n stores sha256(hash of row n-1 + canonical JSON of row n's
own fields). Appending takes a PostgreSQL advisory lock for the transaction, so
concurrent writers queue and the chain stays one line; the row then commits or rolls
back with the change it records.
"""

from accounts.audit.chain import GENESIS, canonical, row_hash, verify_chain
from accounts.audit.recording import current_request, record, request_context
from accounts.audit.retention import prune

__all__ = [
    "GENESIS",
    "canonical",
    "current_request",
    "prune",
    "record",
    "request_context",
    "row_hash",
    "verify_chain",
]
