"""Checking a hand-written backward function against an expression's circuit at random points.

The learner's function takes a parameter per input of the expression plus one for the gradient
from above (`dx`, any name), and returns the inputs' gradients in its parameters' order. Each
point is seeded, away from kinks and zero divisors, with a random force on the output.
"""

from __future__ import annotations

import ast
import inspect
import math
import numbers
import random
from collections.abc import Callable
from dataclasses import replace

from ..circuit import Circuit
from ..errors import RefusedType, RefusedValue
from ..gates import DivGate, MaxGate, ReLUGate
from ..parse import parse
from . import verdicts
from .running import LearnerCodeFailed, run, show
from .verdicts import CheckResult, Mismatch, Sample, guess_slip, where

__all__ = ["circuit_for", "check_backward", "draw_force"]

_INPUT_RANGE = 3.0  # random points have every input in [-3, 3] ...
_FORCE_RANGE = (0.5, 2.0)  # ... and a force on the output of either sign, this large
_KINK_MARGIN = 0.1  # max and relu are checked away from their kinks, where no gradient exists
_DIVISOR_MARGIN = 0.5  # division away from a zero divisor, where the gradient blows up
_BUILD_DRAWS = 100  # random points tried to build an expression undefined at its defaults
_MAX_DRAWS = 10_000  # random points tried before giving up on an expression with no smooth point
_BRANCH_HINT = "That is half of it: where a wire is used twice, its gradients add up."


def circuit_for(expression: str, rng: random.Random) -> Circuit:
    """The expression as a circuit, built where it is defined (`1 / (a - 1)` is not at a = 1).

    An expression gatekit cannot read, or that is defined nowhere we look, raises a ValueError
    with what went wrong at its default values.
    """
    try:
        return parse(expression)
    except (ValueError, ArithmeticError) as error:
        first_error = error
    for _ in range(_BUILD_DRAWS):
        values = {name: draw(rng) for name in _variable_names(expression)}
        try:
            return parse(expression, **values)
        except (ValueError, ArithmeticError):
            continue
    raise RefusedValue(str(first_error))


def check_backward(
    title: str, circuit: Circuit, backward: Callable[..., object], points: int,
    rng: random.Random,
) -> CheckResult:
    """The verdict on `backward` for `circuit` at `points` seeded random points.

    A malformed function (not callable, parameters that do not fit the inputs) raises TypeError
    before it runs; whatever it does when run (raise, loop, return no gradients) is a verdict.
    """
    tolerance = verdicts.TOLERANCE  # read before the learner's code runs
    input_names, force_name, call = _signature(backward, list(circuit.inputs), title)
    samples: dict[str, list[Sample]] = {name: [] for name in input_names}
    worst: dict[str, Mismatch] = {}
    blank: set[str] = set()
    for _ in range(points):
        point = _smooth_point(circuit, rng)
        force = draw_force(rng)
        expected = circuit.backward(force)
        at = where(point, force_name, force)
        try:
            returned = run("your backward", call, {**point, force_name: force}, learner=backward)
        except LearnerCodeFailed as failure:
            if isinstance(failure.error, TypeError) and "ellipsis" in str(failure.error):
                return CheckResult(title, "blank", (), (), (), points)  # a filled line used `...`
            return CheckResult(title, "error", (), (), (), points, f"{failure.sentence}, {at}")
        given, problem = _gradients(returned, input_names)
        if problem:
            return CheckResult(title, "error", (), (), (), points, f"{problem}, {at}")
        for name in input_names:
            if given[name] is Ellipsis:
                blank.add(name)
                continue
            value = float(given[name])
            samples[name].append((value, expected[name], force))
            if math.isfinite(value) and verdicts.close(value, expected[name], tolerance):
                continue
            mismatch = Mismatch(name, dict(point), force_name, force, value, expected[name], "")
            if name not in worst or not abs(mismatch.difference) <= abs(worst[name].difference):
                worst[name] = mismatch
    wrong = tuple(
        replace(worst[name], hint=guess_slip(samples[name], force_name, _BRANCH_HINT, tolerance))
        for name in input_names if name in worst
    )
    right = tuple(name for name in input_names if name not in worst and name not in blank)
    status = "wrong" if worst else "blank" if blank else "correct"
    return CheckResult(title, status, right, wrong,
                       tuple(name for name in input_names if name in blank), points)


