#!/usr/bin/env bash
# shellcheck disable=SC2317  # stop_groups and stop_all run from traps
# `make run`: set up, prepare the database and demo data, then serve Jianyan with a real
# Celery worker and beat. Ctrl-C (or SIGTERM) stops every process this script started.
#
# With no REDIS_URL set, a private redis-server runs on 127.0.0.1:$JIANYAN_REDIS_PORT
# (6390) with its files in var/redis, so the background work goes through a real broker.
# A REDIS_URL (and DATABASE_URL) set by the caller is used as it is.
#
#   HOST=0.0.0.0 PORT=8000 JIANYAN_REDIS_PORT=6390 make run
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

HOST=${HOST:-0.0.0.0}
PORT=${PORT:-8000}
REDIS_PORT=${JIANYAN_REDIS_PORT:-6390}
PY=$ROOT/.venv/bin/python
# make run is the demo: its app is installed even where a .env turns DEBUG off.
export DEMO_APP=${DEMO_APP:-true}
export PYTHONUNBUFFERED=1

say() { printf '==> %s\n' "$*"; }
die() { printf 'run: ERROR: %s\n' "$*" >&2; exit 1; }

port_in_use() {
    "$PY" - "$1" <<'EOF'
import socket, sys
with socket.socket() as sock:
    sys.exit(0 if sock.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
EOF
}

# --- children: each in its own session, so stopping one stops its whole process tree -----
declare -A NAMES=()
PIDS=()

start() {
    local name=$1
    shift
    # The prefix tells the interleaved logs apart; `sed -u` keeps them line by line.
    # sed ignores Ctrl-C so the logs of the shutdown still get through.
    setsid "$@" > >(trap '' INT TERM; exec sed -u "s/^/[$name] /") 2>&1 &
    PIDS+=("$!")
    NAMES[$!]=$name
}

# TERM each process group, wait up to $1 tenths of a second for all of them, then KILL.
# Written with if/then throughout: under `set -e` a `test && return` that falls through
# at the end of a function makes bash leave the EXIT trap early, and the processes stopped
# after that point (Redis, last) were left running.
stop_groups() {
    local tenths=$1 pid alive
    shift
    if [ $# -eq 0 ]; then
        return 0
    fi
    for pid in "$@"; do
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    for _ in $(seq 1 "$tenths"); do
        alive=0
        for pid in "$@"; do
            if kill -0 -- "-$pid" 2>/dev/null; then
                alive=1
            fi
        done
        if [ "$alive" = 0 ]; then
            return 0
        fi
        sleep 0.1
    done
    for pid in "$@"; do
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    return 0
}

stopped=0
stop_all() {
    set +e  # stopping goes on whatever one step says
    if [ "$stopped" = 1 ]; then
        return 0
    fi
    stopped=1
    if [ ${#PIDS[@]} -eq 0 ]; then
        return 0
    fi
    say "stopping ${NAMES[*]}"
    local pid redis=() others=()
    for pid in "${PIDS[@]}"; do
        if [ "${NAMES[$pid]}" = redis ]; then redis+=("$pid"); else others+=("$pid"); fi
    done
    # Redis last, so the worker's warm shutdown can still acknowledge its task. Celery
    # finishes the task in hand on SIGTERM: give it 15 s, then insist.
    stop_groups 150 "${others[@]}"
    stop_groups 50 "${redis[@]}"
    wait 2>/dev/null || true
}
trap stop_all EXIT
# Ctrl-C is the way to stop a running site (status 0); during the setup it is a failure.
interrupted=130
trap 'exit $interrupted' INT
trap 'exit 143' TERM

# --- setup and the database ---------------------------------------------------------------
bash scripts/setup.sh
port_in_use "$PORT" && die "port $PORT is in use (another 'make run'?); set PORT=... to use another"
mkdir -p var/redis var/celery

if [ -z "${REDIS_URL:-}" ]; then
    port_in_use "$REDIS_PORT" \
        && die "port $REDIS_PORT is in use; stop that process or set JIANYAN_REDIS_PORT=..."
    start redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$ROOT/var/redis" \
        --save 60 1 --appendonly no --loglevel warning
    export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
    for _ in $(seq 1 100); do
        redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
        sleep 0.1
    done
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || die "redis-server did not start on port $REDIS_PORT"
fi
say "Redis: $REDIS_URL"

# The document pipeline's warm LibreOffice, when it is there, started early so loaddemo's
# renders can use it too; the worker finds it through UNOSERVER_URL and falls back to a
# cold soffice per file until it is up.
if [ -f scripts/start-unoserver.sh ] && [ -z "${UNOSERVER_URL:-}" ]; then
    export UNOSERVER_PORT=${UNOSERVER_PORT:-2003}
    port_in_use "$UNOSERVER_PORT" && die "port $UNOSERVER_PORT (unoserver) is in use; set UNOSERVER_PORT=..."
    start unoserver bash scripts/start-unoserver.sh
    export UNOSERVER_URL=127.0.0.1:$UNOSERVER_PORT
fi

say "migrating the database"
"$PY" manage.py migrate --noinput
bash scripts/compilemessages.sh
"$PY" manage.py collectstatic --noinput -v 0
say "loading the demo data"
"$PY" manage.py loaddemo || die "manage.py loaddemo failed (see above); the demo needs it"

# --- the processes --------------------------------------------------------------------------
start worker "$ROOT/.venv/bin/celery" -A config worker --loglevel INFO --concurrency 2
start beat "$ROOT/.venv/bin/celery" -A config beat --loglevel INFO \
    --schedule "$ROOT/var/celery/beat-schedule"
start web "$PY" manage.py runserver "$HOST:$PORT"

for _ in $(seq 1 300); do
    port_in_use "$PORT" && break
    [ -e "/proc/${PIDS[-1]}" ] || break
    sleep 0.2
done
port_in_use "$PORT" || die "the web server did not come up on port $PORT"

cat <<EOF

==> Jianyan is running: http://127.0.0.1:$PORT/  (listening on $HOST:$PORT)
    The demo logins were printed above by loaddemo.
    Celery worker and beat are running on $REDIS_URL. Ctrl-C stops everything.

EOF

# Stay until Ctrl-C, or until one process dies: then stop the rest, loudly.
interrupted=0
set +e
wait -n -p exited "${PIDS[@]}"
status=$?
say "${NAMES[$exited]:-a process} exited with status $status; stopping the others" >&2
exit 1
