"""Site-wide response and request rules (config/settings.py MIDDLEWARE says where)."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

from portal import care


class PrivatePagesMiddleware:
    """Whatever a signed-in user is shown may be confidential (unpublished proposals,
    draft replies, names and phone numbers): no shared or browser cache keeps a copy
    (`Cache-Control: private, no-store`). Anonymous visitors get the public pages as
    they are, cacheable.

    Signed in means "sent a session cookie": a login makes one (public pages set
    none), and deciding by the cookie reads no session, so it costs no query, works while
    the database is away (config/errors.py still answers its 503) and adds no
    `Vary: Cookie` of its own. A page shown in care mode (portal/care.py) is the
    reader's own look: `private`, so a shared cache never hands it to someone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            add_never_cache_headers(response)
        elif care.COOKIE_NAME in request.COOKIES:
            patch_cache_control(response, private=True)
        return response


class RequestSizeLimitMiddleware:
    """A request whose body is declared larger than REQUEST_MAX_BYTES is answered 413
    before anything reads it: no one, signed in or not, makes a worker take in 100 MB.
    (A body sent without a length is bounded by the proxy, deploy/nginx.conf, and by
    Django's DATA_UPLOAD_* limits.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.REQUEST_MAX_BYTES
        if declared > limit:
            return too_large(request, declared, limit)
        return self.get_response(request)


def too_large(request, size: int, limit: int) -> HttpResponse:
    message = _("提交的内容过大（%(size)s），上限为 %(limit)s。请压缩或拆分文件后重试。") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
    }
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    title = _("内容过大")
    return HttpResponse(
        f'<!doctype html><html lang="zh-hans"><meta charset="utf-8">'
        f"<title>413 {title}</title><h1>413 {title}</h1><p>{message}</p></html>",
        status=413,
        content_type="text/html; charset=utf-8",
    )
