"""The training explorer: watch a model's decision boundary move while it learns, one pull at
a time. It is a view of a `gk.ml.TrainingSession` (the model, the data, the settings, the rng
and the history live there): the controls set and step the session, the pictures show it.

The plane is a fixed-extent image of the model's scores on a 100×100 grid, coloured in four
bands (below -1, -1…0, 0…1, above 1), so the boundary (score 0) and both margins (±1) show
as a filled contour whose pixels are simply replaced every frame. Every other artist (points,
the highlighted point, the accuracy and loss curves) is updated in place too. A held-out test
set is drawn hollow, its accuracy and cost as dashed curves beside training's solid ones.
With `show_neurons=True` each hidden neuron gets a heatmap of its own (see `neurons.py`).

`TrainingExplorer.from_settings(text)` makes a playground: an MLP on one of the playground's
data sets, with controls for the data set, noise, activation, hidden layers and batch size
(`playground.py`); its `settings` is the short line that makes the same playground again.

The circuit of the latest step is drawn as SVG (the picture pipeline of every circuit view) on
Step and when Play pauses, not during Play, where it would cost more than the frame itself.

Speed: axes, ticks and labels are drawn once into a kept background (again only when a limit
changes: the curves' axes grow by doubling); a frame restores it, draws the moving artists on
top (matplotlib's blitting, on the Agg buffer) and encodes the PNG (RGB: its alpha is constant)
through matplotlib. The score grid is computed SCORE_CHUNK points at a time (see `grid_scores`).

Errors follow the views' policy (`base.shows_errors`): a sentence in the message line, Play
stopped, the pictures showing the session as it is (divergence keeps the last finite state).

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
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.image import imsave

from ..circuit import fmt
from ..errors import RefusedType, RefusedValue
from ..gates import check_number
from ..ml import History, Playground, StepResult, Trainable, TrainingSession
from ..ml.losses import score_data
from ..picture.layout import layout_of, wires
from ..picture.svg import circuit_svg
from ..units import check_whole
from .base import FigureImage, MessageLine, SvgImage, View, escape, shows_errors
from .controls import StepControls
from .neurons import NeuronPanel
from .playground import PlaygroundControls
from .sliders import FloatSlider, IntSlider
from .theme import row

__all__ = ["TrainingExplorer"]

GRID_SIZE = 100  # the score image is GRID_SIZE × GRID_SIZE pixels of the plane
SCORE_CHUNK = 500  # grid points scored at once: small enough that BLAS runs one thread
PLAY_INTERVAL_MS = 60  # about 16 frames a second when a frame takes less than this
POSITIVE_COLOUR, NEGATIVE_COLOUR = "#d62728", "#1f77b4"
# Score bands: below -1, -1 to 0, 0 to 1, above 1 (the margins are the band edges at ±1).
BAND_COLOURS = ListedColormap(["#9fc3e6", "#d9e7f5", "#f9dcdc", "#f1a9a9"])
BAND_NORM = BoundaryNorm([-3.0, -1.0, 0.0, 1.0, 3.0], BAND_COLOURS.N)
PULL_COLOURS = {1.0: "#e6550d", -1.0: "#3182bd", 0.0: "#636363"}
# Points differ by shape as well as colour: +1 a plus sign, -1 a minus sign (a filled bar),
# outlined dark so that they stand out (3:1 at least) on every band.
POINT_EDGE = "#212121"
POINT_MARKERS = {1: "P", -1: [(-1.0, -0.32), (1.0, -0.32), (1.0, 0.32), (-1.0, 0.32)]}


def plane_extent(points: np.ndarray) -> tuple[float, float, float, float]:
    """(left, right, bottom, top) around the points with a margin, never narrower than 2."""
    low, high = points.min(axis=0), points.max(axis=0)
    centre, half = (low + high) / 2, np.maximum((high - low) / 2, 1.0) * 1.25 + 0.25
    return (centre[0] - half[0], centre[0] + half[0], centre[1] - half[1], centre[1] + half[1])


def grid_scores(model: Trainable, grid: np.ndarray) -> np.ndarray:
    """The model's scores on the plane's grid, SCORE_CHUNK points at a time: a network's
    matrix products then stay below the size where OpenBLAS starts threads, which on 2 busy
    cores cost 20 to 50 times the product itself (bench/training.py)."""
    return np.concatenate([model.scores(grid[start:start + SCORE_CHUNK])
                           for start in range(0, len(grid), SCORE_CHUNK)])


def _loss_axis_top(losses: list[float], current_top: float) -> float:
    """The loss axis's top: kept while the curves fit, else half as high again as their peak
    (so the axis, and the drawn background, change rarely); reset to 1 for an empty history."""
    if not losses:
        return 1.0
    peak = max(losses)
    return current_top if peak <= current_top else 1.5 * peak


def _session_from(model: Trainable | TrainingSession, points: object, labels: object,
                  settings: dict[str, Any]) -> TrainingSession:
    """The session to show: the one given, or a new one from the model, data and settings."""
    given = {name: value for name, value in settings.items() if value is not None}
    if isinstance(model, TrainingSession):
        extra = [name for name, value in (("points", points), ("labels", labels)) if
                 value is not None] + list(given)
        if extra:
            raise RefusedType(f"a TrainingSession brings its own data and settings; leave out "
                              f"{', '.join(extra)} (or set them on the session)")
        return model
    if points is None or labels is None:
        raise RefusedType("give the points and labels to train on (or a gk.ml.TrainingSession)")
    return TrainingSession(model, points, labels, **given)


class TrainingExplorer(View):
    """Train a model on 2-D points live: Play / Step / Reset, step size, regularization,
    iterations per frame, the boundary and margins, accuracy and loss, and the circuit.

    Give a `gk.ml.TrainingSession`, or a model with its points and labels (and optionally
    step_size, regularization, seed, test_fraction, batch_size) to make one.
    `show_neurons=True` adds a heatmap per hidden neuron (for gk.ml.TwoLayerNet and
    gk.layers.MLP). `TrainingExplorer.from_settings(line)` makes a playground.
    """

    def __init__(
        self,
        model: Trainable | TrainingSession,
        points: object = None,
        labels: object = None,
        step_size: float | None = None,
        regularization: float | None = None,
        iterations_per_frame: int = 1,
        seed: int | None = None,
        show_neurons: bool = False,
        test_fraction: float | None = None,
        batch_size: int | None = None,
    ) -> None:
        super().__init__()
        self.session = _session_from(model, points, labels, {
            "step_size": step_size, "regularization": regularization, "seed": seed,
            "test_fraction": test_fraction, "batch_size": batch_size})
        per_frame = check_whole(iterations_per_frame, "iterations_per_frame", 1)
        self.neurons = NeuronPanel(self.session.model) if show_neurons else None
        self.message = MessageLine()
        self.playground: Playground | None = None  # the settings it was made from, if any
        self.playground_controls: PlaygroundControls | None = None
        self._build_controls(per_frame)
        self.figure = FigureImage(9.0, 3.4, dpi=80)
        self._canvas = FigureCanvasAgg(self.figure.figure)
        self._background: Any = None  # the static part of the figure, as drawn last time
        self._background_limits: tuple = ()
        self.circuit_picture = SvgImage(10, 10, max_height="420px")
        self._build_artists()
        self.children = [
            row([*self.controls.buttons, self.iterations_per_frame]),
            row([self.step_size, self.regularization]),
            self._playground_row,
            self.figure.image,
            self.status,
            row([self.new_label, self.new_x, self.new_y, self.add_button]),
            *([self.neurons.widget] if self.neurons is not None else []),
            self.circuit_picture.widget,
            self.message.widget,
        ]
        self._show(with_circuit=True)

    @classmethod
    def from_settings(cls, text: str = "", show_neurons: bool = False,
                      iterations_per_frame: int = 1) -> TrainingExplorer:
        """A playground: the MLP, data set and hyperparameters a settings line describes (as
        `settings` writes it; keys left out keep `gk.ml.Playground`'s defaults), with its
        controls; a malformed line is refused with one sentence."""
        chosen = Playground.from_text(text)
        view = cls(chosen.session(), iterations_per_frame=iterations_per_frame,
                   show_neurons=show_neurons)
        view.playground = chosen
        view.playground_controls = PlaygroundControls(chosen, view._restart, view._set_batch)
        view._playground_row.children = view.playground_controls.rows
        return view

    @property
    def settings(self) -> str:
        """The playground's settings as one short line, as they are now (step size, L2 and
        batch size as set): `TrainingExplorer.from_settings(line)` makes the same playground."""
        return self._current_playground().text()

    def _current_playground(self) -> Playground:
        if self.playground is None:
            raise RefusedValue("this explorer was not made from a playground's settings; make "
                               "one with TrainingExplorer.from_settings(...)")
        session = self.session
        return self.playground.changed(step_size=session.step_size,
                                       regularization=session.regularization,
                                       batch_size=session.batch_size)

    @shows_errors
    def _restart(self, change: Callable[[Playground], Playground]) -> None:
        """The playground with its settings changed by `change`, restarted from its seeded
        start (the controls show the settings in force, also when the change is refused)."""
        try:
            chosen = change(self._current_playground())
            session = chosen.session()
        finally:
            self._follow_playground()
        self._stop()
        self.session, self.playground = session, chosen
        if self.neurons is not None:
            self.neurons.model = session.model
        self._follow_playground()
        self._fit_plane()
        self._show(with_circuit=True)

    @shows_errors
    def _set_batch(self, batch_size: int | None) -> None:
        try:
            self.session.batch_size = batch_size
        finally:
            self._follow_playground()

    def _follow_playground(self) -> None:
        if self.playground_controls is not None:
            self.playground_controls.follow(self._current_playground())

    # ----- the session's state, read through the view -------------------------------------
    @property
    def model(self) -> Trainable:
        """The model being trained (the session's)."""
        return self.session.model

    @property
    def points(self) -> np.ndarray:
        """The data set's points, (n, 2) (the session's)."""
        return self.session.points

    @property
    def labels(self) -> np.ndarray:
        """The data set's ±1 labels (the session's)."""
        return self.session.labels

    @property
    def history(self) -> History:
        """Accuracy, loss, parameters and steps so far (the session's)."""
        return self.session.history

    @property
    def last_step(self) -> StepResult | None:
        """The latest training step, or None before the first."""
        return self.session.last_step

    # ----- what the buttons do (method twins) ---------------------------------------------
    @shows_errors
    def step(self, iterations: int | None = None) -> StepResult | None:
        """Train for `iterations` (default: the per-frame slider) and redraw; return the last
        step's result (which points, which pulls, the loss it measured)."""
        self._train(iterations)
        self._show(with_circuit=True)
        return self.last_step

    @shows_errors
    def reset(self) -> None:
        """Restore the starting parameters, the seeded picking order and an empty history
        (points added since stay, so the same start can be tried on the changed data)."""
        self._stop()
        self.session.reset()
        self._show(with_circuit=True)

    @shows_errors
    def add_point(self, x: float, y: float, label: int | None = None) -> None:
        """Add a point to the data set (label: the toggle's when None) and redraw."""
        self.session.add_point(x, y, self.new_label.value if label is None else label)
        self._fit_plane()
        self._show(with_circuit=False)

    @shows_errors
    def add_point_at_pixel(self, column: float, row: float, label: int | None = None) -> None:
        """Add a point where a pixel of the rendered PNG lies (row 0 at the top), as a click
        handler would: the pixel must fall inside the plane."""
        x, y = self._plane_coordinates(check_number(column, "column"), check_number(row, "row"))
        self.add_point(x, y, label)

    @shows_errors
    def refresh(self) -> None:
        """Show the session as it is now (after changing or stepping it in code)."""
        self._fit_plane()
        self._show(with_circuit=True)

    # ----- training ------------------------------------------------------------------------
    def _train(self, iterations: int | None) -> None:
        count = self.iterations_per_frame.value if iterations is None else iterations
        self.session.step(check_whole(count, "iterations", 1))

    @shows_errors
    def _tick(self) -> None:
        """One Play frame: train, and redraw all but the circuit (drawn when Play pauses)."""
        self._train(None)
        self._show(with_circuit=False)

    @shows_errors
    def _show_paused(self) -> None:
        self._show(with_circuit=True)

    @shows_errors
    def _set(self, setting: str, value: float) -> None:
        if not self._following:  # not an echo of the view following the session
            setattr(self.session, setting, value)

    def _stop(self) -> None:
        """Stop Play (after any error too, which then shows the state itself)."""
        self.controls.stop()

    def _show_state(self) -> None:
        """Show the session as it is now (after any error)."""
        self._show(with_circuit=True)

    # ----- building -------------------------------------------------------------------------
    def _build_controls(self, per_frame: int) -> None:
        session = self.session
        self.controls = StepControls(
            self.message, act=self.step, tick=self._tick, reset=self.reset,
            step_size=session.step_size, exponents=(-4, 0), readout_format=".4f",
            interval_ms=PLAY_INTERVAL_MS, act_name="Step",
            tooltips=("train for one frame's iterations", "train, one frame a tick",
                      "the starting parameters, an empty history"),
            on_pause=self._show_paused,
        )
        self.play, self.play_button = self.controls.play, self.controls.play_button
        self.step_button, self.reset_button = self.controls.act_button, self.controls.reset_button
        self.step_size = self.controls.step_size
        self.regularization = FloatSlider(
            value=session.regularization, min=0.0, max=2.0, step=0.01,
            description="regularization", readout_format=".2f",
            style={"description_width": "initial"},
        )
        self._follow_settings()
        self.step_size.observe(lambda change: self._set("step_size", change["new"]), "value")
        self.regularization.observe(lambda change: self._set("regularization", change["new"]),
                                    "value")
        self.iterations_per_frame = IntSlider(
            value=per_frame, min=1, max=max(50, per_frame), description="per frame",
            tooltip="iterations per Step or Play frame",
        )
        for control in (self.step_size, self.regularization, self.iterations_per_frame):
            control.on_note(self.message.show)  # a typed value refused or moved to an end
        self.new_label = widgets.ToggleButtons(options=[("+1", 1), ("-1", -1)], value=1,
                                               description="new point",
                                               style={"button_width": "4em"})
        narrow = {"description_width": "1.5em"}  # room for the number, not for a one-letter label
        self.new_x = widgets.FloatText(value=0.0, description="x", layout={"width": "9em"},
                                       style=narrow)
        self.new_y = widgets.FloatText(value=0.0, description="y", layout={"width": "9em"},
                                       style=narrow)
        self.add_button = widgets.Button(description="Add point",
                                         tooltip="add (x, y) with the chosen label")
        self.add_button.on_click(lambda _: self.add_point(self.new_x.value, self.new_y.value))
        self.status = widgets.HTML()
        self._playground_row = widgets.VBox()  # the playground's controls, when it is one

    def _follow_settings(self) -> None:
        """Sliders showing the session's step size and regularization, widened to reach them
        (a session set in code may hold values beyond the sliders' first range)."""
        step_size, regularization = self.session.step_size, self.session.regularization
        if (self.step_size.value, self.regularization.value) == (step_size, regularization):
            return
        exponent = math.log10(step_size)
        with self._following_state():
            self.step_size.min = min(self.step_size.min, math.floor(exponent))
            self.step_size.max = max(self.step_size.max, math.ceil(exponent))
            self.regularization.max = max(self.regularization.max, regularization)
            self.step_size.value, self.regularization.value = step_size, regularization

    def _build_artists(self) -> None:
        figure = self.figure.figure
        self.plane = figure.add_axes((0.06, 0.12, 0.42, 0.82))
        self.accuracy_axes = figure.add_axes((0.58, 0.58, 0.40, 0.36))
        self.loss_axes = figure.add_axes((0.58, 0.12, 0.40, 0.36), sharex=self.accuracy_axes)
        self._scores_image = self.plane.imshow(
            np.zeros((GRID_SIZE, GRID_SIZE)), origin="lower", cmap=BAND_COLOURS, norm=BAND_NORM,
            interpolation="nearest", aspect="auto",
        )
        self._dots = {
            # (matplotlib's stub allows integer vertices only; float ones work)
            label: self.plane.scatter([], [], s=60, marker=marker,  # type: ignore[arg-type]
                                      edgecolors=POINT_EDGE,
                                      linewidths=0.8, zorder=3,
                                      facecolors=POSITIVE_COLOUR if label == 1 else NEGATIVE_COLOUR)
            for label, marker in POINT_MARKERS.items()
        }
        self._test_dots = {
            label: self.plane.scatter([], [], s=60, marker=marker,  # type: ignore[arg-type]
                                      facecolors="none",
                                      edgecolors=POSITIVE_COLOUR if label == 1 else NEGATIVE_COLOUR,
                                      linewidths=1.6, zorder=3)
            for label, marker in POINT_MARKERS.items()
        }
        self._current = self.plane.scatter([], [], s=170, facecolors="none", linewidths=2.2,
                                           zorder=4)
        self._pull_text = self.plane.text(0.02, 0.97, "", transform=self.plane.transAxes,
                                          va="top", fontsize=9, zorder=5,
                                          bbox={"facecolor": "white", "alpha": 0.8,
                                                "edgecolor": "none"})
        (self._accuracy_line,) = self.accuracy_axes.plot([], [], color="#2ca02c", label="train")
        (self._loss_line,) = self.loss_axes.plot([], [], color="#9467bd", label="train")
        (self._test_accuracy_line,) = self.accuracy_axes.plot([], [], color="#2ca02c",
                                                              linestyle="--", label="test")
        (self._test_loss_line,) = self.loss_axes.plot([], [], color="#9467bd", linestyle="--",
                                                      label="test")

        self.accuracy_axes.set_ylim(-0.02, 1.05)
        self.accuracy_axes.set_ylabel("accuracy", fontsize=9)
        self.accuracy_axes.tick_params(labelbottom=False, labelsize=8)
        self.loss_axes.set_ylabel("mean hinge cost", fontsize=9)
        self.loss_axes.set_xlabel("iteration", fontsize=9)
        self.loss_axes.tick_params(labelsize=8)
        self.plane.tick_params(labelsize=8)
        self._moving = [self._scores_image, *self.plane.spines.values(), *self._dots.values(),
                        *self._test_dots.values(), self._current, self._pull_text,
                        self._accuracy_line, self._loss_line, self._test_accuracy_line,
                        self._test_loss_line]
        for artist in self._moving:
            artist.set_animated(True)
        self._fit_plane()

    def _fit_plane(self) -> None:
        """Fit the plane to the data and test points (again after a point lands outside it)."""
        session = self.session
        extent = plane_extent(np.vstack([session.points, session.test_points]))
        self._scores_image.set_extent(extent)
        self.plane.set_xlim(extent[0], extent[1])
        self.plane.set_ylim(extent[2], extent[3])
        xs = np.linspace(extent[0], extent[1], GRID_SIZE)
        ys = np.linspace(extent[2], extent[3], GRID_SIZE)
        grid_x, grid_y = np.meshgrid(xs, ys)
        self._grid = np.column_stack([grid_x.ravel(), grid_y.ravel()])
        for label, dots in self._dots.items():
            dots.set_offsets(self.points[self.labels == label].reshape(-1, 2))
        for label, dots in self._test_dots.items():
            dots.set_offsets(session.test_points[session.test_labels == label].reshape(-1, 2))
        legend = self.accuracy_axes.get_legend()
        if legend is not None:
            legend.remove()
        if len(session.test_points):  # solid train, dashed test
            self.accuracy_axes.legend(loc="lower right", fontsize=8)
        self._background = None  # the legend is part of the kept background
        if self.neurons is not None:
            self.neurons.fit(extent)

    def _plane_coordinates(self, column: float, row: float) -> tuple[float, float]:
        height = self.figure.figure.bbox.height
        x, y = self.plane.transData.inverted().transform((column, height - row))
        left, right = sorted(self.plane.get_xlim())
        bottom, top = sorted(self.plane.get_ylim())
        if not (left <= x <= right and bottom <= y <= top):
            raise RefusedValue(f"pixel ({column:g}, {row:g}) is outside the plane of points")
        return float(x), float(y)

    # ----- drawing -------------------------------------------------------------------------
    def _show(self, with_circuit: bool) -> None:
        """Render the settings, the plane, the curves, the status and the neurons; the
        circuit too when asked."""
        self._follow_settings()
        scores = grid_scores(self.model, self._grid).reshape(GRID_SIZE, GRID_SIZE)
        self._scores_image.set_data(np.clip(scores, -2.0, 2.0))  # only the bands matter
        self._show_step()
        history = self.history
        iterations = np.arange(1, len(history) + 1)
        self._accuracy_line.set_data(iterations, history.accuracy)
        self._loss_line.set_data(iterations, history.loss)
        tested = iterations[: len(history.test_loss)]
        self._test_accuracy_line.set_data(tested, history.test_accuracy)
        self._test_loss_line.set_data(tested, history.test_loss)
        self.accuracy_axes.set_xlim(0, 10 * 2 ** math.ceil(math.log2(max(1, len(iterations) / 10))))
        self.loss_axes.set_ylim(0, _loss_axis_top(history.loss + history.test_loss,
                                                  self.loss_axes.get_ylim()[1]))
        self._render()
        if self.neurons is not None:
            self.neurons.show(self.points)
        status = self._status_text()
        self.status.value = f"<span style='font-family:monospace'>{escape(status)}</span>"
        self.figure.describe(
            f"Left, the {len(self.points)} points (+1 as plus signs, -1 as minus signs) over the "
            f"model's score in four bands: blue below 0, red above, darker beyond the margins "
            f"at -1 and 1; the boundary is where blue meets red{self._test_text()}. "
            f"{self._pull_text.get_text()}. Right, accuracy and mean hinge cost over "
            f"{len(history)} iterations{' (test dashed)' if history.test_loss else ''}. "
            f"Now: {status}."
        )
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
            self.figure.figure.draw_artist(artist)
        buffer = io.BytesIO()
        opaque = np.asarray(self._canvas.buffer_rgba())[..., :3]  # alpha is 255 throughout
        imsave(buffer, opaque, format="png",
               metadata={"Software": None},  # type: ignore[dict-item]  # None drops the key
               pil_kwargs={"compress_level": 1})
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
        self._current.set_edgecolor([PULL_COLOURS[float(np.sign(p))] for p in pulls])
        if len(step.indices) == 1:
            pull = float(step.pulls[0])
            self._pull_text.set_text(f"point {int(step.indices[0])}: pull {pull:+g}" if pull
                                     else f"point {int(step.indices[0])}: no pull")
        else:
            self._pull_text.set_text(f"{len(pulling)} of {len(step.indices)} points pull")

    def _status_text(self) -> str:
        """Iteration, accuracy, cost (and dead neurons) as one line of plain text."""
        fraction_right, cost = score_data(self.model, self.points, self.labels)
        right = round(fraction_right * len(self.points))
        text = (f"iteration {len(self.history)} · accuracy {right}/{len(self.points)} · "
                f"mean hinge cost {fmt(cost, 3)}")
        if self.last_step is not None:
            text += f" · loss of the last step {fmt(self.last_step.loss, 3)}"
        session = self.session
        if len(session.test_points):
            test_right, test_cost = score_data(self.model, session.test_points,
                                               session.test_labels)
            text += (f" · test accuracy {round(test_right * len(session.test_points))}/"
                     f"{len(session.test_points)} · test cost {fmt(test_cost, 3)}")
        if self.neurons is not None:
            text += f" · {self.neurons.dead_text()}"
        return text

    def _test_text(self) -> str:
        count = len(self.session.test_points)
        return f"; {count} held-out test points drawn hollow" if count else ""

    def _show_circuit(self) -> None:
        circuit = self.model.drawable_circuit() if self.last_step is not None else None
        self.circuit_picture.widget.layout.display = None if circuit is not None else "none"
        if circuit is None:
            return
        layout = layout_of(circuit)
        self.circuit_picture.resize(*layout.size_pixels)
        self.circuit_picture.show(circuit_svg(circuit, layout, wires(circuit)))

    def __repr__(self) -> str:
        return (f"<TrainingExplorer {self.model!r} on {len(self.points)} points, "
                f"{len(self.history)} iterations>")
