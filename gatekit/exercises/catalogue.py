"""The backprop-ninja exercises (part 6 of the guide) and `check`, which takes an exercise, its
name or any expression and checks a hand-written backward function against it.

Every rule of the guide's list is in `EXERCISES`, with a blank template (`Exercise.template`,
each gradient line reading `...`) and a solution. The table is read-only, and `check` looks a
task up before the learner's code runs, so that code cannot change what it is checked against.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import math
import random
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

from ..errors import RefusedKey, RefusedType, RefusedValue
from .backward_check import check_backward, circuit_for
from .running import checked_count, shorten, show
from .verdicts import CheckResult

__all__ = ["Exercise", "EXERCISES", "get", "check", "MAX_POINTS"]

MAX_POINTS = 10_000  # under two seconds for a small expression: the most a check may take


@dataclass(frozen=True)
class Exercise:
    """One rule of the backprop-ninja list: an expression, a blank to fill and a solution."""

    name: str
    title: str
    expression: str
    solution: Callable[..., float | tuple[float, ...]]

    @property
    def template(self) -> str:
        """The solution's source with every gradient line blanked to `...`, for the learner."""
        return _blank_gradient_lines(self.solution_source)

    @property
    def solution_source(self) -> str:
        """The solution as the learner would write it, in a function named `backward`."""
        source = textwrap.dedent(inspect.getsource(self.solution))
        return source.replace(f"def {self.solution.__name__}(", "def backward(", 1)

    def check(self, backward: Callable[..., object], points: int = 5, seed: int = 0) -> CheckResult:
        """Check a learner's backward function for this exercise (see `check`)."""
        return check(self, backward, points=points, seed=seed)


def check(
    task: Exercise | str,
    backward: Callable[..., object],
    points: int = 5,
    seed: int = 0,
) -> CheckResult:
    """Compare a hand-written backward function with the circuit's gradients at random points.

    `task` is an exercise, an exercise's name (see `EXERCISES`) or any expression `gk.parse`
    reads. `backward` takes a parameter per input of the expression plus one for the gradient
    from above (`dx`, any name), and returns the inputs' gradients in its parameters' order
    (positional-only parameters are fine). A function that cannot fit the expression raises
    TypeError; whatever it does when run -- a wrong gradient, an exception, a loop that runs
    past the time limit, a return that is not gradients -- is the verdict's message.
    """
    points = checked_count(points, "points", MAX_POINTS)
    title, expression = _title_and_expression(task)
    rng = random.Random(seed)
    try:
        circuit = circuit_for(expression, rng)
    except ValueError as error:
        names = ", ".join(EXERCISES)
        raise RefusedValue(
            f"{show(expression, 50)} is neither an exercise ({names}) nor an expression gatekit can"
            f" build: {shorten(str(error), 200)}"
        ) from None
    return check_backward(title, circuit, backward, points, rng)


def get(name: str) -> Exercise:
    """The exercise called `name`, or a KeyError that suggests the nearest name."""
    if isinstance(name, str) and name in EXERCISES:
        return EXERCISES[name]
    raise RefusedKey(_no_such_exercise(name))


def _title_and_expression(task: Exercise | str) -> tuple[str, str]:
    """The title and expression of an exercise, an exercise's name, or a bare expression.

    A bare name that is no exercise (`"mull"`) is a typo, not the expression `mull`.
    """
    if isinstance(task, Exercise):
        return task.title, task.expression
    if not isinstance(task, str):
        raise RefusedType(f"check takes an Exercise, its name or an expression, not {task!r}")
    if task in EXERCISES:
        return EXERCISES[task].title, EXERCISES[task].expression
    if task.strip().isidentifier():
        raise RefusedValue(_no_such_exercise(task.strip()))
    return task, task


def _no_such_exercise(name: object) -> str:
    """'there is no exercise named `mull`; did you mean `mul`?' (or the list of names)."""
    text = f"there is no exercise named `{shorten(str(name), 40)}`"
    nearest = difflib.get_close_matches(str(name), list(EXERCISES), n=1)
    if nearest:
        return f"{text}; did you mean `{nearest[0]}`?"
    return f"{text}; the exercises are {', '.join(EXERCISES)}"


def _blank_gradient_lines(source: str) -> str:
    """Replace the right-hand side of every gradient assignment (`dv = …`) with `...`.

    A gradient is a name `d` + v where v is a parameter or a name assigned in the function,
    so the forward lines (`x1 = a * b + c`) stay for the learner to build on.
    """
    function = ast.parse(source).body[0]
    assert isinstance(function, ast.FunctionDef)
    assignments = [node for node in ast.walk(function) if isinstance(node, ast.Assign)]
    assigned = {t.id for node in assignments for t in node.targets if isinstance(t, ast.Name)}
    known = assigned | {arg.arg for arg in function.args.args}
    lines = source.splitlines()
    for node in assignments:
        target = node.targets[0]
        if isinstance(target, ast.Name) and target.id[:1] == "d" and target.id[1:] in known:
            line = lines[node.lineno - 1]
            indent = line[: len(line) - len(line.lstrip())]
            comment = line[line.index("  #"):] if "  #" in line else ""
            lines[node.lineno - 1] = f"{indent}{target.id} = ...{comment}"
    return "\n".join(lines) + "\n"


