"""The backprop stepper: the forward pass gate by gate, then the backward pass gate by gate,
with the active gate lit on the drawing and the chain-rule sentence of each step. A circuit too
big to draw whole at every step (past `REPR_MAX_GATES` gates, as its repr) is drawn around the
active gate: that gate, the few it feeds on the way to the output and the nearest gates feeding
them, as many as a summary picture shows, so a step costs the same at 10,000 gates as at 200."""

from __future__ import annotations

import heapq

import ipywidgets as widgets

from ..circuit import Circuit
from ..gates import Gate
from ..picture.layout import CircuitLayout, layout_graph, layout_of, wire_looks, wires
from ..picture.summary import SUMMARY_GATES, SUMMARY_UNITS
from ..picture.svg import REPR_MAX_GATES, circuit_svg, render
from ..stepping import Step, StepPlan, plan_steps
from .base import MessageLine, SvgImage, View, escape, shows_errors

__all__ = ["BackpropStepper", "Step", "StepPlan", "plan_steps"]

AHEAD = 4  # gates downstream of the active one a large circuit's window shows


class BackpropStepper(View):
    """Next / Back / Reset through a circuit's forward then backward pass, one gate a step."""

    def __init__(self, circuit: Circuit, force: float = 1.0) -> None:
        super().__init__()
        self.circuit = circuit
        self.force = force
        self.message = MessageLine()
        self._gate_index = {id(gate): j for j, gate in enumerate(circuit.gates)}
        self.steps = plan_steps(circuit, force)
        self.position = 0
        self._geometry: CircuitLayout | None = None  # None: drawn around the active gate
        self._first_consumer: list[int] = []
        if len(circuit.gates) <= REPR_MAX_GATES:
            self._geometry = layout_of(circuit)
            self.drawing = SvgImage(*self._geometry.size_pixels)
        else:  # see the module's docstring; the picture takes its own size
            self._first_consumer = _first_consumers(circuit)
            self.drawing = SvgImage()
        self.counter = widgets.HTML()
        self.sentence = widgets.HTML()
        self.back_button = widgets.Button(description="◀ Back")
        self.next_button = widgets.Button(description="Next ▶", button_style="primary")
        self.reset_button = widgets.Button(description="Reset")
        self.back_button.on_click(lambda _: self.back())
        self.next_button.on_click(lambda _: self.next())
        self.reset_button.on_click(lambda _: self.reset())
        self.children = [
            widgets.HBox([self.back_button, self.next_button, self.reset_button, self.counter]),
            self.drawing.widget,
            self.sentence,
            self.message.widget,
        ]
        self._show()

    @property
    def step(self) -> Step:
        """The step shown now."""
        return self.steps[self.position]

    @shows_errors
    def next(self) -> None:
        """One step on (stays on the last step)."""
        self.position = min(self.position + 1, len(self.steps) - 1)
        self._show()

    @shows_errors
    def back(self) -> None:
        """One step back (stays on the first step)."""
        self.position = max(self.position - 1, 0)
        self._show()

    @shows_errors
    def reset(self) -> None:
        """Back to the start, re-reading the circuit (its inputs may have moved meanwhile)."""
        self.steps = plan_steps(self.circuit, self.force)
        self.position = 0
        self._show()

    def _show_state(self) -> None:
        """Show the step the stepper is on (called after any error)."""
        self._show()

    def _show(self) -> None:
        step = self.step
        gate = None if step.gate is None else self._gate_index[id(step.gate)]
        where = f"step {self.position} of {len(self.steps) - 1}"
        description = f"{where.capitalize()}, {step.phase}: {step.sentence}"
        if self._geometry is None:
            self.drawing.show(self._window_svg(step, gate, description))
        else:
            self.drawing.show(circuit_svg(
                self.circuit, self._geometry, wires(self.circuit, step.values, step.grads),
                highlight_gate=gate, highlight_unit=step.unit, description=description,
            ))
        self.counter.value = escape(f"{where} · {step.phase}")
        self.sentence.value = f"<code>{escape(step.sentence)}</code>"
        self.back_button.disabled = self.position == 0
        self.next_button.disabled = self.position == len(self.steps) - 1

    def _window_svg(self, step: Step, gate: int | None, description: str) -> str:
        """The picture of a large circuit around the active gate (the output's gate when no
        gate is active), with the step's values and grads and a note of what is left out."""
        circuit, plan = self.circuit, self.steps
        n = len(circuit.gates)
        anchor = (n - 1 if step.phase in ("backward", "stopped") else 0) if gate is None else gate
        chosen = _gates_around(circuit, anchor, self._first_consumer, self._gate_index)
        gates = [circuit.gates[j] for j in chosen]
        made = {id(g.output) for g in gates}
        leaves = {id(u): u for g in gates for u in g.inputs if id(u) not in made}
        units = [*leaves.values(), *(g.output for g in gates)]
        where = [plan.index_of(u) for u in units]
        shown = wire_looks(units, [circuit.name_of(u) for u in units],
                           [step.values[i] for i in where], [step.grads[i] for i in where])
        notes = [
            f"A circuit of {n:,} gates: shown, the {len(gates)} gates around gate {anchor + 1}.",
            "⋯ marks a wire made by a gate not shown; gk.draw(circuit) draws them all.",
        ]
        return render(
            gates, layout_graph(units, gates, gates[-1].output), shown,
            f"Circuit computing {circuit.name_of(circuit.output)}, around gate {anchor + 1} "
            f"of {n:,}", f"{description} {notes[0]}",
            highlight_gate=chosen.index(gate) if gate in chosen else None,
            highlight_unit=where.index(step.unit) if step.unit in where else None,
            notes=notes,
            cut=frozenset(k for k, u in enumerate(units) if u.gate is not None and id(u) in leaves),
        )

    def __repr__(self) -> str:
        return f"BackpropStepper({self.circuit!r})"


