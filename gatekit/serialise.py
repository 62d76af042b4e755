"""Saving a circuit as plain data and rebuilding it exactly (`Circuit.to_dict`, `from_dict`).

The data is JSON-ready: a list of units (name, value, grad, constant), a list of gates (op,
input and output unit indices, a power's exponent) and the output's index. Every state the
package can reach round-trips, inf and NaN included (exp(1000) is inf); anything else is
refused with a CircuitError that says which unit or gate is wrong and why.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any

from .circuit import CircuitError
from .gates import GATE_TYPES, Constant, PowGate, Unit

if TYPE_CHECKING:
    from .circuit import Circuit

__all__ = ["to_dict", "from_dict"]

_GATE_KIND = {gate_type: kind for kind, gate_type in GATE_TYPES.items()}
_UNIT_KEYS = ("name", "value", "grad", "constant")


def to_dict(circuit: Circuit) -> dict[str, Any]:
    """The circuit's units, gates and output as lists and numbers (see the module docstring)."""
    index = {id(unit): i for i, unit in enumerate(circuit.units)}
    gates = []
    for gate, gate_output in zip(circuit.gates, circuit._outputs, strict=True):
        kind = _GATE_KIND.get(type(gate))
        if kind is None:
            raise CircuitError(
                f"to_dict cannot save a {type(gate).__name__} gate: only the built-in gates"
                f" ({', '.join(GATE_TYPES)}) can be rebuilt by from_dict"
            )
        entry: dict[str, Any] = {
            "op": kind,
            "inputs": [index[id(unit)] for unit in gate.inputs],
            "output": index[id(gate_output)],
        }
        if isinstance(gate, PowGate):
            entry["exponent"] = gate.exponent
        gates.append(entry)
    units = [
        {"name": u.name, "value": u.value, "grad": u.grad, "constant": isinstance(u, Constant)}
        for u in circuit.units
    ]
    return {"units": units, "gates": gates, "output": index[id(circuit.output)]}


def from_dict(data: object) -> Unit:
    """The output Unit of the circuit `data` describes, rebuilt with its names, values and
    grads (a Circuit is then built on it)."""
    if not isinstance(data, dict) or any(key not in data for key in ("units", "gates", "output")):
        raise CircuitError(
            "not a saved circuit: to_dict gives a dict with 'units', 'gates' and 'output',"
            f" not {_shown(data)}"
        )
    specs = _listed(data["units"], "units")
    gate_specs = _listed(data["gates"], "gates")
    for i, spec in enumerate(specs):
        _check_unit(i, spec)
    producer = _producers(gate_specs, len(specs))
    built: dict[int, Unit] = {}
    for i, spec in enumerate(specs):
        if i in producer and spec["constant"]:
            raise CircuitError(f"unit {i} is made by gate {producer[i]}, so it is no constant")
        if i not in producer:
            _check_leaf(i, spec)
            kind = Constant if spec["constant"] else Unit
            built[i] = kind(spec["value"], name=spec["name"])
    for j in _gate_order(gate_specs, producer):
        built[gate_specs[j]["output"]] = _build_gate(j, gate_specs[j], built)
    for i, spec in enumerate(specs):
        unit = built[i]
        unit.name, unit.value, unit.grad = spec["name"], float(spec["value"]), float(spec["grad"])
    return built[_index(data["output"], len(specs), "the output")]


def _shown(value: object) -> str:
    """A short description of a value for a message (at most ~40 characters of it)."""
    text = repr(value)
    return f"{type(value).__name__} {text[:40]}{'…' if len(text) > 40 else ''}"


