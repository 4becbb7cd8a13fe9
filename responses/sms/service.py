"""Queue, send, retry and resend SMS messages (the design: responses/sms/__init__.py)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction

from common import clock
from responses.models import SmsMessage, SmsStatus
from responses.outbox import STALE_SEND, SendOutcome, backoff_seconds, claim
from responses.sms import kinds
from responses.sms.backends import (
    Outgoing,
    SmsPermanentError,
    SmsTransientError,
    get_backend,
)

log = logging.getLogger(__name__)

# A send whose worker died mid-way (acks_late redelivers it) may be claimed again after
# outbox.STALE_SEND; the provider may then have the message twice, the one case we
# cannot rule out.


def queue_sms(
    committee, kind: str, phone: str, params: dict, *, dedupe_key: str, recipient=None
) -> tuple[SmsMessage, bool]:
    """Put one message in the outbox and send it after the transaction commits. The same
    (kind, dedupe_key, phone) is queued once: a second call returns the first row and
    False. Raises ValidationError (in the user's language) for a bad phone or params."""
    from responses.tasks import send_sms_task

    phone = kinds.normalize_phone(phone)
    cleaned = kinds.clean_params(kind, params)
    message, created = SmsMessage.objects.get_or_create(
        kind=kind,
        dedupe_key=dedupe_key,
        phone=phone,
        defaults={
            "committee": committee,
            "recipient": recipient,
            "params": cleaned,
            "next_attempt_at": clock.now(),
        },
    )
    if created:
        transaction.on_commit(partial(send_sms_task.delay, message.pk))
    return message, created


def _claim(message_id: int, now: datetime) -> bool:
    return claim(SmsMessage.objects.all(), message_id, now)


def send_message(message_id: int) -> SendOutcome:
    """Send one message once: claim it (a second task for the same row does nothing),
    call the backend, record the provider's id or the error. A transient error comes
    back after a back-off until SMS_MAX_ATTEMPTS attempts; then, or on a permanent
    error, the message is failed for staff to see and resend."""
    now = clock.now()
    if not _claim(message_id, now):
        return SendOutcome("skipped")
    message = SmsMessage.objects.get(pk=message_id)
    code = kinds.template_code(message.kind)
    try:
        if not code:
            raise SmsPermanentError(f"SMS_TEMPLATE_CODES has no template for {message.kind}")
        biz_id = get_backend().send(
            Outgoing(
                phone=message.phone,
                template_code=code,
                params=message.params,
                sign_name=settings.SMS_SIGN_NAME,
                out_id=str(message.pk),
            )
        )
    except SmsTransientError as error:
        retry = message.attempts < settings.SMS_MAX_ATTEMPTS
        return _failed(message, error, now, retry=retry)
    except SmsPermanentError as error:
        return _failed(message, error, now, retry=False)
    except Exception as error:  # a bug or bad data: retrying would not help
        log.exception("sms %s failed", message.pk)
        return _failed(message, error, now, retry=False)
    SmsMessage.objects.filter(pk=message.pk, status=SmsStatus.SENDING).update(
        status=SmsStatus.SENT, sent_at=clock.now(), provider_id=biz_id[:64], last_error=""
    )
    return SendOutcome(SmsStatus.SENT)


def _failed(message: SmsMessage, error: Exception, now: datetime, *, retry: bool) -> SendOutcome:
    text = f"#{message.attempts} {type(error).__name__}: {error}"[:2000]
    wait = backoff_seconds(message.attempts) if retry else None
    SmsMessage.objects.filter(pk=message.pk, status=SmsStatus.SENDING).update(
        status=SmsStatus.PENDING if retry else SmsStatus.FAILED,
        next_attempt_at=now + timedelta(seconds=wait or 0),
        last_error=text,
    )
    log.warning("sms %s attempt %s failed: %s", message.pk, message.attempts, text)
    return SendOutcome(SmsStatus.PENDING if retry else SmsStatus.FAILED, wait)


def resend(message: SmsMessage, *, by=None) -> bool:
    """Staff send a failed (or still waiting) message again: a fresh set of attempts,
    queued after commit. A sent message is never sent again."""
    from responses.tasks import send_sms_task

    updated = SmsMessage.objects.filter(
        pk=message.pk, status__in=[SmsStatus.FAILED, SmsStatus.PENDING]
    ).update(status=SmsStatus.PENDING, attempts=0, next_attempt_at=clock.now(), last_error="")
    if updated:
        transaction.on_commit(partial(send_sms_task.delay, message.pk))
        log.info("sms %s queued again by %s", message.pk, getattr(by, "pk", None))
    return bool(updated)


def requeue_due(limit: int = 500) -> list[int]:
    """The safety net the beat runs: queue every pending message whose time has come and
    every send abandoned by a dead worker, should a queued task have been lost."""
    from responses.tasks import send_sms_task

    now = clock.now()
    due = list(
        SmsMessage.objects.filter(status=SmsStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    due += SmsMessage.objects.filter(
        status=SmsStatus.SENDING, claimed_at__lt=now - STALE_SEND
    ).values_list("pk", flat=True)[:limit]
    for pk in due:
        transaction.on_commit(partial(send_sms_task.delay, pk))
    return due
