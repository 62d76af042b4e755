"""Verdicts: what every checker returns, and the guesses at a slip behind a wrong gradient.

A `CheckResult` is the one answer of `check`, `check_gate` and `check_layer_backward`: correct,
wrong (with the worst disagreement per gradient), blank (lines still `...`) or error (the
learner's code raised, ran too long or returned something that is not gradients).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..circuit import fmt

__all__ = [
    "TOLERANCE", "Mismatch", "ArrayMismatch", "CheckResult", "Sample", "guess_slip", "close",
    "at", "where", "join",
]

# Relative error a hand-written gradient may have when both sides are exact maths. Checkers read
# it once, before any of the learner's code runs, so code that edits it cannot change its verdict.
TOLERANCE = 1e-6

Sample = tuple[float, float, float]  # (given, expected, force) for one gradient at one point


def at(point: dict[str, float]) -> str:
    """'at a = 1.5, b = -2'."""
    return "at " + ", ".join(f"{name} = {fmt(value)}" for name, value in point.items())


def where(point: dict[str, float], force_name: str, force: float) -> str:
    """'at a = 1.5, b = -2 with dx = 0.7': the point and force a gradient was checked at."""
    return f"{at(point)} with {force_name} = {fmt(force)}"


@dataclass(frozen=True)
class Mismatch:
    """Where one hand-written gradient disagrees most with the right one."""

    variable: str
    point: dict[str, float]
    force_name: str
    force: float
    given: float
    expected: float
    hint: str
    reference: str = "the circuit gives"  # who says what the gradient should be

    @property
    def difference(self) -> float:
        """How far the given gradient is from the right one (given - expected)."""
        return self.given - self.expected

    def describe(self) -> str:
        """One sentence: the variable, the point, both numbers and the gap."""
        text = (
            f"d{self.variable} is wrong: {where(self.point, self.force_name, self.force)}"
            f" you gave {fmt(self.given)}, {self.reference} {fmt(self.expected)}"
            f" (off by {fmt(self.difference)})."
        )
        return f"{text} {self.hint}" if self.hint else text


@dataclass(frozen=True)
class ArrayMismatch:
    """Where one hand-written gradient array disagrees most with the matrix form."""

    variable: str
    where: str  # such as 'a 3→2 layer on a batch of 4'
    largest_error: float

    @property
    def difference(self) -> float:
        """The largest entry-wise gap, for picking the worst of several."""
        return self.largest_error

    def describe(self) -> str:
        """One sentence: the array, the layer and the largest gap."""
        return f"d{self.variable} is wrong on {self.where}: off by up to {fmt(self.largest_error)}."


@dataclass(frozen=True)
class CheckResult:
    """The verdict on a learner's backward (or gate); shows as a readable message."""

    title: str
    status: str  # "correct", "wrong", "blank" (some line still reads `...`) or "error"
    right: tuple[str, ...]
    wrong: tuple[Mismatch | ArrayMismatch, ...]
    blank: tuple[str, ...]
    points: int
    problem: str = ""  # for "error": what the learner's code did, as a sentence
    against: str = "the circuit"  # what a correct gradient matches
    over: str = ""  # where it was checked; "at all {points} points" when empty

    @property
    def ok(self) -> bool:
        """True when every gradient matched at every point."""
        return self.status == "correct"

    def __bool__(self) -> bool:
        """A verdict is true when it passed, so `assert result, result` grades an exercise."""
        return self.ok

    @property
    def message(self) -> str:
        """What went right and wrong, in sentences a learner can act on."""
        right = join(f"d{name}" for name in self.right)
        if self.status == "correct":
            verb = "matches" if len(self.right) == 1 else "match"
            over = self.over or f"at all {self.points} points"
            return f"✓ {self.title}: {right} {verb} {self.against} {over}."
        summary = self.problem or ("wrong" if self.wrong else "not written yet")
        summary += "" if summary.endswith((".", "?", "!")) else "."
        lines = [f"✗ {self.title}: {summary}"]
        lines += [f"  {mismatch.describe()}" for mismatch in self.wrong]
        if self.blank:
            blanks = join(f"d{name}" for name in self.blank)
            lines.append(f"  Still `...`: {blanks}. Fill the lines in order, top to bottom.")
        elif self.status == "blank" and not self.problem:
            lines.append("  A line you filled uses one that is still `...`: fill them top down.")
        if self.right:
            lines.append(f"  Right: {right}.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return self.message


def close(a: float, b: float, tolerance: float) -> bool:
    """True when a is b up to `tolerance`, relative to |b| (absolute below 1)."""
    return abs(a - b) <= tolerance * max(1.0, abs(b))


def guess_slip(samples: Sequence[Sample], force_name: str, double: str, tolerance: float) -> str:
    """The one slip that explains a gradient at every point it was checked, or ''.

    A guess that fits only some points, or two guesses that fit equally (a force of -1 makes
    a flipped sign look like a forgotten chain rule), give no hint rather than a wrong one.
    `double` is the hint for a gradient half as large as it should be.
    """
    slips = (
        (lambda g, e, f: close(g * f, e, tolerance),
         f"That is the local gradient alone: multiply it by {force_name} (the chain rule)."),
        (lambda g, e, f: close(-g, e, tolerance), "The sign is flipped."),
        (lambda g, e, f: close(2 * g, e, tolerance), double),
    )
    fits = [text for fit, text in slips if all(fit(g, e, f) for g, e, f in samples)]
    return fits[0] if len(fits) == 1 else ""


def join(words: Iterable[str]) -> str:
    """'da', 'da and db', 'da, db and dc'."""
    items = list(words)
    return " and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)
