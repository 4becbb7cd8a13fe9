"""Celery tasks of the responses app. Thin: ids as arguments, the body calls a service."""

from celery import shared_task

# The render task lives beside its service (responses/documents/); importing it here is
# what makes Celery's autodiscovery, which reads each app's tasks module, register it.
from responses.documents.tasks import render_reply_document_task  # noqa: F401

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


# --- SMS (responses/sms/) ---------------------------------------------------------------------


@shared_task(bind=True, acks_late=True, max_retries=20, ignore_result=True)
def send_sms_task(self, message_id: int) -> None:
    """Send one SmsMessage. The service claims the row, so a duplicate task does nothing;
    a transient failure comes back after the back-off it recorded, bounded by
    SMS_MAX_ATTEMPTS (and the beat's requeue_sms_task catches any retry that got lost)."""
    from responses.sms import service

    outcome = service.send_message(message_id)
    if outcome.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in)


@shared_task(ignore_result=True)
def requeue_sms_task() -> int:
    """Beat runs this every minute: pending messages whose time has come are queued."""
    from responses.sms import service

    return len(service.requeue_due())
