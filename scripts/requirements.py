"""Print the pinned requirements of pyproject.toml, one per line, for `pip install -r`.

Used by scripts/setup.sh and the Dockerfile so both install exactly the pins in
pyproject.toml without building the project itself (it is run from its source tree).

    python scripts/requirements.py            # [project] dependencies
    python scripts/requirements.py test       # ... plus the `test` extra
"""

import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def pins(extras: list[str]) -> list[str]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    optional = project.get("optional-dependencies", {})
    unknown = [extra for extra in extras if extra not in optional]
    if unknown:
        raise SystemExit(f"pyproject.toml has no extra named {', '.join(unknown)}")
    lines = list(project["dependencies"])
    for extra in extras:
        lines += optional[extra]
    return lines


if __name__ == "__main__":
    print("\n".join(pins(sys.argv[1:])))
