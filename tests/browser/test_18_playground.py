"""Chapter 18's playground in a real browser, by keyboard alone: Tab from the playground's cell to
"remove neuron", Enter, and the net has one neuron less (the hidden widths box says so, the status
line restarts at iteration 0). The other controls are tested through their traits in
tests/test_training_playground.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from .browser_lab import Lab, view_with_button
from .test_00_welcome_explorer import Explorer

PLAYGROUND = "18_playground.ipynb"


@pytest.fixture(scope="module")
def playground(lab: Lab) -> Iterator[Explorer]:
    """Chapter 18 run in JupyterLab; the widget view of its live playground."""
    with view_with_button(lab, PLAYGROUND, "remove neuron") as view:
        yield Explorer(lab, view)


def test_the_keyboard_alone_removes_a_neuron_from_the_playgrounds_net(playground: Explorer) -> None:
    page = playground.lab.page
    widths = playground.root.get_by_role("textbox", name="hidden widths")
    expect(widths).to_have_value("32-32")
    cell = playground.root.locator("xpath=ancestor::div[contains(@class, 'jp-CodeCell')][1]")
    cell.evaluate("(node) => node.focus()")
    playground.tab_to("button", "remove neuron")
    page.keyboard.press("Enter")
    expect(widths).to_have_value("32-31")
    status = playground.root.locator(".widget-html").filter(has_text="iteration 0 ·")
    expect(status).to_have_count(1)
    assert playground.lab.findings(PLAYGROUND).kernel_errors == []
