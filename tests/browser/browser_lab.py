"""What the real-browser tests drive: a JupyterLab server and one JupyterLab page in Chromium.

The server runs on 127.0.0.1 with a random port, a token and throw-away Jupyter directories, over
a temporary copy of notebooks/, with the venv's own Python as its only kernel. Chromium is
Debian's (/usr/bin/chromium) driven by Playwright; Playwright's browser download is not used.
Kernels and the server are always shut down, whatever the tests did.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError

from .accessibility import Violation, scan

HERE = Path(__file__).resolve().parent
NOTEBOOKS = HERE.parents[1] / "notebooks"
ARTIFACTS = HERE / "artifacts"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING_CHROMIUM = (
    f"{CHROMIUM} is missing, so the real-browser tests cannot run. Install Debian's Chromium: "
    "`apt-get install chromium` (as root), or run `make test` as root, which installs it."
)

# Generous limits: CI machines are slow and shared. Every wait ends as soon as its condition holds.
SERVER_START_SECONDS = 180
SERVER_STOP_SECONDS = 30
PAGE_TIMEOUT_MS = 120_000
NOTEBOOK_RUN_TIMEOUT_MS = 300_000
SCREENSHOT_TIMEOUT_MS = 10_000
# After the kernel is idle, the notebook counts as drawn once its page has not changed for this
# long (a view renders its children one by one), or after the limit.
QUIET_MS = 300
QUIET_LIMIT_MS = 15_000

# Console lines (as Lab records them) that mean JavaScript in the page went wrong.
PAGE_ERROR_PREFIXES = ("error:", "pageerror:")

# Widget views' output nodes, as lab_helpers.js marks them.
WIDGET_VIEW = "[data-gatekit-widget-view]"
# How many widget outputs under a node show something besides the live widget: a view's bundle
# also carries its static SVG, which a live frontend must rank below the widget and not show.
_SHOWN_BESIDE_WIDGET = """(root) => [...root.querySelectorAll('[data-gatekit-widget-view]')]
  .filter((node) => {
    const child = node.closest('.jp-OutputArea-child');
    return !node.querySelector('.jupyter-widgets')
      || child.querySelectorAll('.jp-OutputArea-output').length !== 1
      || child.querySelector('.jp-RenderedSVG, .jp-RenderedImage') !== null;
  }).length"""


def views_shown_beside_a_picture(panel: Any) -> int:
    """The widget outputs in a notebook panel (a locator) that show more than the widget."""
    return panel.evaluate(_SHOWN_BESIDE_WIDGET)

# JupyterLab user settings for the session. Windowing off: every cell is in the DOM, so every
# widget view of a notebook renders and can be checked, not only those in the viewport.
LAB_USER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


# Figures the browser tests measured, one line each, shown at the end of the pytest run.
MEASUREMENTS: list[str] = []
LATENCY_PRESSES = 20
# Far above the 20-100 ms measured here: fails only when a slider stops feeling live at all.
LATENCY_MEDIAN_LIMIT_MS = 2000.0


def notebook_names() -> list[str]:
    """The notebooks in notebooks/ now, by file name, in chapter order."""
    return sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LabServer:
    """A JupyterLab server in its own process group, over a copy of the notebooks."""

    def __init__(self, base: Path) -> None:
        self.root = base / "notebooks"
        self.jupyter = base / "jupyter"
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = ARTIFACTS / "jupyterlab.log"
        self.process: subprocess.Popen[bytes] | None = None

    def _prepare(self) -> dict[str, str]:
        shutil.copytree(NOTEBOOKS, self.root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        config, data = self.jupyter / "config", self.jupyter / "data"
        shutil.copytree(HERE / "labconfig", config / "labconfig")
        # The only Python kernel is the interpreter running the tests: the venv's.
        kernel = data / "kernels" / "python3"
        kernel.mkdir(parents=True)
        (kernel / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
        }))
        for name, values in LAB_USER_SETTINGS.items():
            path = self.jupyter / "lab-settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        return os.environ | {
            "JUPYTER_CONFIG_DIR": str(config),
            "JUPYTER_DATA_DIR": str(data),
            "JUPYTER_RUNTIME_DIR": str(self.jupyter / "runtime"),
            "IPYTHONDIR": str(self.jupyter / "ipython"),
            # In a venv Jupyter looks in the venv's directories first; ours must come first.
            "JUPYTER_PREFER_ENV_PATH": "0",
        }

    def start(self) -> None:
        """Start the server and return once `/api/status` answers."""
        env = self._prepare()
        ARTIFACTS.mkdir(exist_ok=True)
        command = [
            sys.executable, "-m", "jupyterlab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.terminals_enabled=False",
            "--LabApp.expose_app_in_browser=True",
            f"--LabApp.user_settings_dir={self.jupyter / 'lab-settings'}",
            f"--LabApp.workspaces_dir={self.jupyter / 'workspaces'}",
        ]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, env=env, cwd=self.root, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited at start-up:\n{self._log_tail()}")
            try:
                self.api("GET", "/api/status")
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise RuntimeError(f"JupyterLab did not answer in {SERVER_START_SECONDS} s:\n"
                           f"{self._log_tail()}")

    def api(self, method: str, path: str) -> Any:
        """Call the server's REST API with the token; the decoded JSON answer, or None."""
        request = urllib.request.Request(
            self.url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def stop(self) -> None:
        """Shut every kernel and the server down; kill what does not stop in time."""
        if self.process is None:
            return
        try:
            for kernel in self.api("GET", "/api/kernels"):
                self.api("DELETE", f"/api/kernels/{kernel['id']}")
            self.api("POST", "/api/shutdown")
            self.process.wait(SERVER_STOP_SECONDS)
        except (OSError, urllib.error.URLError, subprocess.TimeoutExpired):
            pass
        finally:
            self._kill_leftovers()

    def _kill_leftovers(self) -> None:
        assert self.process is not None
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(SERVER_STOP_SECONDS)
        with contextlib.suppress(ProcessLookupError):  # whatever is left of the process group
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        # Kernels run in sessions of their own; any still alive is found by its connection file,
        # which lives in this server's runtime directory.
        runtime = str(self.jupyter / "runtime").encode()
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                if runtime in (proc / "cmdline").read_bytes():
                    os.kill(int(proc.name), signal.SIGKILL)
            except (OSError, ValueError):
                continue

    def _log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Findings:
    """What went wrong in one notebook right after running all its cells, as a learner would
    see it (to a screen reader too: axe-core's findings in its outputs), and which kernel ran
    it."""

    kernel: str
    code_cells: int
    unexecuted: list[int]
    error_outputs: list[str]
    stderr_nodes: int
    kernel_errors: list[str]
    view_states: list[str]
    page_errors: list[str] = field(default_factory=list)  # uncaught JS errors, console errors
    accessibility: list[Violation] = field(default_factory=list)  # axe-core, WCAG 2.1 A/AA


class Lab:
    """One JupyterLab page, reused for every notebook: open, run, inspect, close."""

    def __init__(self, page: Any, server: LabServer) -> None:
        self.page = page
        self.server = server
        self.console: list[str] = []
        self._panel_ids: dict[str, str] = {}
        # Findings of every notebook run in this session, so a notebook that one test already ran
        # (the welcome notebook, before its explorer tests) is not run a second time.
        self.runs: dict[str, Findings] = {}
        page.on("console", lambda msg: self.console.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))

    def start(self) -> None:
        """Load JupyterLab and install the helpers once it has restored its layout."""
        self.page.goto(f"{self.server.url}/lab?token={self.server.token}")
        self.page.wait_for_function("() => window.jupyterapp !== undefined")
        self.page.evaluate("async () => { await window.jupyterapp.restored; }")
        self.page.evaluate((HERE / "lab_helpers.js").read_text())
        self.page.evaluate((HERE / "drawing_probe.js").read_text())

    def run_notebook(self, name: str) -> Findings:
        """Open a notebook with a fresh kernel, run all cells, wait until the kernel is idle and
        every widget view has rendered; check its outputs with axe-core, screenshot its first
        widget view (the explorer, in most chapters) and record the findings. The notebook stays
        open until `close`."""
        console_before = len(self.console)
        self._panel_ids[name] = self.page.evaluate(
            "async (path) => await window.gatekitLab.open(path)", name
        )
        self.page.wait_for_function(
            "(path) => (window.gatekitLab.kernel(path) || {}).status === 'idle'", arg=name
        )
        self.page.evaluate("async (path) => { await window.gatekitLab.runAll(path); }", name)
        self.page.wait_for_function(
            "(path) => window.gatekitLab.settled(path)", arg=name, timeout=NOTEBOOK_RUN_TIMEOUT_MS
        )
        self.page.evaluate("async ([path, ms, limit]) => window.gatekitLab.quiet(path, ms, limit)",
                           [name, QUIET_MS, QUIET_LIMIT_MS])
        findings = self.findings(name)
        findings.page_errors = [
            line for line in self.console[console_before:] if line.startswith(PAGE_ERROR_PREFIXES)
        ]
        findings.accessibility = scan(self.page, f"[id='{self._panel_ids[name]}']")
        views = self.notebook(name).locator(WIDGET_VIEW)
        self.screenshot(name, views.first if findings.view_states else None)
        self.runs[name] = findings
        return findings

    def findings(self, name: str) -> Findings:
        """Read the notebook's outputs, widget views and kernel messages as they are now."""
        raw = self.page.evaluate("(path) => window.gatekitLab.findings(path)", name)
        return Findings(
            kernel=raw["kernel"],
            code_cells=raw["codeCells"],
            unexecuted=raw["unexecuted"],
            error_outputs=raw["errorOutputs"],
            stderr_nodes=raw["stderrNodes"],
            kernel_errors=raw["kernelErrors"],
            view_states=raw["viewStates"],
        )

    def notebook(self, name: str) -> Any:
        """A locator for the open notebook's panel."""
        return self.page.locator(f"[id='{self._panel_ids[name]}']")

    def screenshot(self, name: str, target: Any | None = None) -> Path:
        """Save a screenshot of `target` under artifacts/, named for `name`; of the page when
        there is no target or it cannot be shot (not visible, say), so there is always one."""
        path = ARTIFACTS / f"{Path(name).stem}.png"
        if target is not None:
            try:
                target.scroll_into_view_if_needed(timeout=SCREENSHOT_TIMEOUT_MS)
                target.screenshot(path=path, timeout=SCREENSHOT_TIMEOUT_MS)
                return path
            except PlaywrightError:
                pass
        self.page.screenshot(path=path)
        return path

    def close(self, name: str) -> None:
        """Start shutting the notebook's kernel down and close its tab, unsaved. The next
        notebook does not wait for it; `wait_for_shutdowns` does."""
        self.page.evaluate("(path) => { window.gatekitLab.close(path); }", name)

    def wait_for_shutdowns(self) -> None:
        """Return once every kernel `close` asked to shut down has stopped."""
        self.page.evaluate("async () => { await window.gatekitLab.allClosed(); }")


