"""`gk.draw`: a circuit as a matplotlib figure, for print and papers: its networkx graph drawn
by networkx's drawing functions at the positions, colours and texts of the SVG views
(gatekit/picture).

Every wire shows its Unit's name, its value above and its grad (marked ∇) below; the wire's
width and strength grow with |grad|, its colour and dashes give the sign.
"""

from __future__ import annotations

from functools import partial

import networkx as nx
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba

from .circuit import Circuit
from .picture.layout import (
    CONSTANT_COLOUR,
    DPI,
    GATE_RADIUS_INCHES,
    GRAD_COLOUR,
    NAME_COLOUR,
    VALUE_COLOUR,
    VALUE_OFFSET_ROWS,
    CircuitLayout,
    LegendLine,
    layout_of,
    legend,
    wires,
)

__all__ = ["draw", "MAX_FIGURE_INCHES"]

MAX_FIGURE_INCHES = 40.0  # a new figure's largest side: 4,000 pixels, about 64 MB of canvas


def draw(circuit: Circuit, ax: Axes | None = None) -> Axes:
    """Draw the circuit with values and grads on every wire; a new pyplot figure when no ax.

    Names are drawn literally (a `$` is a dollar sign, not mathtext). A huge circuit's new
    figure is shrunk to at most `MAX_FIGURE_INCHES` a side, so its memory stays bounded.
    """
    layout = layout_of(circuit)
    fit = 1.0
    if ax is None:
        import matplotlib.pyplot as plt

        width, height = layout.size_inches
        fit = min(1.0, MAX_FIGURE_INCHES / width, MAX_FIGURE_INCHES / height)
        ax = plt.figure(figsize=(width * fit, height * fit), dpi=DPI).add_axes((0, 0, 1, 1))
    _draw_on(ax, circuit, layout, fit)
    return ax


def _draw_on(ax: Axes, circuit: Circuit, layout: CircuitLayout, fit: float) -> None:
    """The circuit's networkx graph drawn on `ax` by networkx's drawing functions at the
    layout's positions (grid units, y pointing down), then the legend; `fit` shrinks every
    font and line with the figure."""
    graph, shown, at = circuit.to_networkx(), wires(circuit), layout.positions
    scale, font = layout.scale * fit, layout.font_points() * fit
    looks = [shown[unit] for unit, _, _ in layout.segments]
    nx.draw_networkx_edges(
        graph, at, edgelist=list(layout.edges), arrows=False, ax=ax,
        edge_color=[to_rgba(w.colour, w.opacity) for w in looks],
        width=[w.width * scale for w in looks], style=["--" if w.dashed else "-" for w in looks],
    )
    gates = [("gate", j) for j in range(len(layout.gates))]
    circles = nx.draw_networkx_nodes(graph, at, nodelist=gates, ax=ax, node_color="white",
                                     node_size=(2 * GATE_RADIUS_INCHES * 72 * scale) ** 2,
                                     edgecolors=NAME_COLOUR, linewidths=1.2 * fit)
    circles.set_zorder(2)  # over the wires
    labels = partial(_literal_labels, graph, ax=ax, font_size=font)
    labels(at, {node: graph.nodes[node]["label"] for node in gates}, font_size=font * 1.25)
    units = [(("unit", i), wire) for i, wire in enumerate(shown)]
    wired = [(node, wire) for node, wire in units if not wire.constant]
    labels(at, {node: wire.value_text if wire.constant else wire.name for node, wire in units},
           font_size={node: font * (0.9 if wire.constant else 1.0) for node, wire in units},
           font_color={node: CONSTANT_COLOUR if wire.constant else NAME_COLOUR
                       for node, wire in units},
           font_weight={node: "normal" if wire.constant else "bold" for node, wire in units},
           bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"})
    for shift, colour, text, align in ((-VALUE_OFFSET_ROWS, VALUE_COLOUR, "value_text", "bottom"),
                                       (VALUE_OFFSET_ROWS, GRAD_COLOUR, "grad_text", "top")):
        labels({node: (at[node][0], at[node][1] + shift) for node, _ in wired},
               {node: getattr(wire, text) for node, wire in wired},
               font_color=colour, verticalalignment=align)
    _draw_legend(ax, layout, scale, font)
    left, right = layout.x_limits
    top, bottom = layout.y_limits
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    ax.set_axis_off()


def _literal_labels(graph: nx.DiGraph, at: dict, labels: dict, **style: object) -> None:
    """networkx's node labels, drawn as written: a `$` in a name is a dollar sign, never
    mathtext or TeX."""
    for text in nx.draw_networkx_labels(graph, at, labels, **style).values():
        text.set_parse_math(False)
        text.set_usetex(False)


def _draw_legend(ax: Axes, layout: CircuitLayout, scale: float, font: float) -> None:
    """The legend above the circuit, as the SVG pictures draw it."""
    for item in legend(layout):
        if isinstance(item, LegendLine):
            (x1, y1), (x2, y2) = item.start, item.end
            ax.plot([x1, x2], [y1, y2], color=item.colour, linewidth=item.width * scale,
                    linestyle="--" if item.dashed else "-", solid_capstyle="butt")
        else:
            ax.text(item.x, item.y, item.text, ha="left" if item.anchor == "start" else "center",
                    va="center", fontsize=font, color=item.colour, zorder=3, usetex=False,
                    parse_math=False)
