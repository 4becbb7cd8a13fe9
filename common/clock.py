"""The time the workflow acts at.

Every service reads "now" from here rather than from the system clock, so that a caller
replaying history (the demo, an import of earlier sessions) can say when a step
happened:

    with clock.at(moment):
        services.register_proposal(proposal, by=staff)

Outside `at` it is the real time. The moment is held in a context variable, so it is
local to the thread or task that set it and never leaks into another request.
Rows that record when they were written for the system's own sake (`auto_now` fields,
stored pages, task bookkeeping) keep the real time.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_moment: ContextVar[datetime | None] = ContextVar("jianyan_clock", default=None)


def now() -> datetime:
    """The current moment (aware), or the one a caller set with `at`."""
    return _moment.get() or timezone.now()


def today() -> date:
    """The current day in the committee's time zone."""
    return timezone.localdate(now())


@contextmanager
def at(moment: datetime) -> Iterator[datetime]:
    """Act at `moment` (an aware datetime) inside the block."""
    if timezone.is_naive(moment):
        raise ValueError("clock.at needs an aware datetime")
    token = _moment.set(moment)
    try:
        yield moment
    finally:
        _moment.reset(token)
