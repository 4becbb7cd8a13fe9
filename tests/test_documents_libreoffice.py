"""LibreOffice is bounded: a hang is killed with its whole process group, memory is capped,
an unreachable warm server costs nothing but the cold path, and the warm path works."""

import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from responses.documents import libreoffice, pdf
from responses.documents.render import render_file
from tests import corpus
from tests.documents_support import warm_unoserver_fixture  # noqa: F401 - a fixture

BASE_DIR = Path(settings.BASE_DIR)


def fake_soffice(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-soffice"
    script.write_text(body)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose.
    status = Path(f"/proc/{pid}/stat").read_text().split()[2]
    return status != "Z"


def test_a_hanging_soffice_is_killed_with_its_children_at_the_timeout(settings, tmp_path):
    pid_file = tmp_path / "child.pid"
    settings.SOFFICE_BINARY = fake_soffice(
        tmp_path, f"#!/bin/sh\nsleep 1000 &\necho $! > {pid_file}\nsleep 1000\n"
    )
    started = time.monotonic()
    with pytest.raises(libreoffice.ConversionTimeout):
        libreoffice.convert_cold(corpus.path("word/simple.doc"), "doc", timeout=2)
    assert time.monotonic() - started < 10
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(child)


def test_soffice_memory_is_capped(settings, tmp_path):
    settings.SOFFICE_BINARY = fake_soffice(
        tmp_path, f"#!{sys.executable}\nblock = bytearray(5 * 1024 ** 3)\n"
    )
    with pytest.raises(libreoffice.ConversionError) as caught:
        libreoffice.convert_cold(corpus.path("word/simple.doc"), "doc", timeout=20)
    assert caught.value.reason == "too_large"


def test_soffice_saying_nothing_and_writing_nothing_is_a_damaged_file(settings, tmp_path):
    settings.SOFFICE_BINARY = fake_soffice(tmp_path, "#!/bin/sh\nexit 0\n")
    with pytest.raises(libreoffice.ConversionError) as caught:
        libreoffice.convert_cold(corpus.path("word/simple.doc"), "doc", timeout=20)
    assert caught.value.reason == "damaged"


def test_a_missing_soffice_is_a_transient_failure(settings):
    settings.SOFFICE_BINARY = "/nonexistent/soffice"
    with pytest.raises(libreoffice.Unavailable):
        libreoffice.convert_cold(corpus.path("word/simple.doc"), "doc", timeout=20)


def test_an_unreachable_unoserver_falls_back_to_cold_soffice_at_once(settings, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    settings.UNOSERVER_URL = f"127.0.0.1:{closed_port}"
    ready_pdf = corpus.path("zh/reply-118.pdf")
    # A stand-in soffice that "converts" by copying a PDF to --outdir.
    settings.SOFFICE_BINARY = fake_soffice(
        tmp_path,
        '#!/bin/sh\nwhile [ "$1" != "--outdir" ]; do shift; done\n'
        f'cp {ready_pdf} "$2/letter.pdf"\n',
    )
    started = time.monotonic()
    data, engine = libreoffice.convert_to_pdf(corpus.path("word/simple.doc"), "doc")
    assert engine == "soffice"
    assert data.startswith(b"%PDF")
    assert time.monotonic() - started < 5


# --- the warm path, through a real unoserver ----------------------------------------------


@pytest.mark.slow
def test_a_warm_unoserver_renders_the_chinese_letter(settings, warm_unoserver):
    settings.UNOSERVER_URL = warm_unoserver
    result = render_file(corpus.path("zh/reply-118.docx"))
    assert result.engine == "unoserver"
    assert "工业和信息化" in result.text
    assert [font.name for font in pdf.fonts(result.pdf) if not font.embedded] == []


@pytest.mark.slow
def test_the_warm_path_survives_a_fuzzed_file_and_renders_the_next_letter(settings, warm_unoserver):
    settings.UNOSERVER_URL = warm_unoserver
    bound = settings.RENDER_TIMEOUT_SECONDS + 30
    started = time.monotonic()
    try:
        render_file(corpus.path("word/Fuzzed.doc"))
    except Exception as error:  # a refusal is fine; a hang or a crash of ours is not
        assert getattr(error, "message", "")
    assert time.monotonic() - started < bound
    result = render_file(corpus.path("zh/reply-118.doc"))
    assert "工业和信息化" in result.text


@pytest.mark.slow
def test_a_field_that_includes_a_local_file_does_not_read_it(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("LOCAL-SECRET-7f3a")
    letter = tmp_path / "letter.rtf"
    letter.write_text(
        '{\\rtf1\\ansi 答复正文 {\\field{\\*\\fldinst INCLUDETEXT "' + str(secret) + '"}'
        "{\\fldrslt placeholder}} end.\\par}"
    )
    result = render_file(letter)
    assert "LOCAL-SECRET" not in result.text


def test_fontconfig_for_rendering_prefers_the_simplified_chinese_faces():
    env = libreoffice.lo_environment(Path("/tmp"))
    assert env["FONTCONFIG_FILE"].endswith("deploy/fonts.conf")

    def match(pattern: str) -> str:
        return subprocess.run(
            ["fc-match", "-f", "%{family}", pattern], env=env, capture_output=True, text=True,
            check=True, timeout=30,
        ).stdout  # fmt: skip

    assert "Noto Serif CJK SC" in match("仿宋_GB2312")
    assert "Noto Serif CJK SC" in match("SimSun")
    assert "Noto Sans CJK SC" in match("黑体")
    assert "Noto Sans CJK SC" in match("sans-serif:lang=ja")


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """The temporary folder soffice's work and profile go to, empty, ours alone."""
    import tempfile

    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_conversion_leaves_no_profile_or_work_folder_behind(private_tmp):
    pdf_bytes, _engine = libreoffice.convert_to_pdf(corpus.path("word/simple.doc"), "doc")
    assert pdf_bytes.startswith(b"%PDF")
    assert list(private_tmp.iterdir()) == []


@pytest.mark.parametrize(
    "script",
    [
        "#!/bin/sh\nsleep 1000\n",  # hangs: killed at the timeout
        "#!/bin/sh\nkill -SEGV $$\n",  # crashes
        "#!/bin/sh\nexit 0\n",  # says nothing, writes nothing
    ],
    ids=["timeout", "crash", "no-output"],
)
def test_a_failed_conversion_leaves_no_profile_behind(settings, tmp_path, private_tmp, script):
    settings.SOFFICE_BINARY = fake_soffice(tmp_path, script)
    with pytest.raises(libreoffice.ConversionError):
        libreoffice.convert_cold(corpus.path("word/simple.doc"), "doc", timeout=2)
    assert list(private_tmp.iterdir()) == []
