"""A circuit's output over two of its inputs, as an SVG picture: shaded bands with contour
lines, the current point, the gradient arrow, the path of pulls and optional overlays.

Pure Python (no numpy, matplotlib or ipywidgets): the Landscape widget samples the surface once
per change of the fixed inputs (`sample_surface`) and redraws only the marks on every event.

Any finite numbers draw: a window near ±1e308 keeps finite ends, outputs spanning more than the
float range are coloured and contoured through halves (so no difference overflows), and every
mark outside the window is clipped to the plot or left out.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from ..circuit import Circuit, fmt
from ..errors import blames_learner

__all__ = [
    "Surface", "sample_surface", "surface_background", "surface_svg", "contour_segments",
    "SURFACE_COLOURS", "window_half_width", "Trail",
]

Point = tuple[float, float]

# Dark blue (low) through grey to yellow (high): ordered in lightness, so it reads the same
# under every common colour vision deficiency and in greyscale (cividis-like).
SURFACE_COLOURS = ((0x2c, 0x4a, 0x7a), (0x9a, 0x9a, 0x96), (0xf2, 0xde, 0x6b))
UNDEFINED_COLOUR = "#ffffff"
MARK_COLOUR = "#c2185b"  # the point, the arrow and the path: dark magenta, contrast ≥ 4.5 on yellow
OVERLAY_COLOUR = "#000000"
CONTOUR_LEVELS = 8
# The narrowest window around a point, relative to its size and at all: narrower, neighbouring
# grid columns would be the same float (the picture would have no width to draw).
RELATIVE_NARROWEST = 1e-9
NARROWEST = 1e-300
LARGEST = sys.float_info.max
TRAIL_LENGTH = 1000  # the path of pulls shows this many latest steps
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
    stay at their values. Points where the circuit is undefined (or a learner's gate fails) are
    None. Leaves the circuit as it found it."""
    start = circuit.values()
    half_width = window_half_width(centre, half_width)
    xs = _axis(centre[0], half_width, resolution)
    ys = _axis(centre[1], half_width, resolution)
    rows = []
    try:
        for y_value in ys:
            row = []
            for x_value in xs:
                try:
                    value = circuit.forward(**{x: x_value, y: y_value})
                except Exception as error:  # undefined here, or the learner's gate fails here
                    if not (isinstance(error, ArithmeticError | ValueError)
                            or blames_learner(error)):
                        raise
                    value = None
                row.append(value if value is not None and math.isfinite(value) else None)
            rows.append(tuple(row))
    finally:
        circuit.forward(**start)
    return Surface(x, y, xs, ys, tuple(rows))


def window_half_width(centre: Point, half_width: float) -> float:
    """`half_width`, widened where it is too narrow to draw around `centre` (see NARROWEST)."""
    return max(half_width, NARROWEST, RELATIVE_NARROWEST * max(abs(centre[0]), abs(centre[1])))


def _axis(centre: float, half_width: float, count: int) -> tuple[float, ...]:
    """`count` evenly spaced numbers across the window, its ends kept inside the finite floats
    (a window near 1e308 is cut at the largest float rather than run to inf)."""
    low = max(centre - min(half_width, LARGEST), -LARGEST)
    high = min(centre + min(half_width, LARGEST), LARGEST)
    return tuple(_between(low, high, k / (count - 1)) for k in range(count))


def _between(low: float, high: float, t: float) -> float:
    """The number a fraction `t` of the way from low to high, with no overflow on the way."""
    return low * (1 - t) + high * t


def _fraction(value: float, low: float, high: float) -> float:
    """How far `value` lies from low to high (0 at low, 1 at high; 0 when low == high),
    computed on halves so that no difference overflows."""
    spread = high / 2 - low / 2
    return (value / 2 - low / 2) / spread if spread else 0.0


