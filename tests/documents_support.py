"""Shared by the document tests: a warm unoserver for the whole session."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

from responses.documents import libreoffice

BASE_DIR = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session", name="warm_unoserver")
def warm_unoserver_fixture(tmp_path_factory):
    """scripts/start-unoserver.sh on private ports and profile (setup.sh made its venv)."""
    port, uno_port = free_port(), free_port()
    env = dict(
        os.environ,
        UNOSERVER_PORT=str(port),
        UNOSERVER_UNO_PORT=str(uno_port),
        UNOSERVER_PROFILE=str(tmp_path_factory.mktemp("uno-profile")),
    )
    log_path = tmp_path_factory.mktemp("uno-log") / "unoserver.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            ["bash", "scripts/start-unoserver.sh"], cwd=BASE_DIR, env=env, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    url = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                libreoffice.unoserver_info(url)
                break
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"unoserver did not start:\n{log_path.read_text()}")
                time.sleep(0.3)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
