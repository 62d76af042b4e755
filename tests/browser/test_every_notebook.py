"""Every notebook, opened in JupyterLab in a real browser: all cells run, nothing shows an error,
every widget view renders, and axe-core finds no WCAG 2.1 A/AA violation in the outputs but
those listed, with their reasons, in accessibility.UPSTREAM. nbval proves the cells run; only a
browser shows the widgets."""

from __future__ import annotations

import sys

import pytest

from .accessibility import UPSTREAM
from .browser_lab import Findings, Lab, LabServer, notebook_names


def test_there_are_notebooks_to_check() -> None:
    """The smoke test below is parametrized over notebooks/; an empty folder would test nothing."""
    assert notebook_names(), "notebooks/ holds no .ipynb files"


def test_the_only_python_kernel_is_the_interpreter_running_the_tests(
    lab_server: LabServer,
) -> None:
    """Notebooks must run against the gatekit under test: the venv's Python, not another one."""
    specs = lab_server.api("GET", "/api/kernelspecs")["kernelspecs"]
    assert [name for name, spec in specs.items() if spec["spec"]["language"] == "python"] == [
        "python3"
    ]
    assert specs["python3"]["spec"]["argv"][0] == sys.executable


def findings_of(lab: Lab, name: str) -> Findings:
    """The notebook's findings: from this session's run of it, else from running it now."""
    findings = lab.runs.get(name)
    if findings is None:
        try:
            findings = lab.run_notebook(name)
        finally:
            lab.close(name)
    return findings


@pytest.mark.parametrize("name", notebook_names())
def test_notebook_runs_cleanly_and_renders_every_widget(lab: Lab, name: str) -> None:
    """Run all cells in the browser: no error or stderr output, every widget view rendered.

    A notebook another test already ran this session is judged by that run's findings."""
    findings = findings_of(lab, name)
    assert findings.kernel == "python3"
    assert findings.unexecuted == [], f"cells never ran (an earlier cell failed?): {findings}"
    assert findings.error_outputs == []
    assert findings.stderr_nodes == 0
    assert findings.kernel_errors == [], findings.kernel_errors
    assert set(findings.view_states) <= {"rendered"}, findings.view_states
    assert findings.page_errors == []


@pytest.mark.parametrize("name", notebook_names())
def test_axe_finds_no_accessibility_violation_of_gatekits_own(lab: Lab, name: str) -> None:
    """axe-core's WCAG 2.1 A and AA rules over the notebook's outputs right after it ran: every
    violation is one that accessibility.UPSTREAM lists as JupyterLab's or ipywidgets'."""
    ours = [v for v in findings_of(lab, name).accessibility if v.upstream is None]
    assert ours == [], "\n".join(str(violation) for violation in ours)


def test_every_upstream_exclusion_is_still_met_somewhere(lab: Lab) -> None:
    """An entry of UPSTREAM that no notebook shows any more excludes nothing: remove it."""
    met = {(v.rule, v.upstream) for name in notebook_names()
           for v in findings_of(lab, name).accessibility if v.upstream is not None}
    stale = [entry for entry in UPSTREAM if (entry.rule, entry.selector) not in met]
    assert stale == [], stale
