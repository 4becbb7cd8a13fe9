""" "A proposal changed": the one signal that keeps derived data fresh.

Whatever changes what the public may see of a proposal calls `changed(ids, reason)`:
`workflow.record_event` for every transition, and the save/delete watcher below for a
row edited outside the services (the admin, a shell, a factory). That call

1. moves the version of the proposals' stored pages now, in the caller's transaction
   (`move_versions`), once per transaction per proposal: the change and the move
   commit together, so a page rendered before the change is never served after it.
   (A page stored later in the same transaction re-arms the move: `page_stored`.)
2. sends `proposal_changed` once, after the transaction commits, with every proposal
   it changed and why: `proposal_ids` (a frozenset) and `reasons` (proposal id -> the
   frozenset of reason codes; `shared` has the reasons that named no proposal, e.g. a
   new category). A rolled-back transaction sends nothing. Outside a transaction both
   happen at once.

Receivers, one module per consumer, connected in this order by ProposalsConfig.ready:
portal.search (the search documents), portal.pages (render the page again),
portal.selectors (the portal's cached figures and filter options). Each is called
with send_robust: one that fails is logged and the others still run.

A proposal changed in a savepoint that was rolled back may still be announced: the
receivers recompute from the database, so an extra refresh costs a little work only.
"""

import logging
from collections.abc import Callable, Iterable
from enum import StrEnum

from django.db import DEFAULT_DB_ALIAS, transaction
from django.dispatch import Signal
from django.utils import timezone

logger = logging.getLogger(__name__)

# Sent after commit with proposal_ids: frozenset[int], reasons: dict[int, frozenset[str]],
# shared: frozenset[str].
proposal_changed = Signal()


class Reason(StrEnum):
    EVENT = "event"  # a transition recorded its Event (workflow.record_event)
    ROW = "row"  # a row of the proposal's page saved or deleted outside the services
    SHARED = "shared"  # an agency, sponsor, session or category: names shown on pages
    LETTER = "letter"  # a public reply's letter rendered again (its text is searched)


# Only names change: the search documents hold none, the pages render on their next visit.
NAMES_ONLY = frozenset({Reason.SHARED})


class _Ledger:
    """What one transaction changed within one savepoint context, kept as an on_commit
    callback so that Django drops it with a rolled-back savepoint. The ledgers of one
    transaction share a batch; the first to run after commit sends it, the rest do not."""

    def __init__(self, batch: "_Batch"):
        self.batch = batch
        self.moved: set[int] = set()  # versions this context moved

    def __call__(self):
        self.batch.send()


class _Batch:
    def __init__(self):
        self.reasons: dict[int, set[str]] = {}
        self.shared: set[str] = set()
        self.sent = False

    def add(self, ids: set[int], reason: str) -> None:
        if not ids:
            self.shared.add(reason)
        for pk in ids:
            self.reasons.setdefault(pk, set()).add(reason)

    def send(self) -> None:
        if self.sent:
            return
        self.sent = True
        _send(self.reasons, self.shared)


class _State:
    """The live ledgers of a connection's transaction, and which proposals' versions they
    moved. Django replaces its list of commit hooks when a savepoint rolls back or the
    transaction ends, so a new list means: read them all again; otherwise only the hooks
    added since are read (a transaction of thousands of changes stays linear)."""

    def __init__(self, hooks: list):
        self.hooks = hooks
        self.read = 0
        self.moved_by: dict[int, list[_Ledger]] = {}
        self.batch: _Batch | None = None  # the transaction's, while not sent

    def update(self) -> "_State":
        for _sids, func, _robust in self.hooks[self.read :]:
            if isinstance(func, _Ledger):
                if not func.batch.sent:
                    self.batch = func.batch
                for pk in func.moved:
                    self.moved_by.setdefault(pk, []).append(func)
        self.read = len(self.hooks)
        return self

    def moved(self, pk: int) -> bool:
        return any(pk in ledger.moved for ledger in self.moved_by.get(pk, ()))

    def mark_moved(self, ledger: _Ledger, ids: set[int]) -> None:
        ledger.moved |= ids
        for pk in ids:
            self.moved_by.setdefault(pk, []).append(ledger)

    def forget_moved(self, ids) -> None:
        for pk in ids:
            for ledger in self.moved_by.pop(pk, ()):
                ledger.moved.discard(pk)


def _state(connection) -> _State:
    state = getattr(connection, "_proposal_changes", None)
    if state is None or state.hooks is not connection.run_on_commit:
        state = _State(connection.run_on_commit)
        connection._proposal_changes = state
    return state.update()


def _current_ledger(connection, state: _State, using: str) -> _Ledger:
    """This savepoint context's ledger: the last commit hook if it is one registered in
    the same context, else a new one (sharing the transaction's unsent batch)."""
    if connection.run_on_commit:
        sids, func, _robust = connection.run_on_commit[-1]
        if (
            isinstance(func, _Ledger)
            and sids == set(connection.savepoint_ids)
            and not func.batch.sent
        ):
            return func
    batch = state.batch if state.batch is not None and not state.batch.sent else None
    ledger = _Ledger(batch or _Batch())
    transaction.on_commit(ledger, using=using)
    state.update()
    return ledger


