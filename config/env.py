"""Strict readers for environment settings.

django-environ parses URLs well but treats any unknown boolean as False and lets a
typo in an integer reach the first request. These wrappers fail at start with
ImproperlyConfigured and say which variable is wrong and what was expected.
"""

from urllib.parse import urlparse

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = env.str(name, default=None)
    return None if value is None else value.strip()


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


def env_str(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value is None or value == "" else value


def env_choice(name: str, default: str, choices: list[str]) -> str:
    value = _raw(name)
    if value is None or value == "":
        return default
    if value.lower() not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value.lower()


def env_url(name: str) -> str | None:
    """An http:// or https:// address with a host, or None when unset."""
    url = env_str(name)
    if url is None:
        return None
    parsed = urlparse(url)
    try:
        parsed.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a malformed port: {url!r}") from None
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise ImproperlyConfigured(
            f"{name} must be an http:// or https:// URL, got {url!r} "
            "(example: https://s3.example.org)"
        )
    return url


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


_DB_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}


def env_database(name: str, default: str) -> dict:
    url = env_str(name, default)
    scheme = urlparse(url).scheme
    if scheme not in _DB_SCHEMES:
        raise ImproperlyConfigured(
            f"{name} must be a sqlite:/// or postgres:// URL, got {url!r} "
            "(example: postgres://user:password@127.0.0.1:5432/jianyan)"
        )
    config = environ.Env.db_url_config(url)
    if config["ENGINE"].endswith("postgresql") and not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} names no database: {url!r}")
    return config


_REDIS_SCHEMES = {"redis", "rediss", "unix"}


def env_redis(name: str) -> str | None:
    url = env_str(name)
    if url is None:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in _REDIS_SCHEMES or (parsed.scheme != "unix" and not parsed.hostname):
        raise ImproperlyConfigured(
            f"{name} must be a redis:// or rediss:// URL, got {url!r} "
            "(example: redis://127.0.0.1:6379/0)"
        )
    try:
        parsed.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a malformed port: {url!r}") from None
    return url


_MAILER_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
    "EMAIL_FILE_PATH": "file_path",
}


def env_mailer(name: str, default: str) -> dict:
    """An e-mail URL (smtp://user:pass@host:587, consolemail://, filemail:///path,
    memorymail://) as one Django 6.1 MAILERS entry."""
    url = env_str(name, default)
    # django-environ raises ImproperlyConfigured itself for an unknown scheme, without
    # naming the variable: re-raise every parse error with the variable's name.
    try:
        config = environ.Env.email_url_config(url)
    except (KeyError, ValueError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(
            f"{name} must be an e-mail URL such as smtp://user:pass@host:587 or "
            f"consolemail://, got {url!r} ({exc})"
        ) from None
    backend = config["EMAIL_BACKEND"]
    options = {
        option: config[key]
        for key, option in _MAILER_OPTIONS.items()
        if key in config and config[key] not in (None, "")
    }
    if not backend.endswith("smtp.EmailBackend"):
        options = {k: v for k, v in options.items() if k == "file_path"}
    elif not options.get("host"):
        raise ImproperlyConfigured(f"{name} names no SMTP host: {url!r}")
    return {"BACKEND": backend, "OPTIONS": options}


def env_mapping(name: str, default: dict[str, str]) -> dict[str, str]:
    """`key=value,key=value` as a dict (e.g. SMS_TEMPLATE_CODES=assigned=SMS_1,replied=SMS_2)."""
    value = _raw(name)
    if value is None or value == "":
        return default
    mapping = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        key, sep, val = item.partition("=")
        if not sep or not key.strip() or not val.strip():
            raise ImproperlyConfigured(
                f"{name} must be key=value pairs separated by commas "
                f"(example: assigned=SMS_123,replied=SMS_456), got {value!r}"
            )
        mapping[key.strip()] = val.strip()
    return mapping
