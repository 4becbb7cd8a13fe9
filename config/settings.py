"""Jianyan settings: one module, switched by the environment.

Nothing set gives the embedded default (SQLite, Celery tasks run eagerly in-process,
e-mail to the console). Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL and REDIS_URL; README.md has the full table.
"""

import sys
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import (
    env,
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_mailer,
    env_mapping,
    env_redis,
    env_str,
    env_url,
)
from config.storage import FILESYSTEM, s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("JIANYAN_VAR_DIR", str(BASE_DIR / "var")))

if (BASE_DIR / ".env").exists():
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env_bool("DEBUG", True)
# With DEBUG on, a 404 is still the site's own page unless a developer asks for Django's
# technical one, which lists every URL (config/errors.py NotFoundPageMiddleware).
DEBUG_TECHNICAL_404 = env_bool("DEBUG_TECHNICAL_404", False)
# pytest-django imports settings before any conftest runs, so notice pytest itself.
TESTING = env_bool("JIANYAN_TESTING", "pytest" in sys.modules)

_DEV_SECRET = "dev-only-insecure-key-change-me-7f3a9c1e5b2d4f6a8c0e2b4d6f8a0c2e"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else None)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")
if not DEBUG and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of 50+ characters in production")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The admin, on Jianyan's site: OTP-verified, and never for the audit administrator
    # (accounts/admin_site.py).
    "accounts.admin_apps.JianyanAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    # django-axes, with a Chinese name in the admin (it ships none: staff/apps.py).
    "staff.apps.AxesConfig",
    # Two-factor login for staff and administrators: TOTP, and one-time backup codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The domain, bottom up; each imports only those above it in this list.
    "committees",
    "accounts",
    "proposals",
    "responses",
    # The parts people use, on top of the domain (docs/conventions.md).
    "staff",
    "officer",
    "members",
    "portal",
]
# The demo data (`manage.py loaddemo`) are for trying Jianyan out: installed where DEBUG is
# on and under the tests, left out of a production installation unless asked for.
DEMO_APP = env_bool("DEMO_APP", DEBUG or TESTING)
if DEMO_APP:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    # First: a body larger than REQUEST_MAX_BYTES is refused (413) before anything reads it.
    "config.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A lost database or media storage answers a clean 503 page, not a 500
    # (config/errors.py).
    "config.errors.UnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # ?lang=en on an /api/ URL chooses the answer's language (portal/api/language.py).
    "portal.api.language.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # DEBUG's technical 404 (every URL listed) only for DEBUG_TECHNICAL_404=true.
    "config.errors.NotFoundPageMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed the second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # The request each audit row is about (who, from where), and exports recorded.
    "accounts.middleware.AuditMiddleware",
    # Signed-in pages: Cache-Control private, no-store (config/middleware.py).
    "config.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session time-outs, then the second factor, then an expired
    # password: each sends the user to its page before anything else (accounts/middleware.py).
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.OTPRequiredMiddleware",
    "accounts.middleware.PasswordExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Per-IP limits on search and the API (accounts/ratelimit.py): a clear 429.
    "accounts.ratelimit.RateLimitMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "officer.context_processors.notifications",
                "portal.care.care_mode",
                "committees.context_processors.committee",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jianyan.sqlite3'}")}
DB_CONNECT_TIMEOUT = env_int("DB_CONNECT_TIMEOUT", 5, minimum=1)  # PostgreSQL only
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The worker and the web process share the file: wait for locks instead of failing,
    # and take the write lock at BEGIN so two writers never deadlock on an upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60, minimum=0)
    # A kept connection is checked before its first use in each request, so one broken
    # by a PostgreSQL restart is replaced instead of failing the request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Unreachable server: give up after this many seconds (a clean 503, config/errors.py)
    # rather than holding a web worker until gunicorn's own timeout kills it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache ----------------------------------------------------
