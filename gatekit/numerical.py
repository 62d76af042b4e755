"""What a circuit's output does when its inputs are moved: gradients by finite differences, the
check of backward against them, and random local search (parts 1 and 2 of the guide).

Each costs a known number of forward passes, counted by the circuit: the probes move inputs
without a pass of their own, and one last pass puts the circuit back as it found it
(`RESTORE_PASSES`); random search also runs one over its start (`SEARCH_START_PASSES`).
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .circuit import fmt
from .errors import RefusedType, RefusedValue
from .gates import check_number
from .units import check_whole

if TYPE_CHECKING:
    from .circuit import Circuit

__all__ = [
    "GradientCheck", "finite_differences", "check_gradients", "random_local_search",
    "relative_error",
]

SMALLEST_SCALE = 0.1  # check_gradients' step is h * max(|input|, this)


@dataclass(frozen=True)
class GradientCheck:
    """Analytic gradients (backward) next to numerical ones (central differences).

    An input whose gradient is NaN or infinite on either side counts as a mismatch.
    """

    analytic: dict[str, float]
    numerical: dict[str, float]
    tolerance: float = 1e-4
    errors: dict[str, float] = field(init=False)

    def __post_init__(self) -> None:
        errors = {
            name: _relative_error(a, self.numerical[name]) for name, a in self.analytic.items()
        }
        object.__setattr__(self, "errors", errors)

    @property
    def max_error(self) -> float:
        """The largest relative error over the inputs (0.0 for a circuit with no inputs)."""
        return max(self.errors.values(), default=0.0)

    @property
    def ok(self) -> bool:
        """True when every input's analytic gradient matches its numerical one."""
        return self.max_error <= self.tolerance

    def __repr__(self) -> str:
        verdict = "ok" if self.ok else "MISMATCH"
        rows = ", ".join(
            f"{name}: {fmt(a)} vs {fmt(self.numerical[name])}"
            for name, a in self.analytic.items()
        )
        return f"GradientCheck({verdict}, max_error={self.max_error:.2e}; {rows})"


def _relative_error(analytic: float, numerical: float) -> float:
    """|a - n| / max(1, |a|, |n|), and inf when either is NaN or infinite."""
    if not (math.isfinite(analytic) and math.isfinite(numerical)):
        return math.inf
    return abs(analytic - numerical) / max(1.0, abs(analytic), abs(numerical))


def relative_error(a: float, b: float) -> float:
    """|a - b| / max(|a|, |b|), the gradient check's measure (CS231n): 0.0 when both are 0,
    inf when either is NaN or infinite. Below 1e-7 is a pass; above 1e-2 a bug, unless a kink."""
    for what, number in (("a", a), ("b", b)):
        if isinstance(number, bool) or not isinstance(number, numbers.Real):
            raise RefusedType(f"relative_error compares two numbers; {what} is"
                              f" {type(number).__name__}")
    a, b = float(a), float(b)
    if not (math.isfinite(a) and math.isfinite(b)):
        return math.inf
    largest = max(abs(a), abs(b))
    return abs(a - b) / largest if largest else 0.0


# Passes each search spends besides its probes: the one that puts the circuit back, and random
# search's pass over its starting point (what a strategy comparison leaves out of its count).
RESTORE_PASSES = 1
SEARCH_START_PASSES = 1


def finite_differences(
    circuit: Circuit, h: float, central: bool, scaled: bool = False
) -> dict[str, float]:
    """d(output)/d(input) for every input by moving it alone: one-sided steps of h (1 + n
    passes) or central ones (2n passes), then one pass that puts the circuit back.

    `scaled` makes each input's step h * max(|input|, SMALLEST_SCALE), which keeps the
    truncation error small near a pole such as 1/y at y = 0.001.
    """
    h = check_number(h, "the step h")
    if h <= 0:
        raise RefusedValue(f"the step h must be positive, not {h}")
    start = circuit.values()
    grads = {}
    try:
        base = math.nan if central else circuit._run_forward()  # (central steps need none)
        for name, unit in circuit.inputs.items():
            value = start[name]
            step = h * max(abs(value), SMALLEST_SCALE) if scaled else h
            unit.value = value + step
            up = circuit._run_forward()
            if central:
                unit.value = value - step
                down = circuit._run_forward()
                grads[name] = (up - down) / (2 * step)
            else:
                grads[name] = (up - base) / step
            unit.value = value
    finally:
        circuit._set(start)
        circuit._run_forward()
    return grads


def check_gradients(circuit: Circuit, h: float = 1e-5, tolerance: float = 1e-4) -> GradientCheck:
    """backward's gradients next to scaled central differences; grads are left as they were."""
    tolerance = check_number(tolerance, "the tolerance")
    saved = [unit.grad for unit in circuit.units]
    try:
        analytic = circuit.backward()
    finally:
        for unit, grad in zip(circuit.units, saved, strict=True):
            unit.grad = grad
    numerical = finite_differences(circuit, h, central=True, scaled=True)
    return GradientCheck(analytic, numerical, tolerance)


def random_local_search(
    circuit: Circuit, iterations: int = 100, tweak: float = 0.01, seed: int = 0,
    on_try: Callable[[dict[str, float]], object] | None = None,
) -> tuple[dict[str, float], float]:
    """The best of `iterations` seeded random tweaks of every input (1 + iterations passes,
    plus one to put the circuit back); a try where the circuit has no value is skipped.
    `on_try` sees each try's inputs."""
    iterations = check_whole(iterations, "iterations", 0)
    tweak = check_number(tweak, "the tweak")
    rng = random.Random(seed)
    start = circuit.values()
    try:
        best_inputs, best_output = dict(start), circuit._run_forward()
        for _ in range(iterations):
            trial = {name: v + tweak * (rng.random() * 2 - 1) for name, v in start.items()}
            if on_try is not None:
                on_try(trial)
            circuit._set(trial)
            try:
                output = circuit._run_forward()
            except (ArithmeticError, ValueError):
                continue
            if output > best_output:
                best_inputs, best_output = trial, output
    finally:
        circuit._set(start)
        circuit._run_forward()
    return best_inputs, best_output
