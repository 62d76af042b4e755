"""Every notebook, opened in JupyterLab in a real browser: all cells run, nothing shows an error,
and every widget view renders. nbval proves the cells run; only a browser shows the widgets."""

from __future__ import annotations

import pytest
from browser_lab import Lab, notebook_names

WIDGET_VIEW = "[data-gatekit-widget-view]"  # marked by lab_helpers.js


def test_there_are_notebooks_to_check() -> None:
    """The smoke test below is parametrized over notebooks/; an empty folder would test nothing."""
    assert notebook_names(), "notebooks/ holds no .ipynb files"


@pytest.mark.parametrize("name", notebook_names())
def test_notebook_runs_cleanly_and_renders_every_widget(lab: Lab, name: str) -> None:
    """Run all cells in the browser: no error or stderr output, every widget view rendered."""
    lab.open(name)
    try:
        assert lab.kernel_name(name) == "python3"
        findings = lab.run_all(name)
        views = lab.notebook(name).locator(WIDGET_VIEW)
        lab.screenshot(name, views.first if findings.view_states else None)
    finally:
        lab.close(name)
    assert findings.unexecuted == [], f"cells never ran (an earlier cell failed?): {findings}"
    assert findings.error_outputs == []
    assert findings.stderr_nodes == 0
    assert findings.kernel_errors == [], findings.kernel_errors
    assert set(findings.view_states) <= {"rendered"}, findings.view_states
