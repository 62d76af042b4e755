"""The training explorer: watch a model's decision boundary move while it learns, one pull at
a time. State lives in the model and the data set; the widget steps them and renders.

The plane is a fixed-extent image of the model's scores on a 100×100 grid, coloured in four
bands (below -1, -1…0, 0…1, above 1), so the boundary (score 0) and both margins (±1) show
as a filled contour whose pixels are simply replaced every frame. Every other artist (points,
the highlighted point, the accuracy and loss curves) is updated in place too.

The circuit drawing (`gk.draw`) shows the latest step's values and grads; it is redrawn on
Step and when Play pauses, not during Play, where it would cost more than the frame itself.

Speed: axes, ticks and labels are drawn once into a kept background (again only when a limit
changes: the curves' axes grow by doubling); a frame restores it, draws the moving artists on
top (matplotlib's blitting, on the Agg buffer) and encodes the PNG with light compression.

Adding points: ipywidgets 8's Image sends no click coordinates, so the widget has x/y boxes and
an "Add point" button (twin: `add_point(x, y, label)`). With the optional `ipyevents` package a
click can do the same: its Event on `explorer.figure.image` reports `dataX`/`dataY`, the pixel
in the PNG, which `add_point_at_pixel` turns into plane coordinates::

    from ipyevents import Event
    clicks = Event(source=explorer.figure.image, watched_events=["click"])
    clicks.on_dom_event(lambda event: explorer.add_point_at_pixel(event["dataX"], event["dataY"]))
"""

from __future__ import annotations

import io
import math
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import BoundaryNorm, ListedColormap
from PIL import Image

from ..datasets import check_data
from ..drawing import DPI, draw, layout_of
from ..gates import check_number
from ..ml import History, StepResult, Trainable, measure
from .base import FigureImage, MessageLine, shows_errors

__all__ = ["TrainingExplorer"]

GRID_SIZE = 100  # the score image is GRID_SIZE × GRID_SIZE pixels of the plane
PLAY_INTERVAL_MS = 60  # about 16 frames a second when a frame takes less than this
POSITIVE_COLOUR, NEGATIVE_COLOUR = "#d62728", "#1f77b4"
# Score bands: below -1, -1 to 0, 0 to 1, above 1 (the margins are the band edges at ±1).
BAND_COLOURS = ListedColormap(["#9fc3e6", "#d9e7f5", "#f9dcdc", "#f1a9a9"])
BAND_NORM = BoundaryNorm([-1e300, -1.0, 0.0, 1.0, 1e300], BAND_COLOURS.N)
PULL_COLOURS = {1.0: "#e6550d", -1.0: "#3182bd", 0.0: "#636363"}


def plane_extent(points: np.ndarray) -> tuple[float, float, float, float]:
    """(left, right, bottom, top) around the points with a margin, never narrower than 2."""
    low, high = points.min(axis=0), points.max(axis=0)
    centre, half = (low + high) / 2, np.maximum((high - low) / 2, 1.0) * 1.25 + 0.25
    return (centre[0] - half[0], centre[0] + half[0], centre[1] - half[1], centre[1] + half[1])


def _loss_axis_top(losses: list[float], current_top: float) -> float:
    """The loss axis's top: kept while the curve fits, else half as high again as its peak
    (so the axis, and the drawn background, change rarely); reset to 1 for an empty history."""
    if not losses:
        return 1.0
    peak = max(losses)
    return current_top if peak <= current_top else 1.5 * peak


