#!/usr/bin/env bash
# Install what Jianyan needs on a Debian machine. Safe to rerun, and fast when nothing
# changed: apt runs only when a package is missing, pip only when pyproject.toml changed.
#
#   1. Debian packages (LibreOffice, CJK fonts, Redis, Chromium, gettext, ...)
#   2. a Python >= 3.12 virtualenv in .venv (Django 6.1 needs it; Debian 12 ships 3.11)
#   3. exactly the pins of pyproject.toml, with the `test` extra
#   4. scripts/setup-uno.sh, when the document pipeline provides it
#
#   scripts/setup.sh --python-only    steps 2 and 3 alone (what `make lint` needs)
#
# Environment: JIANYAN_PYTHON=/path/to/python3.x forces the interpreter;
# JIANYAN_SKIP_APT=1 skips step 1 (for machines where packages come another way).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
    make gettext redis-server chromium libreoffice-writer-nogui python3-uno
    fonts-noto-cjk libharfbuzz-subset0 poppler-utils libpango-1.0-0 libpangoft2-1.0-0
    fontconfig python3-venv
)
VENV=.venv
STAMP=$VENV/.jianyan-deps

say() { printf '==> %s\n' "$*"; }
die() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

# --- 1. Debian packages -----------------------------------------------------------------
missing_packages() {
    local package
    for package in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' \
            || echo "$package"
    done
}

# Package lists count as fresh when one of them was fetched in the last week.
apt_lists_fresh() {
    [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mtime -7 2>/dev/null)" ]
}

install_apt_packages() {
    if [ "${JIANYAN_SKIP_APT:-}" = 1 ]; then
        return
    fi
    if ! command -v dpkg-query >/dev/null; then
        say "not a Debian system: install these yourself: ${APT_PACKAGES[*]}"
        return
    fi
    local missing
    missing=$(missing_packages | tr '\n' ' ')
    if [ -z "${missing// /}" ]; then
        return
    fi
    local sudo=()
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null || die "missing Debian packages ($missing); run as root or install sudo"
        sudo=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    say "installing Debian packages: $missing"
    local updated=0
    if ! apt_lists_fresh; then
        "${sudo[@]}" apt-get update
        updated=1
    fi
    # shellcheck disable=SC2086  # $missing is a list of package names
    if ! "${sudo[@]}" apt-get install -y --no-install-recommends $missing; then
        # Lists a few days old can name versions the mirror no longer has.
        [ "$updated" = 1 ] && die "apt-get install failed"
        "${sudo[@]}" apt-get update
        # shellcheck disable=SC2086
        "${sudo[@]}" apt-get install -y --no-install-recommends $missing \
            || die "apt-get install failed"
    fi
}

# --- 2. Python >= 3.12 and the virtualenv -----------------------------------------------
python_ok() {
    "$1" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1
}

# The first of python3.13, python3.12, python3 that is >= 3.12, on PATH or in pyenv's
# versions (pyenv's shims are on PATH here but fail for versions not selected globally,
# hence the check by running each candidate).
pick_python() {
    local candidate name
    if [ -n "${JIANYAN_PYTHON:-}" ]; then
        python_ok "$JIANYAN_PYTHON" || die "JIANYAN_PYTHON=$JIANYAN_PYTHON is not a Python >= 3.12 with venv"
        echo "$JIANYAN_PYTHON"
        return
    fi
    for name in python3.13 python3.12 python3; do
        for candidate in "$(command -v "$name" 2>/dev/null)" /root/.pyenv/versions/3.1[23]*/bin/"$name"; do
            if [ -n "$candidate" ] && [ -x "$candidate" ] && python_ok "$candidate"; then
                echo "$candidate"
                return
            fi
        done
    done
    die "no Python >= 3.12 found (looked for python3.13, python3.12, python3 on PATH and in
/root/.pyenv/versions/3.12*, 3.13*). Django 6.1 needs 3.12 or newer; install one, or set
JIANYAN_PYTHON=/path/to/python3.12"
}

make_venv() {
    if [ -x "$VENV/bin/python" ] && python_ok "$VENV/bin/python"; then
        return
    fi
    local python
    python=$(pick_python)
    say "creating $VENV with $python ($("$python" --version 2>&1))"
    "$python" -m venv --clear "$VENV"
    rm -f "$STAMP"
}

# --- 3. pinned Python packages ----------------------------------------------------------
deps_fingerprint() {
    { sha256sum pyproject.toml; "$VENV/bin/python" --version; } | sha256sum | cut -d' ' -f1
}

install_python_packages() {
    local fingerprint
    fingerprint=$(deps_fingerprint)
    if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$fingerprint" ]; then
        return
    fi
    say "installing the Python packages pinned in pyproject.toml"
    local requirements
    requirements=$(mktemp)
    "$VENV/bin/python" scripts/requirements.py test >"$requirements"
    "$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar off -q \
        -r "$requirements"
    rm -f "$requirements"
    echo "$fingerprint" >"$STAMP"
}

python_only=0
[ "${1:-}" = --python-only ] && python_only=1

[ "$python_only" = 1 ] || install_apt_packages
make_venv
install_python_packages
if [ "$python_only" = 0 ] && [ -f scripts/setup-uno.sh ]; then
    bash scripts/setup-uno.sh
fi
