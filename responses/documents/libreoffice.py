"""Word/WPS/RTF to PDF with LibreOffice: a warm unoserver when there is one, else cold soffice.

A cold `soffice --convert-to pdf` costs about a second of start-up per file; a warm
LibreOffice kept by unoserver (scripts/start-unoserver.sh, needs Debian's python3-uno)
converts a letter in a fraction of that. We talk XML-RPC to it ourselves, the same API
the unoserver client uses (its module imports no `uno`), because the stock client has no
socket timeout and retries a refused connection for 40 s: a worker must never wait on a
stuck server, and must fall back to cold soffice at once when it is not running.

Cold soffice runs in its own session (process group) with a fresh profile per conversion
(removed with its work folder, on a timeout or a crash too), a hard timeout after which
the whole group is killed, and address-space and CPU limits, so a hostile file can
neither hang the worker nor eat the machine.
"""

import contextlib
import http.client
import logging
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import xmlrpc.client
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

PROFILE_TEMPLATE = Path(__file__).with_name("lo_profile")
FONTS_CONF = Path(settings.BASE_DIR) / "deploy" / "fonts.conf"
# LibreOffice maps ~1 GB at start; a letter never needs more than a few hundred MB more.
MEMORY_LIMIT_BYTES = 3 * 1024**3
UNOSERVER_API = "3"

# The import side of each type; soffice would otherwise guess, and guesses "text".
SOURCE_SUFFIX = {"doc": ".doc", "wps": ".doc", "docx": ".docx", "rtf": ".rtf"}


class ConversionError(Exception):
    """LibreOffice could not make a PDF. `reason` is one of the RenderError reasons."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class ConversionTimeout(ConversionError):
    def __init__(self, detail=""):
        super().__init__("timeout", detail)


class Unavailable(ConversionError):
    """LibreOffice itself could not be run (missing binary, no memory): worth retrying."""

    def __init__(self, detail=""):
        super().__init__("unavailable", detail)


# What LibreOffice writes for each target: its export filter and how the file starts.
TARGETS = {
    "pdf": ("pdf:writer_pdf_Export", b"%PDF"),
    # A .doc/.wps/.rtf letter becomes .docx to be redacted (responses/documents/redaction.py).
    "docx": ("docx:MS Word 2007 XML", b"PK"),
}


def convert_to_pdf(
    source: Path, doc_type: str, *, timeout: float | None = None
) -> tuple[bytes, str]:
    """Convert `source` to PDF bytes; returns (pdf, engine) with engine "unoserver" or "soffice"."""
    return convert(source, doc_type, "pdf", timeout=timeout)


def convert(
    source: Path, doc_type: str, target: str, *, timeout: float | None = None
) -> tuple[bytes, str]:
    """Convert `source` to `target` ("pdf" or "docx"); returns (bytes, engine)."""
    timeout = timeout or settings.RENDER_TIMEOUT_SECONDS
    if settings.UNOSERVER_URL:
        try:
            return (
                convert_warm(source, settings.UNOSERVER_URL, timeout=timeout, target=target),
                "unoserver",
            )
        except _ServerUnreachable as error:
            logger.warning(
                "unoserver at %s unreachable (%s); using cold soffice",
                settings.UNOSERVER_URL,
                error,
            )
        except xmlrpc.client.Fault as fault:
            # The server could not load it, or its LibreOffice died mid-way (it restarts).
            # A cold run in a fresh process gives the definitive answer within the timeout.
            logger.info(
                "unoserver failed on %s (%s); trying cold soffice",
                source.name,
                fault.faultString[:200],
            )
    return convert_cold(source, doc_type, timeout=timeout, target=target), "soffice"


# --- warm: unoserver over XML-RPC --------------------------------------------------------


class _ServerUnreachable(Exception):
    pass


class _TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout: float):
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


def _server_proxy(url: str, timeout: float) -> xmlrpc.client.ServerProxy:
    if "://" not in url:
        url = f"http://{url}"
    return xmlrpc.client.ServerProxy(url, transport=_TimeoutTransport(timeout), allow_none=True)


def unoserver_info(url: str, *, timeout: float = 2.0) -> dict:
    """The server's info() answer; raises _ServerUnreachable when it is not there."""
    try:
        info = _server_proxy(url, timeout).info()
    except (OSError, http.client.HTTPException, xmlrpc.client.ProtocolError) as error:
        raise _ServerUnreachable(str(error)) from error
    if str(info.get("api")) != UNOSERVER_API:
        raise _ServerUnreachable(f"unoserver API {info.get('api')}, we speak {UNOSERVER_API}")
    return info


