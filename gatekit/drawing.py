"""Pictures of circuits: a left-to-right layered layout computed once per circuit from its
topology, drawn with matplotlib (`draw`, `circuit_png`) and shared with the widgets' live view.

Every wire shows its Unit's name, its value above (green) and its grad below (red); the wire's
width and strength grow with |grad| and its colour gives the sign (orange +, blue -).
"""

from __future__ import annotations

import io
import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean

import networkx as nx
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from .circuit import Circuit, fmt
from .gates import Constant

__all__ = [
    "draw", "circuit_png", "CircuitLayout", "layout_of", "Wire", "wires", "LEGEND", "DPI",
    "VALUE_COLOUR", "GRAD_COLOUR", "NAME_COLOUR", "CONSTANT_COLOUR", "HIGHLIGHT_COLOUR",
]

Point = tuple[float, float]

DPI = 100  # pixels per inch of every picture, PNG or SVG
INCH_PER_COLUMN = 0.8
INCH_PER_ROW = 0.75
MAX_WIDTH_INCHES, MAX_HEIGHT_INCHES = 32.0, 24.0  # past this, the whole picture shrinks
SMALLEST_SCALE = 0.45  # ... but never below this, so text stays readable
GATE_RADIUS_INCHES = 0.2
FONT_POINTS = 8.0  # names, values and grads; gate symbols are a little larger
VALUE_OFFSET_ROWS = 0.28  # how far above (value) and below (grad) the wire the numbers sit

VALUE_COLOUR = "#2e7d32"
GRAD_COLOUR = "#c62828"
NAME_COLOUR = "#212121"
CONSTANT_COLOUR = "#9e9e9e"
HIGHLIGHT_COLOUR = "#fbc02d"
POSITIVE_WIRE, NEGATIVE_WIRE, IDLE_WIRE = "#ef6c00", "#1565c0", "#bdbdbd"
LEGEND = "value above (green) · grad below (red) · wire: thicker = larger |grad|, orange + / blue −"


@dataclass(frozen=True)
class CircuitLayout:
    """Where a circuit's gates and wires sit, in grid units: x the column (left to right), y the
    row (top to bottom). It depends on the topology only, so nothing moves when values change."""

    gates: tuple[Point, ...]  # centre of gate j (as in circuit.gates)
    units: tuple[Point, ...]  # label point of unit i (as in circuit.units)
    segments: tuple[tuple[int, Point, Point], ...]  # (unit index, start, end) of each wire piece
    columns: int
    rows: float  # one more than the lowest row (rows can be fractional: a gate amid its inputs)

    @property
    def x_limits(self) -> tuple[float, float]:
        """Left and right, with room for the texts of the first and last wires."""
        return -0.7, self.columns - 0.3

    @property
    def y_limits(self) -> tuple[float, float]:
        """Top and bottom; the extra room on top holds the legend."""
        return -1.0, self.rows - 0.4

    @property
    def scale(self) -> float:
        """1 for ordinary circuits; smaller when a huge circuit would make a huge picture."""
        width, height = self._natural_inches()
        return max(SMALLEST_SCALE, min(1.0, MAX_WIDTH_INCHES / width, MAX_HEIGHT_INCHES / height))

    @property
    def size_inches(self) -> tuple[float, float]:
        """The picture's size in inches (width, height), as matplotlib takes it."""
        width, height = self._natural_inches()
        return width * self.scale, height * self.scale

    @property
    def size_pixels(self) -> tuple[int, int]:
        """The picture's size in pixels (width, height), for PNG and SVG alike."""
        width, height = self.size_inches
        return round(width * DPI), round(height * DPI)

    def font_points(self, base: float = FONT_POINTS) -> float:
        """A font size, shrunk with the picture."""
        return base * self.scale

    def _natural_inches(self) -> tuple[float, float]:
        (left, right), (top, bottom) = self.x_limits, self.y_limits
        return (right - left) * INCH_PER_COLUMN, (bottom - top) * INCH_PER_ROW


_LAYOUTS: weakref.WeakKeyDictionary[Circuit, CircuitLayout] = weakref.WeakKeyDictionary()


