"""The backprop stepper: the forward pass gate by gate, then the backward pass gate by gate,
with the active gate lit on the drawing and the chain-rule sentence of each step. A circuit too
big to draw whole at every step (past `REPR_MAX_GATES` gates, as its repr) is drawn around the
active gate: that gate, the few it feeds on the way to the output and the nearest gates feeding
them, as many as a summary picture shows, so a step costs the same at 10,000 gates as at 200."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

import ipywidgets as widgets

from ..circuit import BackwardStep, Circuit, fmt
from ..gates import Gate, Unit
from ..picture.layout import CircuitLayout, layout_graph, layout_of, wire_looks, wires
from ..picture.summary import SUMMARY_GATES, SUMMARY_UNITS
from ..picture.svg import REPR_MAX_GATES, circuit_svg, render
from .base import LEARNER_ERRORS, MessageLine, SvgImage, View, escape, sentence, shows_errors

__all__ = ["BackpropStepper", "Step", "StepPlan", "plan_steps"]

AHEAD = 4  # gates downstream of the active one a large circuit's window shows


@dataclass(frozen=True)
class Step:
    """One moment of the walk: which pass, the active gate and unit, what every wire shows."""

    phase: str  # "start", "forward", "backward" or "stopped" (backward could not run)
    gate: Gate | None
    unit: int | None  # index in circuit.units of the wire this step writes
    sentence: str
    values: tuple[float | None, ...]  # per unit; None: not computed yet
    grads: tuple[float | None, ...]  # per unit; None: no gradient has reached it yet


class StepPlan(Sequence[Step]):
    """Every step of one forward and one backward pass, kept as one small record per step (the
    values when the walk was planned and the backward's steps), so memory grows linearly with
    the circuit; `plan[k]` builds step k, its wires and sentence, when it is asked for."""

    def __init__(self, circuit: Circuit, force: float = 1.0) -> None:
        circuit.forward()
        self.circuit = circuit
        units = circuit.units
        self._index = {id(unit): i for i, unit in enumerate(units)}
        self._values = tuple(unit.value for unit in units)
        self._made_at = [0] * len(units)  # the forward step that computes each unit (0: a leaf)
        for number, gate in enumerate(circuit.gates, start=1):
            self._made_at[self._index[id(gate.output)]] = number
        self.trouble = ""  # why the backward pass could not run, if it could not
        self._backward: list[BackwardStep] = []
        try:
            self._backward = circuit.backward_steps(force)
        except LEARNER_ERRORS as error:
            self.trouble = sentence(error)

    def __len__(self) -> int:
        return 1 + len(self.circuit.gates) + (len(self._backward) or 1)

    def index_of(self, unit: Unit) -> int:
        """Where `unit` is in `circuit.units` (and so in a step's values and grads)."""
        return self._index[id(unit)]

    @overload
    def __getitem__(self, position: int) -> Step: ...

    @overload
    def __getitem__(self, position: slice) -> list[Step]: ...

    def __getitem__(self, position: int | slice) -> Step | list[Step]:
        if isinstance(position, slice):
            return [self[k] for k in range(*position.indices(len(self)))]
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(f"step {position} of a walk of {len(self)} steps")
        gates = len(self.circuit.gates)
        if position == 0:
            return Step("start", None, None, "The inputs are set; nothing is computed yet.",
                        self._values_after(0), self._no_grads())
        if position <= gates:
            return self._forward_step(position)
        if self.trouble:
            return Step("stopped", None, None,
                        f"The backward pass cannot run at this point: {self.trouble}",
                        self._values, self._no_grads())
        return self._backward_step(position - gates - 1)

    def _values_after(self, number: int) -> tuple[float | None, ...]:
        return tuple(v if made <= number else None
                     for v, made in zip(self._values, self._made_at, strict=True))

    def _no_grads(self) -> tuple[float | None, ...]:
        return (None,) * len(self._values)

    def _forward_step(self, number: int) -> Step:
        circuit = self.circuit
        gate = circuit.gates[number - 1]
        out = self._index[id(gate.output)]
        name = circuit.name_of(gate.output)
        given = ", ".join(f"{circuit.name_of(u)} = {fmt(self._values[self._index[id(u)]])}"
                          for u in gate.inputs)
        text = (f"Forward, gate {number} of {len(circuit.gates)}: {name} = "
                f"{circuit.describe(gate)} with {given}, so {name} = {fmt(self._values[out])}")
        return Step("forward", gate, out, text, self._values_after(number), self._no_grads())

    def _backward_step(self, k: int) -> Step:
        """Backward step k, its grads summed from the backward's steps 0 … k."""
        grads: list[float | None] = list(self._no_grads())
        for step in self._backward[: k + 1]:
            i = self._index[id(step.unit)]
            if step.gate is None:
                grads[i] = step.upstream
            else:
                grads[i] = (grads[i] or 0.0) + step.upstream * step.local
        step = self._backward[k]
        if step.gate is None:
            text = f"Backward starts with the force on the output: {step.text}"
        else:
            text = f"Backward through {self.circuit.describe(step.gate)}: {step.text}"
        return Step("backward", step.gate, self._index[id(step.unit)], text, self._values,
                    tuple(grads))


def plan_steps(circuit: Circuit, force: float = 1.0) -> StepPlan:
    """Every step of one forward and one backward pass, from the circuit's current inputs.

    Where the backward pass cannot run, the walk ends with a "stopped" step that says why.
    """
    return StepPlan(circuit, force)


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
