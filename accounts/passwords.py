"""The password policy (GB/T 22239-2019 level 3) as Django password validators, set in
settings.AUTH_PASSWORD_VALIDATORS and tuned by the PASSWORD_* settings (config/settings.py):

- length: PASSWORD_MIN_LENGTH_PRIVILEGED (12) for staff, administrators and anyone who
  may open the admin, PASSWORD_MIN_LENGTH for the rest;
- PASSWORD_MIN_CHARACTER_CLASSES (3) of upper case, lower case, digits and symbols;
- not containing the username;
- none of the last PASSWORD_HISTORY_COUNT (5) passwords (accounts.PasswordHistory);
- expiry after PASSWORD_MAX_AGE_DAYS (90): `is_expired`, enforced by
  accounts.middleware.PasswordExpiryMiddleware.
"""

import datetime as dt
import string

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common import clock

PRIVILEGED_ROLES = {"staff", "sysadmin", "secadmin", "auditadmin"}


def is_privileged(user) -> bool:
    """Staff, the three administrators, superusers and admin-site users."""
    if user is None:
        return False
    return bool(
        getattr(user, "role", "") in PRIVILEGED_ROLES
        or getattr(user, "is_superuser", False)
        or getattr(user, "is_staff", False)
    )


class RoleMinimumLengthValidator:
    def minimum(self, user) -> int:
        if is_privileged(user):
            return settings.PASSWORD_MIN_LENGTH_PRIVILEGED
        return settings.PASSWORD_MIN_LENGTH

    def validate(self, password, user=None):
        minimum = self.minimum(user)
        if len(password) < minimum:
            raise ValidationError(
                ngettext(
                    "密码太短，至少需要 %(min_length)d 个字符。",
                    "密码太短，至少需要 %(min_length)d 个字符。",
                    minimum,
                ),
                code="password_too_short",
                params={"min_length": minimum},
            )

    def get_help_text(self):
        return _("密码至少 %(min_length)d 个字符（工作人员和管理员至少 %(privileged)d 个）。") % {
            "min_length": settings.PASSWORD_MIN_LENGTH,
            "privileged": settings.PASSWORD_MIN_LENGTH_PRIVILEGED,
        }


CLASSES = (
    ("upper", lambda c: c.isupper()),
    ("lower", lambda c: c.islower()),
    ("digit", lambda c: c.isdigit()),
    ("symbol", lambda c: c in string.punctuation or not (c.isalnum() or c.isspace())),
)


def character_classes(password: str) -> set[str]:
    return {name for name, test in CLASSES if any(test(c) for c in password)}


class CharacterClassValidator:
    def validate(self, password, user=None):
        needed = settings.PASSWORD_MIN_CHARACTER_CLASSES
        if len(character_classes(password)) < needed:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字和符号中的至少 %(count)d 类。"),
                code="password_too_simple",
                params={"count": needed},
            )

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字和符号中的至少 %(count)d 类。") % {
            "count": settings.PASSWORD_MIN_CHARACTER_CLASSES
        }


class NotUsernameValidator:
    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").casefold()
        if username and username in password.casefold():
            raise ValidationError(_("密码不能包含用户名。"), code="password_contains_username")

    def get_help_text(self):
        return _("密码不能包含用户名。")


class PasswordHistoryValidator:
    """Refuses the current password and the last PASSWORD_HISTORY_COUNT; remembers each
    new one (Django calls password_changed after saving a new password)."""

    def count(self) -> int:
        return settings.PASSWORD_HISTORY_COUNT

    def validate(self, password, user=None):
        if user is None or user.pk is None or self.count() == 0:
            return
        from accounts.models import PasswordHistory

        recent = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)
        hashes = [*recent[: self.count()]]
        if user.password:
            hashes.append(user.password)
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(
                _("不能使用最近 %(count)d 次用过的密码。"),
                code="password_reused",
                params={"count": self.count()},
            )

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        from accounts.models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password, created_at=clock.now())
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[
            max(self.count(), 1) :
        ]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return _("不能使用最近 %(count)d 次用过的密码。") % {"count": self.count()}


def changed_at(user) -> dt.datetime:
    return user.password_changed_at or user.date_joined


def is_expired(user) -> bool:
    """True when the user's password is older than PASSWORD_MAX_AGE_DAYS (0: never)."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days or not user.has_usable_password():
        return False
    return clock.now() - changed_at(user) > dt.timedelta(days=days)
