"""Pictures as SVG text: a circuit drawn from the same layout, colours and texts as `gk.draw`
(about 3 ms at 100 gates) for the live views and the notebook repr, and a small line
plot of a history. Every text is escaped; every circuit picture is an image with a title and a
description a screen reader reads out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from ..circuit import Circuit, fmt
from ..gates import Gate
from .layout import (
    CONSTANT_COLOUR,
    DPI,
    FONT_POINTS,
    GATE_RADIUS_INCHES,
    GRAD_COLOUR,
    HIGHLIGHT_COLOUR,
    INCH_PER_COLUMN,
    INCH_PER_ROW,
    NAME_COLOUR,
    VALUE_COLOUR,
    VALUE_OFFSET_ROWS,
    CircuitLayout,
    LegendLine,
    Wire,
    layout_of,
    legend,
    wires,
)

__all__ = [
    "circuit_svg", "circuit_repr_svg", "circuit_description", "sparkline_svg",
    "REPR_MAX_GATES", "DARK_STYLE",
]

PIXELS_PER_POINT = DPI / 72
FONT_FAMILY = "DejaVu Sans, Verdana, sans-serif"
REPR_MAX_GATES = 150  # a bigger circuit shows itself as a summary (see gatekit/picture/summary)
NAMES_LISTED = 5  # inputs named in a description before "and N more"

# The dark theme's colours for the light ones a picture is drawn in: a view's <img> cannot see
# the page's CSS, so images.js marks the <svg> `gk-dark` (and sets --gk-paper, the page's
# background) when JupyterLab's theme is dark, and these rules repaint it; each text keeps
# 4.5:1 against the background. Unmarked (a notebook's repr, a file) the picture stays light.
DARK_COLOURS = {
    "white": "var(--gk-paper, #111111)",
    NAME_COLOUR: "#dedede",
    VALUE_COLOUR: "#4fd1b5",
    GRAD_COLOUR: "#ff9b5e",
    CONSTANT_COLOUR: "#a3a3a3",
    "#e0e0e0": "#424242",  # a sparkline's frame
}
# A value's or grad's number drawn over a ring of the background's colour: a wire that passes
# behind it never runs through its digits.
HALO = ' class="gk-halo" stroke="white" stroke-width="3" paint-order="stroke"'
DARK_STYLE = "<style>" + "".join(
    f'.gk-dark [{paint}="{light}"]:not(.gk-lit){{{paint}:{dark}}}'
    for light, dark in DARK_COLOURS.items() for paint in ("fill", "stroke")
    if not (light == "white" and paint == "stroke")  # white strokes outline marks on colour
) + (".gk-dark text:not([fill]){fill:#dedede}"
     ".gk-dark .gk-halo{stroke:var(--gk-paper, #111111)}</style>")


def circuit_svg(
    circuit: Circuit,
    layout: CircuitLayout,
    shown: Sequence[Wire],
    highlight_gate: int | None = None,
    highlight_unit: int | None = None,
    description: str | None = None,
) -> str:
    """The circuit as an SVG image: `shown` gives each unit's texts and look (see
    `layout.wires`); the highlighted gate and unit get a yellow mark. `description` is the text
    a screen reader reads (by default `circuit_description`)."""
    if description is None:
        description = circuit_description(circuit, shown)
    title = f"Circuit computing {circuit.name_of(circuit.output)}"
    return render(circuit.gates, layout, shown, title, description, highlight_gate,
                  highlight_unit)


def circuit_description(circuit: Circuit, shown: Sequence[Wire] | None = None) -> str:
    """One sentence of what the picture shows, e.g. "f = 0.8808, computed by 5 gates from a, b,
    c, x, y; the largest gradient is on b, 0.315." (from `shown` when given, as a view that
    hides some numbers draws them; else from the circuit, looking at its inputs only)."""
    inputs: list[tuple[str, float | None]]
    if shown is None:
        output_text = fmt(circuit.output.value)
        inputs = [(name, unit.grad) for name, unit in circuit.inputs.items()]
    else:
        output_text = shown[-1].value_text
        inputs = [(wire.name, wire.grad) for unit, wire in zip(circuit.units, shown, strict=True)
                  if unit.gate is None and not wire.constant]
    n = len(circuit.gates)
    names = ", ".join(name for name, _ in inputs[:NAMES_LISTED])
    if len(inputs) > NAMES_LISTED:
        names += f" and {len(inputs) - NAMES_LISTED:,} more"
    text = f"{circuit.name_of(circuit.output)} = {output_text}"
    if n == 0:
        text = text + ", an input with no gates" if inputs else f"the constant {output_text}"
    else:
        text += f", computed by {n:,} gate{'s' if n != 1 else ''}"
        text += f" from {names}" if inputs else " from constants only"
    known = [(abs(grad), name, grad) for name, grad in inputs
             if grad is not None and math.isfinite(grad)]
    unknown = sum(grad is None for _, grad in inputs)
    if unknown:
        text += f"; {unknown} of {len(inputs)} input gradients not known yet"
    if len(known) + unknown < len(inputs):
        text += f"; {len(inputs) - len(known) - unknown} not finite"
    if known and max(known)[0] > 0:
        _, name, grad = max(known, key=lambda entry: entry[0])
        which = "the largest gradient" if len(known) == len(inputs) else "of the rest the largest"
        text += f"; {which} is on {name}, {fmt(grad)}"
    elif known and len(known) == len(inputs):
        text += "; every input's gradient is 0"
    return text + "."


def circuit_repr_svg(circuit: Circuit) -> str:
    """The circuit as a notebook shows it: the whole picture up to `REPR_MAX_GATES` gates, past
    that a summary of bounded size that says how to draw it all."""
    if len(circuit.gates) <= REPR_MAX_GATES:
        return circuit_svg(circuit, layout_of(circuit), wires(circuit))
    from .summary import summary_svg

    return summary_svg(circuit)


def render(
    gates: Sequence[Gate],
    layout: CircuitLayout,
    shown: Sequence[Wire],
    title: str,
    description: str,
    highlight_gate: int | None = None,
    highlight_unit: int | None = None,
    notes: Sequence[str] = (),
    cut: frozenset[int] = frozenset(),
) -> str:
    """The SVG of `gates` placed by `layout`, their units looking as `shown`, with `notes` as
    lines of text above the legend and a "⋯" left of each unit in `cut` (made by gates not
    drawn)."""
    (left, _), (top, _) = layout.x_limits, layout.y_limits
    x_scale = INCH_PER_COLUMN * layout.scale * DPI
    y_scale = INCH_PER_ROW * layout.scale * DPI
    font = layout.font_points() * PIXELS_PER_POINT
    note_height = 1.6 * FONT_POINTS * PIXELS_PER_POINT

    def px(point: tuple[float, float]) -> tuple[float, float]:
        return (point[0] - left) * x_scale, (point[1] - top) * y_scale + len(notes) * note_height

    width, height = layout.size_pixels
    height += round(len(notes) * note_height)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT_FAMILY}" font-size="{font:.1f}" '
        f'text-anchor="middle"><title>{escape(title)}</title><desc>{escape(description)}</desc>'
        f"{DARK_STYLE}",
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    parts += [
        f'<text x="6" y="{(k + 1) * note_height - 0.4 * note_height:.1f}" text-anchor="start" '
        f'font-size="{FONT_POINTS * PIXELS_PER_POINT:.1f}" fill="{NAME_COLOUR}">'
        f"{escape(note)}</text>"
        for k, note in enumerate(notes)
    ]
    for item in legend(layout):
        if isinstance(item, LegendLine):
            parts.append(_line(px(item.start), px(item.end), item.colour, 1.0,
                               item.width * layout.scale * PIXELS_PER_POINT, item.dashed))
        else:
            x, y = px((item.x, item.y))
            parts.append(f'<text x="{x:.1f}" y="{y + 0.35 * font:.1f}" text-anchor="{item.anchor}"'
                         f' fill="{item.colour}">{escape(item.text)}</text>')
    for unit, start, end in layout.segments:
        wire = shown[unit]
        parts.append(_line(px(start), px(end), wire.colour, wire.opacity,
                           wire.width * layout.scale * PIXELS_PER_POINT, wire.dashed))
    radius = GATE_RADIUS_INCHES * layout.scale * DPI
    for j, (gate, centre) in enumerate(zip(gates, layout.gates, strict=True)):
        x, y = px(centre)
        lit = j == highlight_gate
        ink = f' fill="{NAME_COLOUR}" class="gk-lit"' if lit else ""  # dark on yellow, always
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" '
            f'fill="{HIGHLIGHT_COLOUR if lit else "white"}" stroke="{NAME_COLOUR}" '
            f'stroke-width="{3 if lit else 1.6}"/>'
            f'<text x="{x:.1f}" y="{y + 0.45 * font:.1f}" font-size="{1.25 * font:.1f}"'
            f"{ink}>"
            f"{escape(gate.symbol)}</text>"
        )
    offset = VALUE_OFFSET_ROWS * y_scale
    for i, (wire, point) in enumerate(zip(shown, layout.units, strict=True)):
        x, y = px(point)
        if wire.constant:
            parts.append(_label(x, y, wire.value_text, font * 0.9, CONSTANT_COLOUR, "white"))
            continue
        if i in cut:
            parts.append(f'<text x="{x - 0.45 * x_scale:.1f}" y="{y + 0.35 * font:.1f}" '
                         f'fill="{NAME_COLOUR}">⋯</text>')
        box = HIGHLIGHT_COLOUR if i == highlight_unit else "white"
        parts.append(_label(x, y, wire.name, font, NAME_COLOUR, box, bold=True))
        parts.append(f'<text x="{x:.1f}" y="{y - offset:.1f}" fill="{VALUE_COLOUR}"{HALO}>'
                     f"{escape(wire.value_text)}</text>")
        parts.append(f'<text x="{x:.1f}" y="{y + offset + 0.8 * font:.1f}" fill="{GRAD_COLOUR}"'
                     f"{HALO}>"
                     f"{escape(wire.grad_text)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _line(start: tuple[float, float], end: tuple[float, float], colour: str, opacity: float,
          width: float, dashed: bool) -> str:
    """A wire piece; a dashed one for a negative grad, its dashes as long as the wire is wide."""
    dashes = f' stroke-dasharray="{2 * width + 2:.1f} {width + 2:.1f}"' if dashed else ""
    return (
        f'<line x1="{start[0]:.1f}" y1="{start[1]:.1f}" x2="{end[0]:.1f}" y2="{end[1]:.1f}" '
        f'stroke="{colour}" stroke-opacity="{opacity:.2f}" stroke-width="{width:.1f}" '
        f'stroke-linecap="butt"{dashes}/>'
    )


def _label(x: float, y: float, text: str, font: float, colour: str, box: str,
           bold: bool = False) -> str:
    """Text centred on (x, y) over a rounded box that hides the wire behind it."""
    half_width, half_height = 0.32 * font * len(text) + 3, 0.62 * font
    weight = ' font-weight="bold"' if bold else ""
    weight += ' class="gk-lit"' if box == HIGHLIGHT_COLOUR else ""  # dark ink on yellow, always
    return (
        f'<rect x="{x - half_width:.1f}" y="{y - half_height:.1f}" width="{2 * half_width:.1f}" '
        f'height="{2 * half_height:.1f}" rx="3" fill="{box}"/>'
        f'<text x="{x:.1f}" y="{y + 0.35 * font:.1f}" fill="{colour}"{weight}>'
        f"{escape(text)}</text>"
    )


def sparkline_svg(history: Sequence[float], width: int, height: int) -> str:
    """The output's history as a small line plot, its range written in a gutter on the left.
    Points that are not finite (inf, NaN) are left out of the line and counted in the gutter."""
    margin, gutter, font = 6.0, 64.0, FONT_POINTS * PIXELS_PER_POINT * 0.9
    finite = [(k, v) for k, v in enumerate(history) if math.isfinite(v)]
    left_out = len(history) - len(finite)
    values = [v for _, v in finite]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)
    count = len(history)
    summary = f"{count} value{'' if count == 1 else 's'}"
    summary += f", {left_out} not finite" if left_out else ""
    summary += f", from {fmt(low)} to {fmt(high)}" if values else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT_FAMILY}" font-size="{font:.1f}">'
        f"<title>History of the output: {escape(summary)}</title>{DARK_STYLE}",
        f'<rect width="{width}" height="{height}" fill="white" stroke="#e0e0e0"/>',
    ]
    if finite:
        spread = (high - low) or 1.0
        step = (width - gutter - margin) / max(1, count - 1)
        scale = (height - 2 * margin) / spread
        points = [(gutter + k * step, height - margin - (v - low) * scale) for k, v in finite]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        last_x, last_y = points[-1]
        parts += [
            f'<polyline points="{path}" fill="none" stroke="{VALUE_COLOUR}" stroke-width="1.8"/>',
            f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="3" fill="{VALUE_COLOUR}"/>',
            f'<text x="{margin}" y="{margin + font:.1f}" fill="{CONSTANT_COLOUR}">'
            f"max {high:.4g}</text>",
            f'<text x="{margin}" y="{height - margin:.1f}" fill="{CONSTANT_COLOUR}">'
            f"min {low:.4g}</text>",
        ]
    if left_out:
        parts.append(f'<text x="{margin}" y="{height / 2 + font / 2:.1f}" fill="{GRAD_COLOUR}">'
                     f"{left_out} inf/NaN</text>")
    parts.append("</svg>")
    return "".join(parts)
