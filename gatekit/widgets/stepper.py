"""The backprop stepper: the forward pass gate by gate, then the backward pass gate by gate,
with the active gate lit on the drawing and the chain-rule sentence of each step."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import ipywidgets as widgets

from ..circuit import Circuit, fmt
from ..drawing import layout_of, wires
from ..gates import Gate
from .base import MessageLine, SvgImage, shows_errors
from .svg import circuit_svg

__all__ = ["BackpropStepper", "Step", "plan_steps"]


@dataclass(frozen=True)
class Step:
    """One moment of the walk: which pass, the active gate and unit, what every wire shows."""

    phase: str  # "start", "forward" or "backward"
    gate: Gate | None
    unit: int | None  # index in circuit.units of the wire this step writes
    sentence: str
    values: tuple[float | None, ...]  # per unit; None: not computed yet
    grads: tuple[float | None, ...]  # per unit; None: no gradient has reached it yet


def plan_steps(circuit: Circuit, force: float = 1.0) -> list[Step]:
    """Every step of one forward and one backward pass, from the circuit's current inputs."""
    circuit.forward()
    units = circuit.units
    index = {id(unit): i for i, unit in enumerate(units)}
    values: list[float | None] = [u.value if u.is_leaf else None for u in units]
    no_grads: tuple[float | None, ...] = (None,) * len(units)
    steps = [Step("start", None, None, "The inputs are set; nothing is computed yet.",
                  tuple(values), no_grads)]
    for number, gate in enumerate(circuit.gates, start=1):
        out = gate.output
        values[index[id(out)]] = out.value
        name = circuit.name_of(out)
        given = ", ".join(f"{circuit.name_of(u)} = {fmt(u.value)}" for u in gate.inputs)
        sentence = (f"Forward, gate {number} of {len(circuit.gates)}: {name} = "
                    f"{circuit.describe(gate)} with {given}, so {name} = {fmt(out.value)}")
        steps.append(Step("forward", gate, index[id(out)], sentence, tuple(values), no_grads))
    grads: list[float | None] = list(no_grads)
    for step in circuit.backward_steps(force):
        i = index[id(step.unit)]
        if step.gate is None:
            grads[i] = step.upstream
            sentence = f"Backward starts with the force on the output: {step.text}"
        else:
            grads[i] = (grads[i] or 0.0) + step.upstream * step.local
            sentence = f"Backward through {circuit.describe(step.gate)}: {step.text}"
        steps.append(Step("backward", step.gate, i, sentence, tuple(values), tuple(grads)))
    return steps


class BackpropStepper(widgets.VBox):
    """Next / Back / Reset through a circuit's forward then backward pass, one gate a step."""

    def __init__(self, circuit: Circuit, force: float = 1.0) -> None:
        super().__init__()
        self.circuit = circuit
        self.force = force
        self.message = MessageLine()
        self._geometry = layout_of(circuit)
        self._gate_index = {id(gate): j for j, gate in enumerate(circuit.gates)}
        self.steps = plan_steps(circuit, force)
        self.position = 0
        width, height = self._geometry.size_pixels
        self.drawing = SvgImage(width, height)
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

    def _show(self) -> None:
        step = self.step
        gate = None if step.gate is None else self._gate_index[id(step.gate)]
        shown = wires(self.circuit, step.values, step.grads)
        self.drawing.show(circuit_svg(
            self.circuit, self._geometry, shown, highlight_gate=gate, highlight_unit=step.unit
        ))
        self.counter.value = f"step {self.position} of {len(self.steps) - 1} · {step.phase}"
        self.sentence.value = f"<code>{escape(step.sentence)}</code>"
        self.back_button.disabled = self.position == 0
        self.next_button.disabled = self.position == len(self.steps) - 1

    def __repr__(self) -> str:
        return f"BackpropStepper({self.circuit!r})"