REDIS_URL = env_redis("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down must not take pages down: misses instead of errors.
            "BACKEND": "config.cache.FailSafeRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "jianyan"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without REDIS_URL, tasks run eagerly: the same task objects, signatures, retries and
# on_commit queueing, executed in the calling process (see README "Background work").
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULE = {
    "reminder-sweep": {
        "task": "responses.tasks.sweep_reminders_task",
        "schedule": crontab(minute="*/15"),
    },
    # The public list's "most viewed" order reads a copy of the counts (portal.search).
    "view-count-copy": {
        "task": "portal.tasks.refresh_view_counts_task",
        "schedule": crontab(minute="*/10"),
    },
}
CELERY_BEAT_SCHEDULE["security-audit-prune"] = {
    "task": "accounts.tasks.prune_security_audit_task",
    "schedule": crontab(hour=3, minute=17),
}
# config/tasks.py is not an app's tasks module, so autodiscovery does not find it.
CELERY_IMPORTS = ["config.tasks"]
# A failed task is logged with the proposal/assignment it was about (config/task_logging.py).
CELERY_IMPORTS.append("config.task_logging")
CELERY_IMPORTS.append("staff.compilations.tasks")
CELERY_BEAT_SCHEDULE["worker-heartbeat"] = {"task": "config.tasks.heartbeat_task", "schedule": 60}
if TESTING:
    # Tests run tasks eagerly and cache in memory even when REDIS_URL is set (CI sets it):
    # a shared Redis would carry cache state between tests and queue tasks no worker runs.
    # tests/test_celery_worker.py drives a real worker on REDIS_URL explicitly.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True

# --- Auth ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Password policy (GB/T 22239-2019 level 3, accounts/passwords.py). Staff and the
# administrators need PASSWORD_MIN_LENGTH_PRIVILEGED characters, everyone else
# PASSWORD_MIN_LENGTH; PASSWORD_MIN_CHARACTER_CLASSES of upper case, lower case, digits
# and symbols; never the username; none of the last PASSWORD_HISTORY_COUNT passwords.
# A password older than PASSWORD_MAX_AGE_DAYS must be changed before anything else
# (0 turns expiry off).
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 8, minimum=8)
PASSWORD_MIN_LENGTH_PRIVILEGED = env_int("PASSWORD_MIN_LENGTH_PRIVILEGED", 12, minimum=12)
PASSWORD_MIN_CHARACTER_CLASSES = env_int("PASSWORD_MIN_CHARACTER_CLASSES", 3, minimum=3)
if PASSWORD_MIN_CHARACTER_CLASSES > 4:
    raise ImproperlyConfigured("PASSWORD_MIN_CHARACTER_CLASSES must be between 3 and 4")
PASSWORD_HISTORY_COUNT = env_int("PASSWORD_HISTORY_COUNT", 5, minimum=0)
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90, minimum=0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.passwords.RoleMinimumLengthValidator"},
    {"NAME": "accounts.passwords.CharacterClassValidator"},
    {"NAME": "accounts.passwords.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.PasswordHistoryValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:after-login"
LOGOUT_REDIRECT_URL = "public:home"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A signed-in user idle longer than this is signed out (accounts.middleware); and however
# active, a sign-in lasts at most SESSION_ABSOLUTE_TIMEOUT_MINUTES.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
SESSION_ABSOLUTE_TIMEOUT_MINUTES = env_int(
    "SESSION_ABSOLUTE_TIMEOUT_MINUTES", SESSION_COOKIE_AGE // 60, minimum=1
)
# Two-factor login (accounts/otp.py): these roles, superusers and anyone who may open the
# admin must pass a TOTP code (or a backup code) after the password.
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", ["staff", "sysadmin", "secadmin", "auditadmin"])
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "建言")
OTP_BACKUP_CODE_COUNT = 10
# The security audit log (accounts/audit): kept at least 180 days (等保 level 3), then
# pruned by the beat task below.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180, minimum=180)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", not TESTING)
AXES_VERBOSE = False

# --- Rate limits (accounts/ratelimit.py): requests per client IP per minute ---------------
RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", not TESTING)
RATELIMIT_LIMITS = {
    "login": env_int("RATELIMIT_LOGIN_PER_MINUTE", 10, minimum=1),
    "search": env_int("RATELIMIT_SEARCH_PER_MINUTE", 60, minimum=1),
    "api": env_int("RATELIMIT_API_PER_MINUTE", 120, minimum=1),
}
RATELIMIT_TRUST_X_FORWARDED_FOR = env_bool("RATELIMIT_TRUST_X_FORWARDED_FOR", False)

# --- I18N ------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# The empty choice of a django-filter list filter that names none of its own ("---------"
# otherwise). Django's own empty choice, "- Select an option -", and the strings of other
# packages that ship no Chinese are translated in locale/zh_Hans.
FILTERS_EMPTY_CHOICE_LABEL = _("全部")
USE_TZ = True

# --- Files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded originals and rendered PDFs are private: served only through views that
# check permission, never from a public MEDIA_URL. In MEDIA_ROOT, or in an S3-compatible
# bucket that every web and worker host reaches (config/storage.py).
MEDIA_STORAGE = env_choice("MEDIA_STORAGE", "filesystem", ["filesystem", "s3"])
if MEDIA_STORAGE == "s3":
    MEDIA_STORAGE_BACKEND = s3_storage(
        bucket=env_str("S3_BUCKET"),
        endpoint_url=env_url("S3_ENDPOINT_URL"),
        region=env_str("S3_REGION"),
        access_key=env_str("S3_ACCESS_KEY_ID"),
        secret_key=env_str("S3_SECRET_ACCESS_KEY"),
        addressing_style=env_choice("S3_ADDRESSING_STYLE", "", ["auto", "path", "virtual"]),
        prefix=env_str("S3_PREFIX", ""),
        acl=env_choice("S3_DEFAULT_ACL", "private", ["private", "none"]),
    )
