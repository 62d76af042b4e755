"""Backward passes the learner writes by hand, checked against the circuit's own gradients.

A learner writes a function that takes the inputs of an expression and the gradient arriving
from above (`dx`), and returns one gradient per input -- the guide's `da = b * dx` lines:

    def backward(a, b, dx):
        da = b * dx
        db = a * dx
        return da, db

    gk.exercises.check("a * b", backward)

`check` builds the expression as a circuit, runs it at several seeded random points with a
random force on the output, and says which gradient is wrong, where and by how much. A blank
line (`da = ...`) reads as "not written yet", so a notebook's unfilled exercise still runs.
Every rule of the guide's backprop-ninja list is in `EXERCISES`, with a blank template and a
solution.
"""

from __future__ import annotations

import ast
import inspect
import math
import numbers
import random
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .circuit import Circuit, fmt
from .gates import DivGate, MaxGate, ReLUGate
from .parse import parse

__all__ = ["Exercise", "CheckResult", "Mismatch", "EXERCISES", "get", "check"]

TOLERANCE = 1e-6  # relative error a hand-written gradient may have (both sides are exact maths)
_INPUT_RANGE = 3.0  # random points have every input in [-3, 3] ...
_FORCE_RANGE = (0.5, 2.0)  # ... and a force on the output of either sign, this large
_KINK_MARGIN = 0.1  # max and relu are checked away from their kinks, where no gradient exists
_DIVISOR_MARGIN = 0.5  # division away from a zero divisor, where the gradient blows up
_BUILD_DRAWS = 100  # random points tried to build an expression undefined at its defaults
_MAX_DRAWS = 10_000  # random points tried before giving up on an expression with no smooth point


@dataclass(frozen=True)
class Mismatch:
    """Where one hand-written gradient disagrees most with the circuit's."""

    variable: str
    point: dict[str, float]
    force_name: str
    force: float
    given: float
    expected: float
    hint: str

    @property
    def difference(self) -> float:
        """How far the given gradient is from the circuit's (given - expected)."""
        return self.given - self.expected

    def describe(self) -> str:
        """One sentence: the variable, the point, both numbers and the gap."""
        where = ", ".join(f"{name} = {fmt(value)}" for name, value in self.point.items())
        text = (
            f"d{self.variable} is wrong: at {where} with {self.force_name} = {fmt(self.force)}"
            f" you gave {fmt(self.given)}, the circuit gives {fmt(self.expected)}"
            f" (off by {fmt(self.difference)})."
        )
        return f"{text} {self.hint}" if self.hint else text


