#!/usr/bin/env bash
# Run a warm LibreOffice for the render worker (unoserver, XML-RPC on 127.0.0.1:2003), in
# the foreground, restarting it whenever it exits. The worker uses it when UNOSERVER_URL
# is set (e.g. UNOSERVER_URL=127.0.0.1:2003) and falls back to a cold soffice per file
# when it is not reachable, so a restart costs a few slow renders, never a failure.
#
# unoserver kills its LibreOffice and exits when a conversion passes --conversion-timeout
# (kept below RENDER_TIMEOUT_SECONDS, the worker's own limit) and after --stop-after
# conversions (LibreOffice grows over time); this loop starts it again. Memory is bounded
# with ulimit -v. Fonts: deploy/fonts.conf prefers the Simplified Chinese Noto CJK faces.
#
#   UNOSERVER_PORT=2003 UNOSERVER_UNO_PORT=2002 bash scripts/start-unoserver.sh
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

UNO_VENV=${UNO_VENV:-$ROOT/var/venv-uno}
PORT=${UNOSERVER_PORT:-2003}
# 127.0.0.1 on one machine; docker-compose sets 0.0.0.0 so the worker container reaches it.
INTERFACE=${UNOSERVER_INTERFACE:-127.0.0.1}
UNO_PORT=${UNOSERVER_UNO_PORT:-2002}
PROFILE=${UNOSERVER_PROFILE:-$ROOT/var/unoserver/profile}
TIMEOUT=$(( ${RENDER_TIMEOUT_SECONDS:-60} > 15 ? ${RENDER_TIMEOUT_SECONDS:-60} - 5 : 10 ))
STOP_AFTER=${UNOSERVER_STOP_AFTER:-500}
MEMORY_KB=${UNOSERVER_MEMORY_KB:-4194304}

[ -x "$UNO_VENV/bin/unoserver" ] || bash scripts/setup-uno.sh || exit 1
mkdir -p "$ROOT/var/unoserver/tmp"
if [ ! -f "$PROFILE/user/registrymodifications.xcu" ]; then
    mkdir -p "$PROFILE/user"
    cp responses/documents/lo_profile/registrymodifications.xcu "$PROFILE/user/"
fi

export FONTCONFIG_FILE=$ROOT/deploy/fonts.conf
export SAL_USE_VCLPLUGIN=svp
export HOME=$ROOT/var/unoserver
ulimit -v "$MEMORY_KB"
ulimit -c 0

# unoserver and its LibreOffice run in their own process group, so a stop or a restart
# takes all of them (a crashed LibreOffice can leave oosplash holding the UNO port).
child=
stopping=0
stop() {
    stopping=1
    [ -n "$child" ] && kill -TERM -- "-$child" 2>/dev/null
}
reap() {
    local _
    for _ in $(seq 1 100); do
        kill -0 -- "-$child" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL -- "-$child" 2>/dev/null
    wait "$child" 2>/dev/null
}
trap stop INT TERM

while [ "$stopping" = 0 ]; do
    setsid "$UNO_VENV/bin/unoserver" --interface "$INTERFACE" --port "$PORT" \
        --uno-interface 127.0.0.1 --uno-port "$UNO_PORT" \
        --user-installation "$PROFILE" --temp-dir "$ROOT/var/unoserver/tmp" \
        --conversion-timeout "$TIMEOUT" --stop-after "$STOP_AFTER" &
    child=$!
    wait "$child"
    status=$?
    [ "$stopping" = 1 ] && { reap; break; }
    kill -KILL -- "-$child" 2>/dev/null
    child=
    echo "start-unoserver: unoserver exited with status $status; restarting" >&2
    sleep 1
done
