#!/usr/bin/env bash
# make restore: load a folder made by scripts/backup.sh into an EMPTY database and media
# folder (or, with MEDIA_STORAGE=s3, an empty bucket).
#
#   DATABASE_URL=postgres://.../new_db MEDIA_ROOT=/srv/media scripts/restore.sh <folder>
#
# Refuses a database that already has tables or media storage that is not empty: a
# restore never mixes with live data. Create the database first (createdb), then run
# this, then start the web and worker processes.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
SOURCE=${1:?usage: restore.sh <backup-folder>}
: "${DATABASE_URL:?DATABASE_URL must name the empty PostgreSQL database to restore into}"
DB_URL=${DATABASE_URL/#postgres:/postgresql:}
setting() {
    "$PYTHON" -c 'import django, os, sys; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings"); django.setup(); from django.conf import settings; print(getattr(settings, sys.argv[1]))' "$1"
}
MEDIA_STORAGE=$(setting MEDIA_STORAGE)
MEDIA_ROOT=${MEDIA_ROOT:-$(setting MEDIA_ROOT)}

( cd "$SOURCE" && sha256sum --check --quiet SHA256SUMS )

tables=$(psql "$DB_URL" -tAc "select count(*) from information_schema.tables where table_schema = 'public'")
if [ "$tables" != "0" ]; then
  echo "restore: the target database has $tables tables; restore only into an empty one" >&2
  exit 3
fi
if [ "$MEDIA_STORAGE" = s3 ]; then
  # media_archive import refuses a bucket that holds anything; check before pg_restore.
  "$PYTHON" - <<'PY' || exit 3
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.core.files.storage import default_storage
from responses.management.commands.media_archive import stored_names
if next(stored_names(default_storage), None) is not None:
    sys.exit("restore: the media bucket is not empty; restore only into an empty one")
PY
else
  mkdir -p "$MEDIA_ROOT"
  if [ -n "$(ls -A "$MEDIA_ROOT")" ]; then
    echo "restore: $MEDIA_ROOT is not empty; restore only into an empty media folder" >&2
    exit 3
  fi
fi

pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DB_URL" "$SOURCE/db.dump"
if [ "$MEDIA_STORAGE" = s3 ]; then
  "$PYTHON" manage.py media_archive import "$SOURCE/media.tar.gz" -v0
  echo "restored $SOURCE into $DATABASE_URL and the media bucket"
else
  tar -C "$MEDIA_ROOT" -xzf "$SOURCE/media.tar.gz"
  echo "restored $SOURCE into $DATABASE_URL and $MEDIA_ROOT"
fi
