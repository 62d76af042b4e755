"""Checking a learner's own gate: a `gk.Gate` subclass with `arity`, `symbol`, `compute()` and
`backward()`, written exactly like the built-in gates.

At seeded random points its backward is compared, input by input, with central differences of
its own compute. Each input already holds some gradient and the output a random force, so a
backward that sets (`a.grad = …`) instead of adding (`a.grad += …`) is caught; then the gate is
used twice on one wire, `g(x) + g(x)` with x in every input, where x.grad must collect both;
last two gates on different wires are run forward, then backward, as a circuit runs them, and
one of them computes again at a new point, so a gate that keeps state between calls or on its
class (a cache, a memo) is caught. The inputs are called a, b, c, … in the order of
`self.inputs`.
"""

from __future__ import annotations

import math
import numbers
import random
import re
import string
from collections.abc import Callable
from dataclasses import replace

from ..circuit import fmt
from ..errors import RefusedType
from ..gates import Gate, Unit
from .backward_check import draw, draw_force
from .running import LearnerCodeFailed, checked_count, run, show
from .verdicts import CheckResult, Mismatch, Sample, at, close, guess_slip, where

__all__ = ["check_gate", "GATE_TOLERANCE"]

GATE_TOLERANCE = 1e-5  # relative gap allowed between backward and central differences
_STEP = 1e-5  # central-difference step, relative to the input (never below this)
_KINK = 1e-2  # one-sided slopes further apart than this (relative) mark a kink: not checked
_MAX_DRAWS = 1_000  # points tried before saying compute is defined or smooth nowhere
MAX_POINTS = 1_000  # about half a second for a two-input gate: the most a check may take
_FORCE_NAME = "output.grad"
_REFERENCE = "central differences of your compute give"
_DOUBLE_HINT = "Did you forget the factor 2?"
_SETS = ("your backward sets {name}.grad instead of adding to it (`=` where it needs `+=`):"
         " {detail}. A wire used more than once collects the gradient of every use.")


class _Refusal(Exception):
    """A sentence about the learner's gate that ends the check (a verdict, not a crash)."""


class _Blank(_Refusal):
    """A rule still reads `...`: the gate is not written yet (a verdict of its own)."""


def check_gate(gate_class: type, points: int = 5, seed: int = 0) -> CheckResult:
    """Check a learner's `gk.Gate` subclass on `points` seeded random points.

    Something that is not a Gate class at all raises TypeError. Everything about the class
    itself -- arity, symbol, a compute that raises or returns no number, a backward that is
    wrong, raises, or sets instead of adds, a call that runs past the time limit -- is the
    verdict's message.
    """
    _refuse_non_gate(gate_class)
    points = checked_count(points, "points", MAX_POINTS)
    tolerance = GATE_TOLERANCE  # read before the learner's code runs
    title = gate_class.__name__
    rng = random.Random(seed)
    try:
        names = list(string.ascii_lowercase[: _checked_class(gate_class)])
        samples: dict[str, list[Sample]] = {name: [] for name in names}
        worst: dict[str, Mismatch] = {}
        for _ in range(points):
            point, slopes = _smooth_point(gate_class, names, rng)
            for result in _backward_results(gate_class, point, slopes, rng, tolerance):
                name = result.variable
                samples[name].append((result.given, result.expected, result.force))
                if close(result.given, result.expected, tolerance):
                    continue
                if name not in worst or not abs(result.difference) <= abs(worst[name].difference):
                    worst[name] = result
        if not worst:
            _check_shared_wire(gate_class, len(names), rng, tolerance)
            _check_no_state(gate_class, names, rng, tolerance)
    except _Blank as blank:
        return CheckResult(title, "blank", (), (), (), points, str(blank))
    except (_Refusal, LearnerCodeFailed) as failure:
        return CheckResult(title, "error", (), (), (), points, str(failure))
    wrong = tuple(
        replace(worst[name], hint=guess_slip(samples[name], _FORCE_NAME, _DOUBLE_HINT, tolerance))
        for name in names if name in worst
    )
    right = tuple(name for name in names if name not in worst)
    return CheckResult(title, "wrong" if wrong else "correct", right, wrong, (), points,
                       against="central differences of compute",
                       over=f"at all {points} points and on a wire used twice")