else:
    MEDIA_STORAGE_BACKEND = FILESYSTEM
STORAGES = {
    "default": MEDIA_STORAGE_BACKEND,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
REPLY_UPLOAD_MAX_BYTES = env_int("REPLY_UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# A compilation (提案汇编, 答复汇编, 提案目录) of more proposals than this is refused with a
# message (a year is about 600; 600 took 67 s and about 0.8 GB on the 2-core test machine):
# one build's time and memory stay bounded. Each reply's text in a 答复汇编 is cut after
# COMPILATION_MAX_TEXT characters, with a note.
COMPILATION_MAX_PROPOSALS = env_int("COMPILATION_MAX_PROPOSALS", 800, minimum=1)
COMPILATION_MAX_TEXT = env_int("COMPILATION_MAX_TEXT", 30000, minimum=100)
# Request bodies are bounded before anything reads them: a body declared larger than
# REQUEST_MAX_BYTES gets a 413 page at once (config/middleware.py); the largest upload
# (a reply letter, an import file) plus room for the form fits. The proxy in front has the
# same bound (deploy/nginx.conf, client_max_body_size).
REQUEST_MAX_BYTES = env_int(
    "REQUEST_MAX_BYTES",
    max(REPLY_UPLOAD_MAX_BYTES, 10 * 1024 * 1024) + 5 * 1024 * 1024,
    minimum=1024 * 1024,
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # above this an upload goes to a temporary file
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # the form fields, files not counted
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# --- Document rendering ----------------------------------------------------------------
SOFFICE_BINARY = env_str("SOFFICE_BINARY", "soffice")
RENDER_TIMEOUT_SECONDS = env_int("RENDER_TIMEOUT_SECONDS", 60, minimum=5)
UNOSERVER_URL = env_str("UNOSERVER_URL")  # e.g. 127.0.0.1:2003; unset: cold soffice per file

# --- E-mail ----------------------------------------------------------------------------
MAILERS = {"default": env_mailer("EMAIL_URL", "consolemail://")}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "建言 <noreply@jianyan.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[建言] "

# --- SMS (responses/sms/) -------------------------------------------------------------
# Like EMAIL_BACKEND: console (printed), file (JSON lines under SMS_FILE_PATH), locmem
# (tests) or aliyun (Alibaba Cloud SMS). The words are the provider's approved templates:
# SMS_TEMPLATE_CODES maps each kind (registered, assigned, replied) to its template code.
SMS_BACKEND = env_choice(
    "SMS_BACKEND", "locmem" if TESTING else "console", ["console", "file", "locmem", "aliyun"]
)
SMS_FILE_PATH = env_str("SMS_FILE_PATH", str(VAR_DIR / "sms"))
SMS_SIGN_NAME = env_str("SMS_SIGN_NAME", "建言")
SMS_TEMPLATE_CODES = env_mapping("SMS_TEMPLATE_CODES", {})
SMS_MAX_ATTEMPTS = env_int("SMS_MAX_ATTEMPTS", 5, minimum=1)
SMS_TIMEOUT_SECONDS = env_int("SMS_TIMEOUT_SECONDS", 10, minimum=1)
SMS_ALIYUN_ENDPOINT = env_str("SMS_ALIYUN_ENDPOINT", "dysmsapi.aliyuncs.com")
SMS_ALIYUN_ACCESS_KEY_ID = env_str("SMS_ALIYUN_ACCESS_KEY_ID")
SMS_ALIYUN_ACCESS_KEY_SECRET = env_str("SMS_ALIYUN_ACCESS_KEY_SECRET")
if SMS_BACKEND == "aliyun" and not (SMS_ALIYUN_ACCESS_KEY_ID and SMS_ALIYUN_ACCESS_KEY_SECRET):
    raise ImproperlyConfigured(
        "SMS_ALIYUN_ACCESS_KEY_ID and SMS_ALIYUN_ACCESS_KEY_SECRET must be set "
        "when SMS_BACKEND=aliyun"
    )
CELERY_BEAT_SCHEDULE["sms-requeue"] = {"task": "responses.tasks.requeue_sms_task", "schedule": 60}

# --- API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "建言 Jianyan open data API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.document_rate_limit",
        "portal.api.schema.document_language",
    ],
}

# --- Security --------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "frame-src": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "SAMEORIGIN"
# SAMEORIGIN, not DENY: reply PDFs are shown in a same-origin frame (CSP frame-src 'self').
SILENCED_SYSTEM_CHECKS = ["security.W019"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# The language switcher's cookie: no script reads it, and it goes only with same-site
# navigations (and, in production, only over HTTPS).
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging ---------------------------------------------------------------------------
LOG_FORMAT = env_str("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
