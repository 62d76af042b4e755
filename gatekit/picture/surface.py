"""A circuit's output over two of its inputs, as an SVG picture: shaded bands with contour
lines, the current point, the gradient arrow, the path of pulls and optional overlays.

Pure Python (no numpy, matplotlib or ipywidgets): the Landscape widget samples the surface once
per change of the fixed inputs (`sample_surface`) and redraws only the marks on every event.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from ..circuit import Circuit, fmt

__all__ = [
    "Surface", "sample_surface", "surface_background", "surface_svg", "contour_segments",
    "SURFACE_COLOURS",
]

Point = tuple[float, float]

# Dark blue (low) through grey to yellow (high): ordered in lightness, so it reads the same
# under every common colour vision deficiency and in greyscale (cividis-like).
SURFACE_COLOURS = ((0x2c, 0x4a, 0x7a), (0x9a, 0x9a, 0x96), (0xf2, 0xde, 0x6b))
UNDEFINED_COLOUR = "#ffffff"
MARK_COLOUR = "#c2185b"  # the point, the arrow and the path: dark magenta, contrast ≥ 4.5 on yellow
OVERLAY_COLOUR = "#000000"
CONTOUR_LEVELS = 8
FONT_FAMILY = "DejaVu Sans, Verdana, sans-serif"


@dataclass(frozen=True)
class Surface:
    """The output sampled on a grid: `values[j][i]` at (xs[i], ys[j]); None where undefined."""

    x_name: str
    y_name: str
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    values: tuple[tuple[float | None, ...], ...]

    @property
    def low(self) -> float:
        """The smallest defined value (0.0 when none is defined)."""
        return min((v for row in self.values for v in row if v is not None), default=0.0)

    @property
    def high(self) -> float:
        """The largest defined value (0.0 when none is defined)."""
        return max((v for row in self.values for v in row if v is not None), default=0.0)

    def contains(self, x: float, y: float) -> bool:
        """True when (x, y) lies inside the sampled window."""
        return self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]


def sample_surface(
    circuit: Circuit, x: str, y: str, centre: Point, half_width: float, resolution: int
) -> Surface:
    """Run the circuit at every point of a `resolution`² grid around `centre`; the other inputs
    stay at their values. Points where the circuit is undefined are None. Leaves the circuit as
    it found it."""
    start = circuit.values()
    xs = _axis(centre[0], half_width, resolution)
    ys = _axis(centre[1], half_width, resolution)
    rows = []
    try:
        for y_value in ys:
            row = []
            for x_value in xs:
                try:
                    value = circuit.forward(**{x: x_value, y: y_value})
                except (ArithmeticError, ValueError):
                    value = None
                row.append(value if value is not None and math.isfinite(value) else None)
            rows.append(tuple(row))
    finally:
        circuit.forward(**start)
    return Surface(x, y, xs, ys, tuple(rows))


def _axis(centre: float, half_width: float, count: int) -> tuple[float, ...]:
    step = 2 * half_width / (count - 1)
    return tuple(centre - half_width + k * step for k in range(count))


def contour_segments(surface: Surface, level: float) -> list[tuple[Point, Point]]:
    """Marching squares: the pieces of the line where the output equals `level`, in the
    inputs' coordinates (cells touching an undefined point are skipped)."""
    xs, ys, grid = surface.xs, surface.ys, surface.values
    segments = []
    for j in range(len(ys) - 1):
        for i in range(len(xs) - 1):
            corners = (grid[j][i], grid[j][i + 1], grid[j + 1][i + 1], grid[j + 1][i])
            if any(c is None for c in corners):
                continue
            points = [(xs[i], ys[j]), (xs[i + 1], ys[j]), (xs[i + 1], ys[j + 1]),
                      (xs[i], ys[j + 1])]
            crossings = []
            for k in range(4):
                a, b = corners[k], corners[(k + 1) % 4]
                if (a < level) != (b < level):  # type: ignore[operator]
                    t = (level - a) / (b - a)  # type: ignore[operator]
                    (x1, y1), (x2, y2) = points[k], points[(k + 1) % 4]
                    crossings.append((x1 + t * (x2 - x1), y1 + t * (y2 - y1)))
            # Two crossings make one piece; four (a saddle) make two, paired around the edges.
            segments += [(crossings[n], crossings[n + 1]) for n in range(0, len(crossings) - 1, 2)]
    return segments


def _colour(fraction: float) -> str:
    """The band colour for a value at `fraction` of the way from low to high."""
    position = min(max(fraction, 0.0), 1.0) * (len(SURFACE_COLOURS) - 1)
    k = min(int(position), len(SURFACE_COLOURS) - 2)
    t = position - k
    low, high = SURFACE_COLOURS[k], SURFACE_COLOURS[k + 1]
    return "#" + "".join(f"{round(a + t * (b - a)):02x}" for a, b in zip(low, high, strict=True))


@dataclass(frozen=True)
class Frame:
    """Where the plot sits in the picture, and how input coordinates map to pixels."""

    surface: Surface
    width: int
    height: int
    margin: int = 44

    def px(self, point: Point) -> Point:
        xs, ys = self.surface.xs, self.surface.ys
        inner_w, inner_h = self.width - 2 * self.margin, self.height - 2 * self.margin
        x = self.margin + (point[0] - xs[0]) / (xs[-1] - xs[0]) * inner_w
        y = self.height - self.margin - (point[1] - ys[0]) / (ys[-1] - ys[0]) * inner_h
        return x, y