# ----- the backprop-ninja rules (part 6), each with its solution -------------------------------
def _mul(a, b, dx):
    """x = a * b: the mul gate swaps its inputs' values."""
    da = b * dx
    db = a * dx
    return da, db


def _add(a, b, dx):
    """x = a + b: the add gate passes the gradient on unchanged."""
    da = 1.0 * dx
    db = 1.0 * dx
    return da, db


def _add3(a, b, c, dx):
    """x = a + b + c: two add gates, so each input gets dx unchanged."""
    da = 1.0 * dx
    db = 1.0 * dx
    dc = 1.0 * dx
    return da, db, dc


def _mul_add(a, b, c, dx):
    """x = a * b + c: a mul gate feeding an add gate."""
    da = b * dx
    db = a * dx
    dc = 1.0 * dx
    return da, db, dc


def _neuron(a, b, c, x, y, df):
    """f = sigmoid(a*x + b*y + c): the neuron, in two steps."""
    q = a * x + b * y + c
    f = 1.0 / (1.0 + math.exp(-q))
    dq = f * (1.0 - f) * df  # the sigmoid's local gradient is f * (1 - f)
    da = x * dq
    dx = a * dq
    db = y * dq
    dy = b * dq
    dc = 1.0 * dq
    return da, db, dc, dx, dy


def _square(a, dx):
    """x = a * a: the wire a branches into both inputs, and their gradients add."""
    da = 2.0 * a * dx
    return da


def _sum_of_squares(a, b, c, dx):
    """x = a*a + b*b + c*c"""
    da = 2.0 * a * dx
    db = 2.0 * b * dx
    dc = 2.0 * c * dx
    return da, db, dc


def _pow_steps(a, b, c, d, dx):
    """x = ((a*b + c) * d) ** 2, split into simple steps."""
    x1 = a * b + c
    x2 = x1 * d
    dx2 = 2.0 * x2 * dx  # the gradient on x2
    dd = x1 * dx2  # on d
    dx1 = d * dx2  # on x1
    da = b * dx1
    db = a * dx1
    dc = 1.0 * dx1
    return da, db, dc, dd


def _reciprocal(a, dx):
    """x = 1 / a"""
    da = -1.0 / (a * a) * dx
    return da


def _ratio(a, b, c, d, dx):
    """x = (a + b) / (c + d), split into simple steps."""
    x1 = a + b
    x2 = c + d
    x3 = 1.0 / x2
    dx1 = x3 * dx  # x = x1 * x3
    dx3 = x1 * dx
    dx2 = -1.0 / (x2 * x2) * dx3  # x3 = 1 / x2
    da = 1.0 * dx1
    db = 1.0 * dx1
    dc = 1.0 * dx2
    dd = 1.0 * dx2
    return da, db, dc, dd


def _max(a, b, dx):
    """x = max(a, b): the gradient goes to whichever input was larger."""
    da = (1.0 if a >= b else 0.0) * dx
    db = (0.0 if a >= b else 1.0) * dx
    return da, db


def _relu(a, dx):
    """x = max(a, 0): the gradient passes only where a > 0."""
    da = (1.0 if a > 0 else 0.0) * dx
    return da


EXERCISES: MappingProxyType[str, Exercise] = MappingProxyType({
    exercise.name: exercise
    for exercise in (
        Exercise("mul", "x = a * b", "a * b", _mul),
        Exercise("add", "x = a + b", "a + b", _add),
        Exercise("add3", "x = a + b + c", "a + b + c", _add3),
        Exercise("mul_add", "x = a * b + c", "a * b + c", _mul_add),
        Exercise("neuron", "f = sigmoid(a*x + b*y + c)", "sigmoid(a*x + b*y + c)", _neuron),
        Exercise("square", "x = a * a", "a * a", _square),
        Exercise("sum_of_squares", "x = a*a + b*b + c*c", "a*a + b*b + c*c", _sum_of_squares),
        Exercise("pow_steps", "x = ((a*b + c) * d) ** 2", "((a*b + c) * d) ** 2", _pow_steps),
        Exercise("reciprocal", "x = 1 / a", "1 / a", _reciprocal),
        Exercise("ratio", "x = (a + b) / (c + d)", "(a + b) / (c + d)", _ratio),
        Exercise("max", "x = max(a, b)", "max(a, b)", _max),
        Exercise("relu", "x = max(a, 0)", "relu(a)", _relu),
    )
})
"""Every rule of the backprop-ninja list (part 6), by name, in the guide's order."""