def _refuse_non_gate(gate_class: object) -> None:
    """TypeError unless `gate_class` is a class derived from gk.Gate."""
    if isinstance(gate_class, Gate):
        name = type(gate_class).__name__
        raise RefusedType(f"check_gate takes the class itself ({name}), not a gate made from it"
                          f" ({name}())")
    if not isinstance(gate_class, type):
        raise RefusedType("check_gate takes a gate class (a subclass of gk.Gate), not"
                          f" {type(gate_class).__name__} {show(gate_class, 40)}")
    if gate_class is Gate:
        raise RefusedType("check_gate takes your own gate class, not gk.Gate itself: write"
                          " `class Square(gk.Gate):` with arity, symbol, compute and backward,"
                          " then check_gate(Square)")
    if not issubclass(gate_class, Gate):
        name = gate_class.__name__
        raise RefusedType(f"{name} is not a gate: write `class {name}(gk.Gate):` with arity,"
                          " symbol, compute and backward")


def _checked_class(gate_class: type[Gate]) -> int:
    """The gate's arity, after refusing a class whose arity, symbol or methods are missing."""
    arity, symbol = gate_class.arity, gate_class.symbol
    if isinstance(arity, bool) or not isinstance(arity, int) or not 1 <= arity <= 26:
        raise _Refusal("arity must be how many inputs the gate takes, a whole number from 1 to"
                       f" 26, not {show(arity, 40)}")
    if not isinstance(symbol, str) or not symbol or symbol == Gate.symbol:
        raise _Refusal('give your gate a symbol such as `symbol = "sq"`: circuits, drawings and'
                       " explain() show it")
    for method in ("compute", "backward"):
        if getattr(gate_class, method) is getattr(Gate, method):
            raise _Refusal(f"your gate has no {method}(): write one as the built-in gates do")
    return arity


def _new_gate(gate_class: type[Gate]) -> Gate:
    """A fresh gate, built with no arguments as the built-in gates are."""
    return run(f"building {gate_class.__name__}()", gate_class)


def _at(values: list[float]) -> str:
    """'at a = 1.5, b = -2': the inputs are a, b, c, … in order."""
    return at(dict(zip(string.ascii_lowercase[: len(values)], values, strict=True)))


def _value(gate_class: type[Gate], values: list[float]) -> float | None:
    """compute() at `values`, or None where it is undefined there (an arithmetic or domain
    error, inf or NaN). Any other failure, or a value that is no number, ends the check."""
    gate = _new_gate(gate_class)
    gate.inputs = tuple(Unit(v) for v in values)
    try:
        value = run("your compute", gate.compute)
    except LearnerCodeFailed as failure:
        unpacking = re.search(r"values to unpack \(expected (\d+)", str(failure.error))
        if isinstance(failure.error, ValueError) and unpacking:
            raise _Refusal(_arity_sentence(gate_class, int(unpacking.group(1)))) from None
        if isinstance(failure.error, ArithmeticError | ValueError):
            return None
        raise _Refusal(f"{failure.sentence}, {_at(values)}") from None
    if value is Ellipsis:
        raise _Blank("not written yet: compute still returns `...`")
    if value is None:
        raise _Refusal("your compute returned None, not a number: did you forget `return`?")
    if isinstance(value, Unit):
        raise _Refusal("your compute returned a Unit, not a number: compute with the inputs'"
                       " values (`a.value`) and return the output's value")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _Refusal(f"your compute returned {type(value).__name__} {show(value, 40)}"
                       f" {_at(values)}, not a real number: it should return the output's value")
    value = float(value)
    return value if math.isfinite(value) else None


def _arity_sentence(gate_class: type[Gate], unpacked: int) -> str:
    """Why compute could not unpack self.inputs: the arity does not match."""
    own = any("arity" in vars(k) for k in gate_class.__mro__[: gate_class.__mro__.index(Gate)])
    has = (f"arity is {gate_class.arity}" if own
           else f"your gate sets no arity, so it has Gate's default of {gate_class.arity}")
    inputs = "1 input" if unpacked == 1 else f"{unpacked} inputs"
    return f"compute unpacks {inputs} but {has}: write `arity = {unpacked}`"


