"""Sphinx configuration of the course website (`make book`): Sphinx with myst-nb and the
sphinx-book-theme, the engine of Jupyter Book 1. tools/book.py writes the sources (the stored
notebooks, the landing page, the API reference) into build/book-src and builds with this file."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # book_pages.py: the site's own Sphinx extension

SETTINGS = tomllib.loads((HERE.parent / "pyproject.toml").read_text())
REPOSITORY = SETTINGS["project"]["urls"]["Repository"]

project = "gatekit"
author = "the gatekit authors"
copyright = "the gatekit authors, MIT licence"
extensions = ["myst_nb", "sphinx.ext.autodoc", "book_pages"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
root_doc = "index"
language = "en"

# The stored notebooks are the pages, as they ran: never re-run here.
nb_execution_mode = "off"
# Where no widget can run (a static page), each view's static picture stands in for the widget:
# SVG outranks the widget view, and no widget script is loaded from a CDN.
nb_mime_priority_overrides = [("html", "image/svg+xml", 5)]
nb_ipywidgets_js = {}
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header", "misc.highlighting_failure"]

autodoc_member_order = "bysource"
autodoc_typehints = "description"
default_role = "code"  # the docstrings write `name` for code

html_theme = "sphinx_book_theme"
html_title = "gatekit: backpropagation you can touch"
html_static_path: list[str] = []
html_theme_options = {
    "repository_url": REPOSITORY,
    "repository_branch": "main",
    "path_to_docs": "notebooks",  # the chapters' pages are the repository's notebooks
    "use_repository_button": True,
    "use_download_button": True,
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",
        "notebook_interface": "jupyterlab",
    },
    "home_page_in_toc": True,
    "show_toc_level": 2,
}
