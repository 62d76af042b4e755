"""Three ways to make a circuit's output larger, side by side (parts 1-3 of the course).

For the same circuit and start: random local search, the numerical gradient and the analytic
gradient, each with how much it raised the output and how many passes through the circuit it
spent deciding where to move. The passes are counted as they happen, not quoted.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets

from ..circuit import Circuit
from ..errors import RefusedType, RefusedValue
from .base import MessageLine, View, escape, shows_errors
from .sliders import FloatLogSlider, IntSlider

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


# Gate runs random search may spend: in one call from a cell (about a second on 2 cores), and
# on one event of the widget (its 50 ms).
SEARCH_BUDGET = 2_000_000
EVENT_BUDGET = 40_000
MAX_SLIDER_TRIES = 1000


def most_tries(circuit: Circuit, budget: int) -> int:
    """How many random tries on this circuit fit in a budget of gate runs (at least 1)."""
    return max(1, budget // max(1, len(circuit)))


def _checked_tries(tries: object, most: int, circuit: Circuit, why: str) -> int:
    """The number of tries, a whole number from 1 to `most`, else refused (`why`: the cap's
    reason)."""
    if isinstance(tries, bool) or not isinstance(tries, int):
        raise RefusedType(f"tries must be a whole number, not {type(tries).__name__} "
                          f"({tries!r})")
    if not 1 <= tries <= most:
        raise RefusedValue(f"tries must be from 1 to {most} for this circuit of {len(circuit)} "
                           f"gate(s), not {tries}" + (f": {why}" if tries > most else ""))
    return tries


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
        head = "".join(f"<th>{escape(c)}</th>" for c in _COLUMNS)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
            for row in self.rows()
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def compare_strategies(
    circuit: Circuit,
    tries: int = 100,
    tweak: float = 0.01,
    step_size: float = 0.01,
    h: float = 1e-4,
    seed: int = 0,
) -> StrategyTable:
    """Run the three strategies from the circuit's current inputs; leave the circuit as it was.

    Random search is `circuit.random_local_search(tries, tweak, seed)`; the numerical gradient
    is `circuit.numerical_gradient(h)`; the analytic one a forward and a backward pass. The
    gradient strategies then step every input by `step_size * gradient`. Passes are read from
    the circuit's own counters around each call, less the pass that puts the circuit back (and,
    for random search, the pass that measures the start, which it only compares against: the
    table's "output before"), so random search counts one pass per try and the numerical
    gradient one per input plus one. Seeing the output after a gradient step is not counted.
    Tries beyond what a cell can spend (SEARCH_BUDGET gate runs) are refused.
    """
    _checked_tries(tries, most_tries(circuit, SEARCH_BUDGET), circuit,
                   "more would keep the cell busy for seconds")
    start = circuit.values()
    before = circuit.forward()
    try:
        with _Passes(circuit) as spent:
            _, best = circuit.random_local_search(iterations=tries, tweak=tweak, seed=seed)
        results = [StrategyResult("random local search", before, best,
                                  spent.forwards - _START_AND_RESTORE, 0)]
        with _Passes(circuit) as spent:
            gradient = circuit.numerical_gradient(h)
        results.append(_stepped(circuit, start, before, "numerical gradient", step_size,
                                gradient, spent.forwards - _RESTORE, spent.backwards))
        circuit.forward(**start)
        with _Passes(circuit) as spent:
            circuit.forward()
            gradient = circuit.backward()
        results.append(_stepped(circuit, start, before, "analytic gradient", step_size,
                                gradient, spent.forwards, spent.backwards))
    finally:
        circuit.forward(**start)
    return StrategyTable(results)


# What the core's searches spend besides choosing the move (see their docstrings): the pass that
# puts the circuit back as it found it, and random search's pass over the starting point.
_RESTORE = 1
_START_AND_RESTORE = 2


class _Passes:
    """The forward and backward passes a circuit runs inside a `with` block, from its counters."""

    def __init__(self, circuit: Circuit) -> None:
        self.circuit = circuit
        self.forwards = self.backwards = 0

    def __enter__(self) -> _Passes:
        self._start = (self.circuit.forward_passes, self.circuit.backward_passes)
        return self

    def __exit__(self, *exc: object) -> None:
        self.forwards = self.circuit.forward_passes - self._start[0]
        self.backwards = self.circuit.backward_passes - self._start[1]


def _stepped(
    circuit: Circuit, start: dict[str, float], before: float, strategy: str, step_size: float,
    gradient: dict[str, float], forwards: int, backwards: int,
) -> StrategyResult:
    """Step every input along the gradient from the start and measure the output there."""
    after = circuit.forward(**{name: v + step_size * gradient[name] for name, v in start.items()})
    return StrategyResult(strategy, before, after, forwards, backwards)


class StrategyComparison(View):
    """Sliders for the tries, the tweak and the step size over a live table of the three.

    The widget only shows `compare_strategies`' table; settings where a strategy fails show
    no table and the reason instead. The tries slider reaches as far as one event can spend
    (EVENT_BUDGET gate runs, at most 1000 tries); more tries are refused at construction.
    """

    def __init__(self, circuit: Circuit, tries: int = 100, tweak: float = 0.01,
                 step_size: float = 0.01, seed: int = 0) -> None:
        super().__init__()
        self.circuit = circuit
        self.seed = seed
        style = {"description_width": "initial"}
        most = min(MAX_SLIDER_TRIES, most_tries(circuit, EVENT_BUDGET))
        _checked_tries(tries, most, circuit, "more would take longer than an event's 50 ms")
        self.tries = IntSlider(value=tries, min=1, max=most, description="random tries",
                               style=style, continuous_update=False)
        self.tweak = FloatLogSlider(value=tweak, base=10, min=-3, max=0, step=0.1,
                                    description="largest random tweak", style=style,
                                    continuous_update=False)
        self.step_size = FloatLogSlider(value=step_size, base=10, min=-3, max=0.5, step=0.1,
                                        description="step size", style=style,
                                        continuous_update=False)
        self.table_view = widgets.HTML()
        self.message = MessageLine()
        self.table: StrategyTable | None = None  # None while the settings give no table
        for control in (self.tries, self.tweak, self.step_size):
            control.observe(lambda change: self.update(), names="value")
        self.children = [self.tries, self.tweak, self.step_size, self.table_view,
                         self.message.widget]
        self.update()

    @shows_errors
    def update(self) -> StrategyTable:
        """Rerun the three strategies with the sliders' settings and redraw the table."""
        self.table = None
        self.table = compare_strategies(self.circuit, self.tries.value, self.tweak.value,
                                        self.step_size.value, seed=self.seed)
        self._show_state()
        return self.table

    def _show_state(self) -> None:
        """The table of the current settings, or none when they gave none."""
        self.table_view.value = "" if self.table is None else self.table.to_html()

    def __repr__(self) -> str:
        return f"StrategyComparison({self.circuit!r})"