def contour_segments(surface: Surface, level: float) -> list[tuple[Point, Point]]:
    """Marching squares: the pieces of the line where the output equals `level`, in the
    inputs' coordinates (cells touching an undefined point are skipped)."""
    xs, ys, grid = surface.xs, surface.ys, surface.values
    segments = []
    for j in range(len(ys) - 1):
        low_row, high_row = grid[j], grid[j + 1]
        for i in range(len(xs) - 1):
            corners = (low_row[i], low_row[i + 1], high_row[i + 1], high_row[i])
            if None in corners:
                continue
            below = [c < level for c in corners]  # type: ignore[operator]
            if below[0] == below[1] == below[2] == below[3]:
                continue  # the common case: the line does not cross this cell
            points = ((xs[i], ys[j]), (xs[i + 1], ys[j]), (xs[i + 1], ys[j + 1]),
                      (xs[i], ys[j + 1]))
            crossings = []
            for k in range(4):
                if below[k] != below[(k + 1) % 4]:
                    t = _fraction(level, corners[k], corners[(k + 1) % 4])  # type: ignore[arg-type]
                    (x1, y1), (x2, y2) = points[k], points[(k + 1) % 4]
                    crossings.append((_between(x1, x2, t), _between(y1, y2, t)))
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
        """The pixel of a point inside the window."""
        xs, ys = self.surface.xs, self.surface.ys
        inner_w, inner_h = self.width - 2 * self.margin, self.height - 2 * self.margin
        x = self.margin + _fraction(point[0], xs[0], xs[-1]) * inner_w
        y = self.height - self.margin - _fraction(point[1], ys[0], ys[-1]) * inner_h
        return x, y

    def contains(self, point: Point) -> bool:
        """True when the point lies inside the window (and so inside the plot)."""
        return self.surface.contains(*point)

    def clip(self, start: Point, end: Point) -> tuple[Point, Point] | None:
        """The part of the segment inside the window, in pixels (None when none is):
        Liang-Barsky on halved coordinates, so that no difference overflows."""
        xs, ys = self.surface.xs, self.surface.ys
        (x0, y0), (x1, y1) = (start[0] / 2, start[1] / 2), (end[0] / 2, end[1] / 2)
        dx, dy = x1 - x0, y1 - y0
        t0, t1 = 0.0, 1.0
        for p, q in ((-dx, x0 - xs[0] / 2), (dx, xs[-1] / 2 - x0),
                     (-dy, y0 - ys[0] / 2), (dy, ys[-1] / 2 - y0)):
            if p == 0:
                if q < 0:
                    return None
                continue
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
        if t0 > t1:
            return None
        inside = [(2 * (x0 + t * dx), 2 * (y0 + t * dy)) for t in (t0, t1)]
        return self.px(self._into(inside[0])), self.px(self._into(inside[1]))

    def _into(self, point: Point) -> Point:
        """The point moved onto the window's edge if rounding left it a hair outside."""
        xs, ys = self.surface.xs, self.surface.ys
        return min(max(point[0], xs[0]), xs[-1]), min(max(point[1], ys[0]), ys[-1])

    def pixels_per_unit(self) -> Point:
        """How many pixels one unit of each input spans (finite for any window)."""
        xs, ys = self.surface.xs, self.surface.ys
        inner_w, inner_h = self.width - 2 * self.margin, self.height - 2 * self.margin
        return inner_w / 2 / (xs[-1] / 2 - xs[0] / 2), inner_h / 2 / (ys[-1] / 2 - ys[0] / 2)


def surface_background(surface: Surface, width: int, height: int) -> str:
    """The parts that change only with the surface: bands, contour lines, axes and legend
    (built once per sampling, reused by every event)."""
    frame = Frame(surface, width, height)
    low, high = surface.low, surface.high
    parts = []
    xs, ys = surface.xs, surface.ys
    (left, top), (right, bottom) = frame.px((xs[0], ys[-1])), frame.px((xs[-1], ys[0]))
    cell_w, cell_h = (right - left) / (len(xs) - 1), (bottom - top) / (len(ys) - 1)
    for j, row in enumerate(surface.values):
        for i, value in enumerate(row):
            x1, y1 = left + (i - 0.5) * cell_w, bottom - (j + 0.5) * cell_h
            fill = UNDEFINED_COLOUR if value is None else _colour(_fraction(value, low, high))
            parts.append(f'<rect x="{x1:.1f}" y="{y1:.1f}" width="{cell_w + 0.6:.1f}" '
                         f'height="{cell_h + 0.6:.1f}" fill="{fill}"/>')
    for k in range(1, CONTOUR_LEVELS):
        level = _between(low, high, k / CONTOUR_LEVELS)
        path = " ".join(
            "M{:.1f},{:.1f}L{:.1f},{:.1f}".format(*frame.px(a), *frame.px(b))
            for a, b in contour_segments(surface, level)
        )
        if path:
            parts.append(f'<path d="{path}" fill="none" stroke="#ffffff" stroke-opacity="0.7" '
                         f'stroke-width="1"/>')
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
    trail: str = "",
    tries: Sequence[Point] = (),
    probes: Sequence[Point] = (),
    description: str = "",
) -> str:
    """The whole picture: the kept background, then the path of pulls (`trail`, path data
    from a `Trail`), overlays, point and arrow."""
    frame = Frame(surface, width, height)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="{FONT_FAMILY}" font-size="12">',
        f"<title>{escape(description)}</title><desc>{escape(description)}</desc>",
        f'<rect width="{width}" height="{height}" fill="white"/>',
        background,
    ]
    for x, y in (frame.px(p) for p in tries if frame.contains(p)):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="none" '
                     f'stroke="{OVERLAY_COLOUR}" stroke-opacity="0.6"/>')
    for x, y in (frame.px(p) for p in probes if frame.contains(p)):
        parts.append(f'<path d="M{x - 4:.1f},{y:.1f}h8M{x:.1f},{y - 4:.1f}v8" '
                     f'stroke="{OVERLAY_COLOUR}" stroke-width="1.5"/>')
    if trail:
        parts.append(f'<path d="{trail}" fill="none" stroke="{MARK_COLOUR}" '
                     f'stroke-width="2" stroke-dasharray="4 2"/>')
    if frame.contains(point):
        x, y = frame.px(point)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{MARK_COLOUR}" '
                     f'stroke="white" stroke-width="1.5"/>')
        parts.append(_arrow(frame, point, gradient))
    parts.append("</svg>")
    return "".join(parts)


