"""What every signed-in request passes before its view (settings.MIDDLEWARE, in order):

- AuditMiddleware: the request the audit rows are about (who, from where); a file
  download (CSV, spreadsheet) is recorded as an export.
- SessionTimeoutMiddleware: idle longer than SESSION_IDLE_TIMEOUT_MINUTES, or signed in
  longer than SESSION_ABSOLUTE_TIMEOUT_MINUTES: signed out, to the login page.
- OTPRequiredMiddleware: a user who needs the second factor (accounts.otp) and has not
  passed it in this session goes to the verification (or enrolment) page.
- PasswordExpiryMiddleware: a password older than PASSWORD_MAX_AGE_DAYS is changed first.
"""

from abc import ABC, abstractmethod
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts import audit, otp, passwords
from accounts.models import AuditAction
from common import clock

LAST_ACTIVITY_KEY = "_jianyan_last_activity"
SIGNED_IN_AT_KEY = "_jianyan_signed_in_at"
# Activity is written to the session at most this often (a write per request otherwise).
ACTIVITY_RESOLUTION_SECONDS = 60
EXPORT_TYPES = (
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
)


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit.request_context(request):
            response = self.get_response(request)
            if is_export(response):
                audit.record(
                    AuditAction.EXPORT,
                    target=request.path[:200],
                    query=request.GET.urlencode()[:500],
                    content_type=response.get("Content-Type", "").split(";")[0],
                )
        return response


def is_export(response) -> bool:
    disposition = response.get("Content-Disposition", "")
    kind = response.get("Content-Type", "").split(";")[0].strip()
    return response.status_code == 200 and "attachment" in disposition and kind in EXPORT_TYPES


def _exempt(request, names) -> bool:
    path = request.path_info
    if path.startswith(("/" + settings.STATIC_URL.lstrip("/"), "/healthz", "/i18n/")):
        return True
    return path in {reverse(name) for name in names}


def mark_signed_in(request) -> None:
    """Start the session's clocks (at login; accounts.audit.receivers calls this)."""
    moment = clock.now().timestamp()
    request.session[SIGNED_IN_AT_KEY] = moment
    request.session[LAST_ACTIVITY_KEY] = moment


class GuardMiddleware(ABC):
    """Runs `guard(request)` before the view: a response from it is answered instead.

    If the database fails during the guard, the request goes on with a user that raises
    the same error when the view reads it: the failure then happens inside the view, where
    config.errors answers its 503, and no check is ever skipped."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.guard(request)
        except DatabaseError as error:
            request.user = SimpleLazyObject(partial(_raise, error))
            response = None
        return response if response is not None else self.get_response(request)

    @abstractmethod
    def guard(self, request):
        """A response to answer instead of the view, or None to let the request on."""


def _raise(error):
    raise error


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class SessionTimeoutMiddleware(GuardMiddleware):
    def guard(self, request):
        if not _signed_in(request):
            return None
        session = request.session
        now = clock.now().timestamp()
        last = session.get(LAST_ACTIVITY_KEY)
        started = session.get(SIGNED_IN_AT_KEY)
        if started is None or last is None:
            mark_signed_in(request)
            return None
        if now - last > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
            return self.sign_out(request, "idle", _("因长时间未操作，已自动退出，请重新登录。"))
        if now - started > settings.SESSION_ABSOLUTE_TIMEOUT_MINUTES * 60:
            return self.sign_out(
                request, "absolute", _("登录时间已达上限，已自动退出，请重新登录。")
            )
        if now - last >= ACTIVITY_RESOLUTION_SECONDS:
            session[LAST_ACTIVITY_KEY] = now
        return None

    @staticmethod
    def sign_out(request, reason: str, message: str):
        request.jianyan_logout_reason = reason
        logout(request)
        messages.info(request, message)
        if request.method == "GET":
            return redirect_to_login(request.get_full_path())
        return redirect(settings.LOGIN_URL)


OTP_PAGES = ("accounts:otp-verify", "accounts:otp-setup", "accounts:logout")


class OTPRequiredMiddleware(GuardMiddleware):
    def guard(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and otp.requires_otp(user)
            and not otp.is_verified(user)
            and not _exempt(request, OTP_PAGES)
        ):
            page = "accounts:otp-verify" if otp.has_device(user) else "accounts:otp-setup"
            query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            return redirect(f"{reverse(page)}?{query}" if query else reverse(page))
        return None


PASSWORD_PAGES = (*OTP_PAGES, "accounts:password_change", "accounts:password_change_done")


class PasswordExpiryMiddleware(GuardMiddleware):
    def guard(self, request):
        if (
            _signed_in(request)
            and passwords.is_expired(request.user)
            and not _exempt(request, PASSWORD_PAGES)
        ):
            messages.warning(
                request,
                _("您的密码已超过 %(days)d 天未修改，请先修改密码。")
                % {"days": settings.PASSWORD_MAX_AGE_DAYS},
            )
            return redirect("accounts:password_change")
        return None
