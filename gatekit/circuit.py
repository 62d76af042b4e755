"""Circuits: the gates upstream of one output Unit, in an order that makes forward and backward
flat loops.

A Circuit finds its gates once (iteratively, so a 40,000-gate chain is fine) and keeps them in
topological order, so a forward pass is one loop over the gates' `compute` and a backward pass
one loop over their `backward` in reverse -- the chain rule, gate by gate. It names the units
the learner left unnamed (`u0…`, `q1…`, `f`) without renaming them, on first use, and counts
the passes it runs. Gradients by trying values live in `numerical`, saving in `serialise`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from . import collector
from .engine_adapter import from_engine
from .errors import RefusedType, RefusedValue, refusal
from .gates import GATE_TYPES, Constant, Gate, Unit, check_number, checked_result
from .narration import narrate
from .numbers import fmt

if TYPE_CHECKING:
    import networkx

    from .numerical import GradientCheck

__all__ = ["Circuit", "BackwardStep", "CircuitError", "fmt", "wiring_graph"]

_GATE_KIND = {gate_type: kind for kind, gate_type in GATE_TYPES.items()}
_SHOWN_INPUTS = 12  # inputs a circuit's repr lists before it only counts them


class CircuitError(RefusedValue):
    """A circuit that cannot be built or run as asked (a cycle, clashing names, …)."""


class BackwardStep(NamedTuple):
    """One step of the narrated backward pass: a gate sends gradient to one of its inputs."""

    gate: Gate | None  # None for the first step, the force put on the output
    unit: Unit  # the Unit that receives gradient in this step
    upstream: float  # the grad of the gate's output
    local: float  # the gate's local gradient with respect to `unit`
    text: str


class Circuit:
    """Every gate upstream of `output`, with flat forward and backward passes.

    `forward_passes` and `backward_passes` count every pass run since the circuit was built,
    including those inside pull, the finite differences, the checks and the search.
    """

    def __init__(self, output: Unit) -> None:
        if not isinstance(output, Unit):
            raise RefusedType(f"a Circuit is built on its output Unit, not {type(output).__name__}")
        self.output = output
        self.gates, self._outputs, self._leaves = _topological_order(output)
        self._names: dict[Unit, str | int] | None = None
        if any(unit.name is None for unit in self._movable()):
            self.inputs, self._names = _name_units(self._leaves, self._outputs, output)
        else:  # every input named (the common case): the wires are named on first use
            self.inputs = _named_inputs(self._movable())
        self.forward_passes = 0
        self.backward_passes = 0
        collector.finish()

    def _movable(self) -> Iterator[Unit]:
        return (unit for unit in self._leaves if not isinstance(unit, Constant))

    @property
    def units(self) -> list[Unit]:
        """Every Unit of the circuit: the leaves by first appearance, then each gate's output
        in forward order (the output last); a new list each time, so it costs no memory kept."""
        return self._leaves + self._outputs

    # ----- names ----------------------------------------------------------------------------
    def name_of(self, unit: Unit) -> str:
        """The unit's name in this circuit: the one the learner gave, else the circuit's own
        (`u0…` for inputs, `f` for the output, `q1…` for other wires; the Unit is not renamed).
        An unnamed constant is shown by its value."""
        if unit.name is not None:
            return unit.name
        if isinstance(unit, Constant):
            return format(unit.value, "g")
        if self._names is None:
            _, self._names = _name_units(self._leaves, self._outputs, self.output)
        try:
            name = self._names[unit]
        except KeyError:
            raise CircuitError(f"{unit!r} is not a unit of this circuit") from None
        return name if isinstance(name, str) else f"q{name}"

    @property
    def names(self) -> list[str]:
        """Every unit's name in this circuit, in the order of `units`."""
        return [self.name_of(unit) for unit in self.units]

    def describe(self, gate: Gate) -> str:
        """The gate as a formula over this circuit's names, such as `x * q1`."""
        return gate.describe(self.name_of)

    # ----- the two passes -------------------------------------------------------------------
    def forward(self, /, **values: float) -> float:
        """Set the named inputs, recompute every gate in order, return the output's value; bad
        input (an unknown name, a non-number, NaN, a gate error such as division by zero) raises
        and leaves every Unit as it was."""
        new_values = self._checked_values(values)
        old_values = {name: self.inputs[name].value for name in new_values}
        self._set(new_values)
        try:
            self._run_forward()
        except Exception:
            self._set(old_values)
            self._run_forward()
            raise
        return self.output.value

    def _set(self, values: dict[str, float]) -> None:
        """Put values on the named inputs without a pass (callers have checked them)."""
        for name, value in values.items():
            self.inputs[name].value = value

    @functools.cached_property
    def _built_in(self) -> bool:
        """Whether every gate is gatekit's own, so forward needs no check of what compute returns
        (found on the first forward, not in __init__: a circuit rebuilt every step runs none)."""
        return all(type(gate) in _GATE_KIND for gate in self.gates)

    def _run_forward(self) -> float:
        """One forward pass over the current input values, checking what a learner's gate
        returns; a gate error names the circuit's units (division by zero in x / q1: q1 is 0)."""
        self.forward_passes += 1
        gate = None
        try:
            if self._built_in:  # the fast loop: every gate is gatekit's own
                for gate, gate_output in zip(self.gates, self._outputs, strict=True):
                    gate_output.value = gate.compute()
            else:
                for gate, gate_output in zip(self.gates, self._outputs, strict=True):
                    gate_output.value = checked_result(gate, gate.compute())
        except (ArithmeticError, ValueError) as error:
            sentence = None if gate is None else gate.problem(self.name_of)
            if sentence is None:
                raise
            raise refusal(type(error), sentence) from None
        return self.output.value

    def backward(self, force: float = 1.0) -> dict[str, float]:
        """Zero every grad, set output.grad = force, run each gate's backward in reverse order.

        Returns the inputs' grads. Zeroing first makes it idempotent: twice gives the same.
        """
        force = check_number(force, "the force on the output")
        for unit in self._leaves:
            unit.grad = 0.0
        for unit in self._outputs:
            unit.grad = 0.0
        self.output.grad = force
        self.backward_passes += 1
        for gate, gate_output in zip(reversed(self.gates), reversed(self._outputs), strict=True):
            if gate_output.grad:  # no force reaches this gate: its inputs get nothing from it
                gate.backward()
        return self.grads()

    def forward_mode(self, input_name: str) -> dict[str, float]:
        """d(unit)/d(input) for every unit but the constants, keyed by this circuit's names.

        Forward-mode differentiation: one pass in forward order (counted in forward_passes)
        carries each wire's tangent, from 1 on the input, through every gate's `tangent`. Its
        output entry equals backward()'s grad for that input; forward mode needs one pass per
        input, reverse mode (backward) one per output.
        """
        if not isinstance(input_name, str) or input_name not in self.inputs:
            raise CircuitError(
                f"forward_mode needs the name of an input, not {input_name!r}; this circuit's"
                f" inputs: {', '.join(self.inputs) or 'none'}"
            )
        tangents = {id(self.inputs[input_name]): 1.0}
        self.forward_passes += 1
        for gate, gate_output in zip(self.gates, self._outputs, strict=True):
            dots = [tangents.get(id(unit), 0.0) for unit in gate.inputs]
            tangents[id(gate_output)] = gate.tangent(*dots)
        return {
            self.name_of(unit): tangents.get(id(unit), 0.0)
            for unit in self.units
            if not isinstance(unit, Constant)
        }

    def grads(self) -> dict[str, float]:
        """The inputs' current grads, by name."""
        return {name: unit.grad for name, unit in self.inputs.items()}

    def values(self) -> dict[str, float]:
        """The inputs' current values, by name."""
        return {name: unit.value for name, unit in self.inputs.items()}

    @property
    def value(self) -> float:
        """The output's current value."""
        return self.output.value

    def pull(
        self, force: float = 1.0, step_size: float = 0.01, move: Iterable[str] | None = None
    ) -> float:
        """Pull on the output: forward, backward, nudge the inputs along their grads, forward.

        Every input named in `move` (all when None) takes `value += step_size * grad`.
        Returns the new output value. If the step lands somewhere invalid, nothing moves.
        """
        step_size = check_number(step_size, "the step size")
        names = list(self.inputs) if move is None else [str(name) for name in move]
        self._check_names(names)
        self._run_forward()
        grads = self.backward(force)
        stepped = {name: self.inputs[name].value + step_size * grads[name] for name in names}
        return self.forward(**stepped)

    # ----- gradients by trying values (see numerical.py) -------------------------------------
    def numerical_gradient(self, h: float = 1e-4) -> dict[str, float]:
        """d(output)/d(input) by one-sided finite differences, as in the guide.

        Costs exactly 1 + n forward passes for n inputs (the start, then each input moved by h
        alone), plus 1 that puts the circuit back as it found it.
        """
        from .numerical import finite_differences

        return finite_differences(self, h, central=False)

    def check_gradients(self, h: float = 1e-5, tolerance: float = 1e-4) -> GradientCheck:
        """Compare backward's gradients with central finite differences, input by input.

        The step for each input is h times its size (never below 0.1 h); a NaN or inf on
        either side is a mismatch. Costs 1 backward and 2n + 1 forward passes; grads and
        values are left as they were.
        """
        from .numerical import check_gradients

        return check_gradients(self, h, tolerance)

    def random_local_search(
        self, iterations: int = 100, tweak: float = 0.01, seed: int = 0,
        on_try: Callable[[dict[str, float]], object] | None = None,
    ) -> tuple[dict[str, float], float]:
        """Try random tweaks of at most `tweak` to every input, keep the best (seeded).

        Returns the best inputs and the best output; a try where the circuit has no value is
        skipped. `on_try`, if given, sees each try's inputs (a view draws them). Costs exactly
        1 + iterations forward passes (the start, then one per try), plus 1 that puts the
        circuit back as it found it.
        """
        from .numerical import random_local_search

        return random_local_search(self, iterations, tweak, seed, on_try)

    # ----- looking at it --------------------------------------------------------------------
    def to_networkx(self) -> networkx.DiGraph:
        """A DiGraph with a node per Unit (`("unit", i)`, i its index in `units`) and per gate
        (`("gate", j)`), edges in the direction values flow. A gate's `op` is its kind (`"mul"`),
        or its class name for a learner's own gate."""
        graph = wiring_graph(self.units, self.gates)
        graph.add_nodes_from((("unit", i), {"label": name}) for i, name in enumerate(self.names))
        return graph

    def backward_steps(self, force: float = 1.0) -> list[BackwardStep]:
        """The backward pass as steps, in the order backward runs them (runs it, too).

        Each step's text names the local factor by its gate (`∂(q * z)/∂q = z`); a wire used
        more than once gets a step per use with its running total, then the sum (`narration`)."""
        self.backward(force)
        out = self.name_of(self.output)
        steps = [BackwardStep(None, self.output, force, 1.0, f"d{out}/d{out} = {fmt(force)}")]
        gates = zip(reversed(self.gates), reversed(self._outputs), strict=True)
        steps += [BackwardStep(gate, unit, upstream, local, text)
                  for gate, unit, upstream, local, text in narrate(gates, self.name_of, out)]
        return steps

    def explain(self) -> list[str]:
        """The backward pass as chain-rule sentences with the numbers, one per step (run again
        with the force of the last backward, so `backward(-1)` is narrated as -1; 1 if none)."""
        force = self.output.grad if self.backward_passes else 1.0
        return [step.text for step in self.backward_steps(force)]

    # ----- rebuilding an exact state (see serialise.py) -------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Everything needed to rebuild this circuit exactly: units, gates, values and grads
        (only the built-in gates can be saved: a learner's own gate raises CircuitError)."""
        from .serialise import to_dict

        return to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Circuit:
        """Rebuild a circuit saved by `to_dict`, with the same names, values and grads.

        Anything else raises CircuitError saying which unit or gate is wrong and why.
        """
        from .serialise import from_dict

        return cls(from_dict(data))

    from_engine = classmethod(from_engine)  # a learner's own engine graph: see engine_adapter

    # ----- checks ---------------------------------------------------------------------------
    def _check_names(self, names: Iterable[str]) -> None:
        unknown = [name for name in names if name not in self.inputs]
        if unknown:
            known = ", ".join(self.inputs) or "none"
            raise CircuitError(f"unknown input name {unknown[0]!r}; this circuit's inputs: {known}")

    def _checked_values(self, values: dict[str, float]) -> dict[str, float]:
        self._check_names(values)
        return {name: check_number(value, f"input {name!r}") for name, value in values.items()}

    def __len__(self) -> int:
        return len(self.gates)

    def __repr__(self) -> str:
        """Its output and up to `_SHOWN_INPUTS` inputs, so a huge circuit prints short."""
        shown = list(self.inputs.items())[:_SHOWN_INPUTS]
        inputs = ", ".join(f"{name}={fmt(u.value)}" for name, u in shown)
        if len(self.inputs) > _SHOWN_INPUTS:
            inputs += f", … ({len(self.inputs):,} in all)"
        n = len(self.gates)
        head = f"{self.name_of(self.output)} = {fmt(self.output.value)}"
        head += f": {n} gate{'' if n == 1 else 's'}"
        return f"<Circuit {head}; inputs {inputs}>"

    def _repr_svg_(self) -> str:
        """A notebook shows a circuit as its SVG picture (a bounded summary when it is large)."""
        from .picture.svg import circuit_repr_svg

        return circuit_repr_svg(self)


def wiring_graph(units: Sequence[Unit], gates: Sequence[Gate]) -> networkx.DiGraph:
    """`Circuit.to_networkx`'s graph of `gates` and `units` (all their inputs and outputs), but
    without unit labels, so part of a circuit has one too; networkx is loaded on first use."""
    import networkx

    graph, index = networkx.DiGraph(), {id(unit): i for i, unit in enumerate(units)}
    graph.add_nodes_from((("unit", i), {"kind": "unit", "value": unit.value, "grad": unit.grad,
                          "constant": isinstance(unit, Constant), "unit": unit})
                         for i, unit in enumerate(units))
    for j, gate in enumerate(gates):
        op = _GATE_KIND.get(type(gate), type(gate).__name__)
        graph.add_node(("gate", j), kind="gate", label=gate.symbol, op=op, gate=gate)
        for unit in gate.inputs:
            graph.add_edge(("unit", index[id(unit)]), ("gate", j))
        graph.add_edge(("gate", j), ("unit", index[id(gate.output)]))
    return graph


def _topological_order(output: Unit) -> tuple[list[Gate], list[Unit], list[Unit]]:
    """The gates upstream of `output` in forward order, their outputs, and the leaves in order
    of first appearance.

    Iterative depth-first search (no recursion limit) over Units: a Unit is entered, its
    unfinished inputs are searched, and a marker (None) under them says when to emit its gate;
    a Unit met again while it is entered but not finished is fed its own output, a cycle. The
    search marks each Unit's `visit` with its own two tokens, entered and finished (cheaper
    than sets); when a gate is emitted its inputs are finished, so an unfinished one is a leaf.
    Two searches must not run at once over shared Units (gatekit runs on one thread).
    """
    if output.gate is None:
        return [], [], [output]
    gates: list[Gate] = []
    outputs: list[Unit] = []
    leaves: list[Unit] = []
    entered, finished = object(), object()
    stack: list[Any] = [output]  # Units, each followed by None once its inputs are pushed
    pop, push = stack.pop, stack.append  # (bound once: the hot loop)
    while stack:
        unit = pop()
        if unit is None:  # every input of the unit below the marker is finished: emit it
            unit = pop()
            unit.visit = finished
            gate = unit.gate
            gates.append(gate)
            outputs.append(unit)
            for source in gate.inputs:
                if source.visit is not finished:
                    source.visit = finished
                    leaves.append(source)
        elif unit.visit is entered:
            raise CircuitError(
                f"the circuit has a cycle: the gate {unit.gate!r} is fed its own output"
            )
        elif unit.visit is not finished:
            unit.visit = entered
            push(unit)
            push(None)
            for source in reversed(unit.gate.inputs):
                if source.gate is not None and source.visit is not finished:
                    push(source)
    return gates, outputs, leaves


def _named_inputs(movable: Iterable[Unit]) -> dict[str, Unit]:
    """The movable leaves by their names, refusing two different inputs with one name."""
    inputs: dict[str, Unit] = {}
    for unit in movable:
        if unit.name in inputs:
            raise CircuitError(f"two different inputs are both named {unit.name!r}")
        inputs[unit.name] = unit  # type: ignore[index]
    return inputs


def _name_units(
    leaves: list[Unit], outputs: list[Unit], output: Unit
) -> tuple[dict[str, Unit], dict[Unit, str | int]]:
    """The movable leaves by name, and names for the units that have none (leaves u0, u1, …;
    the output f; other wires q1, q2, …); refuses two inputs with one name. A wire's name is
    kept as its number (q12 as 12: an int is half the size of a string in a big circuit).
    The Units themselves are never renamed: the names are the circuit's."""
    used = {unit.name for unit in leaves if unit.name is not None}
    used |= {unit.name for unit in outputs if unit.name is not None}

    def fresh(prefix: str, start: int) -> Iterator[int]:
        n = start
        while True:
            if f"{prefix}{n}" not in used:
                yield n
            n += 1

    leaf_numbers, wire_numbers = fresh("u", 0), fresh("q", 1)
    given: dict[Unit, str | int] = {}
    inputs: dict[str, Unit] = {}
    for unit in leaves:
        if isinstance(unit, Constant):
            continue
        name = unit.name
        if name is None:
            name = given[unit] = f"u{next(leaf_numbers)}"
        if name in inputs:
            raise CircuitError(f"two different inputs are both named {name!r}")
        inputs[name] = unit
    if output.name is None and output.gate is not None:
        given[output] = "f" if "f" not in used else next(wire_numbers)
    for wire in outputs:
        if wire.name is None and wire not in given:
            given[wire] = next(wire_numbers)
    return inputs, given