class Trail:
    """The path of pulls over one window as SVG path data, built as the path grows (an event
    adds its one step, not the whole path again): each step clipped to the window, a step that
    leaves and comes back starting a new piece, a step that stays on its pixel left out."""

    def __init__(self, surface: Surface, width: int, height: int) -> None:
        self.surface = surface
        self._frame = Frame(surface, width, height)
        self._commands: list[str] = []
        self._pen = ""  # where the last piece ended, as written ('' when it left the window)
        self._last: Point | None = None
        self.points = 0  # how many points of the path are drawn

    def extend(self, path: Sequence[Point]) -> str:
        """Draw the points of `path` not drawn yet; the path data so far. A new Trail starts
        from the path's latest TRAIL_LENGTH steps, so a new window costs the same however long
        Play has run."""
        for point in path[max(self.points, len(path) - TRAIL_LENGTH - 1):]:
            if self._last is not None:
                self._step(self._last, point)
            self._last = point
        self.points = len(path)
        return "".join(self._commands)

    def _step(self, start: Point, end: Point) -> None:
        frame, xs, ys = self._frame, self.surface.xs, self.surface.ys
        if frame.contains(start) and frame.contains(end):
            piece: tuple[Point, Point] | None = (frame.px(start), frame.px(end))
        elif ((start[0] < xs[0] and end[0] < xs[0]) or (start[0] > xs[-1] and end[0] > xs[-1])
                or (start[1] < ys[0] and end[1] < ys[0])
                or (start[1] > ys[-1] and end[1] > ys[-1])):
            piece = None  # both ends beyond the same edge
        else:
            piece = frame.clip(start, end)
        if piece is None:
            self._pen = ""
            return
        begin, finish = ("{:.1f},{:.1f}".format(*p) for p in piece)
        if self._pen != begin:
            self._commands.append(f"M{begin}")
        if finish != begin:
            self._commands.append(f"L{finish}")
        self._pen = finish if self._frame.contains(end) else ""


def _arrow(frame: Frame, point: Point, gradient: Point) -> str:
    """The gradient as an arrow from the point, a quarter of the plot long whatever its size
    (its numbers are in the readout) so a tiny gradient stays visible. Near the window's edge
    it is shortened along its direction, its head still pointing the gradient's way."""
    scale_x, scale_y = frame.pixels_per_unit()
    direction = _unit_vector(gradient[0] * scale_x, -gradient[1] * scale_y)  # pixels, y down
    if direction is None:
        return ""
    (x1, y1) = frame.px(point)
    left, top = frame.margin, frame.margin
    right, bottom = frame.width - frame.margin, frame.height - frame.margin
    reach = (right - left) / 4
    for d, p, (low, high) in zip(direction, (x1, y1), ((left, right), (top, bottom)),
                                 strict=True):
        if d:  # the arrow stops at the plot's edge
            reach = min(reach, max(0.0, ((high if d > 0 else low) - p) / d))
    x2, y2 = x1 + direction[0] * reach, y1 + direction[1] * reach
    angle = math.atan2(direction[1], direction[0])
    head = [(x2 - 10 * math.cos(angle + s), y2 - 10 * math.sin(angle + s)) for s in (0.4, -0.4)]
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{MARK_COLOUR}" '
        f'stroke-width="3"/><polygon points="{x2:.1f},{y2:.1f} {head[0][0]:.1f},{head[0][1]:.1f} '
        f'{head[1][0]:.1f},{head[1][1]:.1f}" fill="{MARK_COLOUR}"/>'
    )


def _unit_vector(x: float, y: float) -> Point | None:
    """(x, y) scaled to length 1; an infinite component counts alone, by its sign. None when
    there is no direction (zero or NaN)."""
    if math.isinf(x) or math.isinf(y):
        x, y = (math.copysign(1.0, c) if math.isinf(c) else 0.0 for c in (x, y))
    length = math.hypot(x, y)
    if not math.isfinite(length) or length == 0.0:
        return None
    return x / length, y / length