def convert_warm(source: Path, url: str, *, timeout: float, target: str = "pdf") -> bytes:
    unoserver_info(url)
    proxy = _server_proxy(url, timeout)
    try:
        # convert(inpath, indata, outpath, convert_to, filtername, filter_options,
        #         update_index, infiltername, password): sending the bytes, not a path,
        # works whether or not the server shares our file system.
        result = proxy.convert(
            None,
            xmlrpc.client.Binary(source.read_bytes()),
            None,
            target,
            None,
            [],
            False,
            None,
            None,
        )
    except TimeoutError as error:
        # start-unoserver.sh runs the server with a shorter --conversion-timeout, so it has
        # already killed its LibreOffice and is restarting.
        raise ConversionTimeout(f"unoserver: no answer in {timeout:.0f} s") from error
    except (ConnectionError, http.client.HTTPException, xmlrpc.client.ProtocolError) as error:
        raise _ServerUnreachable(str(error)) from error
    if result is None or not result.data.startswith(TARGETS[target][1]):
        raise ConversionError("damaged", f"unoserver returned no {target}")
    return result.data


# --- cold: one soffice process per file ------------------------------------------------

_profile_lock = threading.Lock()


def _profile_dir(work_dir: Path) -> Path:
    """A LibreOffice profile for one conversion, inside its work folder: two soffice on
    one profile collide, and the folder (profile included) is removed when the
    conversion ends, however it ends. A profile kept per process was left behind by
    every worker and test process (hundreds of folders under /tmp)."""
    profile = work_dir / "profile"
    shutil.copytree(PROFILE_TEMPLATE, profile / "user")
    return profile


def _limit_resources(timeout: float):
    def apply():
        os.setsid()
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
        # A CPU backstop in case the group outlives us (worker killed mid-render).
        cpu = int(timeout * 2) + 10
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def lo_environment(home: Path) -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "zh_CN.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TMPDIR": str(home),
        "SAL_USE_VCLPLUGIN": "svp",
    }
    if FONTS_CONF.exists():
        env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    return env


def convert_cold(source: Path, doc_type: str, *, timeout: float, target: str = "pdf") -> bytes:
    suffix = SOURCE_SUFFIX.get(doc_type, source.suffix)
    with (
        _profile_lock,
        tempfile.TemporaryDirectory(prefix="jianyan-render-", ignore_cleanup_errors=True) as work,
    ):
        work_dir = Path(work)
        src = work_dir / f"letter{suffix}"
        shutil.copyfile(source, src)
        out_dir = work_dir / "out"
        out_dir.mkdir()
        profile = _profile_dir(work_dir)
        command = [
            settings.SOFFICE_BINARY,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nocrashreport",
            "--nodefault",
            "--nologo",
            "--nofirststartwizard",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            TARGETS[target][0],
            "--outdir",
            str(out_dir),
            str(src),
        ]
        started = time.monotonic()
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                cwd=work_dir,
                env=lo_environment(work_dir),
                preexec_fn=_limit_resources(timeout),  # noqa: PLW1509 - one thread spawns
            )
        except OSError as error:
            raise Unavailable(f"cannot run {settings.SOFFICE_BINARY}: {error}") from error
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise ConversionTimeout(f"soffice ran past {timeout:.0f} s") from None
        finally:
            _kill_group(process)  # oosplash may leave soffice.bin behind
        elapsed = time.monotonic() - started
        log = output.decode("utf-8", "replace")[-500:]
        pdf = out_dir / f"letter.{target}"
        if process.returncode < 0:
            signame = signal.Signals(-process.returncode).name
            reason = "too_large" if signame in {"SIGKILL", "SIGXCPU"} else "damaged"
            raise ConversionError(reason, f"soffice killed by {signame}: {log}")
        if not pdf.exists() or pdf.stat().st_size == 0:
            # soffice says "source file could not be loaded" and still exits 0.
            if "std::bad_alloc" in log or "memory" in log.lower():
                raise ConversionError("too_large", log)
            raise ConversionError("damaged", f"exit {process.returncode}: {log}")
        logger.debug("soffice converted %s in %.2f s", source.name, elapsed)
        return pdf.read_bytes()


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)