def layout_of(circuit: Circuit) -> CircuitLayout:
    """The circuit's layout, computed on first use and kept for the circuit's lifetime."""
    layout = _LAYOUTS.get(circuit)
    if layout is None:
        layout = _LAYOUTS[circuit] = compute_layout(circuit)
    return layout


def compute_layout(circuit: Circuit) -> CircuitLayout:
    """Columns from networkx's topological generations (values flow left to right, each leaf
    just left of the first gate it feeds); rows from the leaves' order, each later node at the
    mean row of what feeds it, spread apart where a column is crowded."""
    graph = circuit.to_networkx()
    column = {
        node: generation
        for generation, nodes in enumerate(nx.topological_generations(graph))
        for node in nodes
    }
    for node in graph:
        if graph.in_degree(node) == 0:  # a leaf sits just left of the first gate that uses it
            column[node] = min((column[g] for g in graph.successors(node)), default=1) - 1

    output_index = next(i for i, unit in enumerate(circuit.units) if unit is circuit.output)
    row = _rows(graph, column, ("unit", output_index))
    top = min(row.values())

    def point(node: tuple[str, int]) -> Point:
        return float(column[node]), row[node] - top

    segments = [
        (node[1] if node[0] == "unit" else target[1], point(node), point(target))
        for node, target in graph.edges
    ]
    return CircuitLayout(
        gates=tuple(point(("gate", j)) for j in range(len(circuit.gates))),
        units=tuple(point(("unit", i)) for i in range(len(circuit.units))),
        segments=tuple(segments),
        columns=max(column.values()) + 1,
        rows=max(row.values()) - top + 1.0,
    )


def _rows(graph: nx.DiGraph, column: dict, output: tuple[str, int]) -> dict:
    """Each node's row: leaves in the order a walk up from the output meets them; a gate or wire
    at the mean row of what feeds it alone; a leaf feeding many gates amid those gates."""
    upstream_first = nx.dfs_postorder_nodes(graph.reverse(copy=False), output)
    leaves = [node for node in upstream_first if graph.in_degree(node) == 0]
    row = {node: float(rank) for rank, node in enumerate(leaves)}
    by_column: dict[int, list] = {}
    for node in graph:
        by_column.setdefault(column[node], []).append(node)
    for col in sorted(by_column):
        nodes = by_column[col]
        for node in nodes:
            if node not in row:
                feeders = list(graph.predecessors(node))
                own = [p for p in feeders if graph.out_degree(p) == 1]
                row[node] = fmean(row[p] for p in own or feeders)
        ordered = sorted(nodes, key=row.__getitem__)
        for above, below in zip(ordered, ordered[1:], strict=False):
            row[below] = max(row[below], row[above] + 1.0)
    for leaf in leaves:
        if graph.out_degree(leaf) > 1:
            taken = [row[n] for n in by_column[column[leaf]] if n != leaf]
            row[leaf] = _nearest_free(fmean(row[g] for g in graph.successors(leaf)), taken)
    return row


def _nearest_free(target: float, taken: list[float]) -> float:
    """The row nearest `target`, in half-row steps, at least one row away from every taken one."""
    for k in range(2 * len(taken) + 2):
        candidate = target + (k + 1) // 2 * 0.5 * (1 if k % 2 else -1)
        if all(abs(candidate - t) >= 1.0 for t in taken):
            return candidate
    return max(taken, default=target) + 1.0


@dataclass(frozen=True)
class Wire:
    """What one Unit's wire shows: its texts and its look."""

    name: str
    value_text: str
    grad_text: str
    constant: bool
    colour: str
    width: float  # in points
    opacity: float


