"""Build the course website (`make book`): Sphinx with myst-nb and sphinx-book-theme (Jupyter
Book 1's engine) over the stored notebooks, which are never re-run.

It writes the sources into build/book-src and builds them with docs/conf.py into build/site:
    index.md     the README's front matter, then the chapters (the README's chapter table,
                 and any notebook of notebooks/ it does not list yet, by file name)
    NN_*.ipynb   every chapter notebook as stored
    teaching.md  docs/teaching.md, the teacher's guide, when it exists
    api.rst      the public names of the API contract (docs/API.md order), with their docstrings
`make site` then puts the JupyterLite site at build/site/lite/ (tools/lite_site.py).

Usage: python tools/book.py
"""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DOCS = ROOT / "docs"
SOURCE = ROOT / "build" / "book-src"
SITE = ROOT / "build" / "site"
API_CONTRACT = DOCS / "API.md"
# A row of the README's chapter table: number, title, then a link to notebooks/NAME.ipynb.
CHAPTER_ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*([^|]+?)\s*\|"
                         r"\s*\[[^\]]*\]\([^)]*?notebooks/([^)/]+)\)")
# The README's sections for learners that the landing page keeps after its opening text.
FRONT_SECTIONS = ("Start",)
CODE_SPAN = re.compile(r"`([^`]+)`")  # may run over a line break
PUBLIC_NAME = re.compile(r"\bgk\.[A-Za-z_][\w.]*")


def readme_parts() -> tuple[str, str]:
    """The README's front matter (its opening text and the FRONT_SECTIONS right after it) and
    its chapter table (between the chapters markers)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    parts = text.split("\n## ")
    kept = 1
    while kept < len(parts) and parts[kept].split("\n", 1)[0].strip() in FRONT_SECTIONS:
        kept += 1
    front = "\n## ".join(parts[:kept])
    table = text.split("<!-- chapters:start -->", 1)[-1].split("<!-- chapters:end -->", 1)[0]
    return front, table


def notebook_title(path: Path) -> str:
    """The first Markdown heading of a notebook (its file name when it has none)."""
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return path.stem


def chapters(table: str) -> list[tuple[str, Path]]:
    """(title, notebook) for every chapter: the README table's order and titles first, then
    the notebooks it does not list, by file name, titled by their first heading."""
    listed = [(match[2], NOTEBOOKS / match[3]) for line in table.splitlines()
              if (match := CHAPTER_ROW.match(line)) and (NOTEBOOKS / match[3]).is_file()]
    known = {path.name for _, path in listed}
    others = [(notebook_title(path), path) for path in sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
              if path.name not in known]
    return listed + others


def index_page(front: str, chapter_list: list[tuple[str, Path]], teaching: bool) -> str:
    """The landing page: the README's front matter, the chapters, the guide and the API."""
    rows = [f"| {path.name.split('_', 1)[0]} | [{title}]({path.name}) |"
            for title, path in chapter_list]
    pages = [path.stem for _, path in chapter_list]
    extra = (["teaching"] if teaching else []) + ["api"]
    return "\n".join([
        front.rstrip(), "",
        "Each chapter below is a page you can read as it ran; its launch button (the rocket at "
        "the top) runs it in your browser (JupyterLite, on this site), on Binder or on Colab.",
        "", "## Chapters", "", "| # | Chapter |", "|---|---|", *rows, "",
        "```{toctree}", ":caption: Chapters", ":hidden:", "", *pages, "```", "",
        "```{toctree}", ":caption: Reference", ":hidden:", "", *extra, "```", "",
    ])


def public_names(contract: str) -> list[tuple[str, list[str]]]:
    """Each section of the API contract with the `gk.` names its code spans introduce, in its
    order, each name once (in its first section)."""
    sections: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    for part in contract.split("\n## ")[1:]:
        title, _, text = part.partition("\n")
        names = [name.rstrip(".") for span in CODE_SPAN.findall(text)
                 for name in PUBLIC_NAME.findall(span)]
        fresh = [name for name in dict.fromkeys(names) if name not in seen]
        seen.update(fresh)
        if fresh:
            sections.append((title.strip(), fresh))
    return sections


def resolve(name: str) -> tuple[str, object] | None:
    """`gk.a.b` as gatekit's dotted path and object (None when it is not there)."""
    path = "gatekit" + name[2:]
    module, _, rest = path.partition(".")
    found: object = importlib.import_module(module)
    for part in rest.split("."):
        if not hasattr(found, part):
            return None
        found = getattr(found, part)
    return path, found


def directive(path: str, found: object) -> str:
    """The autodoc directive documenting one public object."""
    if isinstance(found, type):
        return f".. autoclass:: {path}\n   :members:\n"
    if callable(found):
        return f".. autofunction:: {path}\n"
    if type(found).__name__ == "module":
        return f".. automodule:: {path}\n"
    return f".. autodata:: {path}\n   :no-value:\n"


def api_page(contract: str) -> str:
    """The API reference: every public name the contract lists that gatekit has, by section."""
    lines = ["API reference", "=============", "",
             "Every public name of gatekit's API contract, in its order, with its docstring.", ""]
    for title, names in public_names(contract):
        entries = [entry for name in names if (entry := resolve(name)) is not None]
        if entries:
            lines += [title, "-" * len(title), ""]
            lines += [directive(path, found) for path, found in entries]
    return "\n".join(lines) + "\n"


def write_sources(contract: Path) -> None:
    """Everything Sphinx reads, afresh in build/book-src."""
    shutil.rmtree(SOURCE, ignore_errors=True)
    SOURCE.mkdir(parents=True)
    front, table = readme_parts()
    chapter_list = chapters(table)
    for _, path in chapter_list:
        shutil.copy2(path, SOURCE / path.name)
    teaching = DOCS / "teaching.md"
    if teaching.is_file():
        shutil.copy2(teaching, SOURCE / "teaching.md")
    (SOURCE / "index.md").write_text(index_page(front, chapter_list, teaching.is_file()),
                                     encoding="utf-8")
    (SOURCE / "api.rst").write_text(api_page(contract.read_text(encoding="utf-8")),
                                    encoding="utf-8")


def build(contract: Path = API_CONTRACT) -> None:
    """Write the sources and build the HTML site into build/site (its lite/ is left alone)."""
    write_sources(contract)
    subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-c", str(DOCS),
                    "-d", str(ROOT / "build" / "book-doctrees"), str(SOURCE), str(SITE)],
                   check=True, cwd=ROOT)
    print(f"built the book into {SITE.relative_to(ROOT)}")


if __name__ == "__main__":
    build()
