"""Celery tasks of the proposals app. Thin: ids as arguments, the body calls a service."""

from celery import shared_task


@shared_task(ignore_result=True)
def build_public_page_task(proposal_id: int) -> int:
    """Render the proposal's stored public page if it is not current (idempotent: a
    second run finds it current and does nothing)."""
    from portal import pages

    return pages.build(pages.stale().filter(pk=proposal_id).values_list("pk", flat=True))


@shared_task(ignore_result=True)
def refresh_view_counts_task() -> int:
    """Copy the view counts the "most viewed" order reads (idempotent; run by beat)."""
    from portal.search import refresh_view_counts

    return refresh_view_counts()
