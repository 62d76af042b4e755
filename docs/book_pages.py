"""The course website's own Sphinx extension: a JupyterLite launch button on every chapter (the
site's own `lite/`, beside the theme's Binder and Colab), and every SVG picture of a notebook
output named by its own title and description (its `alt`), as the views name them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from gatekit.widgets.base import svg_text

LITE_LAB = "lite/lab/index.html"  # make site puts the JupyterLite site here, under the book


def add_lite_button(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                    doctree: nodes.document | None) -> None:
    """Add "JupyterLite" to a chapter's launch buttons, opening the same notebook in the site's
    own JupyterLite (relative, so it works offline and wherever the site is served)."""
    if not app.env.doc2path(pagename).suffix == ".ipynb":
        return
    for group in context.get("header_buttons", []):
        if group.get("label") == "launch-buttons":
            url = f'{context["pathto"](LITE_LAB, 1)}?path={Path(pagename).name}.ipynb'
            group["buttons"].insert(0, {
                "type": "link", "text": "JupyterLite", "tooltip": "Run it in your browser",
                "icon": "_static/images/logo_jupyterlite.svg", "url": url,
            })


def name_svg_pictures(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Give each SVG image without alt text the SVG's own title and description."""
    for image in doctree.findall(nodes.image):
        uri = image.get("uri", "")
        if not uri.endswith(".svg") or image.get("alt"):
            continue
        for path in (Path(uri), Path(app.srcdir) / uri.lstrip("/"),
                     Path(app.srcdir) / Path(docname).parent / uri):
            if path.is_file():
                text = svg_text(path.read_text(encoding="utf-8", errors="replace"))
                if text:
                    image["alt"] = text
                break


def plain_docstring(app: Sphinx, what: str, name: str, obj: object, options: Any,
                    lines: list[str]) -> None:
    """gatekit's docstrings are plain text: a `|x|` there is an absolute value, not one of
    reStructuredText's substitutions."""
    lines[:] = [line.replace("|", "\\|") for line in lines]


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("autodoc-process-docstring", plain_docstring)
    app.connect("html-page-context", add_lite_button, priority=600)
    app.connect("doctree-resolved", name_svg_pictures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
