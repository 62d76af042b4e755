"""The backward pass walked step by step: one record per gate of the forward pass, then one per
chain-rule step of the backward pass, each with what every wire shows at that moment and its
sentence. A computation, kept apart from its view (`gk.widgets.BackpropStepper`), so a walk can
be read and tested without a browser; the steps are built when asked for, so a walk over a
10,000-gate circuit keeps one small record per step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

from .circuit import BackwardStep, Circuit
from .errors import RefusedIndex, blames_learner, sentence
from .gates import Gate, Unit
from .numbers import fmt

__all__ = ["Step", "StepPlan", "plan_steps"]


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
        except Exception as error:
            if not blames_learner(error):
                raise
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
            raise RefusedIndex(f"step {position} of a walk of {len(self)} steps")
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
