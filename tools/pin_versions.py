"""Write constraints.txt: the exact version of every package the course and its tests install.

One source of truth for versions: `make lab` and `make test` install with it, Binder's
requirements point at it, and the JupyterLite site bundles its widget wheels at the versions it
names. Run this to move to newer releases (then `make test`, and commit the file):

Usage: python tools/pin_versions.py
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "constraints.txt"
# Every extra a route installs: the lab, the tests, the browser tests, grading, the site, bench.
EXTRAS = "lab,test,browser,teach,lite,bench"
HEADER = """\
# Exact versions of everything gatekit's routes install (make lab, make test, Binder, the
# JupyterLite site's widget wheels), as resolved on {python} by tools/pin_versions.py.
# Regenerate with `python tools/pin_versions.py`, then run `make test`.
"""


def canonical(name: str) -> str:
    """A package's name as the index compares names (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def resolve() -> dict[str, str]:
    """What pip would install today for the package with every extra, as {name: version}."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--ignore-installed",
             "--report", str(report), f"{ROOT}[{EXTRAS}]"],
            check=True,
        )
        installs = json.loads(report.read_text())["install"]
    return {
        canonical(item["metadata"]["name"]): item["metadata"]["version"]
        for item in installs
        if Path(item["download_info"]["url"].removeprefix("file://")) != ROOT  # not gatekit
    }


def main() -> None:
    pins = resolve()
    python = f"Python {sys.version_info.major}.{sys.version_info.minor}"
    lines = [f"{name}=={version}" for name, version in sorted(pins.items())]
    CONSTRAINTS.write_text(HEADER.format(python=python) + "\n".join(lines) + "\n")
    print(f"pinned {len(lines)} packages in {CONSTRAINTS.name}")


if __name__ == "__main__":
    main()
