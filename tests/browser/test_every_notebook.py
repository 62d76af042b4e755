"""Every notebook, opened in JupyterLab in a real browser: all cells run, nothing shows an error,
and every widget view renders. nbval proves the cells run; only a browser shows the widgets."""

from __future__ import annotations

import pytest
from browser_lab import Lab, notebook_names


def test_there_are_notebooks_to_check() -> None:
    """The smoke test below is parametrized over notebooks/; an empty folder would test nothing."""
    assert notebook_names(), "notebooks/ holds no .ipynb files"


@pytest.mark.parametrize("name", notebook_names())
def test_notebook_runs_cleanly_and_renders_every_widget(lab: Lab, name: str) -> None:
    """Run all cells in the browser: no error or stderr output, every widget view rendered.

    A notebook another test already ran this session is judged by that run's findings."""
    findings = lab.runs.get(name)
    if findings is None:
        try:
            findings = lab.run_notebook(name)
        finally:
            lab.close(name)
    assert findings.kernel == "python3"
    assert findings.unexecuted == [], f"cells never ran (an earlier cell failed?): {findings}"
    assert findings.error_outputs == []
    assert findings.stderr_nodes == 0
    assert findings.kernel_errors == [], findings.kernel_errors
    assert set(findings.view_states) <= {"rendered"}, findings.view_states
