"""Where a circuit's gates and wires sit and how each wire looks: a left-to-right layered
layout computed once per circuit from its networkx graph (`Circuit.to_networkx`), shared by the
SVG views and `gk.draw` (which draws it with networkx's drawing functions).

Every wire shows its Unit's name, its value above and its grad (marked ∇) below; the wire's
width and strength grow with |grad|, its colour and dashes give the sign. The palette stays
distinguishable under the common colour vision deficiencies, and every text colour has a
contrast of at least 4.5:1 on white (tests/test_picture.py checks both).
"""

from __future__ import annotations

import bisect
import math
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import fmean

import networkx as nx

from ..circuit import Circuit, fmt, wiring_graph
from ..gates import Constant, Gate, Unit

__all__ = [
    "CircuitLayout", "layout_of", "compute_layout", "layout_graph", "place", "Wire", "wires",
    "wire_looks", "LegendText", "LegendLine", "legend", "DPI",
    "VALUE_COLOUR", "GRAD_COLOUR", "NAME_COLOUR", "CONSTANT_COLOUR", "HIGHLIGHT_COLOUR",
    "POSITIVE_WIRE", "NEGATIVE_WIRE", "IDLE_WIRE", "CONSTANT_WIRE", "GRAD_MARK",
]

Point = tuple[float, float]
Node = tuple[str, int] | tuple[str, int, int]  # ("unit", i), ("gate", j), ("entry", j, k)

DPI = 100  # pixels per inch of every picture, PNG or SVG
INCH_PER_COLUMN = 0.8
INCH_PER_ROW = 0.75
MAX_WIDTH_INCHES, MAX_HEIGHT_INCHES = 32.0, 24.0  # past this, the whole picture shrinks
SMALLEST_SCALE = 0.45  # ... but never below this, so text stays readable
GATE_RADIUS_INCHES = 0.2
FONT_POINTS = 8.0  # names, values and grads; gate symbols are a little larger
VALUE_OFFSET_ROWS = 0.28  # how far above (value) and below (grad) the wire the numbers sit
LEGEND_COLUMNS = 6.2  # the legend's width: narrower circuits get a wider picture
LEGEND_ROWS = 1.35  # the band above the first row that holds the legend
CHARACTER_COLUMNS = 0.085  # the width of a character of the legend's text, roughly

# Text colours (contrast ≥ 4.5:1 on white): values teal above the wire, grads vermillion below.
VALUE_COLOUR = "#0b5d4e"
GRAD_COLOUR = "#b3400a"
NAME_COLOUR = "#212121"
CONSTANT_COLOUR = "#6b6b6b"  # constants' texts and the legend
HIGHLIGHT_COLOUR = "#fbc02d"  # the box behind a highlighted name, the fill of a lit gate
# Wire colours: orange solid where pulling the wire up raises the output, blue dashed where
# it lowers it (hues that stay apart under protanopia, deuteranopia and tritanopia).
POSITIVE_WIRE, NEGATIVE_WIRE = "#e69f00", "#2b8cd6"
IDLE_WIRE, CONSTANT_WIRE = "#bdbdbd", "#9e9e9e"
GRAD_MARK = "∇"  # written before every grad, so grads differ from values by more than colour


