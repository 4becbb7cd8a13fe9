"""Derived data to refresh after a transition (search documents, caches).

Transitions call these inside their transaction; the work itself runs after commit so
a rolled-back transition leaves no trace. (A proposal touched twice in one transaction
is refreshed twice: cheap, and simpler than tracking savepoints.)
"""

from django.db import transaction


def publication_changed(proposal) -> None:
    transaction.on_commit(lambda: _refresh_search(proposal.pk))


def reply_changed(proposal) -> None:
    transaction.on_commit(lambda: _refresh_search(proposal.pk))


def text_changed(proposal) -> None:
    if proposal.is_published:
        transaction.on_commit(lambda: _refresh_search(proposal.pk))


def _refresh_search(proposal_id: int) -> None:
    from proposals.models import Proposal
    from proposals.search import refresh_search_document

    proposal = Proposal.objects.filter(pk=proposal_id).first()
    if proposal is not None:
        refresh_search_document(proposal)
