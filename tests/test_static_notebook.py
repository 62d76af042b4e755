"""A notebook stored by tools/store_notebooks.py, rendered by nbconvert to HTML with no widget
state (as GitHub, nbviewer without state or a PDF would), shows every view's static picture
instead of its text repr."""

from __future__ import annotations

import base64
import copy
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
WIDGET = "application/vnd.jupyter.widget-view+json"
TITLE = re.compile(r"<title>([^<]*)</title>")
# Every view, made as the chapters make them.
VIEW_CELLS = {
    "CircuitExplorer": "gk.explore(gk.parse('(x + y) * z', x=-2.0, y=5.0, z=-4.0))",
    "Landscape": "gk.widgets.Landscape(gk.parse('x * y', x=1.0, y=2.0))",
    "BackpropStepper": "gk.widgets.BackpropStepper(gk.parse('(x + y) * z', x=1, y=2, z=3))",
    "StrategyComparison": "gk.widgets.StrategyComparison(gk.parse('x * y', x=1.0, y=2.0))",
    "TrainingExplorer": ("points, labels = gk.datasets.guide_points()\n"
                         "gk.widgets.TrainingExplorer(gk.ml.SVM(), points, labels)"),
    "WeightGradientView": ("model = gk.layers.MLP([2, 3, 1], seed=3)\n"
                           "gk.widgets.WeightGradientView(model, model.to_circuit([0.5, -1.2]))"),
    "Predict": "gk.widgets.Predict('What is f?', lambda: -12.0)",
}


def store_tool():
    spec = importlib.util.spec_from_file_location("store_notebooks",
                                                  ROOT / "tools" / "store_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def without_widget_state(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    bare = copy.deepcopy(notebook)
    bare.metadata.pop("widgets", None)
    return bare


def html_of(notebook: nbformat.NotebookNode) -> str:
    body, _ = HTMLExporter().from_notebook_node(without_widget_state(notebook))
    return body


def svg_titles(body: str) -> list[str]:
    """The titles of the SVG pictures a page shows, inline or as data: images (nbconvert's way),
    in page order."""
    pictures = re.findall(r'(<svg[^>]*>\s*<title>[^<]*</title>)|src="data:image/svg\+xml;base64,'
                          r'([^"]+)"', body)
    heads = [inline or base64.b64decode(encoded).decode() for inline, encoded in pictures]
    return [found.group(1) if (found := TITLE.search(head)) else "" for head in heads]


@pytest.fixture(scope="module")
def stored_views(tmp_path_factory) -> nbformat.NotebookNode:
    path = tmp_path_factory.mktemp("stored") / "99_views.ipynb"
    cells = [nbformat.v4.new_code_cell("import gatekit as gk")]
    cells += [nbformat.v4.new_code_cell(code) for code in VIEW_CELLS.values()]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    store_tool().store(path)
    return nbformat.read(path, as_version=4)


def test_a_stored_notebook_keeps_every_views_widget_and_picture(stored_views):
    outputs = [cell.outputs for cell in stored_views.cells[1:]]
    for name, cell_outputs in zip(VIEW_CELLS, outputs, strict=True):
        (output,) = cell_outputs
        assert WIDGET in output.data and "image/svg+xml" in output.data, name
        assert f"<title>{name}</title>" in output.data["image/svg+xml"]
    assert stored_views.metadata.widgets  # the live state is stored too


def test_nbconvert_without_widget_state_shows_every_views_picture(stored_views):
    body = html_of(stored_views)
    assert svg_titles(body) == list(VIEW_CELLS)
    for name in VIEW_CELLS:
        assert f"{name}(" not in body  # no text repr in place of the picture


def chapter_notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


@pytest.mark.parametrize("path", chapter_notebooks(), ids=lambda path: path.stem)
def test_every_stored_picture_of_a_chapter_shows_without_widget_state(path):
    notebook = nbformat.read(path, as_version=4)
    pictured = [output for cell in notebook.cells if cell.cell_type == "code"
                for output in cell.outputs
                if WIDGET in output.get("data", {}) and "image/svg+xml" in output.data]
    titles = svg_titles(html_of(notebook))
    for output in pictured:
        title = TITLE.search(output.data["image/svg+xml"]).group(1)
        assert title in titles
