"""`gk.draw`: a circuit as a matplotlib figure, for print and papers, drawn from the same layout,
colours and texts as the SVG views (gatekit/picture).

Every wire shows its Unit's name, its value above and its grad (marked ∇) below; the wire's
width and strength grow with |grad|, its colour and dashes give the sign.
"""

from __future__ import annotations

from functools import partial

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
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
    """Wires, gates, texts and legend of the circuit on `ax`, in grid units with y pointing
    down; `fit` shrinks every font and line with the figure."""
    shown = wires(circuit)
    scale = layout.scale * fit
    font = layout.font_points() * fit
    pieces = [(start, end) for _, start, end in layout.segments]
    looks = [shown[unit] for unit, _, _ in layout.segments]
    ax.add_collection(LineCollection(
        pieces, colors=[to_rgba(w.colour, w.opacity) for w in looks],
        linewidths=[w.width * scale for w in looks], zorder=1,
        linestyles=["--" if w.dashed else "-" for w in looks],
    ))
    if layout.gates:
        diameter = 2 * GATE_RADIUS_INCHES * 72 * scale
        xs, ys = zip(*layout.gates, strict=True)
        ax.scatter(xs, ys, s=diameter**2, facecolors="white", edgecolors=NAME_COLOUR,
                   linewidths=1.2 * fit, zorder=2)
    text = partial(ax.text, ha="center", va="center", fontsize=font, zorder=3, usetex=False,
                   parse_math=False)
    for gate, (x, y) in zip(circuit.gates, layout.gates, strict=True):
        text(x, y, gate.symbol, fontsize=font * 1.25)
    label_box = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"}
    for wire, (x, y) in zip(shown, layout.units, strict=True):
        if wire.constant:
            text(x, y, wire.value_text, fontsize=font * 0.9, color=CONSTANT_COLOUR, bbox=label_box)
            continue
        text(x, y, wire.name, color=NAME_COLOUR, fontweight="bold", bbox=label_box)
        text(x, y - VALUE_OFFSET_ROWS, wire.value_text, va="bottom", color=VALUE_COLOUR)
        text(x, y + VALUE_OFFSET_ROWS, wire.grad_text, va="top", color=GRAD_COLOUR)
    for item in legend(layout):
        if isinstance(item, LegendLine):
            (x1, y1), (x2, y2) = item.start, item.end
            ax.plot([x1, x2], [y1, y2], color=item.colour, linewidth=item.width * scale,
                    linestyle="--" if item.dashed else "-", solid_capstyle="butt")
        else:
            text(item.x, item.y, item.text, ha="left" if item.anchor == "start" else "center",
                 color=item.colour)
    left, right = layout.x_limits
    top, bottom = layout.y_limits
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    ax.set_axis_off()
