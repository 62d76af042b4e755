"""The loss over two weights (3Blue1Brown's picture of learning): a training session's mean hinge
cost over two chosen parameters with every other one fixed as it is now, the model's point on
it, the downhill arrow (minus the gradient of that cost in those two parameters) and the path
the training steps took through the two.

`loss_surface` samples the cost on a grid by setting the model's parameters cell by cell (and
restoring them): it works for any `gk.ml.Trainable`. The view resamples it only when something
else changed (another parameter, after a step, or the path leaving the window); moving one of
the two weights by its slider moves the point and the arrow on the kept surface. The picture
is SVG: the surface one small PNG, the path one polyline.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..errors import RefusedValue
from ..ml import TrainingSession
from ..ml.losses import score_data
from .base import MessageLine, SvgImage, View, escape, shows_errors
from .controls import set_slider_range
from .neurons import png_data_uri
from .sliders import FloatSlider
from .theme import row

__all__ = ["LossSurfaceView", "loss_surface", "parameter_names"]

SURFACE_GRID = 20  # samples per side of the surface
PIXELS = 360  # the picture's side
PATH_SHOWN = 1000  # the latest steps drawn in the path
LOW, HIGH = np.array([255.0, 255.0, 255.0]), np.array([84.0, 39.0, 143.0])  # white to purple


def parameter_names(model: object) -> list[str]:
    """The model's parameters' names in the order of `parameters()` (an MLP's W1[0,0], …, a
    pull-trained model's a, b, c), or p0, p1, … for a model that names none."""
    if hasattr(model, "parameter_names"):
        return list(model.parameter_names())
    units = getattr(model, "units", None)
    if isinstance(units, dict):
        return list(units)
    return [f"p{k}" for k in range(len(model.parameters()))]  # type: ignore[attr-defined]


def loss_surface(session: TrainingSession, first: int, second: int,
                 xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The session's mean hinge cost on its training points with parameter `first` set to each
    of xs and `second` to each of ys, the others as now: a (len(ys), len(xs)) array. The
    model's parameters are restored afterwards."""
    model = session.model
    start = model.parameters()
    values = start.copy()
    costs = np.empty((len(ys), len(xs)))
    try:
        for row, y in enumerate(ys):
            values[second] = y
            for column, x in enumerate(xs):
                values[first] = x
                model.set_parameters(values)
                costs[row, column] = score_data(model, session.points, session.labels)[1]
    finally:
        model.set_parameters(start)
    return costs


def downhill(session: TrainingSession, first: int, second: int, h: float = 1e-4) -> np.ndarray:
    """Minus the cost's gradient in the two parameters, by central differences (the others
    fixed; the model's parameters restored afterwards)."""
    model = session.model
    start = model.parameters()
    slopes = []
    try:
        for index in (first, second):
            costs = []
            for sign in (-1.0, 1.0):
                nudged = start.copy()
                nudged[index] += sign * h
                model.set_parameters(nudged)
                costs.append(score_data(model, session.points, session.labels)[1])
            slopes.append((costs[1] - costs[0]) / (2 * h))
    finally:
        model.set_parameters(start)
    return -np.array(slopes)


def _index(names: list[str], name: str | int, what: str) -> int:
    if isinstance(name, int) and not isinstance(name, bool) and 0 <= name < len(names):
        return name
    if isinstance(name, str) and name in names:
        return names.index(name)
    shown = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
    raise RefusedValue(f"the {what} parameter must be one of the model's ({shown}) or its "
                       f"index 0 to {len(names) - 1}, not {name!r}")


class LossSurfaceView(View):
    """The training cost over two of a session's parameters (`first`, `second`: names or
    indices), with Step, Reset and a slider for each of the two.

    The point is the model now; the arrow points downhill (minus the gradient in the two);
    the line is the path of the training steps. Every other parameter is fixed as it is now,
    so the surface itself moves when a step changes them.
    """

    def __init__(self, session: TrainingSession, first: str | int = 0,
                 second: str | int = 1) -> None:
        super().__init__()
        if not isinstance(session, TrainingSession):
            raise RefusedValue(f"LossSurfaceView shows a gk.ml.TrainingSession, not "
                               f"{type(session).__name__}")
        self.session = session
        self.names = parameter_names(session.model)
        self.first = _index(self.names, first, "first")
        self.second = _index(self.names, second, "second")
        if self.first == self.second:
            raise RefusedValue(f"choose two different parameters, not {self.names[self.first]} "
                               "twice")
        self.message = MessageLine()
        self.picture = SvgImage(PIXELS + 120, PIXELS + 50)
        self.sliders = [FloatSlider(description=self.names[index], step=0.001,
                                    readout_format=".3f", continuous_update=True)
                        for index in (self.first, self.second)]
        for slider, index in zip(self.sliders, (self.first, self.second), strict=True):
            slider.observe(lambda change, index=index: self._moved(index, change["new"]),
                           "value")
        self.step_button = widgets.Button(description="Step", button_style="primary",
                                          tooltip="one training iteration")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button = widgets.Button(description="Reset",
                                           tooltip="the session's start and an empty path")
        self.reset_button.on_click(lambda _: self.reset())
        self._window = (0.0, 1.0, 0.0, 1.0)
        self._surface = ""  # the surface's <image>, kept while nothing else changed
        self._others: np.ndarray | None = None  # the other parameters it was sampled at
        self._peak = 1.0  # the cost the surface's darkest purple stands for
        self.resamples = 0  # how often the surface was sampled (for tests and the bench)
        self.children = [row([self.step_button, self.reset_button]),
                         row(self.sliders), self.picture.widget, self.message.widget]
        self._show()

    # ----- actions ---------------------------------------------------------------------------
    @shows_errors
    def step(self, iterations: int = 1) -> None:
        """Train the session and show the surface under the new parameters."""
        self.session.step(iterations)
        self._show()

    @shows_errors
    def reset(self) -> None:
        """The session's start parameters and an empty path again."""
        self.session.reset()
        self._show()

    @shows_errors
    def _moved(self, index: int, value: float) -> None:
        if self._following:
            return
        values = self.session.model.parameters()
        values[index] = value
        self.session.model.set_parameters(values)
        self._show()

    def _show_state(self) -> None:
        self._show()

    # ----- drawing ---------------------------------------------------------------------------
    def _path(self) -> np.ndarray:
        parameters = self.session.history.parameters[-PATH_SHOWN:]
        now = self.session.model.parameters()
        path = [self.session.start, *parameters] if len(parameters) < PATH_SHOWN else parameters
        return np.array([[p[self.first], p[self.second]] for p in [*path, now]])

    def _fit(self, path: np.ndarray) -> bool:
        """Keep the window while the path fits inside its middle; else a new one around it.
        True when the window changed."""
        left, right, bottom, top = self._window
        margin_x, margin_y = (right - left) * 0.1, (top - bottom) * 0.1
        low, high = path.min(axis=0), path.max(axis=0)
        if (left + margin_x <= low[0] and high[0] <= right - margin_x
                and bottom + margin_y <= low[1] and high[1] <= top - margin_y):
            return False
        centre, half = (low + high) / 2, np.maximum((high - low) / 2 * 1.5, 1.0)
        self._window = (centre[0] - half[0], centre[0] + half[0],
                        centre[1] - half[1], centre[1] + half[1])
        return True

    def _resample(self) -> None:
        left, right, bottom, top = self._window
        xs = np.linspace(left, right, SURFACE_GRID)
        ys = np.linspace(top, bottom, SURFACE_GRID)  # row 0 at the top
        costs = loss_surface(self.session, self.first, self.second, xs, ys)
        finite = costs[np.isfinite(costs)]
        peak = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
        t = np.clip(np.where(np.isfinite(costs), costs, peak) / peak, 0.0, 1.0)[..., None]
        rgb = (LOW + t * (HIGH - LOW)).round().astype(np.uint8)
        rgba = np.concatenate([rgb, np.full(costs.shape + (1,), 255, np.uint8)], axis=-1)
        self._surface = (f"<image x='60' y='10' width='{PIXELS}' height='{PIXELS}' "
                         f"preserveAspectRatio='none' style='image-rendering:pixelated' "
                         f"href='{png_data_uri(rgba)}'/>")
        self._peak = peak
        self.resamples += 1

    def _show(self) -> None:
        model = self.session.model
        values = model.parameters()
        others = np.delete(values, [self.first, self.second])
        path = self._path()
        if self._fit(path) or self._others is None or not np.array_equal(others, self._others):
            self._resample()
            self._others = others
        arrow = downhill(self.session, self.first, self.second)
        cost = score_data(model, self.session.points, self.session.labels)[1]
        self._follow_sliders(values)
        self.picture.show(self._svg(path, arrow, cost))

    def _follow_sliders(self, values: np.ndarray) -> None:
        left, right, bottom, top = self._window
        with self._following_state():
            for slider, index, (low, high) in zip(
                    self.sliders, (self.first, self.second), ((left, right), (bottom, top)),
                    strict=True):
                set_slider_range(slider, low, high)
                slider.value = float(values[index])

    def _svg(self, path: np.ndarray, arrow: np.ndarray, cost: float) -> str:
        left, right, bottom, top = self._window

        def x(value: float) -> float:
            return 60 + (value - left) / (right - left) * PIXELS

        def y(value: float) -> float:
            return 10 + (top - value) / (top - bottom) * PIXELS

        points = " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in np.clip(
            path, [left, bottom], [right, top]))
        here = path[-1]
        length = float(np.hypot(*arrow))
        scale = 0.15 * (right - left) / length if length > 0 else 0.0
        tip = here + arrow * scale
        first, second = self.names[self.first], self.names[self.second]
        steps = len(self.session.history)
        title = f"the training cost over {first} and {second}"
        description = (f"Mean hinge cost {cost:.3f} at {first} = {here[0]:.3f}, {second} = "
                       f"{here[1]:.3f} (white low, purple up to {self._peak:.3g}); the arrow "
                       f"points downhill, its slope {length:.3g}; "
                       f"the line is the path of {steps} training steps; every other "
                       "parameter fixed as it is now.")
        return (
            f"<svg xmlns='http://www.w3.org/2000/svg' width='{PIXELS + 120}' "
            f"height='{PIXELS + 50}'><title>{escape(title)}</title>"
            f"<desc>{escape(description)}</desc>{self._surface}"
            f"<rect x='60' y='10' width='{PIXELS}' height='{PIXELS}' fill='none' "
            f"stroke='#555'/>"
            f"<polyline points='{points}' fill='none' stroke='#e6550d' stroke-width='1.5'/>"
            f"<line x1='{x(here[0]):.1f}' y1='{y(here[1]):.1f}' x2='{x(tip[0]):.1f}' "
            f"y2='{y(tip[1]):.1f}' stroke='#212121' stroke-width='2.5'/>"
            f"<circle cx='{x(here[0]):.1f}' cy='{y(here[1]):.1f}' r='5' fill='#e6550d' "
            f"stroke='#212121'/>"
            f"<text x='{60 + PIXELS / 2}' y='{PIXELS + 40}' text-anchor='middle' "
            f"font-size='13'>{escape(first)}: {left:.3g} to {right:.3g}</text>"
            f"<text x='20' y='{10 + PIXELS / 2}' text-anchor='middle' font-size='13' "
            f"transform='rotate(-90 20 {10 + PIXELS / 2})'>{escape(second)}: {bottom:.3g} to "
            f"{top:.3g}</text></svg>"
        )

    def __repr__(self) -> str:
        return (f"<LossSurfaceView {self.names[self.first]}, {self.names[self.second]} of "
                f"{self.session!r}>")