def key_press_latencies(page: Any, slider: Any, root: Any) -> list[float]:
    """Milliseconds from each of `LATENCY_PRESSES` ArrowRight presses on `slider` until the
    drawing in the view `root` shows something new, decoded (drawing_probe.js)."""
    latencies = []
    for _ in range(LATENCY_PRESSES):
        page.evaluate(
            "([target, root]) => window.gatekitDrawing.armLatencyProbe(target, root)",
            [slider.element_handle(), root.element_handle()],
        )
        slider.press("ArrowRight")
        latencies.append(page.evaluate("() => window.gatekitProbe"))
    return latencies


def latency_report(what: str, latencies: list[float]) -> str:
    """One line for the test log and MEASUREMENTS, such as `key press -> new drawing, …`."""
    return (
        f"{what} -> new drawing, median of {len(latencies)}: {statistics.median(latencies):.0f}"
        f" ms (min {min(latencies):.0f}, max {max(latencies):.0f})"
    )


@contextlib.contextmanager
def view_with_button(lab: Lab, name: str, button: str) -> Iterator[Any]:
    """Notebook `name` run in JupyterLab: the first widget view holding a button named `button`;
    the notebook is closed (its kernel shut down) afterwards."""
    assert name in notebook_names(), f"notebooks/{name} is missing"
    try:
        lab.run_notebook(name)
        yield lab.notebook(name).locator(WIDGET_VIEW).filter(
            has=lab.page.get_by_role("button", name=button)).first
    finally:
        lab.close(name)