@dataclass(frozen=True)
class CircuitLayout:
    """Where a circuit's gates and wires sit, in grid units: x the column (left to right), y the
    row (top to bottom). It depends on the topology only, so nothing moves when values change."""

    gates: tuple[Point, ...]  # centre of gate j (as in circuit.gates)
    units: tuple[Point, ...]  # label point of unit i (as in circuit.units)
    segments: tuple[tuple[int, Point, Point], ...]  # (unit index, start, end) of each wire piece
    edges: tuple[tuple[Node, Node], ...]  # the graph's edge each segment draws; ("entry", j, k):
    # the k-th input of gate j, where a gate uses one wire twice and its wires enter apart
    columns: int
    rows: float  # one more than the lowest row (rows can be fractional: a gate amid its inputs)

    @property
    def positions(self) -> dict[Node, Point]:
        """Where each node of the circuit's graph sits (entries of a wire used twice too), as
        networkx's drawing functions take it."""
        at: dict[Node, Point] = {("unit", i): point for i, point in enumerate(self.units)}
        at.update((("gate", j), point) for j, point in enumerate(self.gates))
        at.update((head, end) for (_, head), (_, _, end) in zip(self.edges, self.segments,
                                                                strict=True))
        return at

    @property
    def x_limits(self) -> tuple[float, float]:
        """Left and right, with room for the texts of the first and last wires and the legend."""
        return -0.7, max(self.columns - 0.3, LEGEND_COLUMNS - 0.7)

    @property
    def y_limits(self) -> tuple[float, float]:
        """Top and bottom; the extra room on top holds the legend."""
        return -LEGEND_ROWS, self.rows - 0.4

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


BRANCH_SPREAD_ROWS = 0.3  # how far apart two uses of one wire enter the same gate


def compute_layout(circuit: Circuit) -> CircuitLayout:
    """The layout of the whole circuit, from its networkx graph (`Circuit.to_networkx`)."""
    return place(circuit.to_networkx(), ("unit", len(circuit.units) - 1))


def layout_graph(units: Sequence[Unit], gates: Sequence[Gate], output: Unit) -> CircuitLayout:
    """The layout of `gates` (in forward order) and `units` (every input and output of them,
    `output` among them), part of a circuit; a unit no listed gate makes is drawn as a leaf."""
    at = next(i for i, unit in enumerate(units) if unit is output)
    return place(wiring_graph(units, gates), ("unit", at))


def place(graph: nx.DiGraph, output: Node) -> CircuitLayout:
    """The layout of a circuit's graph (nodes `("unit", i)` and `("gate", j)`, as
    `Circuit.to_networkx` makes them), in three steps on the graph:

    1. columns: networkx's topological generations (the longest path from a leaf), then each
       leaf moved just left of the first gate it feeds;
    2. rows: within each column, the barycentre heuristic of layered drawing (Sugiyama's
       crossing reduction, one sweep left to right), seeded by the order a depth-first walk up
       from the output meets the leaves (`_rows`);
    3. wires: a segment per edge, split where a gate uses one wire twice (`_entries`).
    """
    column = {node: depth for depth, generation in enumerate(nx.topological_generations(graph))
              for node in generation}
    for node in graph:
        if graph.in_degree(node) == 0 and graph.out_degree(node) > 0:
            column[node] = min(column[gate] for gate in graph.successors(node)) - 1
    row = _rows(graph, column, output)
    top = min(row.values())
    point = {node: (float(column[node]), row[node] - top) for node in graph}
    units = sorted(node[1] for node in graph if node[0] == "unit")
    gates = sorted(node[1] for node in graph if node[0] == "gate")
    segments, edges = [], []
    for tail, head in graph.edges:
        unit = tail if tail[0] == "unit" else head
        if head[0] == "gate":
            ends = _entries(graph.nodes[head]["gate"], graph.nodes[tail]["unit"], point[head])
        else:
            ends = [point[head]]
        for k, end in enumerate(ends):
            segments.append((unit[1], point[tail], end))
            edges.append((tail, head if len(ends) == 1 else ("entry", head[1], k)))
    return CircuitLayout(
        gates=tuple(point["gate", j] for j in gates),
        units=tuple(point["unit", i] for i in units),
        segments=tuple(segments),
        edges=tuple(edges),
        columns=max(column.values()) + 1,
        rows=max(row.values()) - top + 1.0,
    )


def _entries(gate: Gate, unit: Unit, centre: Point) -> list[Point]:
    """Where `unit`'s wires enter `gate`: its centre, or, for a unit that feeds the gate more
    than once (`a * a`), one point per use fanned apart, so a branching wire is seen as two."""
    slots = [k for k, u in enumerate(gate.inputs) if u is unit]
    if len(slots) == 1:
        return [centre]
    middle = (len(gate.inputs) - 1) / 2
    return [(centre[0], centre[1] + (k - middle) * BRANCH_SPREAD_ROWS) for k in slots]


