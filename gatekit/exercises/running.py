"""Running the learner's code inside a checker: what it raises becomes a sentence, and a soft time
limit stops a call that runs too long (a loop that never ends), so a check always answers.

The time limit uses `signal.setitimer` and SIGALRM, which exist on POSIX and work only on the
main thread -- where Jupyter runs a notebook's cells. Elsewhere (Windows, another thread), or when
another timer is already armed (say, a test runner's), the learner's code runs without a limit
and the notebook's Interrupt button stops it. The timer is always disarmed and the previous
SIGALRM handler put back before `run` returns.
"""

from __future__ import annotations

import reprlib
import signal
import threading
import traceback
from collections.abc import Callable
from typing import Any

from ..errors import Refusal, RefusedValue

__all__ = ["TIME_LIMIT", "LearnerCodeFailed", "run", "shorten", "show", "checked_count"]

TIME_LIMIT = 2.0  # seconds one call of the learner's code may run
_LONGEST_MESSAGE = 200  # characters of the learner's error message quoted in a verdict


class LearnerCodeFailed(Refusal):
    """The learner's code raised or ran too long; `sentence` says so, `error` is what it raised
    (None when it was stopped)."""

    def __init__(self, sentence: str, error: Exception | None) -> None:
        super().__init__(sentence)
        self.sentence = sentence
        self.error = error


class _TimeUp(BaseException):
    """Raised by the alarm inside the learner's code; a BaseException, so that the learner's own
    `except Exception` does not swallow it."""


def run(
    what: str, function: Callable[..., Any], *args: Any, learner: Callable[..., Any] | None = None
) -> Any:
    """Call `function(*args)` and return its result, or raise LearnerCodeFailed with a sentence
    that starts with `what` ("your backward raised NameError: …"), quoting the line of
    `learner` (the learner's own function, when `function` only wraps it) that raised.

    KeyboardInterrupt and SystemExit pass through: the learner stopping the cell is not a verdict.
    """
    try:
        result, error = _call_with_time_limit(function, args)
    except _TimeUp:  # the alarm rang between the call's end and the disarming
        result, error = None, _TimeUp()
    if error is None:
        return result
    if isinstance(error, _TimeUp):
        raise LearnerCodeFailed(
            f"{what} ran for more than {TIME_LIMIT:g} s and was stopped (is there a loop that"
            " never ends?)",
            None,
        )
    if not isinstance(error, Exception):
        raise error
    message = shorten(str(error), _LONGEST_MESSAGE)
    sentence = f"{what} raised {type(error).__name__}: {message}" if message else (
        f"{what} raised {type(error).__name__}")
    raise LearnerCodeFailed(sentence + _line(error, learner or function), error) from None


def _call_with_time_limit(
    function: Callable[..., Any], args: tuple
) -> tuple[Any, BaseException | None]:
    """(result, None) or (None, what the call raised), with the alarm armed around the call."""
    previous = _arm(TIME_LIMIT)
    try:
        try:
            return function(*args), None
        except BaseException as error:  # sorted out by `run`, once the timer is off
            return None, error
    finally:
        if previous is not None:
            _disarm(previous)


def _arm(seconds: float) -> Any:
    """Start the alarm and return the SIGALRM handler to put back, or None when no alarm can be
    set here (no setitimer, not the main thread, or another timer already running)."""
    if not hasattr(signal, "setitimer"):
        return None
    if threading.current_thread() is not threading.main_thread():
        return None
    if signal.getitimer(signal.ITIMER_REAL)[0] > 0.0:
        return None
    previous = signal.signal(signal.SIGALRM, _time_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    return signal.SIG_DFL if previous is None else previous


def _disarm(previous: Any) -> None:
    """Stop the alarm and put the previous handler back, even if the alarm rings meanwhile."""
    while True:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0.0)
            signal.signal(signal.SIGALRM, previous)
            return
        except _TimeUp:
            continue


def _time_up(signum: int, frame: object) -> None:
    raise _TimeUp


def _line(error: BaseException, function: Callable[..., Any]) -> str:
    """' (line 3: `return undefined * dx`)' for the deepest line of the learner's file in the
    traceback, or '' when there is none (a builtin, a class)."""
    code = getattr(function, "__code__", None)
    if code is None:
        return ""
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if f.filename == code.co_filename]
    if not frames or not frames[-1].line:
        return ""
    return f" (line {frames[-1].lineno}: `{shorten(frames[-1].line, 80)}`)"


def shorten(text: str, length: int) -> str:
    """`text`, cut to `length` characters with an ellipsis when longer (verdicts stay short)."""
    return text if len(text) <= length else text[: length - 1] + "…"


def show(value: object, length: int = 60) -> str:
    """A short repr of something the learner's code returned, cheap whatever its size."""
    return shorten(reprlib.repr(value), length)


def checked_count(count: object, what: str, most: int) -> int:
    """How many points or trials a check runs: a whole number from 1 to `most` (about what runs
    in a second or two; more finds nothing new), or a refusal naming `what`."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise RefusedValue(f"{what} must be a positive whole number, not {count!r}")
    if count > most:
        raise RefusedValue(f"{what} must be at most {most:,}, not {count:,}: more would take more"
                           " than a few seconds and find nothing new")
    return count
