"""The welcome notebook's explorer, used in a real browser as a learner would: sliders move the
drawing, Pull moves the sliders; the same with the keyboard alone (Tab to a slider, arrows move
it, Tab to Pull, Enter pulls, Enter on Play keeps pulling until Enter again); and chapter 3's
refused slider value is explained inside its widget.

Also measures how long a key press on a slider takes to show a new drawing (median of 20)."""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from .browser_lab import (
    ARTIFACTS,
    LATENCY_MEDIAN_LIMIT_MS,
    MEASUREMENTS,
    WIDGET_VIEW,
    Findings,
    Lab,
    key_press_latencies,
    latency_report,
    notebook_names,
)

WELCOME = "00_welcome.ipynb"
REFUSED = "03_analytic_gradient.ipynb"  # its last explorer is given y = 0 under x / y
NEURON_INPUTS = ["a", "x", "b", "y", "c"]
OUTPUT_LINE = re.compile(r"^\s*\S+ = -?\d+\.\d+\s*$")  # "f = 0.8808"
PULLS = re.compile(r"(\d+) pulls? so far")
MOST_TABS = 30  # Tab presses allowed to reach a control (each slider adds two stops)


def number(text: str) -> float:
    """A slider's value as shown; ipywidgets writes negative numbers with U+2212 (−)."""
    return float(text.replace("\u2212", "-"))


@dataclass
class Explorer:
    """An explorer in a notebook that has run, found by role and name as a screen reader would."""

    lab: Lab
    root: Any  # locator of its widget view

    def slider(self, name: str) -> Any:
        """The slider named `name` (a range input, named by its label)."""
        return self.root.get_by_role("slider", name=name, exact=True)

    def value(self, name: str) -> float:
        return number(self.slider(name).get_attribute("aria-valuetext"))

    def readout(self, name: str) -> Any:
        """The box beside slider `name` that shows its value and takes a typed one."""
        return self.root.get_by_role("textbox", name=f"{name}: type a value", exact=True)

    def drawing(self) -> Any:
        """The circuit drawing: the explorer's first picture."""
        return self.root.get_by_role("img").first

    def output_line(self) -> Any:
        """The line that reads the circuit's output, such as "f = 0.8808"."""
        return self.root.locator(".widget-html").filter(has_text=OUTPUT_LINE)

    def output(self) -> float:
        return number(self.output_line().inner_text().split("=")[1])

    def pulls(self) -> int:
        """The pulls so far, as the drawing's text alternative says."""
        found = PULLS.search(self.drawing().get_attribute("alt"))
        assert found, "the drawing's alt does not say how many pulls"
        return int(found[1])

    def focused(self) -> dict[str, str]:
        """The element that has the keyboard focus: its role-ish tag and its name."""
        return self.lab.page.evaluate("""() => {
            const e = document.activeElement;
            return { tag: e.tagName.toLowerCase(), type: e.type || '',
                     name: e.getAttribute('aria-label') || e.textContent.trim() };
        }""")

    def tab_to(self, tag: str, name: str) -> int:
        """Press Tab until the focus is on the `tag` element named `name`; how many presses."""
        for presses in range(1, MOST_TABS + 1):
            self.lab.page.keyboard.press("Tab")
            focused = self.focused()
            if focused["tag"] == tag and focused["name"] == name:
                return presses
        raise AssertionError(f"{MOST_TABS} Tabs never reached {tag} {name!r}; "
                             f"the focus is on {self.focused()}")


@dataclass
class Welcome(Explorer):
    findings: Findings


@pytest.fixture(scope="module")
def welcome(lab: Lab) -> Iterator[Welcome]:
    """00_welcome.ipynb opened and run; its kernel is shut down after this module. (This file
    runs before test_every_notebook.py, which then reuses the findings of this run.)"""
    assert WELCOME in notebook_names(), f"notebooks/{WELCOME} is missing"
    try:
        findings = lab.run_notebook(WELCOME)
        explorer = lab.notebook(WELCOME).locator(WIDGET_VIEW).filter(
            has=lab.page.get_by_role("button", name="Pull")
        ).first
        page = Welcome(lab, explorer, findings)
        yield page
        lab.screenshot("00_welcome-explorer-after-tests", page.root)
    finally:
        lab.close(WELCOME)


def test_the_explorer_shows_named_sliders_readouts_pull_and_the_drawing(welcome: Welcome) -> None:
    """Each input has a slider named by it with its value beside; Pull and the drawing show, the
    drawing with a text that says what it shows."""
    for name, value in zip(NEURON_INPUTS, [1.0, -1.0, 2.0, 3.0, -3.0], strict=True):
        expect(welcome.slider(name)).to_be_visible()
        assert welcome.value(name) == value
        assert number(welcome.readout(name).input_value()) == value
    expect(welcome.root.get_by_role("button", name="Pull")).to_be_visible()
    expect(welcome.root.get_by_role("button", name="Play")).to_be_visible()
    drawing = welcome.drawing()
    expect(drawing).to_be_visible()
    assert drawing.evaluate("(img) => img.complete && img.naturalWidth > 0")
    expect(drawing).to_have_attribute("alt", re.compile(
        r"^Circuit computing f: f = 0\.8808, .* the largest gradient is on b, 0\.315\. "))
    expect(welcome.output_line()).to_have_text(re.compile(r"= 0\.8808"))


