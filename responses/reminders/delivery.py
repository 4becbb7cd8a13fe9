"""Delivery: one digest e-mail per recipient per day, sent by a task, retried with
backoff, never twice; in-app notifications read.

The whole design: responses/reminders/__init__.py."""

from __future__ import annotations

import smtplib
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone, translation

from responses.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Notification,
    ReminderSettings,
)
from responses.outbox import SendOutcome, backoff_seconds, claim
from responses.reminders.common import log
from responses.reminders.schedule import Contexts
from responses.reminders.texts import displayable, with_text


def queue_digests(now: datetime, contexts: Contexts | None = None) -> list[int]:
    """After the day's send time of their committee, make sure each person with
    un-mailed notifications has today's digest, and queue every delivery that is ready
    to go (new ones, and retries whose wait is over — a safety net should a queued task
    have been lost). An installation-wide account goes with the earliest send time.

    One digest per person per day (a unique key): what arrives after today's digest
    went out waits for tomorrow's; the in-app notification shows it at once."""
    from responses.tasks import send_delivery_task

    contexts = contexts or Contexts()
    local = timezone.localtime(now)
    due = [c.committee_id for c in contexts if local.time() >= c.settings.send_time]
    if not due:
        return []
    waiting = (
        Notification.objects.filter(delivery__isnull=True, email_wanted=True)
        .filter(Q(user__committee_id__in=due) | Q(user__committee__isnull=True))
        .order_by()  # the model's ordering would otherwise enter the DISTINCT
        .values_list("user_id", flat=True)
        .distinct()
    )
    ready_at = timezone.now()
    Delivery.objects.bulk_create(
        [
            Delivery(
                kind=DeliveryKind.DIGEST,
                recipient_id=user_id,
                day=local.date(),
                next_attempt_at=ready_at,
            )
            for user_id in waiting
        ],
        ignore_conflicts=True,
    )
    ready = list(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now()
        ).values_list("pk", flat=True)
    )
    for pk in ready:
        transaction.on_commit(partial(send_delivery_task.delay, pk))
    return ready


def _claim_delivery(delivery_id: int, now: datetime) -> bool:
    return claim(Delivery.objects.all(), delivery_id, now)


def send_delivery(delivery_id: int) -> SendOutcome:
    """Send one delivery once: claim it (a conditional UPDATE: a second task for the same
    row does nothing), gather its notifications, build and send the e-mail, and record
    the outcome. A transient failure (SMTP, network) is retried with backoff until the
    attempts run out; then, or on any other error, it is marked failed for staff."""
    from responses import emails

    now = timezone.now()
    if not _claim_delivery(delivery_id, now):
        return SendOutcome("skipped")
    delivery = Delivery.objects.select_related("recipient").get(pk=delivery_id)
    recipient = delivery.recipient
    if delivery.kind == DeliveryKind.DIGEST:
        Notification.objects.filter(
            user_id=recipient.pk, delivery__isnull=True, email_wanted=True, created_at__lte=now
        ).update(delivery=delivery)
    with translation.override(settings.LANGUAGE_CODE):  # the words of the mail
        items = with_text(
            displayable(delivery.notifications.all()).order_by(
                "reminder__deadline", "created_at", "pk"
            )
        )
    if not items or not recipient.email or not recipient.is_active:
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.EMPTY)
        return SendOutcome(DeliveryStatus.EMPTY)
    max_attempts = ReminderSettings.of(recipient.committee_id).max_send_attempts
    try:
        message = emails.build_delivery(delivery, items)
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        permanent = isinstance(error, smtplib.SMTPRecipientsRefused)
        return _failed(
            delivery, error, now, retry=not permanent and delivery.attempts < max_attempts
        )
    except Exception as error:  # a bug or bad data: retrying would not help
        log.exception("delivery %s failed", delivery.pk)
        return _failed(delivery, error, now, retry=False)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
        subject=message.subject[:200],
        to_email=recipient.email,
        last_error="",
    )
    return SendOutcome(DeliveryStatus.SENT)


def _failed(delivery: Delivery, error: Exception, now: datetime, *, retry: bool) -> SendOutcome:
    text = f"{type(error).__name__}: {error}"[:2000]
    line = f"{timezone.localtime(now):%Y-%m-%d %H:%M:%S} #{delivery.attempts} {text}\n"
    wait = backoff_seconds(delivery.attempts) if retry else None
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING if retry else DeliveryStatus.FAILED,
        next_attempt_at=now + timedelta(seconds=wait or 0),
        last_error=text,
        error_log=Concat(F("error_log"), Value(line)),
        to_email=delivery.recipient.email,
    )
    log.warning("delivery %s attempt %s failed: %s", delivery.pk, delivery.attempts, text)
    return SendOutcome(DeliveryStatus.PENDING if retry else DeliveryStatus.FAILED, wait)


def resend(delivery: Delivery, *, by=None) -> None:
    """Staff send a failed delivery again: a fresh set of attempts, queued after commit."""
    from responses.tasks import send_delivery_task

    updated = Delivery.objects.filter(
        pk=delivery.pk, status__in=[DeliveryStatus.FAILED, DeliveryStatus.PENDING]
    ).update(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now())
    if updated:
        transaction.on_commit(partial(send_delivery_task.delay, delivery.pk))


def mark_read(user, notification_ids=None) -> int:
    """Mark the user's notifications read (all unread ones, or those ids)."""
    unread = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())
