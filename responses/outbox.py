"""What the e-mail deliveries and the SMS outbox share: a row sent once by whichever task
claims it, retried with back-off.

- `claim(queryset, pk, now)`: a conditional UPDATE from pending (its time come) to
  sending, or of a row left sending by a worker that died (after STALE_SEND); one row
  changed means this task sends it, none means another has it or it is done.
- `backoff_seconds(attempts)`: 1, 2, 4, 8… minutes, never more than an hour.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, QuerySet

PENDING, SENDING = "pending", "sending"
STALE_SEND = timedelta(minutes=15)
MAX_BACKOFF_SECONDS = 3600


@dataclass(frozen=True)
class SendOutcome:
    status: str
    retry_in: int | None = None


def backoff_seconds(attempts: int) -> int:
    """1, 2, 4, 8… minutes after each failed attempt, never more than an hour."""
    return min(60 * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)


def claim(rows: QuerySet, pk: int, now: datetime) -> bool:
    """Claim the row for this task (its status codes are PENDING and SENDING)."""
    claimed = rows.filter(pk=pk, status=PENDING, next_attempt_at__lte=now).update(
        status=SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        claimed = rows.filter(pk=pk, status=SENDING, claimed_at__lt=now - STALE_SEND).update(
            claimed_at=now, attempts=F("attempts") + 1
        )
    return claimed == 1
