"""Smoke test of `make run` in a clone: it serves the demo, and stops without leftovers.

    python .ci/smoke_run.py CLONE            start, check, Ctrl-C, check nothing is left
    python .ci/smoke_run.py CLONE --broken   a `make run` that fails half-way (its
                                             database is unreachable) must exit non-zero
                                             and leave nothing behind either

`make run` is started in its own process group, as a terminal would; SIGINT to that group
is Ctrl-C. "Left behind" is any process whose environment carries this run's mark (all
that `make run` started, and what those started), or anything still listening on the
ports `make run` uses. Runs with the standard library only.
"""

import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

START_SECONDS = 1200  # setup (already done by `make test`), migrate, loaddemo with renders
STOP_SECONDS = 60
BROKEN_SECONDS = 600


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def get(url: str, timeout: float = 30) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def processes_marked(token: str) -> list[str]:
    """Processes that carry `token` in their environment: everything `make run` started,
    and everything those started in turn, whatever became of their parents."""
    found = []
    needle = f"JIANYAN_SMOKE_TOKEN={token}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "\nState:\tZ" in status:
            continue
        found.append(f"{entry.name}: {cmdline.strip()[:160]}")
    return found


def start(clone: Path, env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        ["make", "run"],
        cwd=clone,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own group: SIGINT to it is Ctrl-C in a terminal
    )


def fail(message: str, log: Path) -> None:
    print(f"smoke: FAILED: {message}", file=sys.stderr)
    print(f"--- last lines of {log} ---", file=sys.stderr)
    print("\n".join(log.read_text(errors="replace").splitlines()[-40:]), file=sys.stderr)
    sys.exit(1)


def check_left(token: str, ports: list[int], log: Path) -> None:
    """make itself may exit before its script has stopped everything: allow the script
    STOP_SECONDS in all, then nothing of the clone may be running or listening."""
    deadline = time.monotonic() + STOP_SECONDS
    while True:
        left = processes_marked(token)
        busy = [port for port in ports if listening(port)]
        if not left and not busy:
            return
        if time.monotonic() > deadline:
            fail(f"left behind: processes {left}, ports still listening {busy}", log)
        time.sleep(0.5)


def check_demo(base: str, log: Path) -> None:
    status, _headers, body = get(f"{base}/healthz")
    if status != 200:
        fail(f"/healthz answered {status}: {body[:200]!r}", log)
    status, _headers, body = get(f"{base}/api/v1/proposals/?q={urllib.parse.quote('新型工业化')}")
    if status != 200:
        fail(f"the API answered {status}", log)
    items = json.loads(body)["results"]
    seed = [item for item in items if item["number"] == 118]
    if not seed:
        fail(f"proposal 118 is not among the published proposals: {items!r}", log)
    status, _headers, page = get(f"{base}/proposals/{seed[0]['id']}/")
    if status != 200:
        fail(f"proposal 118's public page answered {status}", log)
    links = re.findall(rb'href="(/replies/documents/\d+/pdf/)"', page)
    if not links:
        fail("proposal 118's public page has no reply PDF link", log)
    status, headers, pdf = get(base + links[0].decode())
    content_type = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    if status != 200 or not pdf.startswith(b"%PDF") or "application/pdf" not in content_type:
        fail(f"the reply PDF answered {status} {content_type} {pdf[:20]!r}", log)
    print(f"smoke: the demo serves proposal 118 and its reply PDF ({len(pdf)} bytes)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("clone", type=Path)
    parser.add_argument("--broken", action="store_true")
    args = parser.parse_args()
    clone = args.clone.resolve()
    log = clone.parent / ("make-run-broken.log" if args.broken else "make-run.log")
    port, redis_port, uno_port = free_port(), free_port(), free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "UNOSERVER_URL"}
    }
    token = secrets.token_hex(8)
    env.update(
        JIANYAN_SMOKE_TOKEN=token,
        HOST="127.0.0.1",
        PORT=str(port),
        JIANYAN_REDIS_PORT=str(redis_port),
        UNOSERVER_PORT=str(uno_port),
    )
    if args.broken:
        env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/unreachable"
    ports = [port, redis_port, uno_port]

    process = start(clone, env, log)
    if args.broken:
        try:
            code = process.wait(timeout=BROKEN_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            fail(f"a failing make run did not exit within {BROKEN_SECONDS} s", log)
        if code == 0:
            fail("make run with an unreachable database exited 0", log)
        check_left(token, ports, log)
        print(f"smoke: a make run that fails half-way exits {code} and leaves nothing")
        return

    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_SECONDS
    while True:
        if process.poll() is not None:
            fail(f"make run exited with {process.returncode} before serving", log)
        if listening(port) and get(f"{base}/healthz", timeout=10)[0] == 200:
            break
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGINT)
            fail(f"the site was not up within {START_SECONDS} s", log)
        time.sleep(2)
    started = time.monotonic()
    try:
        check_demo(base, log)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            code = process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            fail(f"make run did not stop within {STOP_SECONDS} s of Ctrl-C", log)
    check_left(token, ports, log)
    print(
        f"smoke: Ctrl-C stopped make run (status {code}) in "
        f"{time.monotonic() - started:.1f} s with nothing left"
    )


if __name__ == "__main__":
    main()
