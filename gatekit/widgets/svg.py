"""The live view's pictures as SVG text: the circuit drawn from the same layout, colours and
texts as `gk.draw` (about a millisecond even at 100 gates), and a small line plot."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ..circuit import Circuit
from ..drawing import (
    CONSTANT_COLOUR,
    DPI,
    FONT_POINTS,
    GATE_RADIUS_INCHES,
    GRAD_COLOUR,
    HIGHLIGHT_COLOUR,
    INCH_PER_COLUMN,
    INCH_PER_ROW,
    LEGEND,
    NAME_COLOUR,
    VALUE_COLOUR,
    VALUE_OFFSET_ROWS,
    CircuitLayout,
    Wire,
)

__all__ = ["circuit_svg", "sparkline_svg"]

PIXELS_PER_POINT = DPI / 72
FONT_FAMILY = "DejaVu Sans, Verdana, sans-serif"


def circuit_svg(
    circuit: Circuit,
    layout: CircuitLayout,
    shown: Sequence[Wire],
    highlight_gate: int | None = None,
    highlight_unit: int | None = None,
) -> str:
    """The circuit as an SVG document: `shown` gives each unit's texts and look (see
    `drawing.wires`); the highlighted gate and unit get a yellow mark."""
    (left, _), (top, _) = layout.x_limits, layout.y_limits
    x_scale = INCH_PER_COLUMN * layout.scale * DPI
    y_scale = INCH_PER_ROW * layout.scale * DPI
    font = layout.font_points() * PIXELS_PER_POINT

    def px(point: tuple[float, float]) -> tuple[float, float]:
        return (point[0] - left) * x_scale, (point[1] - top) * y_scale

    width, height = layout.size_pixels
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT_FAMILY}" font-size="{font:.1f}" '
        f'text-anchor="middle">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{0.1 * x_scale:.1f}" y="{0.1 * y_scale + font:.1f}" text-anchor="start" '
        f'font-size="{0.85 * font:.1f}" fill="{CONSTANT_COLOUR}">{escape(LEGEND)}</text>',
    ]
    for unit, start, end in layout.segments:
        (x1, y1), (x2, y2), wire = px(start), px(end), shown[unit]
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{wire.colour}" stroke-opacity="{wire.opacity:.2f}" '
            f'stroke-width="{wire.width * layout.scale * PIXELS_PER_POINT:.1f}" '
            f'stroke-linecap="round"/>'
        )
    radius = GATE_RADIUS_INCHES * layout.scale * DPI
    for j, (gate, centre) in enumerate(zip(circuit.gates, layout.gates, strict=True)):
        x, y = px(centre)
        lit = j == highlight_gate
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" '
            f'fill="{HIGHLIGHT_COLOUR if lit else "white"}" stroke="{NAME_COLOUR}" '
            f'stroke-width="{3 if lit else 1.6}"/>'
            f'<text x="{x:.1f}" y="{y + 0.45 * font:.1f}" font-size="{1.25 * font:.1f}">'
            f"{escape(gate.symbol)}</text>"
        )
    offset = VALUE_OFFSET_ROWS * y_scale
    for i, (wire, point) in enumerate(zip(shown, layout.units, strict=True)):
        x, y = px(point)
        if wire.constant:
            parts.append(_label(x, y, wire.value_text, font * 0.9, CONSTANT_COLOUR, "white"))
            continue
        box = HIGHLIGHT_COLOUR if i == highlight_unit else "white"
        parts.append(_label(x, y, wire.name, font, NAME_COLOUR, box, bold=True))
        parts.append(f'<text x="{x:.1f}" y="{y - offset:.1f}" fill="{VALUE_COLOUR}">'
                     f"{escape(wire.value_text)}</text>")
        parts.append(f'<text x="{x:.1f}" y="{y + offset + 0.8 * font:.1f}" fill="{GRAD_COLOUR}">'
                     f"{escape(wire.grad_text)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _label(x: float, y: float, text: str, font: float, colour: str, box: str,
           bold: bool = False) -> str:
    """Text centred on (x, y) over a rounded box that hides the wire behind it."""
    half_width, half_height = 0.32 * font * len(text) + 3, 0.62 * font
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<rect x="{x - half_width:.1f}" y="{y - half_height:.1f}" width="{2 * half_width:.1f}" '
        f'height="{2 * half_height:.1f}" rx="3" fill="{box}"/>'
        f'<text x="{x:.1f}" y="{y + 0.35 * font:.1f}" fill="{colour}"{weight}>'
        f"{escape(text)}</text>"
    )


def sparkline_svg(history: Sequence[float], width: int, height: int) -> str:
    """The output's history as a small line plot, its range written in a gutter on the left."""
    margin, gutter, font = 6.0, 64.0, FONT_POINTS * PIXELS_PER_POINT * 0.9
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT_FAMILY}" font-size="{font:.1f}">',
        f'<rect width="{width}" height="{height}" fill="white" stroke="#e0e0e0"/>',
    ]
    if history:
        low, high = min(history), max(history)
        spread = (high - low) or 1.0
        step = (width - gutter - margin) / max(1, len(history) - 1)
        points = [
            (gutter + k * step, height - margin - (v - low) / spread * (height - 2 * margin))
            for k, v in enumerate(history)
        ]
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
    parts.append("</svg>")
    return "".join(parts)
