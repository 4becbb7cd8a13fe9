"""`make backup` then `make restore` into an EMPTY PostgreSQL database and media folder
brings back every proposal, reply and letter, byte for byte.

Backups are pg_dump, so this runs where DATABASE_URL is PostgreSQL (CI, and
DATABASE_URL=postgres://... locally); on SQLite there is nothing to back up this way and
the module defines no test.
"""

import hashlib
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tests.public_data import attach_document, make_published

# One restore database for the module: run serially (scripts/test.sh runs `slow` alone).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
RESTORE_DB = f"{settings.DATABASES['default']['NAME']}_restore"


def _url(name):
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _run(script, *args, env):
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / script), *args],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def empty_restore_database():
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{RESTORE_DB}"')
        admin.execute(f'CREATE DATABASE "{RESTORE_DB}"')
    yield _url(RESTORE_DB)
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{RESTORE_DB}" WITH (FORCE)')


if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):

    @pytest.mark.django_db(transaction=True)
    def test_a_backup_restores_into_an_empty_database_with_everything(
        tmp_path, settings, agency, sponsor, session, empty_restore_database
    ):
        settings.MEDIA_ROOT = tmp_path / "media"
        proposal = make_published(
            title="关于备份恢复的建议", session=session, sponsor=sponsor, agency=agency
        )
        document = attach_document(proposal.reply)
        original_sha = hashlib.sha256(document.original.read()).hexdigest()
        live_db = _url(connection.settings_dict["NAME"])

        folder = _run(
            "backup.sh",
            str(tmp_path / "backup"),
            env={"DATABASE_URL": live_db, "MEDIA_ROOT": str(settings.MEDIA_ROOT)},
        )
        restored_media = tmp_path / "restored-media"
        _run(
            "restore.sh",
            folder,
            env={"DATABASE_URL": empty_restore_database, "MEDIA_ROOT": str(restored_media)},
        )

        with psycopg.connect(empty_restore_database) as restored:
            title = restored.execute(
                "select title from proposals_proposal where id = %s", [proposal.pk]
            ).fetchone()
            replies = restored.execute("select count(*) from responses_reply").fetchone()
            path = restored.execute(
                "select original from responses_replydocument where id = %s", [document.pk]
            ).fetchone()
            migrations = restored.execute("select count(*) from django_migrations").fetchone()
        assert title == ("关于备份恢复的建议",)
        assert replies == (1,)
        assert migrations[0] > 0
        restored_bytes = (restored_media / path[0]).read_bytes()
        assert hashlib.sha256(restored_bytes).hexdigest() == original_sha

    @pytest.mark.django_db(transaction=True)
    def test_restore_refuses_a_database_that_is_not_empty(tmp_path, empty_restore_database):
        live_db = _url(connection.settings_dict["NAME"])
        folder = _run(
            "backup.sh",
            str(tmp_path / "backup"),
            env={"DATABASE_URL": live_db, "MEDIA_ROOT": str(tmp_path / "none")},
        )
        env = {"DATABASE_URL": empty_restore_database, "MEDIA_ROOT": str(tmp_path / "m")}
        _run("restore.sh", folder, env=env)
        again = subprocess.run(
            ["bash", str(ROOT / "scripts" / "restore.sh"), folder],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", **env, "MEDIA_ROOT": str(tmp_path / "m2")},
            capture_output=True,
            text=True,
        )
        assert again.returncode == 3
        assert "empty" in again.stderr
