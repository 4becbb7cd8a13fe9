#!/usr/bin/env bash
# make backup: the PostgreSQL database (pg_dump custom format) and the media (uploaded
# letters, rendered PDFs) into one dated folder.
#
#   DATABASE_URL=postgres://... scripts/backup.sh [target-folder]
#
# Default target: $BACKUP_DIR (var/backups)/<UTC timestamp>. Prints the folder made.
# Media: MEDIA_ROOT is archived with tar; with MEDIA_STORAGE=s3 the bucket's objects are
# downloaded into the same media.tar.gz (`manage.py media_archive export`).
# Consistency: pg_dump takes a snapshot; media files are only ever added (a re-render
# writes a new PDF), so an archive taken just after the dump holds every file it names.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "backup: DATABASE_URL is not PostgreSQL ($DATABASE_URL)" >&2; exit 2 ;;
esac
DB_URL=${DATABASE_URL/#postgres:/postgresql:}

setting() {
    "$PYTHON" -c 'import django, os, sys; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings"); django.setup(); from django.conf import settings; print(getattr(settings, sys.argv[1]))' "$1"
}
MEDIA_STORAGE=$(setting MEDIA_STORAGE)
MEDIA_ROOT=${MEDIA_ROOT:-$(setting MEDIA_ROOT)}
TARGET=${1:-${BACKUP_DIR:-var/backups}/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$TARGET"

pg_dump --format=custom --no-owner --no-privileges --file="$TARGET/db.dump" "$DB_URL"
if [ "$MEDIA_STORAGE" = s3 ]; then
  "$PYTHON" manage.py media_archive export "$TARGET/media.tar.gz" -v0
elif [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$TARGET/media.tar.gz" .
else
  tar -czf "$TARGET/media.tar.gz" --files-from /dev/null
fi
( cd "$TARGET" && sha256sum db.dump media.tar.gz > SHA256SUMS )
echo "$TARGET"
