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

import re
import sysconfig
from pathlib import Path
from types import FrameType, TracebackType

__all__ = [
    "Refusal", "RefusedValue", "RefusedType", "RefusedArithmetic", "RefusedDivision",
    "RefusedOverflow", "RefusedKey", "RefusedIndex", "RefusedNow", "NotWrittenYet", "refusal",
    "NeedsTheInternet",
    "blames_learner", "sentence",
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
    """Whether a file belongs to the standard library or an installed package (or is frozen
    into Python, `<frozen importlib._bootstrap>`).

    (gatekit itself may be installed among them; `blames_learner` looks for it first.)
    """
    return path.name.startswith("<frozen") or any(path.is_relative_to(root) for root in _LIBRARIES)


def _frames(traceback: TracebackType | None) -> list[tuple[Path, FrameType]]:
    """The files of a traceback's frames with the frames, outermost first."""
    frames = []
    while traceback is not None:
        frame = traceback.tb_frame
        frames.append((Path(frame.f_code.co_filename).resolve(), frame))
        traceback = traceback.tb_next
    return frames


# Python's own TypeError for a call whose arguments do not fit: "Square.backward() missing 1 …"
_MISCALLED = re.compile(r"^([\w.<>]+)\(\) (?:missing|takes|got)")


def _miscalls_learner_code(error: BaseException, frame: FrameType) -> bool:
    """Whether `error` says gatekit called a learner's function or method whose parameters do
    not fit the call (`def backward(self, grad)`): it names one found in the calling frame."""
    found = _MISCALLED.match(str(error)) if isinstance(error, TypeError) else None
    if found is None:
        return False
    name = found.group(1)
    for value in frame.f_locals.values():
        for candidate in (value, getattr(type(value), name.rpartition(".")[2], None)):
            code = getattr(getattr(candidate, "__func__", candidate), "__code__", None)
            if (code is not None and getattr(candidate, "__qualname__", None) == name
                    and not Path(code.co_filename).resolve().is_relative_to(_GATEKIT)):
                return True
    return False


def blames_learner(error: BaseException) -> bool:
    """Whether `error` is the learner's to fix: a refusal, or raised in the learner's own code.

    The innermost frame that is neither the standard library's nor an installed package's
    decides: inside gatekit it is a bug (unless a refusal), anywhere else (a notebook cell, a
    learner's gate or function) it is the learner's. An error with no such frame (raised by a
    library called straight from outside gatekit) is the learner's too, and so is Python's
    TypeError when gatekit calls a learner's method whose parameters do not fit the call.
    """
    if isinstance(error, Refusal):
        return True
    for path, frame in reversed(_frames(error.__traceback__)):
        if path.is_relative_to(_GATEKIT):
            return _miscalls_learner_code(error, frame)
        if not _is_library(path):
            return True
    return True


def sentence(error: BaseException) -> str:
    """The error as one line a learner reads: its message (its type's name when it has none)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
