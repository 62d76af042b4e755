"""`python -m gatekit notebooks DIR [--open]`: copy the course's chapter notebooks into DIR, and
open them in JupyterLab with `--open` (installed by the `lab` extra).

A notebook already in DIR is kept as it is (it may hold the learner's work); the command says
which ones it kept. The notebooks ship inside the package (`gatekit/notebooks`); in a clone of
the repository they are its `notebooks/` folder.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def chapter_notebooks() -> list[Path]:
    """The chapter notebooks, in order: shipped in the package, or a clone's notebooks/."""
    for folder in (PACKAGE / "notebooks", PACKAGE.parent / "notebooks"):
        found = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
        if found:
            return found
    raise SystemExit("gatekit's notebooks are missing from this installation; reinstall it")


def copy_notebooks(target: Path) -> tuple[list[Path], list[Path]]:
    """Copy every chapter into `target` (made if missing); (copied, kept) as paths in `target`.
    A notebook already there is kept: it may hold the learner's work."""
    if target.exists() and not target.is_dir():
        raise SystemExit(f"{target} is a file, not a folder: name a folder for the notebooks")
    target.mkdir(parents=True, exist_ok=True)
    copied, kept = [], []
    for notebook in chapter_notebooks():
        destination = target / notebook.name
        if destination.exists():
            kept.append(destination)
        else:
            shutil.copyfile(notebook, destination)
            copied.append(destination)
    return copied, kept


def open_lab(folder: Path) -> int:
    """Start JupyterLab on `folder` (it runs until the learner stops it); its exit status."""
    if importlib.util.find_spec("jupyterlab") is None:
        print('JupyterLab is not installed here: pip install "gatekit-edu[lab]"', file=sys.stderr)
        return 1
    return subprocess.call([sys.executable, "-m", "jupyterlab", str(folder)])


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: `notebooks DIR [--open]`."""
    parser = argparse.ArgumentParser(prog="python -m gatekit", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    notebooks = commands.add_parser("notebooks", help="copy the chapter notebooks into a folder")
    notebooks.add_argument("folder", type=Path, help="where to put them (made if missing)")
    notebooks.add_argument("--open", action="store_true", help="then open them in JupyterLab")
    arguments = parser.parse_args(argv)

    copied, kept = copy_notebooks(arguments.folder)
    print(f"copied {len(copied)} chapter notebooks into {arguments.folder}")
    if kept:
        print(f"kept {len(kept)} already there (your work): {', '.join(p.name for p in kept)}")
    return open_lab(arguments.folder) if arguments.open else 0


if __name__ == "__main__":
    sys.exit(main())
