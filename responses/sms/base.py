"""What every SMS backend speaks: the message as the provider gets it, the backend's one
method, and the two ways a send fails (responses/sms/backends.py says which is which)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class Outgoing:
    """One message as the provider gets it."""

    phone: str
    template_code: str
    params: dict
    sign_name: str
    out_id: str = ""


class SmsError(Exception):
    def __init__(self, message: str, code: str = ""):
        super().__init__(message)
        self.code = code

    def __str__(self):
        text = super().__str__()
        return f"{self.code}: {text}" if self.code else text


class SmsTransientError(SmsError):
    """Try again later."""


class SmsPermanentError(SmsError):
    """Trying again will not help."""


class BaseBackend(ABC):
    """Sends one message; returns the provider's id for it, or raises one of the errors
    above."""

    @abstractmethod
    def send(self, message: Outgoing) -> str: ...