def surface_background(surface: Surface, width: int, height: int) -> str:
    """The parts that change only with the surface: bands, contour lines, axes and legend
    (built once per sampling, reused by every event)."""
    frame = Frame(surface, width, height)
    low, high = surface.low, surface.high
    spread = (high - low) or 1.0
    parts = []
    xs, ys = surface.xs, surface.ys
    half_x, half_y = (xs[1] - xs[0]) / 2, (ys[1] - ys[0]) / 2
    for j, row in enumerate(surface.values):
        for i, value in enumerate(row):
            (x1, y1), (x2, y2) = (frame.px((xs[i] - half_x, ys[j] + half_y)),
                                  frame.px((xs[i] + half_x, ys[j] - half_y)))
            fill = UNDEFINED_COLOUR if value is None else _colour((value - low) / spread)
            parts.append(f'<rect x="{x1:.1f}" y="{y1:.1f}" width="{x2 - x1 + 0.6:.1f}" '
                         f'height="{y2 - y1 + 0.6:.1f}" fill="{fill}"/>')
    for k in range(1, CONTOUR_LEVELS):
        level = low + spread * k / CONTOUR_LEVELS
        path = " ".join(
            "M{:.1f},{:.1f}L{:.1f},{:.1f}".format(*frame.px(a), *frame.px(b))
            for a, b in contour_segments(surface, level)
        )
        if path:
            parts.append(f'<path d="{path}" fill="none" stroke="#ffffff" stroke-opacity="0.7" '
                         f'stroke-width="1"/>')
    left, top = frame.px((xs[0], ys[-1]))
    right, bottom = frame.px((xs[-1], ys[0]))
    parts.append(f'<rect x="{left:.1f}" y="{top:.1f}" width="{right - left:.1f}" '
                 f'height="{bottom - top:.1f}" fill="none" stroke="#424242"/>')
    name_x, name_y = escape(surface.x_name), escape(surface.y_name)
    parts += [
        f'<text x="{(left + right) / 2:.1f}" y="{height - 8}" text-anchor="middle">{name_x}</text>',
        f'<text x="12" y="{(top + bottom) / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 12 {(top + bottom) / 2:.1f})">{name_y}</text>',
        f'<text x="{left:.1f}" y="{bottom + 16:.1f}" text-anchor="middle">{fmt(xs[0])}</text>',
        f'<text x="{right:.1f}" y="{bottom + 16:.1f}" text-anchor="middle">{fmt(xs[-1])}</text>',
        f'<text x="{left - 6:.1f}" y="{bottom:.1f}" text-anchor="end">{fmt(ys[0])}</text>',
        f'<text x="{left - 6:.1f}" y="{top + 10:.1f}" text-anchor="end">{fmt(ys[-1])}</text>',
        f'<text x="{left:.1f}" y="{top - 10:.1f}">output from {fmt(low)} (dark) to {fmt(high)} '
        f"(light); white lines: equal output</text>",
    ]
    return "".join(parts)


def surface_svg(
    background: str,
    surface: Surface,
    width: int,
    height: int,
    point: Point,
    gradient: Point,
    path: Sequence[Point] = (),
    tries: Sequence[Point] = (),
    probes: Sequence[Point] = (),
    description: str = "",
) -> str:
    """The whole picture: the kept background, then the path, overlays, point and arrow."""
    frame = Frame(surface, width, height)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="{FONT_FAMILY}" font-size="12">',
        f"<title>{escape(description)}</title><desc>{escape(description)}</desc>",
        f'<rect width="{width}" height="{height}" fill="white"/>',
        background,
    ]
    for x, y in (frame.px(p) for p in tries):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="none" '
                     f'stroke="{OVERLAY_COLOUR}" stroke-opacity="0.6"/>')
    for x, y in (frame.px(p) for p in probes):
        parts.append(f'<path d="M{x - 4:.1f},{y:.1f}h8M{x:.1f},{y - 4:.1f}v8" '
                     f'stroke="{OVERLAY_COLOUR}" stroke-width="1.5"/>')
    if len(path) > 1:
        points = " ".join("{:.1f},{:.1f}".format(*frame.px(p)) for p in path)
        parts.append(f'<polyline points="{points}" fill="none" stroke="{MARK_COLOUR}" '
                     f'stroke-width="2" stroke-dasharray="4 2"/>')
    x, y = frame.px(point)
    parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{MARK_COLOUR}" '
                 f'stroke="white" stroke-width="1.5"/>')
    parts.append(_arrow(frame, point, gradient))
    parts.append("</svg>")
    return "".join(parts)


def _arrow(frame: Frame, point: Point, gradient: Point) -> str:
    """The gradient as an arrow from the point, a quarter of the window long whatever its size
    (its numbers are in the readout) so a tiny gradient stays visible, and never past the edge."""
    length = math.hypot(*gradient)
    if not math.isfinite(length) or length == 0.0:
        return ""
    xs, ys = frame.surface.xs, frame.surface.ys
    direction = (gradient[0] / length, gradient[1] / length)
    reach = (xs[-1] - xs[0]) / 4
    for d, p, (low, high) in zip(direction, point, ((xs[0], xs[-1]), (ys[0], ys[-1])),
                                 strict=True):
        if d:  # the arrow stops at the window's edge
            reach = min(reach, max(0.0, ((high if d > 0 else low) - p) / d))
    tip = (point[0] + direction[0] * reach, point[1] + direction[1] * reach)
    (x1, y1), (x2, y2) = frame.px(point), frame.px(tip)
    angle = math.atan2(y2 - y1, x2 - x1)
    head = [(x2 - 10 * math.cos(angle + s), y2 - 10 * math.sin(angle + s)) for s in (0.4, -0.4)]
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{MARK_COLOUR}" '
        f'stroke-width="3"/><polygon points="{x2:.1f},{y2:.1f} {head[0][0]:.1f},{head[0][1]:.1f} '
        f'{head[1][0]:.1f},{head[1][1]:.1f}" fill="{MARK_COLOUR}"/>'
    )
