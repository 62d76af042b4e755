"""The first cell of every notebook installs gatekit in the browser (JupyterLite) and does nothing
elsewhere, so JupyterLab, nbval and the Lite site run the same notebooks unchanged.

Chapters that need numpy or matplotlib also install those; in the browser they come from
Pyodide's full distribution on its CDN, so those chapters need an internet connection there.
Running this again refreshes the cell and changes nothing else (other cells and their ids stay).

Usage: python tools/lite_notebooks.py [notebooks/NN_name.ipynb ...]   (default: all)
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

# The install cell is found again by its first line, whatever its id has become since.
MARKER = "# In the browser (JupyterLite)"

# Code that loads numpy or matplotlib (gatekit's ml, layers, datasets and training views import
# numpy; gk.draw and the training views import matplotlib). The site bundles neither.
NEEDS_FULL_DISTRIBUTION = (
    "import numpy", "from numpy", "import matplotlib", "from matplotlib",
    "gk.draw(", "gk.ml", "gk.layers", "gk.datasets", "TrainingExplorer",
)
FULL_DISTRIBUTION_PACKAGES = ("numpy", "matplotlib")
# gatekit's name on the package index and in the site's own index (the import name is gatekit).
DISTRIBUTION = "gatekit-edu"

def code_of(notebook: nbformat.NotebookNode) -> str:
    """All code of the notebook except its install cell."""
    return "\n".join(
        cell.source for cell in notebook.cells
        if cell.cell_type == "code" and not cell.source.startswith(MARKER)
    )


def needs_full_distribution(notebook: nbformat.NotebookNode) -> bool:
    """Whether the notebook's code uses numpy or matplotlib, which the site does not bundle."""
    code = code_of(notebook)
    return any(marker in code for marker in NEEDS_FULL_DISTRIBUTION)


def install_source(full: bool) -> str:
    """The install cell's code. In JupyterLite: gatekit from the site, and numpy and matplotlib
    from Pyodide's CDN when `full` (without the internet the cell says so in one sentence and
    stops the run there); on Colab: gatekit from the package index; elsewhere: nothing."""
    if full:
        lines = [f"{MARKER} this installs gatekit from the site, and numpy and matplotlib",
                 "# from Pyodide's CDN (this chapter needs the internet there); on Colab it",
                 "# installs gatekit from the package index; elsewhere it does nothing."]
    else:
        lines = [f"{MARKER} this installs gatekit from the site; on Colab it installs",
                 "# gatekit from the package index; elsewhere it does nothing."]
    lines += ["import sys", "", 'if sys.platform == "emscripten":',
              f"    %pip install {DISTRIBUTION}"]
    if full:
        packages = " ".join(FULL_DISTRIBUTION_PACKAGES)
        packages_args = ", ".join(map(repr, FULL_DISTRIBUTION_PACKAGES)).replace("'", '"')
        lines += ["    try:", f"        %pip install {packages}",
                  f"        import {', '.join(sorted(FULL_DISTRIBUTION_PACKAGES))}",
                  "    except Exception:  # without the internet: one sentence, and the run stops",
                  "        from gatekit.errors import NeedsTheInternet",
                  "",
                  f"        raise NeedsTheInternet({packages_args}) from None"]
    lines += ['elif "google.colab" in sys.modules:', f"    %pip install --quiet {DISTRIBUTION}"]
    return "\n".join(lines)


def install_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    """The notebook's install cell, wherever it is (found by its first line), or None."""
    return next((cell for cell in notebook.cells
                 if cell.cell_type == "code" and cell.source.startswith(MARKER)), None)


def refresh(notebook: nbformat.NotebookNode, number: str) -> bool:
    """Put the install cell right after the opening title and goal (so a notebook still opens
    with its goal), adding it or rewriting the one there; True when anything changed."""
    source = install_source(needs_full_distribution(notebook))
    cell = install_cell(notebook)
    before = notebook.cells.index(cell) if cell is not None else None
    if cell is None:
        cell = nbformat.v4.new_code_cell(source)
        cell.id = f"{number}-lite"
    else:
        notebook.cells.remove(cell)
    changed = cell.source != source
    if changed:  # a stored run of the old text no longer belongs to it
        cell.source, cell.outputs, cell.execution_count = source, [], None
    where = 1 if notebook.cells and notebook.cells[0].cell_type == "markdown" else 0
    notebook.cells.insert(where, cell)
    return changed or before != where


def apply(path: Path) -> bool:
    """Refresh the install cell of one notebook file; True when the file was rewritten."""
    notebook = nbformat.read(path, as_version=4)
    if not refresh(notebook, path.name.split("_", 1)[0]):
        return False
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    return True


if __name__ == "__main__":
    paths = [Path(arg) for arg in sys.argv[1:]] or sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
    for notebook_path in paths:
        print(f"{'updated' if apply(notebook_path) else 'unchanged'} {notebook_path.name}")
