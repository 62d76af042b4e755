"""The course website that `make site` builds (build/site: the book, with JupyterLite at lite/),
served from 127.0.0.1 and read in headless Chromium with every request that would leave
loopback aborted: every chapter page opens, shows each view's static picture with its text
alternative, links only to pages that exist, launches its notebook in the site's own
JupyterLite, and axe-core finds no WCAG 2.1 AA violation in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import nbformat
import pytest

from gatekit.widgets.base import svg_text

from .accessibility import Upstream, Violation, scan
from .browser_lab import NOTEBOOKS, WIDGET_VIEW, Lab, views_shown_beside_a_picture
from .test_lite import LiteSite, RequestLog, served_offline

ROOT = NOTEBOOKS.parent
SITE = ROOT / "build" / "site"
SOURCES = ROOT / "build" / "book-src"
WIDGET = "application/vnd.jupyter.widget-view+json"
CHAPTERS = sorted(path.stem for path in NOTEBOOKS.glob("[0-9]*.ipynb"))
GUIDE = ["teaching"] if (ROOT / "docs" / "teaching.md").exists() else []  # the teacher's guide
PAGES = ["index", *CHAPTERS, "api", *GUIDE]
ARTICLE = "article.bd-article"  # the book's own content: what the theme wraps around it is not
# Violations in sphinx-book-theme's own markup, by rule, with the reason they are left there.
# (None today: axe finds nothing in the theme's pages; an entry needs its reason.)
BOOK_THEME: tuple[Upstream, ...] = ()


@dataclass
class Book:
    """The site served, a browser page on it and every request it made."""

    site: LiteSite
    page: Any
    requests: RequestLog

    def open(self, name: str) -> None:
        response = self.page.goto(f"{self.site.url}/{name}.html")
        assert response is not None and response.ok, f"{name}.html: {response}"


@dataclass
class Visit:
    """What one page showed: its links, ids, pictures, launch links and axe's findings."""

    heading: bool
    links: list[str]
    ids: set[str]
    pictures: dict[str, bool]  # alt text -> shown (visible and loaded)
    launches: list[str]
    violations: list[Violation]


# Everything a visit reads from the page, in one call.
_READ = """(article) => ({
  heading: !!document.querySelector(`${article} h1`),
  links: [...document.querySelectorAll("a[href]")].map((a) => a.href),
  ids: [...document.querySelectorAll("[id]")].map((e) => e.id),
  pictures: [...document.querySelectorAll(`${article} img[alt]`)].map((img) => {
    const box = img.getBoundingClientRect();
    return [img.alt, img.complete && img.naturalWidth > 0 && box.width > 0 && box.height > 0
                     && getComputedStyle(img).visibility !== "hidden"];
  }),
  launches: [...document.querySelectorAll(".dropdown-launch-buttons a")].map((a) => a.href),
})"""


def stale_chapters() -> list[str]:
    """The chapters whose page was built from another notebook than the checkout's."""
    if not (SITE / "index.html").exists() or not (SITE / "lite" / "index.html").exists():
        return ["build/site (or its lite/) is missing"]

    def built_from(name: str) -> bytes | None:
        source = SOURCES / f"{name}.ipynb"
        return source.read_bytes() if (SITE / f"{name}.html").exists() and source.exists() else None

    return [name for name in CHAPTERS
            if built_from(name) != (NOTEBOOKS / f"{name}.ipynb").read_bytes()]


@pytest.fixture(scope="module")
def book(chromium: Any) -> Iterator[Book]:
    viewport = {"width": 1300, "height": 900}
    with served_offline(chromium, SITE, stale_chapters(), viewport) as (site, context, requests):
        yield Book(site, context.new_page(), requests)


@pytest.fixture(scope="module")
def visits(book: Book) -> dict[str, Visit]:
    """Every page of the site opened once, read, and checked by axe in its own content."""
    found = {}
    for name in PAGES:
        book.open(name)
        read = book.page.evaluate(_READ, ARTICLE)
        violations = [v for v in scan(book.page, "", within=ARTICLE, upstream=BOOK_THEME)
                      if v.upstream is None]
        found[name] = Visit(read["heading"], read["links"], set(read["ids"]),
                            dict(read["pictures"]), read["launches"], violations)
    return found