def _listed(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise CircuitError(f"not a saved circuit: '{what}' must be a list, not {_shown(value)}")
    return value


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _float(value: object, what: str) -> float:
    """A saved number as a float (inf and NaN allowed), refusing what is none or too large."""
    if not _is_real(value):
        raise CircuitError(f"{what} must be a number, not {_shown(value)}")
    try:
        return float(value)
    except OverflowError:
        raise CircuitError(f"{what} is too large for a float: {_shown(value)}") from None


def _check_unit(i: int, spec: object) -> None:
    """Refuse a unit entry whose keys or types are wrong (values may be inf or NaN here)."""
    if not isinstance(spec, dict) or any(key not in spec for key in _UNIT_KEYS):
        raise CircuitError(
            f"unit {i} must be a dict with {', '.join(_UNIT_KEYS)}, not {_shown(spec)}"
        )
    name = spec["name"]
    if name is not None and (not isinstance(name, str) or not name):
        raise CircuitError(
            f"unit {i}'s name must be a non-empty string or None, not {_shown(name)}"
        )
    if not isinstance(spec["constant"], bool):
        raise CircuitError(
            f"unit {i}'s 'constant' must be true or false, not {_shown(spec['constant'])}"
        )
    for key in ("value", "grad"):
        _float(spec[key], f"unit {i}'s {key}")


def _check_leaf(i: int, spec: dict[str, Any]) -> None:
    """A leaf (made by no gate) holds a finite value, as every Unit built by hand does."""
    if not math.isfinite(spec["value"]):
        raise CircuitError(
            f"unit {i} is made by no gate, so its value must be finite, not {spec['value']}"
        )


def _index(value: object, count: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < count:
        raise CircuitError(
            f"{what} must be the index of a unit (0 to {count - 1}), not {_shown(value)}"
        )
    return value


def _producers(gate_specs: list[Any], count: int) -> dict[int, int]:
    """Which gate makes each gate-made unit, after checking every gate entry."""
    producer: dict[int, int] = {}
    for j, spec in enumerate(gate_specs):
        if not isinstance(spec, dict) or any(key not in spec for key in ("op", "inputs", "output")):
            raise CircuitError(
                f"gate {j} must be a dict with op, inputs and output, not {_shown(spec)}"
            )
        op = spec["op"]
        if not isinstance(op, str) or op not in GATE_TYPES:
            raise CircuitError(
                f"gate {j}: unknown op {_shown(op)}; the ops are {', '.join(GATE_TYPES)}"
            )
        inputs = _listed(spec["inputs"], f"gates[{j}].inputs")
        arity = GATE_TYPES[op].arity
        if len(inputs) != arity:
            raise CircuitError(f"gate {j} ({op}) takes {arity} input(s), not {len(inputs)}")
        for i in inputs:
            _index(i, count, f"gate {j}'s input")
        out = _index(spec["output"], count, f"gate {j}'s output")
        if out in producer:
            raise CircuitError(
                f"unit {out} is the output of both gate {producer[out]} and gate {j}"
            )
        exponent = spec.get("exponent")
        if op == "pow" and not (_is_real(exponent)
                                and math.isfinite(_float(exponent, f"gate {j}'s exponent"))):
            raise CircuitError(f"gate {j} (pow) needs a finite number as its exponent")
        producer[out] = j
    return producer


def _gate_order(gate_specs: list[dict[str, Any]], producer: dict[int, int]) -> list[int]:
    """The gates so that each comes after the gates making its inputs (they may be saved in
    any order); a gate that needs its own output is refused."""
    order: list[int] = []
    state: dict[int, str] = {}
    for root in range(len(gate_specs)):
        stack = [root]
        while stack:
            j = stack[-1]
            if state.get(j) == "done":
                stack.pop()
                continue
            waiting = [producer[i] for i in gate_specs[j]["inputs"]
                       if i in producer and state.get(producer[i]) != "done"]
            if not waiting:
                state[j] = "done"
                order.append(j)
                stack.pop()
                continue
            if state.get(j) == "waiting" or any(state.get(k) == "waiting" for k in waiting):
                raise CircuitError(f"gate {j} is fed, through the gates, its own output: a cycle")
            state[j] = "waiting"
            stack.extend(waiting)
    return order


def _build_gate(j: int, spec: dict[str, Any], built: dict[int, Unit]) -> Unit:
    gate_type = GATE_TYPES[spec["op"]]
    gate = gate_type(spec["exponent"]) if gate_type is PowGate else gate_type()
    try:
        return gate.forward(*(built[i] for i in spec["inputs"]))
    except (ArithmeticError, ValueError) as error:
        raise CircuitError(f"gate {j} ({spec['op']}) cannot be computed: {error}") from None
