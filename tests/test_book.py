"""tools/book.py's sources of the course website: the contents, the landing page and the API
reference (the built site itself is tested in tests/browser/test_book.py)."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("book", ROOT / "tools" / "book.py")
book = importlib.util.module_from_spec(spec)
spec.loader.exec_module(book)


def course_url(route: str) -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["gatekit"][route]


def test_every_notebook_is_a_chapter_once_in_the_readmes_order():
    front, table = book.readme_parts()
    listed = book.chapters(table)
    names = [path.name for _, path in listed]
    assert sorted(names) == sorted(path.name for path in book.NOTEBOOKS.glob("[0-9]*.ipynb"))
    assert len(set(names)) == len(names)
    title, first = listed[0]
    assert first == book.NOTEBOOKS / "00_welcome.ipynb" and f"| 00 | {title} |" in table


def test_a_notebook_the_readme_does_not_list_yet_comes_after_by_its_heading(tmp_path,
                                                                          monkeypatch):
    for name, heading in [("00_a.ipynb", "# Alpha"), ("01_b.ipynb", "## Beta")]:
        notebook = book.nbformat.v4.new_notebook(
            cells=[book.nbformat.v4.new_markdown_cell(heading)])
        book.nbformat.write(notebook, tmp_path / name)
    monkeypatch.setattr(book, "NOTEBOOKS", tmp_path)
    table = "| 01 | Second | [01_b.ipynb](notebooks/01_b.ipynb) | x | y |"
    assert book.chapters(table) == [("Second", tmp_path / "01_b.ipynb"),
                                    ("Alpha", tmp_path / "00_a.ipynb")]


def test_the_landing_page_is_the_readmes_front_matter_then_every_chapter():
    front, table = book.readme_parts()
    assert front.startswith("# gatekit")
    sections = [line[3:] for line in front.splitlines() if line.startswith("## ")]
    assert set(sections) <= set(book.FRONT_SECTIONS) and "make test" not in front
    listed = book.chapters(table)
    page = book.index_page(front, listed, teaching=False)
    assert page.startswith(front.rstrip())
    for title, path in listed:
        assert f"[{title}]({path.name})" in page and f"\n{path.stem}\n" in page
    assert "\napi\n" in page and "\nteaching\n" not in page
    assert "\nteaching\n" in book.index_page(front, listed, teaching=True)


def test_the_api_reference_follows_the_contracts_order():
    contract = ("# contract\n## Units\n- `gk.Unit(value)` and `x = gk.add(a,\n  b)`\n"
                "## Circuits\n- `gk.Circuit(out)`, `gk.Unit` again, `gk.no_such_name`\n")
    assert book.public_names(contract) == [
        ("Units", ["gk.Unit", "gk.add"]), ("Circuits", ["gk.Circuit", "gk.no_such_name"])]
    page = book.api_page(contract)
    directives = re.findall(r"\.\. auto(\w+):: (\S+)", page)
    assert directives == [("class", "gatekit.Unit"), ("function", "gatekit.add"),
                          ("class", "gatekit.Circuit")]
    assert page.index("Units\n-----") < page.index("Circuits\n--------")


def test_the_api_reference_documents_the_names_the_readme_teaches():
    page = book.api_page(book.API_CONTRACT.read_text(encoding="utf-8"))
    for path in ("gatekit.Circuit", "gatekit.parse", "gatekit.explore",
                 "gatekit.widgets.TrainingExplorer", "gatekit.layers.MLP"):
        assert f":: {path}\n" in page


def test_the_readme_links_the_website_beside_the_other_routes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"[Read the course]({course_url('book_url')})" in readme
    assert course_url("lite_url") == course_url("book_url") + "lite/"
