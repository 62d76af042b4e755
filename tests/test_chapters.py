"""The README's chapter table, its Binder badges and the notebooks stay in step."""

import importlib.util
import re
import tomllib
from pathlib import Path
from urllib.parse import quote

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
# Chapter links are absolute, so the README reads the same on the package index.
NOTEBOOK_URL = "https://github.com/gatekit-edu/gatekit/blob/main/"
ROW = re.compile(
    r"\| (?P<number>\d\d) \| (?P<title>[^|]+?) \| \[(?P<text>[^\]]+)\]\("
    + re.escape(NOTEBOOK_URL) + r"(?P<link>[^)]+)\) \| "
    r"\[!\[Binder\]\(https://mybinder\.org/badge_logo\.svg\)\]\((?P<badge>[^)]+)\) \| "
    r"\[(?P<lite_mode>offline|needs internet)\]\((?P<lite>[^)]+)\) \|"
)


def course_url(route: str) -> str:
    """Where learners open the course: pyproject's [tool.gatekit], the one place it is named."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["gatekit"][route]


def needs_full_distribution(path: Path) -> bool:
    """The site builder's own verdict on whether a notebook needs numpy/matplotlib."""
    tool = ROOT / "tools" / "lite_notebooks.py"
    spec = importlib.util.spec_from_file_location("lite_notebooks", tool)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.needs_full_distribution(nbformat.read(path, as_version=4))


def chapter_rows() -> list[re.Match]:
    """The table rows between the README's chapter markers; every non-header line must match."""
    readme = (ROOT / "README.md").read_text()
    start, end = "<!-- chapters:start -->", "<!-- chapters:end -->"
    assert start in readme and end in readme, "the README lost its chapter markers"
    section = readme[readme.index(start) + len(start) : readme.index(end)]
    lines = [line for line in section.strip().splitlines() if line.strip()]
    assert len(lines) > 2 and set(lines[1]) <= set("|-: "), "expected a header row, then |---|"
    rows = [ROW.fullmatch(line.strip()) for line in lines[2:]]
    bad = [line for line, row in zip(lines[2:], rows, strict=True) if row is None]
    assert not bad, f"rows not in the table's format: {bad}"
    return rows


def test_every_row_links_an_existing_notebook_named_by_its_number():
    for row in chapter_rows():
        path = ROOT / row["link"]
        assert path.parent == NOTEBOOKS and path.suffix == ".ipynb", row["link"]
        assert path.exists(), f"the README lists {row['link']}, which does not exist"
        assert row["text"] == path.name and path.name.startswith(row["number"] + "_")


def test_every_notebook_is_in_the_table_once_in_order():
    listed = [Path(row["link"]).name for row in chapter_rows()]
    assert listed == sorted(listed) and len(set(listed)) == len(listed)
    missing = sorted({p.name for p in NOTEBOOKS.glob("*.ipynb")} - set(listed))
    assert not missing, f"notebooks missing from the README's chapter table: {missing}"


def test_each_badge_opens_its_own_notebook_in_the_repository():
    for row in chapter_rows():
        labpath = quote(row["link"], safe="")
        assert row["badge"] == f"{course_url('binder_url')}?labpath={labpath}"


def test_each_browser_link_opens_its_notebook_in_the_lite_site_and_says_if_it_runs_offline():
    for row in chapter_rows():
        name = Path(row["link"]).name
        assert row["lite"] == f"{course_url('lite_url')}lab/index.html?path={quote(name)}"
        full = needs_full_distribution(ROOT / row["link"])
        assert row["lite_mode"] == ("needs internet" if full else "offline"), name
