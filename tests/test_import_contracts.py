"""The apps stack one way (pyproject.toml, [tool.importlinter]): common, accounts,
proposals, responses, then the parts people use. A new import back down fails here."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_the_import_contracts_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_the_contract_sees_a_back_import(tmp_path):
    """The check can fail: a copy of the contract over a tiny tree with proposals
    importing responses is reported broken."""
    for package, source in {
        "accounts": "",
        "common": "",
        "proposals": "from responses import thing\n",
        "responses": "thing = 1\n",
    }.items():
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text(source)
    (tmp_path / "setup.cfg").write_text(
        "[importlinter]\nroot_packages =\n    common\n    accounts\n    proposals\n"
        "    responses\n\n[importlinter:contract:one-way]\nname = one way\ntype = layers\n"
        "layers =\n    responses\n    proposals\n    accounts\n    common\n"
    )
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert "proposals is not allowed to import responses" in result.stdout
