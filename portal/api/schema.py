"""What the generated OpenAPI schema must say beyond what drf-spectacular infers.

Imported by proposals/api/views.py, so the extension below is registered before any
schema is generated; the hook runs from SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"].
"""

from drf_spectacular.contrib.django_filters import DjangoFilterExtension


class EmptyMeansAnyFilterExtension(DjangoFilterExtension):
    """A FilterSet filter treats an empty value as not given (?category=&q= is what the
    list page's form sends): allowEmptyValue says so, else `?kind=` would be documented
    as invalid and yet answered 200 (found by schemathesis)."""

    priority = 1  # ahead of drf-spectacular's own DjangoFilterExtension

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        parameters = super().get_schema_operation_parameters(auto_schema, *args, **kwargs)
        for parameter in parameters:
            parameter["allowEmptyValue"] = True
        return parameters


def document_rate_limit(result, generator, request, public):
    """accounts/ratelimit.py answers every /api/ path with a JSON 429 and Retry-After
    beyond RATELIMIT_API_PER_MINUTE requests a minute; say so on each operation."""
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for operation in operations.values():
            operation["responses"].setdefault(
                "429",
                {
                    "description": "Too many requests from this address; retry later",
                    "headers": {
                        "Retry-After": {
                            "schema": {"type": "integer"},
                            "description": "Seconds until the limit resets",
                        }
                    },
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            )
    return result


LANGUAGE_PARAMETER = {
    "in": "query",
    "name": "lang",
    "required": False,
    "allowEmptyValue": True,
    "schema": {"type": "string"},
    "description": "Language of the answer, error messages included: zh-hans (the default) "
    "or en; any other value is ignored. Accept-Language works too (portal/api/language.py)",
}


def document_language(result, generator, request, public):
    """Every /api/ operation takes ?lang= (portal.api.language.ApiLanguageMiddleware)."""
    for path, operations in result.get("paths", {}).items():
        if path.startswith("/api/"):
            for operation in operations.values():
                operation.setdefault("parameters", []).append(dict(LANGUAGE_PARAMETER))
    return result
