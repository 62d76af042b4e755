"""Real-browser fixtures: one JupyterLab server, one headless Chromium and one JupyterLab page
shared by all browser tests (see browser_lab.py), closed as soon as the last of them has run.
A missing Chromium fails the tests, never skips them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

try:
    import playwright  # noqa: F401
except ImportError as error:  # fail loudly: these tests are never skipped
    raise ImportError(
        "The browser tests need Playwright and JupyterLab: pip install -e '.[browser]' "
        "(make test installs them)."
    ) from error

from playwright.sync_api import expect, sync_playwright

from .browser_lab import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    MEASUREMENTS,
    MISSING_CHROMIUM,
    PAGE_TIMEOUT_MS,
    Lab,
    LabServer,
)


@pytest.fixture(scope="package")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """A running JupyterLab over a temporary copy of notebooks/."""
    server = LabServer(tmp_path_factory.mktemp("jupyterlab"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="package")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright. Missing Chromium is a failure."""
    if not CHROMIUM.exists():
        pytest.fail(MISSING_CHROMIUM, pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="package")
def lab(chromium: Any, lab_server: LabServer) -> Iterator[Lab]:
    """The JupyterLab page every browser test shares."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    expect.set_options(timeout=PAGE_TIMEOUT_MS)  # assertions wait as long as actions may
    page = context.new_page()
    session = Lab(page, lab_server)
    try:
        session.start()
        yield session
        session.wait_for_shutdowns()
    finally:
        (ARTIFACTS / "browser-console.log").write_text("\n".join(session.console) + "\n")
        context.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Show what the browser tests measured (the key-press latency) at the end of the run."""
    if MEASUREMENTS:
        terminalreporter.section("browser measurements")
        for line in MEASUREMENTS:
            terminalreporter.write_line(line)
