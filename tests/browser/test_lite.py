"""The course in the browser with no server: the JupyterLite site that `make site` builds, served
from 127.0.0.1 and driven in headless Chromium, with every request that would leave loopback
aborted and recorded. Notebook 00 runs on Pyodide from the site alone: its explorer draws, and
a key press on a slider and a Pull change the drawing.

Measures the cold start (page load to the explorer's first drawing) and the key press to the new
drawing (median of 20), both shown in pytest's summary.

What the test relies on in the explorer's DOM: it is a widget output holding a button named
"Pull"; its sliders have role "slider" and their value in aria-valuetext (range inputs);
its drawing is its largest picture, an img or an svg (drawing_probe.js).
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import importlib.util
import json
import statistics
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import nbformat
import pytest
from packaging.utils import canonicalize_name
from playwright.sync_api import expect

from gatekit.errors import NeedsTheInternet

from .browser_lab import (
    ARTIFACTS,
    HERE,
    LATENCY_MEDIAN_LIMIT_MS,
    MEASUREMENTS,
    NOTEBOOKS,
    PAGE_TIMEOUT_MS,
    WIDGET_VIEW,
    Findings,
    Lab,
    key_press_latencies,
    latency_report,
    views_shown_beside_a_picture,
)

ROOT = HERE.parents[1]
SITE = ROOT / "build" / "site" / "lite"  # under the course website
WELCOME = "00_welcome.ipynb"
# A request the guard must stop: `.invalid` names never resolve anywhere.
OUTSIDE_PROBE_URL = "http://gatekit.invalid/probe"
# The live views of the offline chapters, used as those chapters use them; prints the
# distributions this imported (not those Python's start-up imported, such as setuptools' hook).
LIVE_VIEWS = """
import importlib.metadata, json, sys
at_start_up = set(sys.modules)
import gatekit as gk
circuit = gk.parse("(x + y) * z", x=-2.0, y=5.0, z=-4.0)
circuit._repr_svg_()
gk.explore(circuit).pull()
gk.widgets.BackpropStepper, gk.widgets.compare_strategies, gk.exercises.check
where = importlib.metadata.packages_distributions()
tops = {name.split(".")[0] for name in set(sys.modules) - at_start_up}
print(json.dumps(sorted({dist for top in tops for dist in where.get(top, [])})))
"""
MIME_TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
              ".json": "application/json", ".whl": "application/zip"}


def tool(name: str) -> Any:
    """A module of tools/, imported from its file (tools/ is no package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stale_parts() -> list[str]:
    """What in build/site/lite differs from the checkout: the welcome notebook, gatekit's
    modules."""
    if not (SITE / "index.html").exists():
        return ["build/site/lite is missing"]
    stale = []
    if (SITE / "files" / WELCOME).read_bytes() != (NOTEBOOKS / WELCOME).read_bytes():
        stale.append(f"files/{WELCOME}")
    wheels = sorted((SITE / "static" / "pyodide").glob("gatekit_edu-*.whl"))
    if not wheels:
        return [*stale, "gatekit's wheel"]
    with zipfile.ZipFile(wheels[-1]) as wheel:
        packed = set(wheel.namelist())
        for module in sorted((ROOT / "gatekit").rglob("*.py")):
            name = module.relative_to(ROOT).as_posix()
            if name not in packed or wheel.read(name) != module.read_bytes():
                stale.append(name)
    return stale


def slider_value(handle: Any) -> float:
    """A slider handle's value (ipywidgets may write a minus sign as U+2212)."""
    return float(handle.get_attribute("aria-valuetext").replace("\u2212", "-"))


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with the types browsers insist on for WebAssembly and JavaScript modules."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

    def log_message(self, format: str, *args: Any) -> None:
        pass


class LiteSite:
    """build/site/lite served by a Python HTTP server on a free port of 127.0.0.1, in a thread."""

    def __init__(self, root: Path) -> None:
        handler = functools.partial(_Handler, directory=str(root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@dataclass
class RequestLog:
    """Every request the browser made, split by where it went; others than loopback aborted."""

    loopback: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def route(self, route: Any) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("data", "blob") or urlsplit(url).hostname == "127.0.0.1":
            self.loopback.append(url)
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


class LiteLab(Lab):
    """The Lab page helpers over JupyterLite instead of a JupyterLab server."""

    def __init__(self, page: Any, site: LiteSite) -> None:
        super().__init__(page, server=None)  # type: ignore[arg-type]
        self.site = site
        self.ready_ms = 0.0

    def start(self) -> None:
        """Load JupyterLite, install the helpers once it has restored, watch for a drawing."""
        self.page.goto(f"{self.site.url}/lab/index.html")
        self.page.wait_for_function("() => window.jupyterapp !== undefined")
        self.ready_ms = self.page.evaluate(
            "async () => { await window.jupyterapp.restored; return performance.now(); }"
        )
        self.page.evaluate((HERE / "lab_helpers.js").read_text())
        self.page.evaluate((HERE / "drawing_probe.js").read_text())
        self.page.evaluate("() => window.gatekitDrawing.watchFirstDrawing()")

    def screenshot(self, name: str, target: Any | None = None) -> Path:
        return super().screenshot(f"lite-{name}", target)


@dataclass
class Welcome:
    """Notebook 00 run in JupyterLite, with its first explorer and the requests so far."""

    lab: LiteLab
    findings: Findings
    explorer: Any  # locator
    requests: RequestLog

    def drawing_signature(self) -> str:
        return self.explorer.evaluate(
            "(root) => window.gatekitDrawing.signature(window.gatekitDrawing.drawingOf(root))"
        )

    def wait_for_new_drawing(self, before: str) -> None:
        self.explorer.evaluate(
            """async (root, before) => {
                const probe = window.gatekitDrawing;
                for (;;) {
                    const drawing = probe.drawingOf(root);
                    if (drawing && probe.signature(drawing) !== before && probe.drawn(drawing)) {
                        return;
                    }
                    await new Promise((resolve) => setTimeout(resolve, 10));
                }
            }""",
            before,
        )


@contextmanager
def served_offline(chromium: Any, root: Path, stale: list[str],
                   viewport: dict[str, int]) -> Iterator[tuple[LiteSite, Any, RequestLog]]:
    """`root` served on 127.0.0.1 and a fresh browser context whose requests anywhere else are
    aborted and recorded; a build that is `stale` (what differs) fails the test instead."""
    if stale:
        shown = ", ".join(stale[:3]) + (f" and {len(stale) - 3} more" if len(stale) > 3 else "")
        pytest.fail(f"{root.relative_to(ROOT)} does not match the checkout ({shown}): run "
                    "`make site` (make test builds it first).", pytrace=False)
    site = LiteSite(root)
    site.start()
    requests = RequestLog()
    context = chromium.new_context(viewport=viewport)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    expect.set_options(timeout=PAGE_TIMEOUT_MS)
    context.route("**/*", requests.route)
    try:
        yield site, context, requests
    finally:
        context.close()
        site.stop()


@pytest.fixture(scope="module")
def welcome(chromium: Any) -> Iterator[Welcome]:
    """The site served, JupyterLite opened in a fresh browser context, notebook 00 run."""
    viewport = {"width": 1400, "height": 1000}
    with served_offline(chromium, SITE, stale_parts(), viewport) as (site, context, requests):
        lab = LiteLab(context.new_page(), site)
        try:
            lab.start()
            findings = lab.run_notebook(WELCOME)
            explorer = lab.notebook(WELCOME).locator(WIDGET_VIEW).filter(
                has=lab.page.get_by_role("button", name="Pull")
            ).first
            times = lab.page.evaluate(
                "() => [window.gatekitDrawing.kernelReadyAt, window.gatekitDrawing.firstDrawingAt]"
            )
            assert None not in times, f"the kernel or the explorer's drawing never showed: {times}"
            report = ("Lite cold start, page load -> first drawing of notebook 00: "
                      f"{times[1] / 1000:.1f} s (JupyterLite ready {lab.ready_ms / 1000:.1f} s, "
                      f"Pyodide kernel idle {times[0] / 1000:.1f} s)")
            print(report)
            MEASUREMENTS.append(report)
            yield Welcome(lab, findings, explorer, requests)
        finally:
            ARTIFACTS.mkdir(exist_ok=True)
            (ARTIFACTS / "lite-browser-console.log").write_text("\n".join(lab.console) + "\n")


def test_notebook_00_runs_on_pyodide_with_gatekit_from_the_site(welcome: Welcome) -> None:
    """Every cell ran on the Pyodide kernel without an error, and every widget rendered."""
    findings = welcome.findings
    assert findings.kernel == "python"
    assert findings.unexecuted == []
    assert findings.error_outputs == []
    assert findings.kernel_errors == []
    assert findings.page_errors == []
    assert findings.view_states and set(findings.view_states) == {"rendered"}
    served = [urlsplit(url).path for url in welcome.requests.loopback]
    assert any(path.startswith("/static/pyodide/gatekit_edu-") for path in served), served


def test_jupyterlite_shows_the_live_widget_and_not_its_static_picture(welcome: Welcome) -> None:
    """The view's bundle carries an SVG too; JupyterLite ranks the widget first, shows only it."""
    assert welcome.lab.notebook(WELCOME).locator(WIDGET_VIEW).count() > 0
    assert views_shown_beside_a_picture(welcome.lab.notebook(WELCOME)) == 0


def test_the_explorer_draws_the_circuit(welcome: Welcome) -> None:
    """The explorer shows its drawing: an image with pixels or an svg with shapes."""
    expect(welcome.explorer).to_be_visible()
    assert welcome.explorer.evaluate(
        "(root) => window.gatekitDrawing.drawn(window.gatekitDrawing.drawingOf(root))"
    )


def test_arrow_right_on_a_slider_changes_the_drawing(welcome: Welcome) -> None:
    """One key press moves the first slider up one step, and the drawing changes with it."""
    handle = welcome.explorer.get_by_role("slider").first
    value_before = slider_value(handle)
    drawing_before = welcome.drawing_signature()

    handle.press("ArrowRight")

    welcome.wait_for_new_drawing(drawing_before)
    assert slider_value(handle) > value_before
    assert welcome.lab.findings(WELCOME).kernel_errors == []


def test_pull_changes_the_drawing(welcome: Welcome) -> None:
    """Pull moves the inputs along their grads: the drawing shows the new values."""
    drawing_before = welcome.drawing_signature()

    welcome.explorer.get_by_role("button", name="Pull").click()

    welcome.wait_for_new_drawing(drawing_before)
    assert welcome.lab.findings(WELCOME).kernel_errors == []


def test_key_press_to_new_drawing_latency(welcome: Welcome) -> None:
    """Median time from an ArrowRight on a slider to the new drawing shown, on Pyodide."""
    slider = welcome.explorer.get_by_role("slider").first
    latencies = key_press_latencies(welcome.lab.page, slider, welcome.explorer)
    median = statistics.median(latencies)
    report = latency_report("Lite key press", latencies)
    print(report)
    MEASUREMENTS.append(report)
    assert welcome.lab.findings(WELCOME).kernel_errors == []
    assert median < LATENCY_MEDIAN_LIMIT_MS, report


def test_no_request_left_loopback(welcome: Welcome) -> None:
    """Everything the site needed, Pyodide and every wheel included, came from 127.0.0.1."""
    outside = [url for url in welcome.requests.outside if url != OUTSIDE_PROBE_URL]
    assert outside == [], f"requests that would have left 127.0.0.1 (aborted): {outside}"
    assert len(welcome.requests.loopback) > 50


def test_the_guard_aborts_and_records_a_request_that_would_leave(welcome: Welcome) -> None:
    """The guard behind the previous test: a fetch elsewhere fails in the page and is logged."""
    outcome = welcome.lab.page.evaluate(
        "(url) => fetch(url).then(() => 'fetched', () => 'failed')", OUTSIDE_PROBE_URL
    )
    assert outcome == "failed"
    assert OUTSIDE_PROBE_URL in welcome.requests.outside


def test_the_news_pop_up_is_off(welcome: Welcome) -> None:
    """The site's settings turn JupyterLab's news off, so no pop-up asks a new learner."""
    fetch_news = welcome.lab.page.evaluate(
        """async () => (await window.jupyterapp.serviceManager.settings.fetch(
            '@jupyterlab/apputils-extension:notification')).schema.properties.fetchNews.default"""
    )
    assert fetch_news == "false"
    expect(welcome.lab.page.get_by_text("official Jupyter news")).to_have_count(0)


def test_the_sites_lock_serves_its_own_wheels_and_takes_the_rest_from_the_cdn() -> None:
    """Every wheel the lock names by file is beside it with that sha256; every other package
    is an absolute address (Pyodide's CDN), so nothing else is looked for on the site."""
    folder = SITE / "static" / "pyodide"
    packages = json.loads((folder / "pyodide-lock.json").read_text())["packages"]
    local = {name: entry for name, entry in packages.items() if "://" not in entry["file_name"]}
    for name, entry in local.items():
        wheel = folder / entry["file_name"]
        assert wheel.exists(), name
        assert hashlib.sha256(wheel.read_bytes()).hexdigest() == entry["sha256"], name
        assert {canonicalize_name(dep) for dep in entry["depends"]} <= set(local), name
    for name in ("gatekit-edu", "ipywidgets", "networkx", "comm", "micropip", "ipython"):
        assert name in local
    assert "numpy" not in local and "matplotlib" not in local
    assert set(local["gatekit-edu"]["depends"]) >= {"ipywidgets", "networkx"}
    assert local["networkx"]["depends"] == []  # Pyodide's own entry would pull numpy and more


def test_the_site_bundles_everything_the_live_views_import() -> None:
    """The explorer, the stepper, the strategy comparison, the exercises and a circuit's
    picture import only distributions the site's lock serves itself, so the chapters that use
    only them run offline."""
    packages = json.loads((SITE / "static" / "pyodide" / "pyodide-lock.json").read_text())
    local = {name for name, entry in packages["packages"].items()
             if "://" not in entry["file_name"]}
    imported = json.loads(subprocess.run(
        [sys.executable, "-c", LIVE_VIEWS], check=True, capture_output=True, text=True
    ).stdout)
    assert {"gatekit-edu", "ipywidgets", "networkx"} <= set(imported)
    # psygnal's compiled CPython build also imports mypy_extensions where it is installed (the
    # type checker brings it); the site serves psygnal's pure-Python wheel, which does not.
    compiled_only = {"mypy-extensions"}
    assert {canonicalize_name(name) for name in imported} - compiled_only <= local, imported


def test_every_notebook_has_the_install_cell_the_tool_writes_after_its_goal() -> None:
    """Each notebook opens with its title and goal, then a cell that installs gatekit under
    Pyodide, exactly as the tool writes it (numpy and matplotlib too where the notebook uses
    them)."""
    notebooks = tool("lite_notebooks")
    wrong = []
    for path in sorted(NOTEBOOKS.glob("[0-9]*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        expected = notebooks.install_source(notebooks.needs_full_distribution(notebook))
        if notebook.cells[0].cell_type != "markdown" or notebook.cells[1].source != expected:
            wrong.append(path.name)
    assert wrong == [], f"run `python tools/lite_notebooks.py` on {wrong}"


def test_the_install_cell_tool_adds_once_and_changes_nothing_else() -> None:
    """Without the cell the tool adds it after the opening title and goal; run again, it
    changes nothing; a cell left at the top moves down; the other cells stay as they were."""
    notebooks = tool("lite_notebooks")
    notebook = nbformat.read(NOTEBOOKS / WELCOME, as_version=4)
    notebook.cells.remove(notebooks.install_cell(notebook))
    others = [(cell.id, cell.source) for cell in notebook.cells]

    assert notebooks.refresh(notebook, "00") is True
    assert notebooks.refresh(notebook, "00") is False

    cell = notebook.cells[1]
    assert cell.source.startswith(notebooks.MARKER) and notebook.cells[0].cell_type == "markdown"
    assert 'if sys.platform == "emscripten":' in cell.source
    assert [(c.id, c.source) for c in notebook.cells if c is not cell] == others
    cell.source = cell.source.replace("gatekit-edu", "gatekit-edu==0")
    notebook.cells.insert(0, notebook.cells.pop(1))
    assert notebooks.refresh(notebook, "00") is True
    assert notebook.cells[1] is cell and len(notebook.cells) == len(others) + 1


def test_chapters_with_numpy_or_matplotlib_are_marked_as_needing_the_full_pyodide() -> None:
    """The chapters of the outline that use numpy or matplotlib (07-10, 12) need Pyodide's CDN;
    the others (00-06, 11) run from the site alone."""
    notebooks = tool("lite_notebooks")
    full = {"07", "08", "09", "10", "12"}
    offline = {"00", "01", "02", "03", "04", "05", "06", "11"}
    for path in sorted(NOTEBOOKS.glob("[0-9]*.ipynb")):
        number = path.name[:2]
        if number in full | offline:
            needs = notebooks.needs_full_distribution(nbformat.read(path, as_version=4))
            assert needs == (number in full), path.name


def test_a_chapter_needing_the_internet_says_so_in_one_sentence_offline(welcome: Welcome) -> None:
    """Chapter 7 opened with every request leaving the site aborted: its first cell says in one
    sentence that numpy and matplotlib load from the internet, and the run stops there."""
    name = "07_binary_classification.ipynb"
    findings = welcome.lab.run_notebook(name)
    offline = str(NeedsTheInternet("numpy", "matplotlib"))
    (error,) = findings.error_outputs  # the run stopped at the first cell that failed
    # (Pyodide's kernel names the error by its class's repr: <class '...NeedsTheInternet'>)
    assert error.startswith("cell 1: ") and error.endswith(f"NeedsTheInternet'>: {offline}")
    assert [message.endswith(offline) for message in findings.kernel_errors] == [True]
    # (the page's console meanwhile logs Pyodide's failed downloads: the requests it aborted)
    assert any("matplotlib" in url or "numpy" in url for url in welcome.requests.outside)
    welcome.lab.close(name)
