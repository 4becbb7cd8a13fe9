"""Celery tasks of the responses app. Thin: ids as arguments, the body calls a service."""

import random

from celery import shared_task

from responses.documents.render import RenderError

RENDER_MAX_RETRIES = 5


def _backoff(retries: int) -> int:
    """15 s, 30 s, 60 s… capped at 10 minutes, with jitter so retries do not stampede."""
    return min(600, 15 * 2**retries) + random.randint(0, 5)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=RENDER_MAX_RETRIES,
    ignore_result=True,
)
def render_reply_document_task(self, document_id: int) -> None:
    from responses.documents import render_document
    from responses.models import ReplyDocument

    document = ReplyDocument.objects.filter(pk=document_id).first()
    if document is None:  # deleted since it was queued
        return
    # A message redelivered after its worker died finds the row still `rendering`.
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    try:
        render_document(
            document, takeover=redelivered, retry=self.request.retries < self.max_retries
        )
    except RenderError as error:  # only transient failures are raised with retry=True
        raise self.retry(exc=error, countdown=_backoff(self.request.retries)) from error


# --- Reminders (responses/reminders.py) -------------------------------------------------------


@shared_task
def sweep_reminders_task(now: str | None = None) -> dict:
    """Beat runs this every 15 minutes; `now` (ISO 8601) only for tests and replays.
    Returns counts, for whoever watches the results (and for the worker test)."""
    from datetime import datetime

    from responses import reminders

    result = reminders.sweep(datetime.fromisoformat(now) if now else None)
    return {
        "sent": len(result.sent),
        "notifications": result.notifications,
        "emails_queued": len(result.digests),
        "failures": len(result.failures),
    }


@shared_task(bind=True, acks_late=True, max_retries=10, ignore_result=True)
def send_delivery_task(self, delivery_id: int) -> None:
    """Send one Delivery (a day's digest or an urgent notice). The service claims the row,
    so a duplicate message does nothing; a transient failure comes back after the backoff
    it recorded, which is bounded by ReminderSettings.max_send_attempts."""
    from responses import reminders

    outcome = reminders.send_delivery(delivery_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
