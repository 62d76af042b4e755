"""The teacher's guide lists every chapter, with a row per notebook in the chapter table."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "teaching.md"


def guide_rows() -> dict[str, str]:
    """The guide's chapter table: {number: row}."""
    return {match[1]: match[0] for match in re.finditer(r"^\| (\d\d) \|.*$", GUIDE.read_text(),
                                                       re.M)}


def test_every_chapter_has_a_row_with_its_time():
    chapters = sorted(path.name[:2] for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    rows = guide_rows()
    assert sorted(rows) == chapters
    assert all(re.search(r"\| \d+ min \|", row) for row in rows.values())


def test_every_chapter_with_a_prediction_names_it_and_every_exercise_its_check():
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        source = path.read_text()
        row = guide_rows()[path.name[:2]]
        cells = row.split(" | ")
        assert ("gk.widgets.Predict(" in source) == (cells[3] != "—"), path.name
        for check in ("check_engine", "check_gate", "check_layer_backward",
                      "check_gradient_checker"):
            if f"gk.exercises.{check}(" in source:
                assert check in row, (path.name, check)