def wires(
    circuit: Circuit,
    values: Sequence[float | None] | None = None,
    grads: Sequence[float | None] | None = None,
) -> list[Wire]:
    """The wires of `circuit.units`, showing their values and grads (or the ones given, where
    None means "not known yet": a value shows '?', a grad nothing)."""
    units = circuit.units
    values = [u.value for u in units] if values is None else values
    grads = [u.grad for u in units] if grads is None else grads
    is_constant = [isinstance(u, Constant) for u in units]
    known = [abs(g) for g, c in zip(grads, is_constant, strict=True) if g is not None and not c]
    biggest = max(known, default=0.0) or 1.0  # wire looks are relative to the largest |grad|
    result = []
    for unit, value, grad, constant in zip(units, values, grads, is_constant, strict=True):
        if constant or grad is None or grad == 0.0 or not math.isfinite(grad):
            colour, width, opacity = (CONSTANT_COLOUR if constant else IDLE_WIRE), 1.0, 0.8
        else:
            strength = math.sqrt(abs(grad) / biggest)
            colour = POSITIVE_WIRE if grad > 0 else NEGATIVE_WIRE
            width, opacity = 1.0 + 4.0 * strength, 0.35 + 0.65 * strength
        result.append(Wire(
            name=circuit.name_of(unit),
            value_text="?" if value is None else fmt(value),
            grad_text="" if constant or grad is None else fmt(grad),
            constant=constant, colour=colour, width=width, opacity=opacity,
        ))
    return result


def draw(circuit: Circuit, ax: Axes | None = None) -> Axes:
    """Draw the circuit with values and grads on every wire; a new pyplot figure when no ax."""
    layout = layout_of(circuit)
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.figure(figsize=layout.size_inches, dpi=DPI).add_axes((0, 0, 1, 1))
    _draw_on(ax, circuit, layout)
    return ax


def circuit_png(circuit: Circuit) -> bytes:
    """The drawing as PNG bytes, without pyplot (so nothing leaks into notebook outputs)."""
    layout = layout_of(circuit)
    figure = Figure(figsize=layout.size_inches, dpi=DPI)
    _draw_on(figure.add_axes((0, 0, 1, 1)), circuit, layout)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _draw_on(ax: Axes, circuit: Circuit, layout: CircuitLayout) -> None:
    """Wires, gates and texts of the circuit on `ax`, in grid units with y pointing down."""
    shown = wires(circuit)
    font = layout.font_points()
    pieces = [(start, end) for _, start, end in layout.segments]
    looks = [shown[unit] for unit, _, _ in layout.segments]
    ax.add_collection(LineCollection(
        pieces, colors=[to_rgba(w.colour, w.opacity) for w in looks],
        linewidths=[w.width * layout.scale for w in looks], zorder=1, capstyle="round",
    ))
    if layout.gates:
        diameter = 2 * GATE_RADIUS_INCHES * 72 * layout.scale
        xs, ys = zip(*layout.gates, strict=True)
        ax.scatter(xs, ys, s=diameter**2, facecolors="white", edgecolors=NAME_COLOUR,
                   linewidths=1.2, zorder=2)
    for gate, (x, y) in zip(circuit.gates, layout.gates, strict=True):
        ax.text(x, y, gate.symbol, ha="center", va="center", fontsize=font * 1.25, zorder=3)
    label_box = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"}
    for wire, (x, y) in zip(shown, layout.units, strict=True):
        if wire.constant:
            ax.text(x, y, wire.value_text, ha="center", va="center", fontsize=font * 0.9,
                    color=CONSTANT_COLOUR, bbox=label_box, zorder=3)
            continue
        ax.text(x, y, wire.name, ha="center", va="center", fontsize=font, color=NAME_COLOUR,
                fontweight="bold", bbox=label_box, zorder=3)
        ax.text(x, y - VALUE_OFFSET_ROWS, wire.value_text, ha="center", va="bottom",
                fontsize=font, color=VALUE_COLOUR, zorder=3)
        ax.text(x, y + VALUE_OFFSET_ROWS, wire.grad_text, ha="center", va="top",
                fontsize=font, color=GRAD_COLOUR, zorder=3)
    left, right = layout.x_limits
    top, bottom = layout.y_limits
    ax.text(left + 0.1, top + 0.1, LEGEND, ha="left", va="top", fontsize=font * 0.85,
            color=CONSTANT_COLOUR)
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    ax.set_axis_off()
