"""A malformed environment value stops the start with a message naming the variable.

Each case starts a fresh interpreter (settings are read once per process) with a small,
clean environment, so nothing from the test run or the developer's shell leaks in.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def clean_env(tmp_path: Path, **values: str) -> dict[str, str]:
    """An environment with only what Python needs, the settings module and `values`."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(BASE_DIR),
        JIANYAN_VAR_DIR=str(tmp_path / "var"),
    )
    env.update(values)
    return env


def start_django(tmp_path: Path, **values: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=tmp_path,
        env=clean_env(tmp_path, **values),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_django_starts_with_nothing_set(tmp_path):
    started = start_django(tmp_path)

    assert started.returncode == 0, started.stderr


@pytest.mark.parametrize(
    ("name", "value", "explanation"),
    [
        ("DEBUG", "maybe", "must be true or false"),
        ("DATABASE_URL", "mysql://x", "must be a sqlite:/// or postgres:// URL"),
        ("REDIS_URL", "notaurl", "must be a redis:// or rediss:// URL"),
        ("SESSION_COOKIE_AGE", "abc", "must be a whole number"),
        ("EMAIL_URL", "bogus://", "must be an e-mail URL"),
        ("LOG_FORMAT", "xml", "must be text or json"),
        ("MEDIA_STORAGE", "ftp", "must be one of filesystem, s3"),
        ("DB_CONNECT_TIMEOUT", "soon", "must be a whole number"),
        ("SMS_BACKEND", "pigeon", "must be one of console, file, locmem, aliyun"),
        ("SMS_TEMPLATE_CODES", "assigned:SMS_1", "must be key=value pairs"),
        ("SMS_MAX_ATTEMPTS", "many", "must be a whole number"),
    ],
)
def test_malformed_value_stops_the_start_naming_the_variable(tmp_path, name, value, explanation):
    started = start_django(tmp_path, **{name: value})

    assert started.returncode != 0
    last_line = started.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert name in last_line
    assert explanation in last_line
    assert repr(value) in last_line


@pytest.mark.parametrize(
    ("name", "value", "explanation"),
    [
        # 等保 level 3: audit rows kept 180 days or more, 12+ characters for staff...
        ("AUDIT_RETENTION_DAYS", "90", "must be at least 180, got 90"),
        ("PASSWORD_MIN_LENGTH_PRIVILEGED", "8", "must be at least 12, got 8"),
        ("PASSWORD_MIN_CHARACTER_CLASSES", "2", "must be at least 3, got 2"),
        ("PASSWORD_MIN_CHARACTER_CLASSES", "5", "must be between 3 and 4"),
        ("SESSION_IDLE_TIMEOUT_MINUTES", "0", "must be at least 1, got 0"),
    ],
)
def test_a_security_setting_below_the_standard_stops_the_start(tmp_path, name, value, explanation):
    started = start_django(tmp_path, **{name: value})

    assert started.returncode != 0
    last_line = started.stderr.strip().splitlines()[-1]
    assert name in last_line and explanation in last_line


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    started = start_django(tmp_path, DEBUG="false")

    assert started.returncode != 0
    assert "SECRET_KEY must be set" in started.stderr


def test_production_refuses_a_short_secret_key(tmp_path):
    started = start_django(tmp_path, DEBUG="false", SECRET_KEY="too-short")

    assert started.returncode != 0
    assert "SECRET_KEY must be a random string of 50+ characters" in started.stderr


@pytest.mark.parametrize(
    ("values", "explanation"),
    [
        ({}, "S3_BUCKET must be set when MEDIA_STORAGE=s3"),
        ({"S3_BUCKET": "b", "S3_ENDPOINT_URL": "minio:9000"}, "S3_ENDPOINT_URL must be an http"),
        ({"S3_BUCKET": "b", "S3_ACCESS_KEY_ID": "k"}, "must be set together"),
        ({"S3_BUCKET": "b", "S3_ADDRESSING_STYLE": "dns"}, "S3_ADDRESSING_STYLE must be one of"),
    ],
)
def test_s3_media_storage_is_checked_at_start(tmp_path, values, explanation):
    started = start_django(tmp_path, MEDIA_STORAGE="s3", **values)

    assert started.returncode != 0
    last_line = started.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert explanation in last_line


def test_s3_media_storage_from_the_environment(tmp_path):
    code = (
        "import django; django.setup()\n"
        "from django.core.files.storage import default_storage as s\n"
        "s._setup()\n"
        "print(type(s._wrapped).__name__, s.bucket_name, s.endpoint_url, s.location, s.default_acl,"
        " s.querystring_auth, s.file_overwrite, s.client_config.s3['addressing_style'])"
    )
    started = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=clean_env(
            tmp_path,
            MEDIA_STORAGE="s3",
            S3_BUCKET="jianyan-media",
            S3_ENDPOINT_URL="https://minio.example.org:9000",
            S3_PREFIX="/media/",
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == [
        "S3Storage",
        "jianyan-media",
        "https://minio.example.org:9000",
        "media",
        "private",
        "False",
        "False",
        "path",
    ]


def test_every_setting_read_from_the_environment_is_in_the_readme_table():
    settings_source = (BASE_DIR / "config" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r"\benv_\w+\(\s*\"([A-Z][A-Z0-9_]*)\"", settings_source))
    table_rows = [
        line for line in (BASE_DIR / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `")
    ]  # fmt: skip
    documented = {row.split("`")[1] for row in table_rows}

    assert "DATABASE_URL" in names
    assert names - documented == set(), "add these to README.md's configuration table"


def test_aliyun_sms_without_keys_refuses_to_start(tmp_path):
    started = start_django(tmp_path, SMS_BACKEND="aliyun", SMS_ALIYUN_ACCESS_KEY_ID="k")

    assert started.returncode != 0
    last_line = started.stderr.strip().splitlines()[-1]
    assert "SMS_ALIYUN_ACCESS_KEY_SECRET must be set when SMS_BACKEND=aliyun" in last_line
