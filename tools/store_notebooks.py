"""Execute notebooks top to bottom and store them as the tests and readers expect.

Each notebook is run in a fresh kernel of this environment, keeps its widget state (so the
widgets show on GitHub and nbviewer), and loses what changes from run to run for no reason
(execution timestamps), while cells get stable ids ("07-03": notebook 07, cell 3), so a diff
of a re-stored notebook shows only real changes. A cell tagged `reveal` (the cell that shows
the answer to the question before it) runs but is stored without its output, so the stored
notebook does not give the answer away; it is also tagged `nbval-ignore-output`. Its execution
count stays, so the stored notebook still reads as one clean run from top to bottom.

Usage: python tools/store_notebooks.py [notebooks/NN_name.ipynb ...]   (default: all)
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def store(path: Path) -> None:
    """Run one notebook in place and tidy what it stores."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", store_widget_state=True,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    number = path.name.split("_", 1)[0]
    for index, cell in enumerate(notebook.cells, start=1):
        cell.id = f"{number}-{index:02d}"
        cell.metadata.pop("execution", None)
        if "reveal" in cell.metadata.get("tags", []):
            cell.outputs = []  # (its execution count stays: the stored run went top to bottom)
    nbformat.write(notebook, path)
    print(f"stored {path.name}")


if __name__ == "__main__":
    paths = [Path(arg) for arg in sys.argv[1:]] or sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
    for notebook_path in paths:
        store(notebook_path)
