"""Appending to the chain, with who and from where taken from the current request."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from accounts.audit.chain import GENESIS, LOCK_KEY, row_hash
from common import clock

_request: ContextVar = ContextVar("jianyan_audit_request", default=None)


def current_request():
    """The request being served in this thread or task, if any (set by AuditMiddleware)."""
    return _request.get()


@contextmanager
def request_context(request) -> Iterator[None]:
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def client_ip(request) -> str:
    from accounts.ratelimit import client_ip as ip_of

    return ip_of(request) if request is not None else ""


def lock_chain() -> None:
    """Hold the chain's lock until the transaction ends (PostgreSQL); SQLite's writes are
    serialised by its IMMEDIATE transactions already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def chain_head() -> dict:
    """The seq and hash the next row follows: the last row's, else the anchor's (after a
    pruning that left nothing), else the genesis. One query either way."""
    from accounts.models import AuditAnchor, SecurityAudit

    sql = (
        f"SELECT seq, hash FROM (SELECT seq, hash FROM {SecurityAudit._meta.db_table}"
        f" ORDER BY seq DESC LIMIT 1) AS last_row"
        f" UNION ALL SELECT seq, hash FROM {AuditAnchor._meta.db_table} WHERE id = 1"
        " ORDER BY 1 DESC LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return {"seq": row[0], "hash": row[1]} if row else {"seq": 0, "hash": GENESIS}


def record(action, *, actor=None, target="", request=None, **detail):
    """Append one row. `actor` defaults to the request's signed-in user; `target` names
    what was acted on ("accounts.user:5"); `detail` is JSON-able."""
    from accounts.models import SecurityAudit

    request = request if request is not None else current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    with transaction.atomic():
        lock_chain()
        last = chain_head()
        fields = {
            "seq": last["seq"] + 1,
            "created_at": clock.now(),
            "action": str(action),
            "actor_id": getattr(actor, "pk", None),
            "actor_username": getattr(actor, "username", "") or "",
            "target": str(target)[:200],
            "ip": client_ip(request)[:64],
            "detail": detail,
        }
        # The JSON column gives back what JSON holds: hash that, not the Python values.
        fields["detail"] = json.loads(json.dumps(detail, cls=DjangoJSONEncoder))
        return SecurityAudit.objects.create(
            **fields, prev_hash=last["hash"], hash=row_hash(last["hash"], fields)
        )
