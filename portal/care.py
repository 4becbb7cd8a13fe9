"""关怀模式 (care mode, for older readers): larger type, higher contrast, larger targets
and one column, remembered by a cookie and applied by the server, so it works without
JavaScript. The switch is a plain link in every page's header (templates/base.html)
to `switch`, which sets or clears the cookie and sends the reader back.

A page shown in care mode is never a stored public page (portal.pages.servable) and
never kept by a shared cache (config.middleware.PrivatePagesMiddleware)."""

from django.http import HttpResponseRedirect
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

COOKIE_NAME = "jianyan_care"
COOKIE_AGE = 365 * 24 * 3600


def is_on(request) -> bool:
    return request.COOKIES.get(COOKIE_NAME) == "1"


def care_mode(request):
    """Context processor: `care_mode` for the page frame's <html> class and switch."""
    return {"care_mode": is_on(request)}


def safe_next(request) -> str:
    """Where to go back: a path of this site from `next`, else the home page."""
    target = request.GET.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target.startswith("/") else "/"


@require_GET
def switch(request):
    """GET ?on=1 turns care mode on, anything else turns it off; then back to `next`."""
    response = HttpResponseRedirect(safe_next(request))
    add_never_cache_headers(response)
    if request.GET.get("on") == "1":
        response.set_cookie(
            COOKIE_NAME,
            "1",
            max_age=COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    else:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
    return response