def _first_consumers(circuit: Circuit) -> list[int]:
    """For each gate, the first gate that takes its output (-1 for the output's own gate): the
    way from any gate toward the output, one list of ints for the whole circuit."""
    first = [-1] * len(circuit.gates)
    made_by = {id(gate.output): j for j, gate in enumerate(circuit.gates)}
    for j, gate in enumerate(circuit.gates):
        for unit in gate.inputs:
            producer = made_by.get(id(unit))
            if producer is not None and first[producer] < 0:
                first[producer] = j
    return first


def _gates_around(circuit: Circuit, anchor: int, first_consumer: list[int],
                  gate_index: dict[int, int]) -> list[int]:
    """The gates a window around gate `anchor` shows, in forward order: the anchor, up to
    `AHEAD` gates on its way to the output, then the latest gates feeding those, until
    `SUMMARY_GATES` gates or `SUMMARY_UNITS` units. Every one feeds the last, as a layout needs.
    """
    chain = [anchor]
    while len(chain) <= AHEAD and first_consumer[chain[-1]] >= 0:
        chain.append(first_consumer[chain[-1]])
    chosen = set(chain)
    seen = {id(u) for j in chain for u in (*circuit.gates[j].inputs, circuit.gates[j].output)}
    feeding: list[int] = []  # a max-heap (negated) of the gates that feed the chosen ones

    def wait_for_feeders(gate: Gate) -> None:
        for unit in gate.inputs:
            if unit.gate is not None:
                heapq.heappush(feeding, -gate_index[id(unit.gate)])

    for j in chain:
        wait_for_feeders(circuit.gates[j])
    while feeding and len(chosen) < SUMMARY_GATES:
        j = -heapq.heappop(feeding)
        if j in chosen:
            continue
        gate = circuit.gates[j]
        new = {id(u) for u in (*gate.inputs, gate.output)} - seen
        if len(seen) + len(new) > SUMMARY_UNITS:
            break
        chosen.add(j)
        seen |= new
        wait_for_feeders(gate)
    return sorted(chosen)
