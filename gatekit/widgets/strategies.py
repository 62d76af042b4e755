"""Three ways to make a circuit's output larger, side by side (parts 1-3 of the course).

For the same circuit and start: random local search, the numerical gradient and the analytic
gradient, each with how much it raised the output and how many passes through the circuit it
spent deciding where to move. The passes are counted as they happen, not quoted.
"""

from __future__ import annotations

import html
import random
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets

from ..circuit import Circuit
from .base import MessageLine, shows_errors

__all__ = ["StrategyResult", "StrategyTable", "compare_strategies", "StrategyComparison"]


@dataclass(frozen=True)
class StrategyResult:
    """One strategy's outcome: the output before and after, and the passes it spent."""

    strategy: str
    before: float
    after: float
    forward_passes: int
    backward_passes: int

    @property
    def improvement(self) -> float:
        """How much the strategy raised the output (negative if it lowered it)."""
        return self.after - self.before


_COLUMNS = ("strategy", "output before", "after", "improvement", "forward passes",
            "backward passes")


class StrategyTable(tuple[StrategyResult, ...]):
    """The three results; prints as an aligned table."""

    def rows(self) -> list[tuple[str, ...]]:
        """Each result as the table's text cells."""
        return [
            (r.strategy, f"{r.before:.4f}", f"{r.after:.4f}", f"{r.improvement:+.4f}",
             str(r.forward_passes), str(r.backward_passes))
            for r in self
        ]

    def __str__(self) -> str:
        table = [_COLUMNS, *self.rows()]
        widths = [max(len(row[i]) for row in table) for i in range(len(_COLUMNS))]
        return "\n".join(
            "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                      for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
            for row in table
        )

    __repr__ = __str__

    def to_html(self) -> str:
        """The table as HTML, for the widget."""
        head = "".join(f"<th>{html.escape(c)}</th>" for c in _COLUMNS)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
            for row in self.rows()
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class _Counted:
    """The circuit's forward and backward passes, counted as a strategy spends them."""

    def __init__(self, circuit: Circuit) -> None:
        self.circuit = circuit
        self.forwards = 0
        self.backwards = 0

    def forward(self, **values: float) -> float:
        self.forwards += 1
        return self.circuit.forward(**values)

    def backward(self) -> dict[str, float]:
        self.backwards += 1
        return self.circuit.backward()


def compare_strategies(
    circuit: Circuit,
    tries: int = 100,
    tweak: float = 0.01,
    step_size: float = 0.01,
    h: float = 1e-4,
    seed: int = 0,
) -> StrategyTable:
    """Run the three strategies from the circuit's current inputs; leave the circuit as it was.

    Random search tries `tries` random tweaks of at most `tweak` (seeded) and keeps the best;
    the gradient strategies step every input by `step_size * gradient`. The passes counted are
    those spent choosing the move; seeing the output after a gradient step takes one more.
    """
    if isinstance(tries, bool) or not isinstance(tries, int) or tries < 1:
        raise ValueError(f"tries must be a positive whole number, not {tries!r}")
    start = circuit.values()
    before = circuit.forward()
    try:
        results = [
            _random_search(circuit, start, before, tries, tweak, seed),
            _gradient_step(circuit, start, before, "numerical gradient", step_size,
                           lambda counted, start: _numerical_gradient(counted, start, h)),
            _gradient_step(circuit, start, before, "analytic gradient", step_size,
                           _analytic_gradient),
        ]
    finally:
        circuit.forward(**start)
    return StrategyTable(results)


def _random_search(
    circuit: Circuit, start: dict[str, float], before: float, tries: int, tweak: float, seed: int
) -> StrategyResult:
    """Part 1: tweak every input at random, one forward pass per try, keep the best output."""
    rng = random.Random(seed)
    counted = _Counted(circuit)
    best = before
    for _ in range(tries):
        trial = {name: value + tweak * (rng.random() * 2 - 1) for name, value in start.items()}
        best = max(best, counted.forward(**trial))
    return StrategyResult("random local search", before, best, counted.forwards, 0)


def _numerical_gradient(counted: _Counted, start: dict[str, float], h: float) -> dict[str, float]:
    """Part 2: nudge one input at a time by h; one forward pass per input plus the start."""
    base = counted.forward(**start)
    gradient = {}
    for name, value in start.items():
        gradient[name] = (counted.forward(**{**start, name: value + h}) - base) / h
    counted.circuit.forward(**start)  # put the input back: not a measurement, not counted
    return gradient


def _analytic_gradient(counted: _Counted, start: dict[str, float]) -> dict[str, float]:
    """Part 3: one forward pass, then one backward pass gives every input's gradient at once."""
    counted.forward(**start)
    return counted.backward()


def _gradient_step(
    circuit: Circuit, start: dict[str, float], before: float, strategy: str, step_size: float,
    gradient_of: Callable[[_Counted, dict[str, float]], dict[str, float]],
) -> StrategyResult:
    """Find the gradient the strategy's way (counted), step along it, measure the output."""
    counted = _Counted(circuit)
    gradient = gradient_of(counted, start)
    stepped = {name: value + step_size * gradient[name] for name, value in start.items()}
    after = circuit.forward(**stepped)
    return StrategyResult(strategy, before, after, counted.forwards, counted.backwards)


class StrategyComparison(widgets.VBox):
    """Sliders for the tries, the tweak and the step size over a live table of the three."""

    def __init__(self, circuit: Circuit, tries: int = 100, tweak: float = 0.01,
                 step_size: float = 0.01, seed: int = 0) -> None:
        self.circuit = circuit
        self.seed = seed
        style = {"description_width": "initial"}
        self.tries = widgets.IntSlider(value=tries, min=1, max=1000, description="random tries",
                                       style=style, continuous_update=False)
        self.tweak = widgets.FloatLogSlider(value=tweak, base=10, min=-3, max=0, step=0.1,
                                            description="largest random tweak", style=style,
                                            continuous_update=False)
        self.step_size = widgets.FloatLogSlider(value=step_size, base=10, min=-3, max=0.5,
                                                step=0.1, description="step size", style=style,
                                                continuous_update=False)
        self.table_view = widgets.HTML()
        self.message = MessageLine()
        self.table = compare_strategies(circuit, tries, tweak, step_size, seed=seed)
        for control in (self.tries, self.tweak, self.step_size):
            control.observe(lambda change: self.update(), names="value")
        self.table_view.value = self.table.to_html()
        super().__init__([self.tries, self.tweak, self.step_size, self.table_view,
                          self.message.widget])

    @shows_errors
    def update(self) -> StrategyTable:
        """Rerun the three strategies with the sliders' settings and redraw the table."""
        self.table = compare_strategies(self.circuit, self.tries.value, self.tweak.value,
                                        self.step_size.value, seed=self.seed)
        self.table_view.value = self.table.to_html()
        return self.table

    def __repr__(self) -> str:
        return f"StrategyComparison({self.circuit!r})"