def _rows(graph: nx.DiGraph, column: dict[Node, int], output: Node) -> dict[Node, float]:
    """Each node's row: the leaves ranked in the order a depth-first walk from the output up
    through each gate's inputs (networkx's preorder on the reversed graph) meets them; then,
    column by column, a gate at the mean row of the wires only it uses (else of all its
    inputs), a gate's output at the gate's row, and nodes pushed apart to one row at least;
    last, a leaf feeding many gates at the free row nearest the mean of those gates."""
    walk = nx.dfs_preorder_nodes(graph.reverse(copy=False), output)
    leaves = [node for node in walk if graph.in_degree(node) == 0]
    seen = set(leaves)
    leaves += [node for node in graph if graph.in_degree(node) == 0 and node not in seen]
    row = {node: float(rank) for rank, node in enumerate(leaves)}
    by_column: dict[int, list[Node]] = {}
    for node in graph:
        by_column.setdefault(column[node], []).append(node)
    for col in sorted(by_column):
        nodes = by_column[col]
        for node in nodes:
            feeds = list(graph.predecessors(node))
            if node[0] == "gate":
                own = [unit for unit in feeds if graph.out_degree(unit) == 1]
                row[node] = fmean(row[unit] for unit in own or feeds)
            elif feeds:
                row[node] = row[feeds[0]]
        nodes.sort(key=row.__getitem__)
        previous = -math.inf
        for node in nodes:  # push apart: consecutive nodes at least one row apart
            row[node] = previous = max(row[node], previous + 1.0)
    shared = [node for node in graph if graph.in_degree(node) == 0 and graph.out_degree(node) > 1]
    moving = set(shared)
    blocked: dict[int, _Blocked] = {}
    for node in shared:
        col = column[node]
        if col not in blocked:
            blocked[col] = _Blocked(row[n] for n in by_column[col] if n not in moving)
        target = fmean(row[gate] for gate in graph.successors(node))
        row[node] = blocked[col].nearest_free(target)
    return row


class _Blocked:
    """Rows taken in one column, as merged open intervals (row - 1, row + 1), so the nearest
    free row is a binary search away instead of a scan of the whole column."""

    def __init__(self, taken: Iterable[float]) -> None:
        self.starts: list[float] = []
        self.ends: list[float] = []
        for row in sorted(taken):
            self._add(row)

    def _add(self, row: float) -> None:
        low, high = row - 1.0, row + 1.0
        k = bisect.bisect_left(self.ends, low)  # the first interval that ends at or after low
        if k < len(self.starts) and self.ends[k] == low:
            k += 1  # touching intervals leave the row between them free
        last = k
        while last < len(self.starts) and self.starts[last] < high:
            last += 1
        if last > k:  # overlaps intervals k .. last - 1: merge them
            low, high = min(low, self.starts[k]), max(high, self.ends[last - 1])
        self.starts[k:last] = [low]
        self.ends[k:last] = [high]

    def nearest_free(self, target: float) -> float:
        """The row nearest `target`, in half-row steps, at least one row away from every taken
        one; it is taken from then on."""
        k = bisect.bisect_right(self.starts, target) - 1
        if k < 0 or self.ends[k] <= target:
            found = target
        else:
            below = self._free_side(target, k, -1)
            above = self._free_side(target, k, +1)
            found = above if above - target <= target - below else below
        self._add(found)
        return found

    def _free_side(self, target: float, k: int, direction: int) -> float:
        """The first half-row step from `target` outside interval k and its neighbours that
        way."""
        while True:
            edge = self.starts[k] if direction < 0 else self.ends[k]
            steps = math.ceil(abs(target - edge) * 2 - 1e-9)
            candidate = target + direction * steps * 0.5
            k += direction
            if not 0 <= k < len(self.starts) or not (self.starts[k] < candidate < self.ends[k]):
                return candidate


