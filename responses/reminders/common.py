"""What every part of the reminders shares: texts translated once per language, the batch
sizes and leases.

The whole design: responses/reminders/__init__.py."""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import lru_cache

from django.utils import translation
from django.utils.translation import gettext

log = logging.getLogger(__name__)


# A sweep renders thousands of texts from a few fixed strings: translate each string once
# per language, not once per use (gettext and choice labels cost ~0.1 ms a call).
@lru_cache(maxsize=256)
def _translated(language: str | None, message: str) -> str:
    return gettext(message)


def _(message: str) -> str:
    return _translated(translation.get_language(), message)


@lru_cache(maxsize=256)
def _choice_label(language: str | None, choices, value: str) -> str:
    return str(choices(value).label)


def label(choices, value: str) -> str:
    return _choice_label(translation.get_language(), choices, value)


BATCH_SIZE = 500


# A claimed row whose processing crashed comes back after this (healthchecks pushes a
# failing check's alert_after one hour).
CLAIM_LEASE = timedelta(hours=1)
