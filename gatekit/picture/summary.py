"""A large circuit's notebook picture: the gates nearest the output, drawn as usual, under a few
lines that say how big the circuit is, what is left out and how to draw it all. Its cost does not
grow with the circuit beyond one pass over the units (about 10 ms at 8,000 gates)."""

from __future__ import annotations

from ..circuit import Circuit, fmt
from ..gates import Gate, Unit
from .layout import layout_graph, wire_looks
from .svg import circuit_description, render

__all__ = ["summary_svg", "nearest_output", "SUMMARY_GATES", "SUMMARY_UNITS"]

SUMMARY_GATES = 40  # gates drawn in a summary
SUMMARY_UNITS = 120  # ... unless their wires would be more than this many
DRAW_SECONDS_PER_GATE = 0.01  # gk.draw and its PNG: 8 to 12 ms a gate (bench/picture.py --draw)


def nearest_output(circuit: Circuit, gates: int = SUMMARY_GATES,
                   units: int = SUMMARY_UNITS) -> tuple[list[Unit], list[Gate]]:
    """The last `gates` gates in forward order (every one feeds the output through the others)
    and their units, fewer gates if their inputs and outputs would exceed `units`; the output's
    own gate always."""
    chosen: list[Gate] = []
    seen: set[int] = set()
    for gate in reversed(circuit.gates):
        new = {id(u) for u in (*gate.inputs, gate.output)} - seen
        if chosen and (len(chosen) == gates or len(seen) + len(new) > units):
            break
        chosen.append(gate)
        seen |= new
    chosen.reverse()
    made = {id(gate.output) for gate in chosen}
    leaves = {id(u): u for gate in chosen for u in gate.inputs if id(u) not in made}
    return list(leaves.values()) + [gate.output for gate in chosen], chosen


def summary_svg(circuit: Circuit) -> str:
    """The summary picture of `circuit` (see the module's docstring)."""
    units, gates = nearest_output(circuit)
    names = [circuit.name_of(unit) for unit in units]
    layout = layout_graph(units, gates, circuit.output)
    drawn = {id(gate) for gate in gates}
    cut = frozenset(i for i, unit in enumerate(units)
                    if unit.gate is not None and id(unit.gate) not in drawn)
    n = len(circuit.gates)
    seconds = DRAW_SECONDS_PER_GATE * n
    notes = [
        f"{names[-1]} = {fmt(circuit.output.value)}: a circuit of {n:,} gates and "
        f"{len(circuit.inputs):,} inputs, too big to show whole here.",
        f"Shown: the {len(gates)} gates nearest the output; ⋯ marks a wire made by the "
        f"{n - len(gates):,} gates not shown.",
        f"gk.draw(circuit) draws all {n:,} gates with matplotlib (about {seconds:.0f} s).",
    ]
    description = circuit_description(circuit) + " " + " ".join(notes[1:])
    title = f"Summary of a circuit of {n:,} gates computing {names[-1]}"
    return render(gates, layout, wire_looks(units, names), title, description, notes=notes,
                  cut=cut)
