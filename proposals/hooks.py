"""Derived data to refresh after a transition (search documents, stored pages).

Transitions call these inside their transaction; the work itself runs after commit so
a rolled-back transition leaves no trace. (A proposal touched twice in one transaction
is refreshed twice: cheap, and simpler than tracking savepoints.)
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def publication_changed(proposal) -> None:
    transaction.on_commit(lambda: _public_changed(proposal.pk))


def reply_changed(proposal) -> None:
    transaction.on_commit(lambda: _public_changed(proposal.pk))


def _public_changed(proposal_id: int) -> None:
    """Published or withdrawn, a reply confirmed or sent back: the home page and the feed
    show it at once (their cached lists are versioned, proposals.selectors)."""
    from proposals.selectors import forget_public_lists

    forget_public_lists()
    _refresh_search(proposal_id)


def text_changed(proposal) -> None:
    if proposal.is_published:
        transaction.on_commit(lambda: _refresh_search(proposal.pk))


def _refresh_search(proposal_id: int) -> None:
    from proposals.models import Proposal
    from proposals.search import refresh_search_document

    proposal = Proposal.objects.filter(pk=proposal_id).first()
    if proposal is not None and refresh_search_document(proposal) is not None:
        _queue_page(proposal_id)


def _queue_page(proposal_id: int) -> None:
    """Render the public page now rather than on its first visit. A broker that is down
    costs nothing but that: the first visitor renders it."""
    from proposals.tasks import build_public_page_task

    try:
        build_public_page_task.delay(proposal_id)
    except Exception:  # noqa: BLE001 - kombu OperationalError and friends
        logger.warning("public page not queued", extra={"proposal_id": proposal_id})
