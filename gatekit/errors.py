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
    "Refusal", "RefusedValue", "RefusedType", "RefusedArithmetic", "RefusedDivision",
    "RefusedOverflow", "RefusedKey", "RefusedIndex", "RefusedNow", "NotWrittenYet", "refusal",
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


class RefusedDivision(RefusedArithmetic, ZeroDivisionError):
    """A division by zero (still a ZeroDivisionError)."""


class RefusedOverflow(RefusedArithmetic, OverflowError):
    """A number past the largest float (still an OverflowError)."""


class RefusedKey(Refusal, KeyError):
    """A name that is not there; shown as its sentence (a KeyError alone quotes it)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class RefusedIndex(Refusal, IndexError):
    """A position outside a sequence."""


class RefusedNow(Refusal, RuntimeError):
    """A call made in the wrong order (a backward before any forward)."""


class NotWrittenYet(Refusal, NotImplementedError):
    """A method a learner's subclass must write (a gate's compute or backward) is missing."""


_REFUSALS: tuple[type[Refusal], ...] = (
    RefusedArithmetic, RefusedDivision, RefusedOverflow, RefusedKey, RefusedIndex, RefusedValue,
    RefusedType, NotWrittenYet, RefusedNow,
)


def refusal(kind: type[BaseException], message: str) -> Refusal:
    """A refusal saying `message` that is still an error of `kind` where one fits (a
    ZeroDivisionError becomes a RefusedDivision; else a RefusedValue), for rewording an error
    gatekit caught."""
    for refused in _REFUSALS:
        if issubclass(refused, kind):
            return refused(message)
    return RefusedValue(message)


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

