#!/usr/bin/env bash
# Compile every locale/*.po of the project into .mo (the .mo files are not committed).
# Skips the virtualenv and var/, which Django's command would otherwise walk too.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "$(find . \( -path ./.venv -o -path ./var -o -path ./.git \) -prune -o -name '*.po' -print -quit)" ]; then
    exit 0
fi
.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=var --ignore=.git -v 0
