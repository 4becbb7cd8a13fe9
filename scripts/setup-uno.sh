#!/usr/bin/env bash
# Make var/venv-uno, the interpreter for unoserver (a warm LibreOffice for the render worker).
#
# unoserver must `import uno`, which only Debian's python3-uno provides, for Debian's
# /usr/bin/python3 (3.11); our app runs on 3.12 and talks to it over XML-RPC. So this
# venv is made from /usr/bin/python3 with --system-site-packages and holds only unoserver,
# pinned to the version in pyproject.toml (under var/, so never committed). Also seeds
# the LibreOffice profile unoserver uses (var/unoserver/profile) with our settings: no
# macros, no link updates.
# Safe to rerun; fast when nothing changed. Called by scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

UNO_VENV=${UNO_VENV:-var/venv-uno}
SYSTEM_PYTHON=${UNO_PYTHON:-/usr/bin/python3}
PROFILE=${UNOSERVER_PROFILE:-var/unoserver/profile}

say() { printf '==> %s\n' "$*"; }
die() { printf 'setup-uno: ERROR: %s\n' "$*" >&2; exit 1; }

version=$(sed -n 's/.*"unoserver==\([^"]*\)".*/\1/p' pyproject.toml | head -n 1)
[ -n "$version" ] || die "no unoserver pin in pyproject.toml"
[ -x "$SYSTEM_PYTHON" ] || die "$SYSTEM_PYTHON not found (Debian's python3)"
"$SYSTEM_PYTHON" -c 'import uno' 2>/dev/null \
    || die "$SYSTEM_PYTHON cannot import uno: apt-get install python3-uno"

installed=$("$UNO_VENV/bin/python" -c \
    'import importlib.metadata as m; print(m.version("unoserver"))' 2>/dev/null || true)
if [ "$installed" != "$version" ]; then
    say "making $UNO_VENV (unoserver $version on $("$SYSTEM_PYTHON" --version))"
    rm -rf "$UNO_VENV"
    "$SYSTEM_PYTHON" -m venv --system-site-packages "$UNO_VENV"
    "$UNO_VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar off -q \
        "unoserver==$version"
fi
"$UNO_VENV/bin/python" -c 'import uno, unoserver.server' \
    || die "$UNO_VENV cannot import uno and unoserver"

template=responses/documents/lo_profile/registrymodifications.xcu
if [ ! -f "$PROFILE/user/registrymodifications.xcu" ] \
    || [ "$template" -nt "$PROFILE/user/registrymodifications.xcu" ]; then
    rm -rf "$PROFILE"
    mkdir -p "$PROFILE/user"
    cp "$template" "$PROFILE/user/registrymodifications.xcu"
fi
