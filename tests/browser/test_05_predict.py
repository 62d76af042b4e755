"""Chapter 5's prediction in a real browser, as a learner meets it: no verdict before Check, the
choices are radio buttons named by their answers, and after Check the verdict is in a polite
live region (role status), which a screen reader reads out when it changes. (This file runs
before test_every_notebook.py, which then reuses the findings of this run.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from .browser_lab import Lab, view_with_button

NEURON = "05_single_neuron.ipynb"


@pytest.fixture(scope="module")
def question(lab: Lab) -> Iterator[Any]:
    """Chapter 5 run in JupyterLab; the widget view of its prediction."""
    with view_with_button(lab, NEURON, "Check") as view:
        yield view


def test_the_verdict_is_read_out_only_after_check(question: Any) -> None:
    status = question.get_by_role("status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text("")
    question.get_by_role("radio", name="y", exact=True).check()
    question.get_by_role("button", name="Check").click()
    expect(status).to_contain_text("Not quite: you said y; the answer is b.")
    question.get_by_role("radio", name="b", exact=True).check()
    question.get_by_role("button", name="Check").click()
    expect(status).to_contain_text("Right: the answer is b.")
