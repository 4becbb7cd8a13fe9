"""Production settings pass Django's deployment checklist (`check --deploy`) cleanly."""

import secrets
import subprocess
import sys

from tests.test_settings_env import BASE_DIR, clean_env


def production_env(tmp_path, **overrides: str) -> dict[str, str]:
    production = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "jianyan.example.org",
        "EMAIL_URL": "smtp://jianyan:secret@smtp.example.org:587",
    }
    return clean_env(tmp_path, **(production | overrides))


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    checked = check_deploy(production_env(tmp_path))

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


def test_deployment_checklist_catches_hsts_turned_off(tmp_path):
    checked = check_deploy(production_env(tmp_path, SECURE_HSTS_SECONDS="0"))

    assert checked.returncode != 0
    assert "security.W004" in checked.stderr


def test_deployment_checklist_refuses_console_mail_in_production(tmp_path):
    checked = check_deploy(production_env(tmp_path, EMAIL_URL="consolemail://"))

    assert checked.returncode != 0
    assert "mail.E001" in checked.stderr
