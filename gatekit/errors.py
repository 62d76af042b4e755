"""gatekit's refusals, and whose an error is.

A refusal is an error gatekit raises on purpose: the input cannot be used, and the message says
why in one sentence while the circuit or model stays as it was. Each refusal is also the
built-in exception a caller would expect (`RefusedValue` is a `ValueError`), so `except
ValueError` keeps working.

`blames_learner(error)` decides by origin, not by type: a refusal, or an error raised in code
that is neither gatekit's nor a library's (a learner's gate, a learner's function), is the
learner's to fix and a view shows it as one sentence; any other error that came out of
gatekit's own code is a bug, shown and raised.
"""

from __future__ import annotations

import sysconfig
from pathlib import Path
from types import TracebackType

__all__ = [
    "Refusal", "RefusedValue", "RefusedType", "RefusedArithmetic", "NeedsTheInternet",
    "blames_learner",
]


class Refusal(Exception):
    """gatekit refused on purpose: the message names the problem for the learner."""


class RefusedValue(Refusal, ValueError):
    """A value, name or shape gatekit cannot use."""


class RefusedType(Refusal, TypeError):
    """Something of the wrong kind (not a number, not a Unit, not a Gate class)."""


class RefusedArithmetic(Refusal, ArithmeticError):
    """Arithmetic with no real, finite answer (a division by zero, an overflow)."""


class NeedsTheInternet(Refusal, ImportError):
    """A chapter's packages could not load in the browser (JupyterLite) without the internet.

    Jupyter shows it as its one sentence, with no traceback (`_render_traceback_`)."""

    def __init__(self, *packages: str) -> None:
        names = " and ".join([", ".join(packages[:-1]), packages[-1]] if len(packages) > 1
                             else packages)
        super().__init__(
            f"This chapter needs {names}, which load from the internet here: connect, then run "
            "this cell again (the chapters marked offline run without it)."
        )

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


_GATEKIT = Path(__file__).resolve().parent
# Libraries and the standard library: an error raised there belongs to whoever called them.
_LIBRARIES = tuple(
    Path(path).resolve()
    for path in {sysconfig.get_path(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    if path
)


def _is_library(path: Path) -> bool:
    """Whether a file belongs to the standard library or an installed package.

    (gatekit itself may be installed among them; `blames_learner` looks for it first.)
    """
    return any(path.is_relative_to(root) for root in _LIBRARIES)


def _frames(traceback: TracebackType | None) -> list[Path]:
    """The files of a traceback's frames, outermost first."""
    files = []
    while traceback is not None:
        files.append(Path(traceback.tb_frame.f_code.co_filename).resolve())
        traceback = traceback.tb_next
    return files


def blames_learner(error: BaseException) -> bool:
    """Whether `error` is the learner's to fix: a refusal, or raised in the learner's own code.

    The innermost frame that is neither the standard library's nor an installed package's
    decides: inside gatekit it is a bug (unless a refusal), anywhere else (a notebook cell, a
    learner's gate or function) it is the learner's. An error with no such frame (raised by a
    library called straight from outside gatekit) is the learner's too.
    """
    if isinstance(error, Refusal):
        return True
    for path in reversed(_frames(error.__traceback__)):
        if path.is_relative_to(_GATEKIT):
            return False
        if not _is_library(path):
            return True
    return True