# Versions move in chunks, so that a renamed agency's statement stays bounded.
MOVE_CHUNK = 5_000


def move_versions(proposal_ids, using: str = DEFAULT_DB_ALIAS) -> int:
    """Move the version of these proposals' stored pages, in the caller's transaction
    (called by `changed` only, once per transaction per proposal). Only published
    proposals have a search document, whose `updated_at` is the version, and only they
    have pages."""
    from proposals.models import SearchDocument

    ids = sorted(proposal_ids)
    now, moved = timezone.now(), 0
    documents = SearchDocument.objects.using(using)
    for start in range(0, len(ids), MOVE_CHUNK):
        chunk = ids[start : start + MOVE_CHUNK]
        moved += documents.filter(proposal__in=chunk).update(updated_at=now)
    return moved


def changed(proposal_ids: Iterable[int], reason: str, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Announce that these proposals changed (see the module's docstring)."""
    ids = {pk for pk in proposal_ids if pk is not None}
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        move_versions(ids, using=using)
        batch = _Batch()
        batch.add(ids, reason)
        batch.send()
        return
    state = _state(connection)
    ledger = _current_ledger(connection, state, using)
    fresh = {pk for pk in ids if not state.moved(pk)}
    if fresh:
        move_versions(fresh, using=using)
        state.mark_moved(ledger, fresh)
    ledger.batch.add(ids, reason)


def page_stored(proposal_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """A page was stored inside this transaction: its version must move again if the
    same transaction changes the proposal afterwards (tests render and change in one)."""
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        _state(connection).forget_moved(set(proposal_ids))


def _send(reasons: dict[int, set[str]], shared: set[str]) -> None:
    if not reasons and not shared:
        return
    results = proposal_changed.send_robust(
        sender=Reason,
        proposal_ids=frozenset(reasons),
        reasons={pk: frozenset(codes) for pk, codes in reasons.items()},
        shared=frozenset(shared),
    )
    for receiver, result in results:
        if isinstance(result, Exception):
            logger.error(
                "proposal_changed receiver %s failed",
                getattr(receiver, "__qualname__", receiver),
                exc_info=result,
            )


def changed_ids(reasons: dict[int, frozenset[str]], *, ignore=NAMES_ONLY) -> list[int]:
    """The proposals whose reasons are not all in `ignore` (for a receiver)."""
    return sorted(pk for pk, codes in reasons.items() if not codes <= ignore)


# --- Rows edited outside the services ---------------------------------------------------


# Each app says, for the rows it owns, which proposals show them and why (`watch`):
# proposals for its own models here, responses for agencies, assignments and replies in
# its AppConfig.ready, so that this module never imports an app above it.
_WATCHED: dict[type, Callable[[object], tuple[Iterable[int], str] | None]] = {}


def watch(model, affected) -> None:
    """Send `changed` when a row of `model` is saved or deleted anywhere (services, admin,
    shell): affected(instance) -> (proposal ids, reason) or None."""
    from django.db.models.signals import post_save, pre_delete

    _WATCHED[model] = affected
    name = model._meta.label
    post_save.connect(_row_saved, sender=model, dispatch_uid=f"changed-save-{name}")
    pre_delete.connect(_row_deleting, sender=model, dispatch_uid=f"changed-delete-{name}")


def watched_models() -> list:
    return list(_WATCHED)


def _affected(instance) -> tuple[Iterable[int], str] | None:
    """Which proposals show this row, and why."""
    affected = _WATCHED.get(type(instance))
    return affected(instance) if affected is not None else None


def _own_rows(instance) -> tuple[Iterable[int], str] | None:
    from proposals.models import Category, Proposal, Session, Sponsor, Sponsorship

    match instance:
        case Proposal():
            return [instance.pk], Reason.ROW
        case Sponsorship():
            return [instance.proposal_id], Reason.ROW
        case Sponsor():
            ids = Sponsorship.objects.filter(sponsor=instance.pk)
            return ids.values_list("proposal_id", flat=True).distinct(), Reason.SHARED
        case Category() | Session():
            field = "category" if isinstance(instance, Category) else "session"
            ids = Proposal.objects.filter(**{field: instance.pk})
            return ids.values_list("pk", flat=True), Reason.SHARED
    return None


def _row_saved(sender, instance, created=False, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    if raw:  # loaddata: no pages or documents to refresh yet
        return
    if created and sender._meta.label == "proposals.Proposal":
        return  # a new proposal has no page or document yet
    affected = _affected(instance)
    if affected is None:
        return
    ids, reason = affected
    if created and reason == Reason.SHARED:
        ids = ()  # a new agency, sponsor, session or category: on no page yet
    changed(ids, reason, using=using)


def _row_deleting(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    # Before the delete: afterwards the rows that say which proposals showed it are gone.
    affected = _affected(instance)
    if affected is not None:
        ids, reason = affected
        changed(ids, reason, using=using)


def connect() -> None:
    """Watch the proposals app's own rows (ProposalsConfig.ready). The apps above watch
    theirs and connect their receivers to `proposal_changed` in their own ready()."""
    from proposals.models import Category, Proposal, Session, Sponsor, Sponsorship

    for model in (Proposal, Sponsorship, Sponsor, Category, Session):
        watch(model, _own_rows)
