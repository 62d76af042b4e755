"""Circuits: the gates upstream of one output Unit, in an order that makes forward and backward
flat loops.

A Circuit finds its gates once (iteratively, so a 40,000-gate chain is fine), caches them in
topological order, and from then on a forward pass is one loop over the gates' `compute`, and a
backward pass one loop over their `backward` in reverse -- the chain rule, gate by gate.
"""

from __future__ import annotations

import contextlib
import gc
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from .gates import GATE_TYPES, Constant, Gate, PowGate, Unit, check_number

if TYPE_CHECKING:
    import networkx

__all__ = ["Circuit", "GradientCheck", "BackwardStep", "CircuitError", "fmt"]

_GATE_KIND = {gate_type: kind for kind, gate_type in GATE_TYPES.items()}
_VISITING, _DONE = 1, 2


class CircuitError(ValueError):
    """A circuit that cannot be built or run as asked (a cycle, clashing names, …)."""


def fmt(x: float) -> str:
    """A number as a person writes it: -3 not -3.0, four significant digits."""
    text = f"{x:.4g}"
    return "0" if text == "-0" else text


@dataclass(frozen=True)
class GradientCheck:
    """Analytic gradients (backward) next to numerical ones (central differences)."""

    analytic: dict[str, float]
    numerical: dict[str, float]
    tolerance: float = 1e-4
    errors: dict[str, float] = field(init=False)

    def __post_init__(self) -> None:
        errors = {
            name: abs(a - self.numerical[name]) / max(1.0, abs(a), abs(self.numerical[name]))
            for name, a in self.analytic.items()
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


class BackwardStep(NamedTuple):
    """One step of the narrated backward pass: a gate sends gradient to one of its inputs."""

    gate: Gate | None  # None for the first step, the force put on the output
    unit: Unit  # the Unit that receives gradient in this step
    upstream: float  # the grad of the gate's output
    local: float  # the gate's local gradient with respect to `unit`
    text: str


class Circuit:
    """Every gate upstream of `output`, with flat cached forward and backward passes."""

    def __init__(self, output: Unit) -> None:
        if not isinstance(output, Unit):
            raise TypeError(f"a Circuit is built from its output Unit, not {type(output).__name__}")
        self.output = output
        with _collector_paused():
            self.gates, leaves = _topological_order(output)
            self.units: list[Unit] = leaves + [gate.output for gate in self.gates]
            self.inputs, self._names = _name_units(leaves, self.gates, output)
            self._forwards = [(gate.compute, gate.output) for gate in self.gates]
            self._backwards = [(gate.backward, gate.output) for gate in reversed(self.gates)]

    # ----- names ----------------------------------------------------------------------------
    def name_of(self, unit: Unit) -> str:
        """The unit's name in this circuit: the one the learner gave, else the circuit's own
        (`u0…` for inputs, `f` for the output, `q1…` for other wires; the Unit is not renamed)."""
        return unit.name if unit.name is not None else self._names[id(unit)]

    @property
    def names(self) -> list[str]:
        """Every unit's name in this circuit, in the order of `units`."""
        return [self.name_of(unit) for unit in self.units]

    def describe(self, gate: Gate) -> str:
        """The gate as a formula over this circuit's names, such as `x * q1`."""
        return gate.describe(self.name_of)

    # ----- the two passes -------------------------------------------------------------------
    def forward(self, **values: float) -> float:
        """Set the named inputs, recompute every gate in order, return the output's value.

        Bad input (an unknown name, a non-number, NaN, a gate error such as division by zero)
        raises and leaves every Unit as it was.
        """
        new_values = self._checked_values(values)
        old_values = {name: self.inputs[name].value for name in new_values}
        for name, value in new_values.items():
            self.inputs[name].value = value
        try:
            self._run_forward()
        except Exception:
            for name, value in old_values.items():
                self.inputs[name].value = value
            self._run_forward()
            raise
        return self.output.value

    def _run_forward(self) -> None:
        for compute, gate_output in self._forwards:
            gate_output.value = compute()

    def backward(self, force: float = 1.0) -> dict[str, float]:
        """Zero every grad, set output.grad = force, run each gate's backward in reverse order.

        Returns the inputs' grads. Zeroing first makes it idempotent: twice gives the same.
        """
        force = check_number(force, "the force on the output")
        for unit in self.units:
            unit.grad = 0.0
        self.output.grad = force
        for backward, gate_output in self._backwards:
            if gate_output.grad:  # no force reaches this gate: its inputs get nothing from it
                backward()
        return self.grads()

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

    # ----- gradients by finite differences --------------------------------------------------
    def numerical_gradient(self, h: float = 1e-4) -> dict[str, float]:
        """d(output)/d(input) by one-sided finite differences, as in the guide.

        Costs one forward pass per input plus one; leaves the circuit as it found it.
        """
        return self._finite_differences(h, central=False)

    def _finite_differences(self, h: float, central: bool) -> dict[str, float]:
        h = check_number(h, "the step h")
        if h <= 0:
            raise ValueError(f"the step h must be positive, not {h}")
        start = self.values()
        grads = {}
        try:
            base = self.forward()
            for name, value in start.items():
                up = self.forward(**{name: value + h})
                down = self.forward(**{name: value - h}) if central else base
                self.forward(**{name: value})
                grads[name] = (up - down) / (2 * h if central else h)
        finally:
            self.forward(**start)
        return grads

    def check_gradients(self, h: float = 1e-5, tolerance: float = 1e-4) -> GradientCheck:
        """Compare backward's gradients with central finite differences, input by input."""
        saved = [unit.grad for unit in self.units]
        try:
            analytic = self.backward()
        finally:
            for unit, grad in zip(self.units, saved, strict=True):
                unit.grad = grad
        return GradientCheck(analytic, self._finite_differences(h, central=True), tolerance)

    def random_local_search(
        self, iterations: int = 100, tweak: float = 0.01, seed: int = 0
    ) -> tuple[dict[str, float], float]:
        """Try random tweaks of at most `tweak` to every input, keep the best (seeded).

        Returns the best inputs and the best output; leaves the circuit as it found it.
        """
        rng = random.Random(seed)
        start = self.values()
        best_inputs, best_output = dict(start), self.forward()
        try:
            for _ in range(iterations):
                trial = {name: v + tweak * (rng.random() * 2 - 1) for name, v in start.items()}
                output = self.forward(**trial)
                if output > best_output:
                    best_inputs, best_output = trial, output
        finally:
            self.forward(**start)
        return best_inputs, best_output

    # ----- looking at it --------------------------------------------------------------------
    def to_networkx(self) -> networkx.DiGraph:
        """A DiGraph with a node per Unit and per gate, edges in the direction values flow.

        Unit nodes are `("unit", i)` with `i` the index in `units`; gate nodes `("gate", j)`.
        """
        import networkx

        graph = networkx.DiGraph()
        index = {id(unit): i for i, unit in enumerate(self.units)}
        for i, unit in enumerate(self.units):
            graph.add_node(
                ("unit", i), kind="unit", label=self.name_of(unit), value=unit.value,
                grad=unit.grad, constant=isinstance(unit, Constant), unit=unit,
            )
        for j, gate in enumerate(self.gates):
            graph.add_node(("gate", j), kind="gate", label=gate.symbol, op=_GATE_KIND[type(gate)],
                           gate=gate)
            for unit in gate.inputs:
                graph.add_edge(("unit", index[id(unit)]), ("gate", j))
            graph.add_edge(("gate", j), ("unit", index[id(gate.output)]))
        return graph

    def backward_steps(self, force: float = 1.0) -> list[BackwardStep]:
        """The backward pass as steps, in the order backward runs them (runs it, too)."""
        self.backward(force)
        out = self.name_of(self.output)
        steps = [BackwardStep(None, self.output, force, 1.0, f"d{out}/d{out} = {fmt(force)}")]
        received: set[int] = {id(self.output)}
        for gate in reversed(self.gates):
            gate_out = gate.output
            for unit, local in _local_gradients(gate):
                if isinstance(unit, Constant):
                    continue
                contribution = gate_out.grad * local
                sign = "+=" if id(unit) in received else "="
                via, to = self.name_of(gate_out), self.name_of(unit)
                text = (
                    f"d{out}/d{to} {sign} d{out}/d{via} * d{via}/d{to}"
                    f" = {fmt(gate_out.grad)} * {fmt(local)} = {fmt(contribution)}"
                )
                if sign == "+=":
                    text += f" (so far {fmt(unit.grad)} in all)"
                received.add(id(unit))
                steps.append(BackwardStep(gate, unit, gate_out.grad, local, text))
        return steps

    def explain(self) -> list[str]:
        """The backward pass as chain-rule sentences with the numbers, one per step."""
        return [step.text for step in self.backward_steps()]

    # ----- rebuilding an exact state --------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Everything needed to rebuild this circuit exactly: units, gates, values and grads."""
        index = {id(unit): i for i, unit in enumerate(self.units)}
        units = [
            {"name": u.name, "value": u.value, "grad": u.grad, "constant": isinstance(u, Constant)}
            for u in self.units
        ]
        gates = []
        for gate in self.gates:
            entry: dict[str, Any] = {
                "op": _GATE_KIND[type(gate)],
                "inputs": [index[id(u)] for u in gate.inputs],
                "output": index[id(gate.output)],
            }
            if isinstance(gate, PowGate):
                entry["exponent"] = gate.exponent
            gates.append(entry)
        return {"units": units, "gates": gates, "output": index[id(self.output)]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Circuit:
        """Rebuild a circuit saved by `to_dict`, with the same names, values and grads."""
        try:
            specs, gate_specs = data["units"], data["gates"]
            built: dict[int, Unit] = {}
            produced = {spec["output"] for spec in gate_specs}
            for i, spec in enumerate(specs):
                if i not in produced:
                    kind = Constant if spec["constant"] else Unit
                    built[i] = kind(spec["value"], name=spec["name"])
            for spec in gate_specs:
                gate_type = GATE_TYPES[spec["op"]]
                gate = gate_type(spec["exponent"]) if gate_type is PowGate else gate_type()
                built[spec["output"]] = gate.forward(*(built[i] for i in spec["inputs"]))
            for i, spec in enumerate(specs):
                built[i].name = spec["name"]
                built[i].value = check_number(spec["value"], f"the value of unit {i}")
                built[i].grad = check_number(spec["grad"], f"the grad of unit {i}")
            return cls(built[data["output"]])
        except (KeyError, IndexError, TypeError) as error:
            raise CircuitError(f"not a saved circuit (see to_dict): bad {error}") from None

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
        inputs = ", ".join(f"{name}={fmt(u.value)}" for name, u in self.inputs.items())
        n = len(self.gates)
        head = f"{self.name_of(self.output)} = {fmt(self.output.value)}"
        head += f": {n} gate{'' if n == 1 else 's'}"
        return f"<Circuit {head}; inputs {inputs}>"

    def _repr_svg_(self) -> str:
        """A notebook shows a circuit as its SVG picture (a bounded summary when it is large)."""
        from .picture.svg import circuit_repr_svg

        return circuit_repr_svg(self)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a circuit caches its passes.

    Caching allocates a few objects per gate, all of which live as long as the circuit, and
    none of which form cycles; letting the collector walk them again and again as they are
    made would take longer than the caching itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _local_gradients(gate: Gate) -> list[tuple[Unit, float]]:
    """Each distinct input of `gate` with d(output)/d(input), found by running its backward
    once with an output grad of 1 -- so the rule lives only in the gate's own backward."""
    saved = [(unit, unit.grad) for unit in gate.inputs]
    out = gate.output
    saved_out = out.grad
    distinct = list({id(unit): unit for unit in gate.inputs}.values())
    try:
        for unit in distinct:
            unit.grad = 0.0
        out.grad = 1.0
        gate.backward()
        return [(unit, unit.grad) for unit in distinct]
    finally:
        for unit, grad in saved:
            unit.grad = grad
        out.grad = saved_out


def _topological_order(output: Unit) -> tuple[list[Gate], list[Unit]]:
    """The gates upstream of `output` in forward order, and the leaves by first appearance.

    Iterative depth-first search (no recursion limit); a gate reachable from its own output is
    a cycle and raises CircuitError.
    """
    if output.gate is None:
        return [], [output]
    order: list[Gate] = []
    leaves: list[Unit] = []
    seen_leaves: set[int] = set()
    state: dict[int, int] = {}
    stack: list[Gate] = [output.gate]
    while stack:
        gate = stack[-1]
        key = id(gate)
        status = state.get(key)
        if status == _DONE:
            stack.pop()
        elif status == _VISITING:
            stack.pop()
            state[key] = _DONE
            order.append(gate)
            for unit in gate.inputs:
                if unit.gate is None and id(unit) not in seen_leaves:
                    seen_leaves.add(id(unit))
                    leaves.append(unit)
        else:
            state[key] = _VISITING
            for unit in reversed(gate.inputs):
                upstream = unit.gate
                if upstream is None:
                    continue
                upstream_status = state.get(id(upstream))
                if upstream_status == _VISITING:
                    raise CircuitError(
                        f"the circuit has a cycle: the gate {upstream!r} is fed its own output"
                    )
                if upstream_status is None:
                    stack.append(upstream)
    return order, leaves


def _name_units(
    leaves: list[Unit], gates: list[Gate], output: Unit
) -> tuple[dict[str, Unit], dict[int, str]]:
    """The movable leaves by name, and names for the units that have none (leaves u0, u1, …;
    the output f; other wires q1, q2, …) keyed by id; refuses two inputs with one name.
    The Units themselves are never renamed: the names are the circuit's."""
    used = {unit.name for unit in leaves if unit.name is not None}
    used |= {gate.output.name for gate in gates if gate.output.name is not None}

    def fresh(prefix: str, start: int) -> Iterable[str]:
        n = start
        while True:
            if f"{prefix}{n}" not in used:
                yield f"{prefix}{n}"
            n += 1

    leaf_names, wire_names = fresh("u", 0), fresh("q", 1)
    given: dict[int, str] = {}
    inputs: dict[str, Unit] = {}
    for unit in leaves:
        if isinstance(unit, Constant):
            continue
        name = unit.name
        if name is None:
            name = given[id(unit)] = next(leaf_names)
        if name in inputs:
            raise CircuitError(f"two different inputs are both named {name!r}")
        inputs[name] = unit
    if output.name is None and output.gate is not None:
        given[id(output)] = "f" if "f" not in used else next(wire_names)
    for gate in gates:
        wire = gate.output
        if wire.name is None and id(wire) not in given:
            given[id(wire)] = next(wire_names)
    return inputs, given