@dataclass(frozen=True)
class Wire:
    """What one Unit's wire shows: its texts and its look."""

    name: str
    value_text: str
    grad_text: str  # "∇ 0.315", or "" for a constant or an unknown grad
    constant: bool
    colour: str
    width: float  # in points
    opacity: float
    dashed: bool = False  # a negative grad: the sign shown by more than colour
    grad: float | None = None  # the number behind grad_text (None: a constant, or not known yet)


def wires(
    circuit: Circuit,
    values: Sequence[float | None] | None = None,
    grads: Sequence[float | None] | None = None,
) -> list[Wire]:
    """The wires of `circuit.units`, showing their values and grads (or the ones given, where
    None means "not known yet": a value shows '?', a grad nothing)."""
    return wire_looks(circuit.units, circuit.names, values, grads)


def wire_looks(
    units: Sequence[Unit],
    names: Sequence[str],
    values: Sequence[float | None] | None = None,
    grads: Sequence[float | None] | None = None,
) -> list[Wire]:
    """The wires of `units` (named `names`), as `wires` gives them for a whole circuit; widths
    are relative to the largest finite |grad| among them."""
    values = [u.value for u in units] if values is None else values
    grads = [u.grad for u in units] if grads is None else grads
    is_constant = [isinstance(u, Constant) for u in units]
    known = [abs(g) for g, c in zip(grads, is_constant, strict=True)
             if g is not None and not c and math.isfinite(g)]
    biggest = max(known, default=0.0) or 1.0  # wire looks are relative to the largest |grad|
    result = []
    for name, value, grad, constant in zip(names, values, grads, is_constant, strict=True):
        if constant or grad is None or grad == 0.0 or not math.isfinite(grad):
            colour, width, opacity = (CONSTANT_WIRE if constant else IDLE_WIRE), 1.0, 0.8
        else:
            strength = math.sqrt(abs(grad) / biggest)
            colour = POSITIVE_WIRE if grad > 0 else NEGATIVE_WIRE
            width, opacity = 1.0 + 4.0 * strength, 0.45 + 0.55 * strength
        result.append(Wire(
            name=name,
            value_text="?" if value is None else fmt(value),
            grad_text="" if constant or grad is None else f"{GRAD_MARK} {fmt(grad)}",
            constant=constant, colour=colour, width=width, opacity=opacity,
            dashed=colour == NEGATIVE_WIRE, grad=None if constant else grad,
        ))
    return result


@dataclass(frozen=True)
class LegendText:
    """A text of the legend: `anchor` "start" or "middle", `y` its baseline-free centre."""

    x: float
    y: float
    text: str
    colour: str
    anchor: str = "start"


@dataclass(frozen=True)
class LegendLine:
    """A sample wire of the legend."""

    start: Point
    end: Point
    colour: str
    width: float
    dashed: bool = False


def legend(layout: CircuitLayout) -> list[LegendText | LegendLine]:
    """The legend in the band above the circuit, in grid units: a sample wire with "value" above
    and "∇ grad" below it, as every wire shows them, then the two signs' wires and the widths."""
    left, middle = layout.x_limits[0] + 0.25, layout.y_limits[0] + 0.45
    items: list[LegendText | LegendLine] = [
        LegendLine((left, middle), (left + 0.8, middle), IDLE_WIRE, 1.5),
        LegendText(left + 0.4, middle - 0.2, "value", VALUE_COLOUR, "middle"),
        LegendText(left + 0.4, middle + 0.2, f"{GRAD_MARK} grad", GRAD_COLOUR, "middle"),
    ]
    x = left + 1.1
    signs = ((POSITIVE_WIRE, False, "+ grad,"), (NEGATIVE_WIRE, True, "− grad;"))
    for colour, dashed, text in signs:
        items += [LegendLine((x, middle), (x + 0.5, middle), colour, 3.0, dashed),
                  LegendText(x + 0.6, middle, text, CONSTANT_COLOUR)]
        x += 0.6 + (len(text) + 1) * CHARACTER_COLUMNS
    items.append(LegendText(x, middle, "thicker = larger |grad|", CONSTANT_COLOUR))
    return items
