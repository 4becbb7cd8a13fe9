#!/usr/bin/env bash
# `make test`: set up, compile messages, then run the whole pytest suite.
#
# Unit tests run on 2 processes (pytest-xdist); tests marked e2e, worker or slow
# (a browser, a Celery worker, LibreOffice) run afterwards on one process, so they
# neither fight over the 2 cores nor over a LibreOffice profile. The last line adds
# both runs up; no test at all counts as a failure.
#
#   make test                       the whole suite
#   make test ARGS="tests/test_x.py -k name"   one pytest run with these arguments
#   PYTEST_WORKERS=0 make test      no xdist
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/compilemessages.sh

PYTEST=(.venv/bin/python -m pytest)
RESULTS=var/test-results
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

failed=0
# pytest exit codes: 0 all passed, 1 some failed, 5 none collected (judged by the total
# below); anything else (interrupted, internal or usage error) is a failure by itself.
run_pytest() {
    local name=$1
    shift
    local rc=0
    "${PYTEST[@]}" --junitxml="$RESULTS/$name.xml" --durations=5 "$@" || rc=$?
    case $rc in
        0 | 5) ;;
        1) failed=1 ;;
        *) echo "test: pytest ($name) exited with $rc" >&2; failed=1 ;;
    esac
}

if [ $# -gt 0 ]; then
    run_pytest selected "$@"
else
    SERIAL="e2e or worker or slow"
    workers=${PYTEST_WORKERS:-2}
    xdist=()
    [ "$workers" -gt 0 ] && xdist=(-n "$workers")
    # Serial ones first so the last pytest summary is the big run's.
    run_pytest serial -m "$SERIAL"
    run_pytest unit -m "not ($SERIAL)" "${xdist[@]}"
fi

shopt -s nullglob
reports=("$RESULTS"/*.xml)
if [ ${#reports[@]} -eq 0 ]; then
    echo "test: ERROR: pytest wrote no report" >&2
    exit 1
fi
.venv/bin/python scripts/junit_summary.py "${reports[@]}" || failed=1
exit $failed
