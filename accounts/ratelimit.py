"""A small fixed-window rate limiter on the cache: N requests per client IP per minute.

Applied to login and password reset (decorator in accounts/urls.py) and to search, the
API and the admin's login (RateLimitMiddleware, by path), so a scraper or a password
guesser gets a clear 429 instead of slowing the site for everyone. Limits come from
settings (RATELIMIT_*, env overridable); RATELIMIT_ENABLED is off in tests except the
limiter's own test.

If the cache is down the request is let through: a rate limit must never take the site
down with it.
"""

import logging
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60
ADMIN_LOGIN_PATH = "/admin/login/"  # config/urls.py mounts the admin at /admin/
DEFAULT_LIMITS = {"login": 10, "search": 60, "api": 120}


def limit_for(scope: str) -> int:
    return getattr(settings, "RATELIMIT_LIMITS", {}).get(scope, DEFAULT_LIMITS[scope])


def client_ip(request) -> str:
    # Behind the reverse proxy (deploy/) the proxy's address is REMOTE_ADDR; trust
    # X-Forwarded-For only when settings say a proxy is in front.
    if getattr(settings, "RATELIMIT_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(scope: str, request) -> bool:
    """Count this request; True while the client is within its limit."""
    if not getattr(settings, "RATELIMIT_ENABLED", True):
        return True
    window = int(time.time() // WINDOW_SECONDS)
    key = f"ratelimit:{scope}:{client_ip(request)}:{window}"
    try:
        # add() then incr(): atomic on Redis, so parallel workers share one count.
        cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
        count = cache.incr(key)
    except Exception:  # noqa: BLE001 - cache down or key evicted: fail open
        logger.warning("rate limiter: cache unavailable, request let through", exc_info=True)
        return True
    return count <= limit_for(scope)


def too_many(request, scope: str) -> HttpResponse:
    message = _("请求过于频繁，请稍后再试。")
    retry_after = str(WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS)
    if scope == "api":
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = HttpResponse(
            f'<!doctype html><html lang="zh-hans"><meta charset="utf-8">'
            f"<title>429</title><h1>429</h1><p>{message}</p></html>",
            status=429,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = retry_after
    return response


def ratelimit(scope: str, *, methods=("POST",)):
    """Limit a view for the given methods (login: only attempts count, not page views)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods and not hit(scope, request):
                return too_many(request, scope)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class RateLimitMiddleware:
    """Search (?q= on the public list), every API request and attempts at the admin's
    login, by path."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scope = self.scope_of(request)
        if scope and not hit(scope, request):
            return too_many(request, scope)
        return self.get_response(request)

    @staticmethod
    def scope_of(request) -> str | None:
        path = request.path_info
        if path.startswith("/api/"):
            return "api"
        if request.method == "POST" and path == ADMIN_LOGIN_PATH:
            # The admin's own login is a second door to the same accounts: the same
            # per-IP limit as the site login (django-axes covers both by its backend).
            return "login"
        if request.GET.get("q") and path.startswith(("/proposals/", "/staff/proposals/")):
            return "search"
        return None
