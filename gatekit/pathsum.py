"""The chain rule as a sum over paths: d(output)/d(input) is the sum, over every path from the
input to the output, of the product of the local derivatives along it.

`gk.paths(circuit, "x")` lists those paths, so a learner can add them up and see the grad that
backward gives. Their number can double with every fork, which is exactly why backward and
forward mode never list them: each factors the same sum, sharing the common parts.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from .circuit import Circuit, CircuitError
from .gates import Constant, Unit

__all__ = ["Path", "paths", "count_paths"]

PATH_LIMIT = 1000  # more paths than this are counted, never listed
# A path so far, kept as (its last unit, the local derivative into it, the path before it), so a
# long path is written out once, at the output, instead of copied at every step.
_Chain = tuple[Unit, float, "_Chain | None"]
_Edges = dict[int, list[tuple[Unit, float]]]  # id(unit) -> (gate output it feeds, local), per use


class Path(NamedTuple):
    """One path from an input to the output: its wires' names and each edge's local derivative."""

    names: tuple[str, ...]  # the input first, the output last
    factors: tuple[float, ...]  # d(next)/d(this) along each edge: one fewer than names

    @property
    def product(self) -> float:
        """What this path contributes to d(output)/d(input)."""
        return math.prod(self.factors)

    def __str__(self) -> str:
        return " -> ".join(self.names)


def _edges(circuit: Circuit) -> _Edges:
    """Each unit's outgoing edges: the gate outputs it feeds, with one local derivative per use."""
    edges: _Edges = {}
    for gate in circuit.gates:
        for unit, local in gate.uses():
            if not isinstance(unit, Constant):
                edges.setdefault(id(unit), []).append((gate.output, local))
    return edges


def _paths_to_output(circuit: Circuit, edges: _Edges) -> dict[int, int]:
    """How many paths lead from each unit to the output, counted back from the output."""
    counts: dict[int, int] = {}
    for unit in reversed(circuit.units):
        counts[id(unit)] = 1 if unit is circuit.output else sum(
            counts[id(out)] for out, _ in edges.get(id(unit), []))
    return counts


def _input(circuit: Circuit, input_name: str) -> Unit:
    if not isinstance(input_name, str) or input_name not in circuit.inputs:
        raise CircuitError(f"paths needs the name of an input, not {input_name!r}; this circuit's"
                           f" inputs: {', '.join(circuit.inputs) or 'none'}")
    return circuit.inputs[input_name]


def count_paths(circuit: Circuit, input_name: str) -> int:
    """How many paths lead from the input to the output (cheap: never lists them)."""
    return _paths_to_output(circuit, _edges(circuit)).get(id(_input(circuit, input_name)), 0)


def paths(circuit: Circuit, input_name: str, limit: int = PATH_LIMIT) -> list[Path]:
    """Every path from the input to the output with its local derivatives, at the current values.

    The products add up to backward's grad for that input. More than `limit` paths are refused
    (their number can double at every fork); `count_paths` still counts them.
    """
    start = _input(circuit, input_name)
    edges = _edges(circuit)
    total = _paths_to_output(circuit, edges).get(id(start), 0)
    if total > limit:
        raise CircuitError(f"{total} paths lead from {input_name} to the output, more than the"
                           f" {limit} that paths lists; count_paths counts them")
    found: list[Path] = []
    stack: list[_Chain] = [(start, 1.0, None)]
    while stack:
        chain = stack.pop()
        unit = chain[0]
        if unit is circuit.output:
            found.append(_written_out(circuit, chain))
            continue
        for out, local in reversed(edges.get(id(unit), [])):
            stack.append((out, local, chain))
    return found


def _written_out(circuit: Circuit, chain: _Chain | None) -> Path:
    """A chain from the output back to the input, as a Path from the input to the output."""
    names: list[str] = []
    factors: list[float] = []
    while chain is not None:
        unit, local, chain = chain
        names.append(circuit.name_of(unit))
        factors.append(local)
    return Path(tuple(reversed(names)), tuple(reversed(factors[:-1])))
