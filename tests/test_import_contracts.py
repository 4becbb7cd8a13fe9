"""The apps stack one way (pyproject.toml, [tool.importlinter]): common, accounts,
proposals, responses, then the parts people use. A new import back down fails here, and
so does a new foreign key (or one-to-one, many-to-many) pointing up the stack."""

import subprocess
import sys
from pathlib import Path

from django.apps import apps
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


# The domain apps, lowest first: a model may relate to its own app's models and to those
# of the apps below it, never to one above (a foreign key by name is a dependency too).
DOMAIN_APPS = ["common", "accounts", "proposals", "responses"]


def upward_relations(order: list[str]) -> list[str]:
    """Each forward relation (foreign key, one-to-one, many-to-many) from a model of one
    app in `order` to a model of an app later in `order`."""
    found = []
    for rank, label in enumerate(order):
        if not apps.is_installed(label):
            continue  # common: helpers, no models
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if not field.is_relation or field.auto_created or field.related_model is None:
                    continue
                target = field.related_model._meta.app_label
                if target in order and order.index(target) > rank:
                    found.append(
                        f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}"
                    )
    return found


def test_foreign_keys_point_down_the_stack():
    assert upward_relations(DOMAIN_APPS) == []


def test_the_relation_check_sees_a_relation_up_the_stack():
    """Read with responses below proposals, an assignment's proposal points up."""
    assert "responses.Assignment.proposal -> proposals.Proposal" in upward_relations(
        ["responses", "proposals"]
    )