class TrainingExplorer(widgets.VBox):
    """Train a model on 2-D points live: Play / Step / Reset, step size, regularization,
    iterations per frame, the boundary and margins, accuracy and loss, and the circuit."""

    def __init__(
        self,
        model: Trainable,
        points: object,
        labels: object,
        step_size: float = 0.01,
        regularization: float = 1.0,
        iterations_per_frame: int = 1,
        seed: int = 0,
    ) -> None:
        super().__init__()
        if not isinstance(model, Trainable):
            raise TypeError(
                f"{type(model).__name__} is not trainable here: it needs scores, train_step, "
                "parameters, set_parameters and drawable_circuit (see gatekit.ml.Trainable)"
            )
        self.model = model
        self.points, self.labels = check_data(points, labels)
        self.seed = seed
        self.start = model.parameters()  # what Reset restores
        self.rng = np.random.default_rng(seed)
        self.history = History()
        self.message = MessageLine()

        self.step_size = widgets.FloatLogSlider(
            value=step_size, base=10, min=-4, max=0, step=0.05, description="step size",
            readout_format=".4f",
        )
        self.regularization = widgets.FloatSlider(
            value=regularization, min=0.0, max=max(2.0, regularization), step=0.01,
            description="regularization", readout_format=".2f",
            style={"description_width": "initial"},
        )
        self.iterations_per_frame = widgets.IntSlider(
            value=iterations_per_frame, min=1, max=50, description="per frame",
            tooltip="iterations per Step or Play frame",
        )
        self.play = widgets.Play(value=0, min=0, max=10**9, step=1, interval=PLAY_INTERVAL_MS,
                                 show_repeat=False, description="train")
        self.play.observe(self._on_play_tick, names="value")
        self.play.observe(self._on_play_toggle, names="playing")
        self.step_button = widgets.Button(description="Step", button_style="primary",
                                          tooltip="train for one frame's iterations")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button = widgets.Button(description="Reset",
                                           tooltip="the starting parameters, an empty history")
        self.reset_button.on_click(lambda _: self.reset())
        self.new_label = widgets.ToggleButtons(options=[("+1", 1), ("-1", -1)], value=1,
                                               description="new point",
                                               style={"button_width": "3em"})
        self.new_x = widgets.FloatText(value=0.0, description="x", layout={"width": "9em"})
        self.new_y = widgets.FloatText(value=0.0, description="y", layout={"width": "9em"})
        self.add_button = widgets.Button(description="Add point",
                                         tooltip="add (x, y) with the chosen label")
        self.add_button.on_click(lambda _: self.add_point(self.new_x.value, self.new_y.value))
        self.status = widgets.HTML()

        self.figure = FigureImage(9.0, 3.4, dpi=80)
        self._canvas = FigureCanvasAgg(self.figure.figure)
        self._background: Any = None  # the static part of the figure, as drawn last time
        self._background_limits: tuple = ()
        self.circuit_figure = FigureImage(9.0, 3.0, dpi=DPI)  # resized to each circuit
        self.circuit_figure.image.layout.max_width = "100%"
        self._build_artists()
        self.children = [
            widgets.HBox([self.play, self.step_button, self.reset_button,
                          self.iterations_per_frame]),
            widgets.HBox([self.step_size, self.regularization]),
            self.figure.image,
            self.status,
            widgets.HBox([self.new_label, self.new_x, self.new_y, self.add_button]),
            self.circuit_figure.image,
            self.message.widget,
        ]
        self._show(with_circuit=True)

    # ----- what the buttons do (method twins) ---------------------------------------------
    @shows_errors
    def step(self, iterations: int | None = None) -> StepResult | None:
        """Train for `iterations` (default: the per-frame slider) and redraw; return the last
        step's result (which points, which pulls, the loss it measured)."""
        try:
            self._train(iterations)
        finally:  # what was trained before an error (such as divergence) is shown too
            self._show(with_circuit=True)
        return self.last_step

    @shows_errors
    def reset(self) -> None:
        """Restore the starting parameters, the seeded picking order and an empty history
        (points added since stay, so the same start can be tried on the changed data)."""
        self.play.playing = False
        self.model.set_parameters(self.start)
        self.rng = np.random.default_rng(self.seed)
        self.history = History()
        self._show(with_circuit=True)

    @shows_errors
    def add_point(self, x: float, y: float, label: int | None = None) -> None:
        """Add a point to the data set (label: the toggle's when None) and redraw."""
        label = self.new_label.value if label is None else label
        point = [check_number(x, "x"), check_number(y, "y")]
        self.points, self.labels = check_data(
            np.vstack([self.points, point]), np.append(self.labels, label)
        )
        self._fit_plane()
        self._show(with_circuit=False)

    @shows_errors
    def add_point_at_pixel(self, column: float, row: float, label: int | None = None) -> None:
        """Add a point where a pixel of the rendered PNG lies (row 0 at the top), as a click
        handler would: the pixel must fall inside the plane."""
        x, y = self._plane_coordinates(check_number(column, "column"), check_number(row, "row"))
        self.add_point(x, y, label)

    @property
    def last_step(self) -> StepResult | None:
        """The latest training step, or None before the first."""
        return self.history.steps[-1] if self.history.steps else None

    # ----- training ------------------------------------------------------------------------
    def _train(self, iterations: int | None) -> None:
        count = self.iterations_per_frame.value if iterations is None else iterations
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"iterations must be a whole number >= 1, not {count!r}")
        for _ in range(count):
            result = self.model.train_step(self.points, self.labels, self.step_size.value,
                                           self.regularization.value, self.rng)
            self.history.record(self.model, self.points, self.labels, result)

    @shows_errors
    def _on_play_tick(self, change: dict[str, Any]) -> None:
        if not self.play.playing:
            return
        try:
            self._train(None)
        except Exception:
            self.play.playing = False  # one error, not one per tick
            raise
        self._show(with_circuit=False)

    @shows_errors
    def _on_play_toggle(self, change: dict[str, Any]) -> None:
        if not change["new"]:
            self._show(with_circuit=True)

    # ----- drawing -------------------------------------------------------------------------
    def _build_artists(self) -> None:
        figure = self.figure.figure
        self.plane = figure.add_axes((0.06, 0.12, 0.42, 0.82))
        self.accuracy_axes = figure.add_axes((0.58, 0.58, 0.40, 0.36))
        self.loss_axes = figure.add_axes((0.58, 0.12, 0.40, 0.36), sharex=self.accuracy_axes)
        self._scores_image = self.plane.imshow(
            np.zeros((GRID_SIZE, GRID_SIZE)), origin="lower", cmap=BAND_COLOURS, norm=BAND_NORM,
            interpolation="nearest", aspect="auto",
        )
        self._dots = self.plane.scatter([], [], s=36, edgecolors="white", linewidths=0.8, zorder=3)
        self._current = self.plane.scatter([], [], s=170, facecolors="none", linewidths=2.2,
                                           zorder=4)
        self._pull_text = self.plane.text(0.02, 0.97, "", transform=self.plane.transAxes,
                                          va="top", fontsize=9, zorder=5,
                                          bbox={"facecolor": "white", "alpha": 0.8,
                                                "edgecolor": "none"})
        (self._accuracy_line,) = self.accuracy_axes.plot([], [], color="#2ca02c")
        (self._loss_line,) = self.loss_axes.plot([], [], color="#9467bd")
        self.accuracy_axes.set_ylim(-0.02, 1.05)
        self.accuracy_axes.set_ylabel("accuracy", fontsize=9)
        self.accuracy_axes.tick_params(labelbottom=False, labelsize=8)
        self.loss_axes.set_ylabel("mean hinge cost", fontsize=9)
        self.loss_axes.set_xlabel("iteration", fontsize=9)
        self.loss_axes.tick_params(labelsize=8)
        self.plane.tick_params(labelsize=8)
        self._circuit_axes = self.circuit_figure.figure.add_axes((0, 0, 1, 1))
        self._moving = [self._scores_image, *self.plane.spines.values(), self._dots,
                        self._current, self._pull_text, self._accuracy_line, self._loss_line]
        for artist in self._moving:
            artist.set_animated(True)
        self._fit_plane()

    def _fit_plane(self) -> None:
        """Fit the plane to the data (again after a point lands outside it)."""
        extent = plane_extent(self.points)
        self._scores_image.set_extent(extent)
        self.plane.set_xlim(extent[0], extent[1])
        self.plane.set_ylim(extent[2], extent[3])
        xs = np.linspace(extent[0], extent[1], GRID_SIZE)
        ys = np.linspace(extent[2], extent[3], GRID_SIZE)
        grid_x, grid_y = np.meshgrid(xs, ys)
        self._grid = np.column_stack([grid_x.ravel(), grid_y.ravel()])
        self._dots.set_offsets(self.points)
        self._dots.set_facecolors(
            [POSITIVE_COLOUR if label == 1 else NEGATIVE_COLOUR for label in self.labels]
        )

    def _plane_coordinates(self, column: float, row: float) -> tuple[float, float]:
        height = self.figure.figure.bbox.height
        x, y = self.plane.transData.inverted().transform((column, height - row))
        left, right = sorted(self.plane.get_xlim())
        bottom, top = sorted(self.plane.get_ylim())
        if not (left <= x <= right and bottom <= y <= top):
            raise ValueError(f"pixel ({column:g}, {row:g}) is outside the plane of points")
        return float(x), float(y)

    def _show(self, with_circuit: bool) -> None:
        """Render the plane, the curves and the status; the circuit too when asked."""
        scores = self.model.scores(self._grid).reshape(GRID_SIZE, GRID_SIZE)
        self._scores_image.set_data(scores)
        self._show_step()
        iterations = np.arange(1, len(self.history) + 1)
        self._accuracy_line.set_data(iterations, self.history.accuracy)
        self._loss_line.set_data(iterations, self.history.loss)
        self.accuracy_axes.set_xlim(0, 10 * 2 ** math.ceil(math.log2(max(1, len(iterations) / 10))))
        self.loss_axes.set_ylim(0, _loss_axis_top(self.history.loss, self.loss_axes.get_ylim()[1]))
        self._render()
        self.status.value = self._status_html()
        if with_circuit:
            self._show_circuit()

    def _render(self) -> None:
        """Draw the figure into the Image: the kept background plus the moving artists."""
        limits = (self.plane.get_xlim(), self.plane.get_ylim(), self.accuracy_axes.get_xlim(),
                  self.loss_axes.get_ylim())
        if self._background is None or limits != self._background_limits:
            self._canvas.draw()  # everything but the moving artists
            self._background = self._canvas.copy_from_bbox(self.figure.figure.bbox)
            self._background_limits = limits
        else:
            self._canvas.restore_region(self._background)
        for artist in self._moving:
            artist.axes.draw_artist(artist)
        buffer = io.BytesIO()
        rgb = np.asarray(self._canvas.buffer_rgba())[:, :, :3]  # opaque: no alpha to encode
        Image.fromarray(rgb).save(buffer, format="png", compress_level=1)
        self.figure.image.value = buffer.getvalue()

    def _show_step(self) -> None:
        step = self.last_step
        if step is None:
            self._current.set_offsets(np.empty((0, 2)))
            self._pull_text.set_text("press Step or Play")
            return
        pulling = step.indices if len(step.indices) == 1 else step.indices[step.pulls != 0]
        self._current.set_offsets(self.points[pulling].reshape(-1, 2))
        pulls = step.pulls if len(step.indices) == 1 else step.pulls[step.pulls != 0]
        self._current.set_edgecolors([PULL_COLOURS[float(p)] for p in pulls])
        if len(step.indices) == 1:
            pull = float(step.pulls[0])
            self._pull_text.set_text(f"point {int(step.indices[0])}: pull {pull:+g}" if pull
                                     else f"point {int(step.indices[0])}: no pull")
        else:
            self._pull_text.set_text(f"{len(pulling)} of {len(step.indices)} points pull")

    def _status_html(self) -> str:
        fraction_right, cost = measure(self.model, self.points, self.labels)
        right = round(fraction_right * len(self.points))
        text = (f"iteration {len(self.history)} · accuracy {right}/{len(self.points)} · "
                f"mean hinge cost {cost:.3f}")
        if self.last_step is not None:
            text += f" · loss of the last step {self.last_step.loss:.3f}"
        return f"<span style='font-family:monospace'>{text}</span>"

    def _show_circuit(self) -> None:
        circuit = self.model.drawable_circuit() if self.history.steps else None
        self.circuit_figure.image.layout.display = None if circuit is not None else "none"
        if circuit is None:
            return
        width, height = layout_of(circuit).size_inches
        self.circuit_figure.figure.set_size_inches(width, height)
        self.circuit_figure.image.layout.width = f"{round(width * DPI)}px"
        self._circuit_axes.clear()
        draw(circuit, ax=self._circuit_axes)
        self.circuit_figure.refresh()

    def __repr__(self) -> str:
        return (f"<TrainingExplorer {self.model!r} on {len(self.points)} points, "
                f"{len(self.history)} iterations>")
