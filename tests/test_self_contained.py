"""A clone alone is the whole project: no file refers to a place outside its folder."""

import re
import subprocess
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR).resolve()
# Names of things that lived beside the project while it was written.
OUTSIDE_NAMES = re.compile(r"DOMAIN\.md|STYLE\.md|\.library\b|\bshared/(?:corpus|seed|hooks)")
# A relative path climbing with "..": checked against the folder of the file it is in.
CLIMB = re.compile(r"""(?<![\w.])((?:\.\.(?:/|(?=["'\s)`]|$)))+)""", re.MULTILINE)
# Python climbing from a file or from the project root.
PARENTS_INDEX = re.compile(r"Path\(__file__\)(?:\.resolve\(\))?\.parents\[(\d+)\]")
PARENT_CHAIN = re.compile(r"Path\(__file__\)(?:\.resolve\(\))?((?:\.parent)+)")
ROOT_PARENT = re.compile(r"\b(?:BASE_DIR|ROOT)\)?(?:\.resolve\(\))?\.parent\b")
ABSOLUTE = re.compile(r"""["'\s](/work/|/root/(?!\.pyenv))""")
# Files whose ".." are not paths (gettext catalogues quote text).
SKIP_CLIMB = {".po"}


def project_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return [ROOT / name for name in listed if (ROOT / name).is_file()]


def text_of(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data[:4096]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def escapes(path: Path, text: str) -> list[str]:
    depth = len(path.relative_to(ROOT).parts) - 1  # folders between the root and the file
    found = [match.group(0) for match in OUTSIDE_NAMES.finditer(text)]
    if path.suffix not in SKIP_CLIMB:
        for match in CLIMB.finditer(text):
            if match.group(1).count("..") > depth:
                found.append(match.group(0))
    for match in PARENTS_INDEX.finditer(text):
        if int(match.group(1)) > depth:
            found.append(match.group(0))
    for match in PARENT_CHAIN.finditer(text):
        if match.group(1).count(".parent") > depth + 1:
            found.append(match.group(0))
    found += [match.group(0) for match in ROOT_PARENT.finditer(text)]
    found += [match.group(1) for match in ABSOLUTE.finditer(text)]
    return found


def test_no_file_of_the_project_refers_to_a_path_outside_it():
    this = Path(__file__).resolve()
    offenders = {}
    for path in project_files():
        if path == this:
            continue
        text = text_of(path)
        if text is None:
            continue
        found = escapes(path, text)
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}


def test_the_check_finds_each_way_out(tmp_path):
    inside = ROOT / "tests" / "example.py"
    cases = [
        # (the folder's name filled in, so that a search of the project for such paths
        # does not find this line)
        'CORPUS = Path(__file__).resolve().parents[2] / "{}" / "corpus"'.format("shared"),
        'SEED = Path(settings.BASE_DIR).parent / "data"',
        "LETTER = ROOT.parent / 'letters'",
        "Path(__file__).parent.parent.parent / 'x'",
        'open("../../notes.txt")',
        "see DOMAIN.md for the words",
        'DATA = "/work/elsewhere/data"',
    ]
    for case in cases:
        assert escapes(inside, case), case
    fine = [
        'FILES = Path(__file__).resolve().parent / "files"',
        "BASE_DIR = Path(__file__).resolve().parent.parent",
        'open("../config/settings.py")',
        'cd "$(dirname "$0")/.."',
    ]
    for case in fine:
        assert not escapes(inside, case), case
