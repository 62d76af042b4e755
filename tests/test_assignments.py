"""`make assignments`: the nbgrader course made from chapter 6, its student release without
solutions, and autograding that gives a right submission full marks and a wrong one partial."""

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NAME = "backprop_ninja"


def assignments_tool():
    """tools/assignments.py as a module (tools/ is no package)."""
    spec = importlib.util.spec_from_file_location("assignments", ROOT / "tools" / "assignments.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def solution_cells(notebook):
    return [cell for cell in notebook.cells
            if cell.metadata.get("nbgrader", {}).get("solution")]


def regions(source: str) -> list[str]:
    return re.findall(r"### BEGIN SOLUTION\n(.*?)\n\s*### END SOLUTION", source, re.S)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("course")
    subprocess.run([sys.executable, str(ROOT / "tools" / "assignments.py"), str(out)],
                   check=True, capture_output=True, timeout=600)
    return out


def test_every_exercise_of_the_chapter_is_a_solution_cell_with_a_one_point_test(course):
    source = nbformat.read(course / "source" / NAME / f"{NAME}.ipynb", as_version=4)
    chapter = nbformat.read(ROOT / "notebooks" / "06_backprop_ninja.ipynb", as_version=4)
    blanks = [cell for cell in chapter.cells
              if cell.cell_type == "code" and re.search(r"^\s*\w+ = \.\.\.", cell.source, re.M)]
    solutions = solution_cells(source)
    assert len(solutions) == len(blanks) >= 12
    for cell in solutions:
        assert regions(cell.source) and "= ..." not in cell.source
        test = source.cells[source.cells.index(cell) + 1]
        assert test.metadata["nbgrader"]["points"] == 1 and test.metadata["nbgrader"]["locked"]
        assert "assert result, result" in test.source


def test_the_release_keeps_the_exercises_and_strips_every_solution(course):
    source = nbformat.read(course / "source" / NAME / f"{NAME}.ipynb", as_version=4)
    release = nbformat.read(course / "release" / NAME / f"{NAME}.ipynb", as_version=4)
    released = solution_cells(release)
    assert len(released) == len(solution_cells(source))
    for original, cell in zip(solution_cells(source), released, strict=True):
        hidden = [line.strip() for region in regions(original.source)
                  for line in region.splitlines()]
        given = [line.strip() for line in original.source.splitlines()
                 if line.strip() not in hidden]
        assert "raise NotImplementedError()" in cell.source
        assert not [line for line in hidden if line not in given and line in cell.source]


def grade(course: Path, submissions: dict[str, nbformat.NotebookNode]) -> dict[str, tuple]:
    """Autograde each student's notebook with nbgrader; {student: (score, max_score)}."""
    for student, notebook in submissions.items():
        folder = course / "submitted" / student / NAME
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{NAME}.ipynb")
        subprocess.run([sys.executable, "-m", "nbgrader", "autograde", NAME, "--student",
                        student, "--log-level=WARN"], cwd=course, check=True,
                       capture_output=True, timeout=600,
                       env=assignments_tool().nbgrader_environment())
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {student: (gradebook.find_submission(NAME, student).score,
                          gradebook.find_assignment(NAME).max_score)
                for student in submissions}


def test_autograding_gives_the_right_answer_full_marks_and_a_wrong_one_partial(course):
    right = nbformat.read(course / "source" / NAME / f"{NAME}.ipynb", as_version=4)
    wrong = nbformat.read(course / "source" / NAME / f"{NAME}.ipynb", as_version=4)
    mul = next(cell for cell in solution_cells(wrong) if "check('mul'" in cell.source)
    assert "db = a * dx" in mul.source
    mul.source = mul.source.replace("db = a * dx", "db = a")  # the slip chapter 6 shows
    scores = grade(course, {"right": right, "wrong": wrong})
    full = scores["right"][1]
    assert full >= 12
    assert scores["right"] == (full, full)
    assert scores["wrong"] == (full - 1, full)


def test_the_makefile_builds_the_course_with_this_tool():
    makefile = (ROOT / "Makefile").read_text()
    assert "assignments:" in makefile and "tools/assignments.py" in makefile
    assert shutil.which("nbgrader", path=str(Path(sys.executable).parent)), "install .[teach]"
