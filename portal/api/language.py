"""The API answers in the language the request asks for: `?lang=en` (or zh-hans) on any
/api/ URL, else Accept-Language (LocaleMiddleware), else Chinese. Error messages (400,
404, 429) are composed in it; LocaleMiddleware says which in Content-Language.
"""

from django.utils import translation

API_PREFIX = "/api/"


class ApiLanguageMiddleware:
    """After LocaleMiddleware, before the rate limiter (whose 429 is worded in it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        asked = request.GET.get("lang", "") if request.path_info.startswith(API_PREFIX) else ""
        language = _supported(asked)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def _supported(code: str) -> str | None:
    if not code or len(code) > 16:
        return None
    try:
        return translation.get_supported_language_variant(code.lower())
    except LookupError:
        return None
