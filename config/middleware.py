"""Site-wide response and request rules (config/settings.py MIDDLEWARE says where)."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class PrivatePagesMiddleware:
    """Whatever a signed-in user is shown may be confidential (unpublished proposals,
    draft replies, names and phone numbers): no shared or browser cache keeps a copy
    (`Cache-Control: private, no-store`). Anonymous visitors get the public pages as
    they are, cacheable; the check reads the session only when its cookie was sent, so
    those pages do not become `Vary: Cookie` because of it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