@dataclass(frozen=True)
class CheckResult:
    """The verdict on a hand-written backward function; shows as a readable message."""

    title: str
    status: str  # "correct", "wrong" or "blank" (some line still reads `...`)
    right: tuple[str, ...]
    wrong: tuple[Mismatch, ...]
    blank: tuple[str, ...]
    points: int

    @property
    def ok(self) -> bool:
        """True when every gradient matched the circuit at every point."""
        return self.status == "correct"

    @property
    def message(self) -> str:
        """What went right and wrong, in sentences a learner can act on."""
        right = _join(f"d{name}" for name in self.right)
        if self.status == "correct":
            verb = "matches" if len(self.right) == 1 else "match"
            return f"✓ {self.title}: {right} {verb} the circuit at all {self.points} points."
        lines = [f"✗ {self.title}: " + ("wrong." if self.wrong else "not written yet.")]
        lines += [f"  {mismatch.describe()}" for mismatch in self.wrong]
        if self.blank:
            blanks = _join(f"d{name}" for name in self.blank)
            lines.append(f"  Still `...`: {blanks}. Fill the lines in order, top to bottom.")
        elif self.status == "blank":
            lines.append("  A line you filled uses one that is still `...`: fill them top down.")
        if self.right:
            lines.append(f"  Right: {right}.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return self.message


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
    from above (`dx`, any name), and returns the inputs' gradients in its parameters' order.
    A wrong gradient gives a result that says so; a malformed function raises TypeError.
    """
    title, expression = _title_and_expression(task)
    if isinstance(points, bool) or not isinstance(points, int) or points < 1:
        raise ValueError(f"points must be a positive whole number, not {points!r}")
    rng = random.Random(seed)
    circuit = _circuit_for(expression, rng)
    input_names, force_name = _signature(backward, list(circuit.inputs), title)
    worst: dict[str, Mismatch] = {}
    blank: set[str] = set()
    for _ in range(points):
        point = _smooth_point(circuit, rng)
        force = rng.choice((-1, 1)) * round(rng.uniform(*_FORCE_RANGE), 2)
        expected = circuit.backward(force)
        try:
            returned = backward(**point, **{force_name: force})
        except TypeError as error:
            if "ellipsis" not in str(error):
                raise
            return CheckResult(title, "blank", (), (), (), points)  # a filled line used a blank
        given = _gradients(returned, input_names, backward)
        for name in input_names:
            if given[name] is Ellipsis:
                blank.add(name)
                continue
            mismatch = _mismatch(name, given[name], expected[name], point, force_name, force)
            if mismatch and (name not in worst or _worse(mismatch, worst[name])):
                worst[name] = mismatch
    right = tuple(name for name in input_names if name not in worst and name not in blank)
    status = "wrong" if worst else "blank" if blank else "correct"
    return CheckResult(
        title,
        status,
        right,
        tuple(worst[name] for name in input_names if name in worst),
        tuple(name for name in input_names if name in blank),
        points,
    )


def get(name: str) -> Exercise:
    """The exercise called `name`, or a KeyError listing the names there are."""
    try:
        return EXERCISES[name]
    except KeyError:
        raise KeyError(f"no exercise {name!r}; the exercises are {', '.join(EXERCISES)}") from None


# ----- checking -------------------------------------------------------------------------------
def _title_and_expression(task: Exercise | str) -> tuple[str, str]:
    """The title and expression of an exercise, an exercise's name, or a bare expression."""
    if isinstance(task, Exercise):
        return task.title, task.expression
    if not isinstance(task, str):
        raise TypeError(f"check takes an Exercise, its name or an expression, not {task!r}")
    if task in EXERCISES:
        return EXERCISES[task].title, EXERCISES[task].expression
    return task, task


def _circuit_for(expression: str, rng: random.Random) -> Circuit:
    """The expression as a circuit, built where it is defined (`1 / (a - 1)` is not at a = 1).

    An expression gatekit cannot read, or that is defined nowhere we look, raises a ValueError
    that also lists the exercise names.
    """
    try:
        return parse(expression)
    except (ValueError, ArithmeticError) as error:
        first_error = error
    for _ in range(_BUILD_DRAWS):
        values = {name: _draw(rng) for name in _variable_names(expression)}
        try:
            return parse(expression, **values)
        except (ValueError, ArithmeticError):
            continue
    names = ", ".join(EXERCISES)
    raise ValueError(
        f"{expression!r} is neither an exercise ({names}) nor an expression gatekit can build:"
        f" {first_error}"
    ) from None


def _variable_names(expression: str) -> set[str]:
    """The names an expression uses as variables, not as functions; none if it cannot be read."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return set()
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called}


def _draw(rng: random.Random) -> float:
    """One random input value, rounded so that messages read easily."""
    return round(rng.uniform(-_INPUT_RANGE, _INPUT_RANGE), 2)


def _signature(
    backward: Callable[..., object], input_names: list[str], title: str
) -> tuple[list[str], str]:
    """The function's inputs in its own order and the name of its gradient-from-above."""
    if not callable(backward):
        raise TypeError(f"check needs your backward function, not {backward!r}")
    parameters = list(inspect.signature(backward).parameters.values())
    names = [p.name for p in parameters]
    odd = [p.name for p in parameters if p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    if odd:
        raise TypeError(f"backward should take plain named parameters, not *{odd[0]}")
    missing = [name for name in input_names if name not in names]
    if missing:
        raise TypeError(
            f"backward for {title} needs a parameter for every input ({', '.join(input_names)});"
            f" it has no {', '.join(missing)}"
        )
    extra = [name for name in names if name not in input_names]
    if len(extra) != 1:
        raise TypeError(
            f"backward for {title} takes the inputs ({', '.join(input_names)}) and exactly one"
            f" more parameter, the gradient from above such as dx; it has {extra or 'none'}"
        )
    return [name for name in names if name in input_names], extra[0]


def _gradients(
    returned: object, input_names: list[str], backward: Callable[..., object]
) -> dict[str, object]:
    """The returned gradients by input name; TypeError when they are not one number per input."""
    values = returned if isinstance(returned, tuple | list) else (returned,)
    if len(values) != len(input_names):
        wanted = ", ".join(f"d{name}" for name in input_names)
        raise TypeError(
            f"{backward.__name__} should return {len(input_names)} gradient(s) ({wanted}),"
            f" in the order of its parameters; it returned {returned!r}"
        )
    for name, value in zip(input_names, values, strict=True):
        if value is not Ellipsis and (
            isinstance(value, bool) or not isinstance(value, numbers.Real)
        ):
            raise TypeError(f"d{name} must be a number, not {type(value).__name__} ({value!r})")
    return dict(zip(input_names, values, strict=True))


def _mismatch(
    name: str, given: float, expected: float, point: dict[str, float], force_name: str,
    force: float,
) -> Mismatch | None:
    """A Mismatch when `given` is off by more than TOLERANCE (relative), else None."""
    given = float(given)
    if math.isfinite(given) and abs(given - expected) <= TOLERANCE * max(1.0, abs(expected)):
        return None
    return Mismatch(name, dict(point), force_name, force, given, expected,
                    _hint(given, expected, force_name, force))


def _worse(new: Mismatch, old: Mismatch) -> bool:
    """True when `new` is further from the circuit than `old` (NaN counts as furthest)."""
    return not abs(new.difference) <= abs(old.difference)


def _hint(given: float, expected: float, force_name: str, force: float) -> str:
    """A guess at the slip behind a wrong gradient, or '' when none fits."""

    def close(a: float, b: float) -> bool:
        return abs(a - b) <= TOLERANCE * max(1.0, abs(b))

    if close(given * force, expected):
        return f"That is the local gradient alone: multiply it by {force_name} (the chain rule)."
    if close(-given, expected):
        return "The sign is flipped."
    if close(2 * given, expected):
        return "That is half of it: where a wire is used twice, its gradients add up."
    return ""


def _smooth_point(circuit: Circuit, rng: random.Random) -> dict[str, float]:
    """Seeded random inputs where every gate has a gradient: away from kinks and zero divisors.

    Sets the circuit to that point and returns it.
    """
    for _ in range(_MAX_DRAWS):
        point = {name: _draw(rng) for name in circuit.inputs}
        try:
            circuit.forward(**point)
        except (ValueError, ZeroDivisionError):
            continue
        if all(_far_from_trouble(gate) for gate in circuit.gates):
            return point
    raise ValueError(f"found no point where every gate of {circuit!r} has a gradient")


def _far_from_trouble(gate: object) -> bool:
    """False for a max at a near-tie, a relu near 0 or a division by nearly 0."""
    if isinstance(gate, MaxGate):
        a, b = gate.inputs
        return abs(a.value - b.value) >= _KINK_MARGIN
    if isinstance(gate, ReLUGate):
        return abs(gate.inputs[0].value) >= _KINK_MARGIN
    if isinstance(gate, DivGate):
        return abs(gate.inputs[1].value) >= _DIVISOR_MARGIN
    return True


# ----- templates ------------------------------------------------------------------------------
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


def _join(words: Iterable[str]) -> str:
    """'da', 'da and db', 'da, db and dc'."""
    items = list(words)
    return " and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


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


EXERCISES: dict[str, Exercise] = {
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
}
"""Every rule of the backprop-ninja list (part 6), by name, in the guide's order."""