def view_pictures(name: str) -> list[str]:
    """The text alternative of every view's static picture stored in a chapter's notebook."""
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    return [svg_text(output.data["image/svg+xml"])
            for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.outputs
            if WIDGET in output.get("data", {}) and "image/svg+xml" in output.data]


@pytest.mark.parametrize("name", CHAPTERS)
def test_a_chapter_page_shows_every_views_picture_with_its_text(visits: dict[str, Visit],
                                                                 name: str) -> None:
    visit = visits[name]
    assert visit.heading
    for alt in view_pictures(name):
        assert visit.pictures.get(alt), f"{name}: no picture shown named {alt[:80]!r}"


def test_the_pictures_come_from_the_re_stored_notebooks() -> None:
    """At least one chapter carries its views' pictures (every chapter once re-stored)."""
    assert any(view_pictures(name) for name in CHAPTERS)


@pytest.mark.parametrize("name", PAGES)
def test_every_internal_link_resolves(book: Book, visits: dict[str, Visit], name: str) -> None:
    here = urlsplit(book.site.url).netloc
    broken = []
    for link in visits[name].links:
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or parts.netloc != here:
            continue
        target = SITE / unquote(parts.path).lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            broken.append(link)
        elif (parts.fragment and target.name == f"{name}.html"
              and unquote(parts.fragment) not in visits[name].ids):
            broken.append(link)
    assert broken == [], f"{name}: {broken[:5]}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_the_launch_buttons_open_this_notebook(book: Book, visits: dict[str, Visit],
                                               name: str) -> None:
    hrefs = visits[name].launches
    lite = [href for href in hrefs if "/lite/" in href]
    assert len(lite) == 1, hrefs
    parts = urlsplit(lite[0])
    assert (SITE / parts.path.lstrip("/")).is_file()
    (path,) = parse_qs(parts.query)["path"]
    assert path == f"{name}.ipynb" and (SITE / "lite" / "files" / path).is_file()
    assert book.page.request.get(lite[0]).ok
    assert any(href.startswith("https://mybinder.org/") and name in href for href in hrefs)
    assert any(href.startswith("https://colab.research.google.com/") and name in href
               for href in hrefs)


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_wcag_violation_in_the_books_content(visits: dict[str, Visit],
                                                         name: str) -> None:
    assert visits[name].violations == [], "\n".join(map(str, visits[name].violations))


def test_axe_would_see_a_picture_without_text(book: Book) -> None:
    """The check above can fail: a picture with no text alternative is found."""
    book.open(CHAPTERS[0])
    book.page.evaluate(f"""() => document.querySelector('{ARTICLE}').append(
        Object.assign(document.createElement('img'), {{src: '_static/no-such.png'}}))""")
    rules = {v.rule for v in scan(book.page, "", within=ARTICLE, upstream=BOOK_THEME)}
    assert "image-alt" in rules


def test_no_request_left_loopback_for_a_picture(book: Book, visits: dict[str, Visit]) -> None:
    """Whatever the pages asked of the internet (aborted), no picture came from there."""
    pictures = [url for url in book.requests.outside
                if Path(urlsplit(url).path).suffix in (".svg", ".png", ".jpg", ".gif")]
    assert pictures == []


def test_jupyterlab_shows_each_view_live_and_never_its_static_picture_too(lab: Lab) -> None:
    """Run live, every view's bundle carries widget and SVG: JupyterLab ranks the widget first
    and shows only it (Notebook 7 shares its renderers; JupyterLite: tests/browser/test_lite)."""
    name = "03_analytic_gradient.ipynb"
    lab.run_notebook(name)
    try:
        panel = lab.notebook(name)
        assert panel.locator(WIDGET_VIEW).count() >= 3
        assert views_shown_beside_a_picture(panel) == 0
    finally:
        lab.close(name)
