"""A teacher's nbgrader course made from the exercise chapters (`make assignments`).

For each assignment below, the chapter's exercise cells become nbgrader solution cells (the
blank `da = ...` lines filled from gatekit's own solutions, inside `### BEGIN SOLUTION` /
`### END SOLUTION`), and each is followed by a locked autograder test cell worth one point:

    result = gk.exercises.check("mul", backward)
    assert result, result       # a failed check fails the test, with the verdict as its message

Then `nbgrader generate_assignment` writes the student release, solutions stripped:

    OUT/source/<name>/<name>.ipynb    the teacher's version: solutions and tests
    OUT/release/<name>/<name>.ipynb   what the students get
    OUT/nbgrader_config.py            the course, for nbgrader's other commands (autograde, …)

The chapters themselves stay as they are (self-learners keep their solutions). See
docs/teaching.md for collecting and grading.

Usage: python tools/assignments.py OUT
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat

import gatekit as gk

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
# assignment name -> the chapter its exercises come from
ASSIGNMENTS = {"backprop_ninja": "06_backprop_ninja.ipynb"}
CHECK_CALL = re.compile(r"""gk\.exercises\.check\(["'](?P<name>\w+)["'], backward\)""")
BLANK_LINE = re.compile(r"^(?P<indent>\s*)(?P<variable>\w+) = \.\.\.(?P<comment>\s*#.*)?$")
CONFIG = """\
# nbgrader's settings for the course tools/assignments.py made from gatekit's chapters.
c = get_config()  # noqa: F821 (nbgrader defines it)
c.CourseDirectory.course_id = "gatekit"
c.CourseDirectory.root = {root!r}
c.ClearSolutions.code_stub = {{"python": {stub!r}}}
"""
STUB = "# YOUR CODE HERE: one line per gradient\nraise NotImplementedError()"


def nbgrader_metadata(grade_id: str, *, solution: bool, points: int = 0) -> dict:
    """The cell metadata nbgrader reads: a solution cell, or a locked test cell with points."""
    cell = {"grade_id": grade_id, "schema_version": 3, "task": False, "solution": solution,
            "grade": not solution, "locked": not solution}
    return cell | ({"points": points} if not solution else {})


def filled(source: str, exercise: str) -> str:
    """An exercise cell with each run of blank lines (`da = ...`) replaced by a solution region
    holding gatekit's solution line for the same gradient."""
    solution = gk.exercises.get(exercise).solution_source
    answers = {match[1]: match[2] for match in re.finditer(r"^\s*(\w+) = (.+)$", solution, re.M)}
    lines, region, indent = [], False, ""
    for line in source.splitlines():
        blank = BLANK_LINE.match(line)
        if blank and not region:
            lines.append(f"{blank['indent']}### BEGIN SOLUTION")
        elif region and not blank:
            lines.append(f"{indent}### END SOLUTION")
        if blank:
            indent, variable = blank["indent"], blank["variable"]
            if variable not in answers:
                sys.exit(f"{exercise}: the solution has no line for {variable}")
            lines.append(f"{indent}{variable} = {answers[variable]}")
        else:
            lines.append(line)
        region = bool(blank)
    if region:
        lines.append(f"{indent}### END SOLUTION")
    return "\n".join(lines)


def source_notebook(chapter: Path) -> nbformat.NotebookNode:
    """The chapter as nbgrader's source: exercise cells as solution cells, each followed by a
    one-point autograder test; outputs and widget state cleared."""
    notebook = nbformat.read(chapter, as_version=4)
    notebook.metadata.pop("widgets", None)
    cells = []
    for cell in notebook.cells:
        cell.pop("id", None)
        if cell.cell_type != "code":
            cells.append(cell)
            continue
        cell.outputs, cell.execution_count = [], None
        call = CHECK_CALL.search(cell.source)
        if call is None or not any(map(BLANK_LINE.match, cell.source.splitlines())):
            cells.append(cell)
            continue
        name, number = call["name"], len(cells)
        cell.source = filled(cell.source, name)
        cell.metadata["nbgrader"] = nbgrader_metadata(f"{name}-{number}", solution=True)
        test = nbformat.v4.new_code_cell(
            f'result = gk.exercises.check("{name}", backward)\nassert result, result')
        test.metadata["nbgrader"] = nbgrader_metadata(f"{name}-{number}-test", solution=False,
                                                      points=1)
        test.pop("id", None)
        cells += [cell, test]
    notebook.cells = cells
    notebook.nbformat_minor = 4  # nbgrader keeps no cell ids
    return notebook


def nbgrader_environment() -> dict[str, str]:
    """This environment with its own scripts first on PATH: nbgrader runs `alembic` by name to
    set up its gradebook, which a venv that is not activated would not find."""
    scripts = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": os.pathsep.join([scripts, os.environ.get("PATH", "")])}


def main(out: Path) -> None:
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(CONFIG.format(root=str(out), stub=STUB))
    for name, chapter in ASSIGNMENTS.items():
        folder = out / "source" / name
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(source_notebook(NOTEBOOKS / chapter), folder / f"{name}.ipynb")
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", name,
                        "--force", "--log-level=WARN"], cwd=out, check=True,
                       env=nbgrader_environment())
        print(f"{name}: {folder.relative_to(out)} and release/{name}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("Usage: ")[1])
    main(Path(sys.argv[1]))