def _slope(function: Callable[[float], float | None], x: float) -> float | None:
    """d function/dx at x by central differences, or None where the function is undefined
    near x or has a kink there (its one-sided slopes disagree)."""
    h = _STEP * max(1.0, abs(x))
    down, centre, up = function(x - h), function(x), function(x + h)
    if down is None or centre is None or up is None:
        return None
    right, left = (up - centre) / h, (centre - down) / h
    if abs(right - left) > _KINK * max(1.0, abs(right), abs(left)):
        return None
    return (up - down) / (2 * h)


def _slopes(gate_class: type[Gate], values: list[float]) -> list[float] | None:
    """The slope of compute along each input at `values`, or None if any cannot be had."""
    slopes = []
    for i in range(len(values)):
        slope = _slope(lambda v, i=i: _value(gate_class, values[:i] + [v] + values[i + 1:]),
                       values[i])
        if slope is None:
            return None
        slopes.append(slope)
    return slopes


def _smooth_point(
    gate_class: type[Gate], names: list[str], rng: random.Random
) -> tuple[dict[str, float], list[float]]:
    """A seeded random point where compute is defined and smooth in every input, and the
    central-difference slope for each input there."""
    for _ in range(_MAX_DRAWS):
        values = [draw(rng) for _ in names]
        slopes = _slopes(gate_class, values)
        if slopes is not None:
            return dict(zip(names, values, strict=True)), slopes
    raise _Refusal(f"your compute is undefined or has a kink near each of {_MAX_DRAWS} random"
                   " points tried, so its gradient cannot be checked")


def _backward_results(
    gate_class: type[Gate], point: dict[str, float], slopes: list[float], rng: random.Random,
    tolerance: float,
) -> list[Mismatch]:
    """Run backward once at `point` with a random force and some gradient already on each
    input: for each input, what it added and force * slope, as a Mismatch whether they match
    or not (the caller sorts them out). A backward that sets instead of adds is refused."""
    units = [Unit(v) for v in point.values()]
    gate = _new_gate(gate_class)
    out = run("your compute", gate.forward, *units)
    _refuse_changed_inputs(point, units, "compute")
    force, earlier = draw_force(rng), [draw(rng) for _ in units]
    for unit, grad in zip(units, earlier, strict=True):
        unit.grad = grad
    out.grad = force
    try:
        run("your backward", gate.backward)
    except LearnerCodeFailed as failure:
        if isinstance(failure.error, TypeError) and "ellipsis" in str(failure.error):
            raise _Blank("not written yet: backward still adds `...`") from None
        raise _Refusal(f"{failure.sentence}, {where(point, _FORCE_NAME, force)}") from None
    _refuse_changed_inputs(point, units, "backward")
    results = []
    for name, unit, before, slope in zip(point, units, earlier, slopes, strict=True):
        grad = _grad_after_backward(unit, name)
        expected, given = force * slope, grad - before
        if close(grad, expected, tolerance) and not close(given, expected, tolerance):
            detail = (f"{where(point, _FORCE_NAME, force)} and {name}.grad already {fmt(before)},"
                      f" it left {name}.grad = {fmt(grad)}; adding gives {fmt(before + expected)}")
            raise _Refusal(_SETS.format(name=name, detail=detail))
        results.append(
            Mismatch(name, dict(point), _FORCE_NAME, force, given, expected, "", _REFERENCE))
    return results


def _refuse_changed_inputs(point: dict[str, float], units: list[Unit], method: str) -> None:
    """Refuse a compute or backward that changed an input's value (they only read values)."""
    for (name, value), unit in zip(point.items(), units, strict=True):
        if unit.value != value:
            should = "only read the inputs' values" if method == "compute" else "only add to grads"
            raise _Refusal(f"your {method} changed {name}.value: it should {should}")