def draw(rng: random.Random) -> float:
    """One random input value, rounded so that messages read easily."""
    return round(rng.uniform(-_INPUT_RANGE, _INPUT_RANGE), 2)


def draw_force(rng: random.Random) -> float:
    """A random force on the output: either sign, rounded, never tiny."""
    return rng.choice((-1, 1)) * round(rng.uniform(*_FORCE_RANGE), 2)


def _variable_names(expression: str) -> set[str]:
    """The names an expression uses as variables, not as functions; none if it cannot be read."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return set()
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called}


def _signature(
    backward: Callable[..., object], input_names: list[str], title: str
) -> tuple[list[str], str, Callable[[dict[str, float]], object]]:
    """The function's inputs in its own order, the name of its gradient-from-above, and a call
    that passes values by name to every parameter (positional-only ones by position)."""
    if not callable(backward):
        raise RefusedType(f"check needs your backward function, not {show(backward, 60)}")
    try:
        parameters = list(inspect.signature(backward).parameters.values())
    except (TypeError, ValueError):
        raise RefusedType(f"check cannot read the parameters of {backward!r}") from None
    for p in parameters:
        if p.kind == p.VAR_POSITIONAL or p.kind == p.VAR_KEYWORD:
            stars = "*" if p.kind == p.VAR_POSITIONAL else "**"
            raise RefusedType(
                f"backward should take one named parameter per input and one for the gradient"
                f" from above, not {stars}{p.name}"
            )
    names = [p.name for p in parameters]
    missing = [name for name in input_names if name not in names]
    if missing:
        raise RefusedType(
            f"backward for {title} needs a parameter for every input ({', '.join(input_names)});"
            f" it has no {', '.join(missing)}"
        )
    extra = [name for name in names if name not in input_names]
    if len(extra) != 1:
        raise RefusedType(
            f"backward for {title} takes the inputs ({', '.join(input_names)}) and exactly one"
            f" more parameter, the gradient from above such as dx; it has {extra or 'none'}"
        )
    by_position = [p.name for p in parameters if p.kind == p.POSITIONAL_ONLY]

    def call(values: dict[str, float]) -> object:
        keywords = {name: v for name, v in values.items() if name not in by_position}
        return backward(*(values[name] for name in by_position), **keywords)

    return [name for name in names if name in input_names], extra[0], call


def _gradients(returned: object, input_names: list[str]) -> tuple[dict[str, object], str]:
    """The returned gradients by input name, or a sentence when they are not one number (or
    `...`) per input."""
    values = returned if isinstance(returned, tuple | list) else (returned,)
    if len(values) != len(input_names):
        wanted = ", ".join(f"d{name}" for name in input_names)
        return {}, (
            f"your backward should return {len(input_names)} gradient(s) ({wanted}), in the"
            f" order of its parameters; it returned {show(returned, 60)}"
        )
    for name, value in zip(input_names, values, strict=True):
        if value is not Ellipsis and (
            isinstance(value, bool) or not isinstance(value, numbers.Real)
        ):
            return {}, (f"d{name} must be a number; your backward returned"
                        f" {type(value).__name__} {show(value, 40)}")
    return dict(zip(input_names, values, strict=True)), ""


def _smooth_point(circuit: Circuit, rng: random.Random) -> dict[str, float]:
    """Seeded random inputs where every gate has a gradient: away from kinks and zero divisors.

    Sets the circuit to that point and returns it.
    """
    for _ in range(_MAX_DRAWS):
        point = {name: draw(rng) for name in circuit.inputs}
        try:
            circuit.forward(**point)
        except (ValueError, ZeroDivisionError):
            continue
        if all(_far_from_trouble(gate) for gate in circuit.gates):
            return point
    raise RefusedValue(f"found no point where every gate of {circuit!r} has a gradient")


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
