"""Three ways to make a circuit's output larger, side by side (parts 1-3 of the course).

For the same circuit and start: random local search, the numerical gradient and the analytic
gradient, each with how much it raised the output and how many passes through the circuit it
spent deciding where to move. The passes are counted as they happen, not quoted.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..circuit import Circuit
from ..strategies import (
    EVENT_BUDGET,
    StrategyResult,
    StrategyTable,
    checked_tries,
    compare_strategies,
    most_tries,
)
from .base import MessageLine, View, shows_errors
from .sliders import FloatLogSlider, IntSlider

__all__ = ["StrategyResult", "StrategyTable", "compare_strategies", "StrategyComparison"]

MAX_SLIDER_TRIES = 1000  # the tries slider's end (less on a big circuit: EVENT_BUDGET)


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
        checked_tries(tries, most, circuit, "more would take longer than an event's 50 ms")
        self.tries = IntSlider(value=tries, min=1, max=most, description="random tries",
                               style=style, continuous_update=False)
        self.tweak = FloatLogSlider(value=tweak, base=10, min=-3, max=0, step=0.1,
                                    description="largest random tweak", style=style,
                                    continuous_update=False)
        self.step_size = FloatLogSlider(value=step_size, base=10, min=-3, max=0.5, step=0.1,
                                        description="step size", style=style,
                                        continuous_update=False)
        self.table_view = widgets.HTML(layout={"max_width": "100%"})
        self.table_view.add_class("gatekit-table-view")  # the table's box keeps to the view
        self.message = MessageLine()
        self.table: StrategyTable | None = None  # None while the settings give no table
        for control in (self.tries, self.tweak, self.step_size):
            control.observe(lambda change: self.update(), names="value")
            control.on_note(self.message.show)  # a typed value refused or moved to an end
        self.children = [self.tries, self.tweak, self.step_size, self.table_view,
                         self.message.widget]
        self.update()

    @shows_errors
    def update(self) -> StrategyTable:
        """Rerun the three strategies with the sliders' settings and redraw the table."""
        self.table = None
        self.table = compare_strategies(self.circuit, int(self.tries.value), self.tweak.value,
                                        self.step_size.value, seed=self.seed)
        self._show_state()
        return self.table

    def _show_state(self) -> None:
        """The table of the current settings, or none when they gave none."""
        self.table_view.value = "" if self.table is None else self.table.to_html()

    def __repr__(self) -> str:
        return f"StrategyComparison({self.circuit!r})"