def _check_no_state(
    gate_class: type[Gate], names: list[str], rng: random.Random, tolerance: float
) -> None:
    """Two gates on different wires, both run forward and then backward (as in g(x) + g(y)),
    must each give their own wire's gradient; and the first, computing again at the second's
    point, the second's value. Refuses a gate that keeps state on its class or between calls."""
    (first, slopes), (second, _) = (_smooth_point(gate_class, names, rng) for _ in range(2))
    wires = [[Unit(v) for v in point.values()] for point in (first, second)]
    gates = [_new_gate(gate_class) for _ in wires]
    outputs = [run("your compute", gate.forward, *units)
               for gate, units in zip(gates, wires, strict=True)]
    force = draw_force(rng)
    for out in outputs:
        out.grad = force
    try:
        for gate in reversed(gates):
            run("your backward", gate.backward)
    except LearnerCodeFailed as failure:
        raise _Refusal(f"{failure.sentence}, with two gates on different wires") from None
    used = f"with two gates, {_call(first)} and {_call(second)}"
    for name, unit, slope in zip(names, wires[0], slopes, strict=True):
        got = _grad_after_backward(unit, name)
        if not close(got, force * slope, tolerance):
            raise _Refusal(f"your gate keeps state between gates: {used} run forward and then"
                           f" backward, the first gate's {name}.grad is {fmt(got)} where it should"
                           f" be {fmt(force * slope)}; keep what backward needs on self, not on"
                           " the class")
    for unit, value in zip(wires[0], second.values(), strict=True):
        unit.value = value
    again, fresh = run("your compute", gates[0].compute), _value(gate_class, list(second.values()))
    if not (isinstance(again, numbers.Real) and fresh is not None
            and close(float(again), fresh, tolerance)):
        raise _Refusal(f"your compute keeps a value from an earlier call: {used}, the first gate"
                       f" computing again at the second's inputs gives {show(again, 40)} where a"
                       f" new gate gives {fmt(fresh)}; compute from the inputs' values every time")


def _call(point: dict[str, float]) -> str:
    """'g(a = 1.5, b = -2)': the gate called at a point."""
    return f"g({', '.join(f'{name} = {fmt(value)}' for name, value in point.items())})"


def _grad_after_backward(unit: Unit, name: str) -> float:
    """The unit's grad after the learner's backward, refusing one that is not a number."""
    grad = unit.grad
    if isinstance(grad, bool) or not isinstance(grad, numbers.Real):
        raise _Refusal(f"after your backward, {name}.grad is {type(grad).__name__}"
                       f" {show(grad, 40)}, not a number")
    return float(grad)


def _check_shared_wire(
    gate_class: type[Gate], arity: int, rng: random.Random, tolerance: float
) -> None:
    """g(x) + g(x) with x in every input: x.grad must collect force * d g(x, …, x)/dx from
    each use. Refuses a gate that does not add up there."""
    for _ in range(_MAX_DRAWS):
        x = draw(rng)
        slope = _slope(lambda v: _value(gate_class, [v] * arity), x)
        if slope is not None:
            break
    else:
        return  # undefined or kinked all along x = x = …: the per-input check stands alone
    wire, force = Unit(x), draw_force(rng)
    gates = [_new_gate(gate_class) for _ in range(2)]
    outputs = [run("your compute", gate.forward, *[wire] * arity) for gate in gates]
    for out in outputs:  # the gates hold their outputs weakly: this list keeps them alive
        out.grad = force
    used = " + ".join([f"g({', '.join(['x'] * arity)})"] * 2)
    used = f"with the gate used as {used} at x = {fmt(x)} and {_FORCE_NAME} = {fmt(force)}"
    try:
        for gate in gates:
            run("your backward", gate.backward)
    except LearnerCodeFailed as failure:
        raise _Refusal(f"{failure.sentence}, {used}") from None
    got, expected = _grad_after_backward(wire, "x"), 2 * force * slope
    if close(got, expected, tolerance):
        return
    detail = f"{used}, x.grad is {fmt(got)} where it should be {fmt(expected)}"
    if close(2 * got, expected, tolerance):
        raise _Refusal(_SETS.format(name="x", detail=detail))
    raise _Refusal(f"a wire used twice gets the wrong gradient: {detail}")
