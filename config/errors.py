"""What a request gets when something below it fails: the database or the media storage
away, a URL that matches nothing.

PostgreSQL restarting or unreachable (or the S3 bucket of MEDIA_STORAGE=s3) is not a bug
of the page that was asked for: the visitor gets a 503 with a short Chinese (or English)
page and `Retry-After`, the API a JSON 503, and the log one line naming the request and
the error. Nothing of the traceback reaches the client. Django closes the broken database
connection at the end of the request (CONN_HEALTH_CHECKS checks a kept one before its
next use), so the first request after the database is back succeeds, without
restarting anything (tests/test_faults_postgres.py).

Two ways in, so no path is missed:
- UnavailableMiddleware.process_exception: errors raised by a view or while rendering
  its template (the usual case);
- server_error (handler500): errors raised inside another middleware, e.g. saving the
  session after the view; Django calls it from within the `except` block, so the error
  is still in sys.exc_info(). (With DEBUG on, Django shows its debug page there instead.)
"""

import logging
import sqlite3
import sys

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csp import get_nonce
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger("jianyan.errors")

RETRY_AFTER_SECONDS = 30

# SQLSTATE classes that mean "the server is not there for us right now", not "this query
# is wrong": 08 connection exception, 57P operator intervention (admin shutdown, crash
# shutdown, cannot connect now: starting up or shutting down), 53 insufficient resources
# (too many connections, out of memory or disk).
_UNAVAILABLE_SQLSTATES = ("08", "57P", "53")


def is_database_unavailable(error: BaseException | None) -> bool:
    """True for a lost or refused database connection; False for a bad query, a missing
    table or anything else that a retry would not cure (those stay 500s)."""
    if isinstance(error, InterfaceError):
        return True  # "connection already closed": the server went away earlier
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if isinstance(cause, sqlite3.Error):
        text = str(cause)
        return "locked" in text or "unable to open" in text
    sqlstate = getattr(cause, "sqlstate", None)
    # psycopg gives no SQLSTATE when no server answered (refused, reset, closed).
    return sqlstate is None or sqlstate.startswith(_UNAVAILABLE_SQLSTATES)


def is_storage_unavailable(error: BaseException | None) -> bool:
    """True when the S3 endpoint cannot be reached, times out or answers 5xx; a 403 (bad
    credentials, wrong bucket policy) is a configuration error and stays a 500."""
    if isinstance(error, BotoConnectionError | HTTPClientError):  # refused, reset, timed out
        return True
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return status >= 500
    return False


def unavailable_message(error: BaseException | None) -> str | None:
    """The visitor's explanation when `error` means a service is away, else None."""
    if is_database_unavailable(error):
        return _("系统暂时无法访问数据库，请稍后再试。")
    if is_storage_unavailable(error):
        return _("文件存储暂时无法访问，请稍后再试。")
    return None


def _wants_json(request) -> bool:
    return request.path_info.startswith("/api/")


def _json(detail: str, status: int) -> JsonResponse:
    # As the API's own answers (DRF, UNICODE_JSON): Chinese as characters, not \u escapes.
    return JsonResponse(
        {"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def service_unavailable(request, error: BaseException, message: str) -> HttpResponse:
    cause = error.__cause__ or error
    first_line = (str(cause).strip().splitlines() or [""])[0]
    logger.error(
        "%s, answered 503: %s %s (%s: %s)",
        "database unavailable" if is_database_unavailable(error) else "media storage unavailable",
        request.method,
        request.path,
        cause.__class__.__name__,
        first_line,
    )
    if _wants_json(request):
        response = _json(message, 503)
    else:
        # Rendered without the request's context processors (they read the database)
        # and without static files: the page must not need what may be down.
        html = render_to_string(
            "503.html", {"message": message, "csp_nonce": get_nonce(request) or ""}
        )
        response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class UnavailableMiddleware:
    """Turn a lost database or media storage in a view into a clean 503 (module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        message = unavailable_message(exception)
        if message is None:
            return None
        return service_unavailable(request, exception, message)


def server_error(request):
    """handler500: an outage raised outside a view is still a 503; the API answers JSON;
    anything else is Django's plain 500 page."""
    error = sys.exc_info()[1]
    message = unavailable_message(error)
    if message is not None:
        return service_unavailable(request, error, message)
    if _wants_json(request):
        return _json(_("服务器内部错误。"), 500)
    return defaults.server_error(request)  # templates/500.html


def _error_page(request, status: int, heading, explanation, reason: str = ""):
    """A 400, 403 or 404 in the site's frame, in the reader's language, with a way back."""
    context = {"heading": heading, "explanation": explanation, "reason": reason}
    return HttpResponse(
        render_to_string("errors/page.html", context, request=request), status=status
    )


def page_not_found(request, exception):
    """handler404: a URL under /api/ that matches nothing answers JSON like the API's
    own 404s (DRF); a page says so in the site's frame."""
    if _wants_json(request):
        return _json(_("未找到。"), 404)
    return _error_page(
        request,
        404,
        _("页面不存在"),
        _("您要找的页面不存在，可能已被移动或删除，也可能是链接有误。"),
    )


def permission_denied(request, exception):
    """handler403: the reason the check gave (already in the reader's language) on a
    page in the site's frame; JSON under /api/."""
    reason = str(exception) if exception is not None and str(exception) else ""
    if _wants_json(request):
        return _json(reason or _("没有权限。"), 403)
    return _error_page(
        request, 403, _("没有权限"), _("您的账号不能使用此页面或执行此操作。"), reason
    )


def bad_request(request, exception):
    """handler400: a malformed request (a host name the site does not serve, a broken
    form); nothing of the error's details is shown."""
    if _wants_json(request):
        return _json(_("请求无效。"), 400)
    return _error_page(request, 400, _("请求无效"), _("无法处理这个请求，请检查地址后重试。"))


class NotFoundPageMiddleware:
    """With DEBUG on (the default of `make run`), Django answers a 404 with its technical
    page, which lists every URL of the site. A visitor trying the demo gets the site's own
    404 instead; a developer who wants the technical page sets DEBUG_TECHNICAL_404=true.
    With DEBUG off Django calls handler404 itself and this does nothing.

    Two ways a 404 comes: a view raises Http404 (process_exception answers it) or no URL
    matches, in which case no view was resolved (process_view never ran) and the
    technical page that came back is replaced."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _active(self) -> bool:
        return settings.DEBUG and not settings.DEBUG_TECHNICAL_404

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and self._active()
            and not getattr(request, "_jianyan_resolved", False)
        ):
            return page_not_found(request, None)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request._jianyan_resolved = True

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and self._active():
            return page_not_found(request, exception)
        return None