def test_arrow_right_on_a_slider_changes_its_readout_and_the_drawing(welcome: Welcome) -> None:
    """One key press moves the input one step up, and the drawing's pixels change with it."""
    slider, drawing = welcome.slider("a"), welcome.drawing()
    value_before = welcome.value("a")
    src_before = drawing.get_attribute("src")
    pixels_before = drawing.screenshot()

    slider.press("ArrowRight")

    expect(welcome.readout("a")).not_to_have_value(f"{value_before:.3f}")
    assert welcome.value("a") == pytest.approx(value_before + 0.001)
    expect(drawing).not_to_have_attribute("src", src_before)
    drawing.evaluate("(img) => img.decode()")
    assert drawing.screenshot() != pixels_before
    assert welcome.lab.findings(WELCOME).kernel_errors == []


def test_pull_changes_the_output_and_moves_the_sliders(welcome: Welcome) -> None:
    """Pull steps every input along its grad: the output rises, every slider moves and the
    drawing's text counts the pull. The step size is set to its largest (End on it) first."""
    welcome.slider("step size").press("End")
    expect(welcome.readout("step size")).to_have_value("1.0000")
    output_before, pulls_before = welcome.output(), welcome.pulls()
    values_before = [welcome.value(name) for name in NEURON_INPUTS]

    welcome.root.get_by_role("button", name="Pull").click()

    expect(welcome.output_line()).not_to_have_text(re.compile(rf"= {output_before:.4f}"))
    assert welcome.output() > output_before
    for name, value in zip(NEURON_INPUTS, values_before, strict=True):
        assert welcome.value(name) != value, name
    expect(welcome.drawing()).to_have_attribute("alt", re.compile(
        rf"{pulls_before + 1} pulls? so far"))
    assert welcome.lab.findings(WELCOME).kernel_errors == []


def test_the_keyboard_alone_moves_a_slider_pulls_and_plays(welcome: Welcome) -> None:
    """From the explorer's cell, as a learner who never touches the mouse: Tab to slider a,
    ArrowRight moves it, Tab to Pull and Enter pulls, Tab to Play and Enter keeps pulling
    until Enter (on Stop) stops it."""
    page = welcome.lab.page
    cell = welcome.root.locator("xpath=ancestor::div[contains(@class, 'jp-CodeCell')][1]")
    cell.evaluate("(node) => node.focus()")  # where the notebook's arrow keys leave a learner

    welcome.tab_to("input", "a")
    a_before, drawn_before = welcome.value("a"), welcome.drawing().get_attribute("src")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(welcome.slider("a")).to_have_attribute("aria-valuetext", f"{a_before + 0.002:.3f}")
    expect(welcome.drawing()).not_to_have_attribute("src", drawn_before)

    welcome.tab_to("button", "Pull")
    pulls, output_before = welcome.pulls(), welcome.output()
    page.keyboard.press("Enter")
    expect(welcome.drawing()).to_have_attribute("alt", re.compile(rf"{pulls + 1} pulls? so far"))
    assert welcome.output() != output_before

    welcome.tab_to("button", "Play")
    pulls = welcome.pulls()
    page.keyboard.press("Enter")
    expect(welcome.root.get_by_role("button", name="Stop")).to_be_focused()
    expect(welcome.drawing()).to_have_attribute("alt", re.compile(rf"{pulls + 3} pulls so far"))
    page.keyboard.press("Enter")
    expect(welcome.root.get_by_role("button", name="Play")).to_be_focused()
    stopped_at = welcome.pulls()
    page.wait_for_timeout(1000)  # four Play intervals: no tick may come after Stop
    assert welcome.pulls() == stopped_at
    assert welcome.lab.findings(WELCOME).kernel_errors == []


def test_key_press_to_new_drawing_latency(welcome: Welcome) -> None:
    """Median time from an ArrowRight on a slider to the new drawing decoded in the page."""
    latencies = key_press_latencies(welcome.lab.page, welcome.slider("b"), welcome.root)
    median = statistics.median(latencies)
    report = latency_report("key press", latencies)
    print(report)
    MEASUREMENTS.append(report)
    (ARTIFACTS / "latency.txt").write_text(
        report + "\n" + " ".join(f"{ms:.0f}" for ms in latencies) + "\n"
    )
    assert welcome.lab.findings(WELCOME).kernel_errors == []
    assert median < LATENCY_MEDIAN_LIMIT_MS, report


@pytest.fixture(scope="module")
def refused(lab: Lab) -> Iterator[tuple[Explorer, Findings]]:
    """03_analytic_gradient.ipynb run: its last explorer is on x / y and was given y = 0."""
    assert REFUSED in notebook_names(), f"notebooks/{REFUSED} is missing"
    try:
        findings = lab.run_notebook(REFUSED)
        explorer = lab.notebook(REFUSED).locator(WIDGET_VIEW).filter(
            has=lab.page.get_by_role("slider", name="y", exact=True)
        ).last
        yield Explorer(lab, explorer), findings
    finally:
        lab.close(REFUSED)


def test_a_bad_slider_value_is_explained_in_the_widget_not_as_a_traceback(
    refused: tuple[Explorer, Findings],
) -> None:
    """y = 0 under x / y: the widget says why in one sentence and keeps y's last good value."""
    explorer, findings = refused
    expect(explorer.root).to_contain_text(re.compile(r"⚠ \S[^\n]*"))
    assert explorer.value("y") == 2.0
    assert findings.error_outputs == []
    assert findings.stderr_nodes == 0
    assert findings.kernel_errors == []
    tracebacks = explorer.lab.notebook(REFUSED).locator(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
    )
    expect(tracebacks).to_have_count(0)
