"""What an SMS says, as codes: each kind names its provider template and the parameters
that template takes. The words live with the provider (an Aliyun template is approved
server-side and filled in there), so a stored message is a kind, parameters and a phone.

The template code of each kind is a setting (SMS_TEMPLATE_CODES), because each account
has its own approved templates."""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class SmsKind(models.TextChoices):
    REGISTERED = "registered", _("提案立案")
    ASSIGNED = "assigned", _("提案交办")
    REPLIED = "replied", _("提案答复")


# The parameters each kind's template takes, as the template names them.
PARAMS: dict[str, tuple[str, ...]] = {
    SmsKind.REGISTERED: ("number",),
    SmsKind.ASSIGNED: ("number", "agency", "deadline"),
    SmsKind.REPLIED: ("number", "agency"),
}

# Aliyun takes at most 35 characters in one variable of a notification template.
MAX_PARAM_LENGTH = 35

_MOBILE = re.compile(r"1[3-9]\d{9}")
_SEPARATORS = re.compile(r"[\s\-()（）]")


def template_code(kind: str) -> str | None:
    """The provider's code for the kind's template, or None when none is configured."""
    return settings.SMS_TEMPLATE_CODES.get(kind)


def normalize_phone(phone: str) -> str:
    """A mainland mobile number as its 11 digits (spaces, dashes and +86 removed)."""
    digits = _SEPARATORS.sub("", phone or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
            break
    if not _MOBILE.fullmatch(digits):
        raise ValidationError(
            _("“%(phone)s”不是有效的手机号码（应为 11 位中国大陆手机号）。"),
            code="invalid_phone",
            params={"phone": (phone or "")[:32]},
        )
    return digits


def clean_params(kind: str, params: dict) -> dict[str, str]:
    """The kind's parameters as strings, exactly the names its template takes; a date as
    YYYY-MM-DD; a value longer than the provider accepts shortened with an ellipsis."""
    if kind not in PARAMS:
        raise ValidationError(
            _("未知的短信类型：%(kind)s"), code="unknown_kind", params={"kind": kind}
        )
    expected = set(PARAMS[kind])
    if set(params) != expected:
        raise ValidationError(
            _("短信参数应为 %(expected)s，实际为 %(given)s。"),
            code="bad_params",
            params={
                "expected": ", ".join(sorted(expected)),
                "given": ", ".join(sorted(map(str, params))) or "-",
            },
        )
    cleaned = {}
    for name in PARAMS[kind]:
        value = params[name]
        text = value.isoformat() if isinstance(value, date) else str(value).strip()
        if len(text) > MAX_PARAM_LENGTH:
            text = text[: MAX_PARAM_LENGTH - 1] + "…"
        cleaned[name] = text
    return cleaned
