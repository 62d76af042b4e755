"""A slider's number box in JupyterLab, typed into as a learner would (issue 20 items 18-20):
Enter applies the typed value (JupyterLab must not take the key first); a value past the
slider's end is set to the end and a value that is no number is kept out, each said in the
view's message line; the box writes numbers as the slider's readout_format says, with
ipywidgets' `,` grouping and `+` sign."""

from __future__ import annotations

import re
from collections.abc import Iterator

import nbformat
import pytest
from playwright.sync_api import expect

from .browser_lab import WIDGET_VIEW, Lab
from .test_00_welcome_explorer import Explorer

NOTEBOOK = "slider_number_box.ipynb"
CELLS = [
    'import gatekit as gk\n\ngk.explore(gk.parse("x * y", x=1.0, y=2.0))',
    "from gatekit.widgets.sliders import FloatSlider\n\n"
    'FloatSlider(value=1234567.5, min=0, max=2e6, description="grouped", '
    'readout_format="+,.2f")',
]


@pytest.fixture(scope="module")
def explorer(lab: Lab) -> Iterator[Explorer]:
    """A notebook of our own, written into the server's copy of notebooks/, run; its explorer
    on x * y at x = 1, y = 2 (x's slider spans -1 to 3)."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                       "language": "python"}
    nbformat.write(notebook, lab.server.root / NOTEBOOK)
    try:
        findings = lab.run_notebook(NOTEBOOK)
        assert findings.error_outputs == [] and findings.kernel_errors == []
        root = lab.notebook(NOTEBOOK).locator(WIDGET_VIEW).filter(
            has=lab.page.get_by_role("button", name="Pull")
        ).first
        yield Explorer(lab, root)
    finally:
        lab.close(NOTEBOOK)


def message(explorer: Explorer):
    """The explorer's message line (⚠ and a sentence, when it says anything)."""
    return explorer.root.locator(".widget-html").filter(has_text="⚠")


def type_and_enter(explorer: Explorer, name: str, text: str) -> None:
    box = explorer.readout(name)
    box.click()
    box.fill(text)
    box.press("Enter")


def test_enter_in_the_number_box_applies_the_typed_value(explorer: Explorer) -> None:
    type_and_enter(explorer, "x", "2.5")
    expect(explorer.slider("x")).to_have_attribute("aria-valuetext", "2.500")
    expect(explorer.output_line()).to_have_text(re.compile(r"= 5\.0000"))
    expect(explorer.readout("x")).to_have_value("2.500")
    expect(explorer.readout("x")).to_be_focused()  # Enter stayed in the box: no notebook command
    expect(message(explorer)).to_have_count(0)


def test_a_value_past_the_end_is_set_to_the_end_and_said(explorer: Explorer) -> None:
    type_and_enter(explorer, "x", "99")
    expect(explorer.slider("x")).to_have_attribute("aria-valuetext", "3.000")
    expect(explorer.readout("x")).to_have_value("3.000")
    expect(message(explorer)).to_have_text(
        "⚠ 99 is past the end of x's slider (-1 to 3), so x is set to 3.")


@pytest.mark.parametrize("text", ["abc", "1,5", "1e999", "nan"])
def test_a_value_that_is_no_number_is_kept_out_and_said(explorer: Explorer, text: str) -> None:
    before = explorer.slider("y").get_attribute("aria-valuetext")
    type_and_enter(explorer, "y", text)
    expect(message(explorer)).to_have_text(
        f"⚠ '{text}' is not a finite number, so y stays {float(before):g}.")
    expect(explorer.readout("y")).to_have_value(before)
    expect(explorer.slider("y")).to_have_attribute("aria-valuetext", before)
    assert explorer.lab.findings(NOTEBOOK).kernel_errors == []


def test_the_number_box_groups_thousands_and_signs_as_the_format_says(lab: Lab,
                                                                        explorer: Explorer) -> None:
    box = lab.notebook(NOTEBOOK).get_by_role("textbox", name="grouped: type a value", exact=True)
    expect(box).to_have_value("+1,234,567.50")
    slider = lab.notebook(NOTEBOOK).get_by_role("slider", name="grouped", exact=True)
    expect(slider).to_have_attribute("aria-valuetext", "+1,234,567.50")
