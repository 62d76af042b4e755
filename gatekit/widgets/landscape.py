"""The gradient landscape: a circuit's output over two of its inputs, with the current point,
the gradient as an arrow, and the path that pulls take across the surface.

State lives in the circuit; the widget keeps only the path, the window and the sampled surface,
which it samples again only when the other inputs change or a pull leaves the window (the
sliders span the window, so a slider event costs one forward and one backward pass, and a
redraw of the marks).
"""

from __future__ import annotations

import functools
import math
import numbers
from typing import Any

import ipywidgets as widgets

from ..circuit import Circuit, CircuitError, fmt
from ..errors import RefusedType, RefusedValue
from ..gates import Unit
from ..picture.surface import (
    Surface,
    Trail,
    sample_surface,
    surface_background,
    surface_svg,
    window_half_width,
)
from .base import LEARNER_ERRORS, MessageLine, SvgImage, View, escape, sentence, shows_errors
from .controls import StepControls, set_slider_range
from .sliders import FloatSlider

__all__ = ["Landscape", "finest_resolution"]

SIZE = (460, 420)  # pixels of the picture
PLAY_INTERVAL_MS = 250
# Caps that keep an event within ~50 ms: sampling a grid of resolution² points costs about
# resolution² * (gates + PASS_OVERHEAD) gate runs (a pass costs ~25 gate runs of its own), drawn
# as resolution² cells; SAMPLE_BUDGET lets 1-gate circuits have 51², chapter 5's neuron 48² and
# 1,500 gates 6² (301² was 6 MB an event and 4 s to sample). 1,000 tries of random search ~20 ms.
SAMPLE_BUDGET = 70_000
PASS_OVERHEAD = 25
DEFAULT_RESOLUTION = 41
MAX_TRIES = 1000
WINDOW_GROWTH = 2.0  # a window recentred after a pull is this many times the pull's reach wide


class Landscape(View):
    """The output over inputs `x` and `y` (the others held at their values): bands and
    contour lines, the point, the gradient arrow; sliders for the two inputs, Pull / Play /
    Reset with the path of the pulls drawn, and optional overlays of random local search's
    tries and the numerical gradient's probes.

    The sliders span the window. A pull that leaves it (Play running away, say) moves the window
    onto the point and widens it, so the picture follows the point at its own scale as the
    explorer's slider ranges do; when the numbers overflow the pull is refused, Play stops and
    the message says why. Reset restores the first window. Settings are honoured or refused
    here with a sentence: a step size beyond the slider's first range widens it; `resolution`
    (by default 41, coarser for a large circuit) and `tries` are capped (`finest_resolution`,
    MAX_TRIES) so an event stays within ~50 ms; a `half_width` too narrow for the floats at the
    point is drawn a little wider.
    """

    def __init__(
        self,
        circuit: Circuit | Unit,
        x: str = "x",
        y: str = "y",
        step_size: float = 0.1,
        force: float = 1.0,
        half_width: float | None = None,
        resolution: int | None = None,
        show_tries: bool = False,
        show_probes: bool = False,
        tries: int = 100,
        tweak: float = 0.5,
        h: float = 0.25,
        seed: int = 0,
    ) -> None:
        super().__init__()
        self.circuit = circuit if isinstance(circuit, Circuit) else _circuit_of(circuit)
        self.x_name, self.y_name = _two_inputs(self.circuit, x, y)
        finest = finest_resolution(self.circuit)
        self.resolution = min(DEFAULT_RESOLUTION, finest) if resolution is None else _whole(
            resolution, "resolution", 5, finest,
            f"a finer grid over this circuit of {len(self.circuit)} gate(s) costs more than an "
            f"event's 50 ms to sample and draw")
        self.half_width = _half_width(self.circuit, self.x_name, self.y_name, half_width)
        self.show_tries, self.show_probes = bool(show_tries), bool(show_probes)
        self.tries = _whole(tries, "tries", 1, MAX_TRIES,
                            "more costs more than an event's 50 ms to search and draw")
        self.tweak, self.h, self.seed = tweak, h, seed
        self.force = _force(force)
        self.start = self.circuit.values()  # what Reset restores
        self.path: list[tuple[float, float]] = [self.point]
        self._trail: Trail | None = None  # the path as drawn on the current surface
        self.message = MessageLine()
        self._window_half_width = self.half_width  # grows when pulls run away (see _window)
        self._surface: Surface | None = None
        self._surface_key: tuple = ()
        self._background = ""
        self._gradient: tuple[float, float] | None = None  # as shown; None when unknown

        self.sliders: dict[str, widgets.FloatSlider] = {}
        for name in (self.x_name, self.y_name):
            slider = FloatSlider(value=self.circuit.inputs[name].value, description=name)
            slider.observe(functools.partial(self._on_slider, name), names="value")
            self.sliders[name] = slider
        self.controls = StepControls(
            self.message, act=self.pull, tick=self.pull, reset=self.reset, step_size=step_size,
            exponents=(-2, math.log10(2)), readout_format=".3f", interval_ms=PLAY_INTERVAL_MS,
            tooltips=("one step of x and y along the gradient", "keep pulling, one pull a tick",
                      "the starting values"),
        )
        self.play, self.play_button = self.controls.play, self.controls.play_button
        self.pull_button, self.reset_button = self.controls.act_button, self.controls.reset_button
        self.step_size = self.controls.step_size
        self.drawing = SvgImage(*SIZE)
        self.readout = widgets.HTML()
        self.children = [
            widgets.HBox([self.drawing.widget, widgets.VBox([
                *self.sliders.values(), self.step_size, widgets.HBox(self.controls.buttons),
                self.readout,
            ])]),
            self.message.widget,
        ]
        self._show()

    @property
    def point(self) -> tuple[float, float]:
        """The current values of the two inputs."""
        inputs = self.circuit.inputs
        return inputs[self.x_name].value, inputs[self.y_name].value

    # ----- what the buttons do ------------------------------------------------------------
    @shows_errors
    def pull(self) -> float:
        """One step of the two inputs along the gradient; returns the new output."""
        value = self.circuit.pull(self.force, self.step_size.value,
                                  move=[self.x_name, self.y_name])
        self.path.append(self.point)
        self._show()
        return value

    @shows_errors
    def reset(self) -> None:
        """Stop playing, restore the starting values and the first window, clear the path."""
        self._stop()
        self.circuit.forward(**self.start)
        self.path, self._trail = [self.point], None
        self._window_half_width, self._surface = self.half_width, None
        self._show()

    # ----- observers --------------------------------------------------------------------
    def _on_slider(self, name: str, change: dict[str, Any]) -> None:
        if not self._following:
            self._set_input(name, change["new"])

    @shows_errors
    def _set_input(self, name: str, value: float) -> None:
        self.circuit.forward(**{name: value})
        self.path, self._trail = [self.point], None  # a new start: the old path leads nowhere
        self._show()

    # ----- rendering ----------------------------------------------------------------------
    def _stop(self) -> None:
        """Stop Play (called after any error)."""
        self.controls.stop()

    def _show_state(self) -> None:
        """Show the circuit as it is now (called after any error)."""
        self._show()

    def _show(self) -> None:
        """Sliders, readout and picture from the circuit as it is now. A backward that cannot
        run here is said in the message line, as the explorer says it; the grads then show as
        unknown and the point is drawn without an arrow."""
        circuit = self.circuit
        try:
            grads = circuit.backward(self.force)
            self._gradient = grads[self.x_name], grads[self.y_name]
        except LEARNER_ERRORS as error:
            self._gradient = None
            self.message.show(f"the backward pass cannot run here: {sentence(error)}")
        surface = self._current_surface()
        self._follow_circuit(surface)
        tries, probes = self._overlays()
        if self._trail is None or self._trail.surface is not surface:
            self._trail = Trail(surface, *SIZE)
        self.drawing.show(surface_svg(
            self._background, surface, *SIZE, point=self.point,
            gradient=self._gradient or (0.0, 0.0), trail=self._trail.extend(self.path),
            tries=tries, probes=probes, description=self.describe(),
        ))
        output = escape(circuit.name_of(circuit.output))
        gx, gy = (("unknown", "unknown") if self._gradient is None else
                  (fmt(self._gradient[0]), fmt(self._gradient[1])))
        self.readout.value = (
            f"<b>{output}</b> = {escape(fmt(circuit.value))}<br>"
            f"∂{output}/∂{escape(self.x_name)} = {escape(gx)}, "
            f"∂{output}/∂{escape(self.y_name)} = {escape(gy)}<br>"
            f"pulls: {len(self.path) - 1}"
        )

    def describe(self) -> str:
        """One sentence of what the picture shows, for screen readers and the docs."""
        circuit, (x, y) = self.circuit, self.point
        pulls = len(self.path) - 1
        if self._gradient is None:
            slope = "the gradient is unknown here (the backward pass cannot run)"
        else:
            gx, gy = self._gradient
            slope = (f"the gradient ({fmt(gx)}, {fmt(gy)}) points {_direction(gx, self.x_name)} "
                     f"and {_direction(gy, self.y_name)}")
        return (
            f"{circuit.name_of(circuit.output)} = {fmt(circuit.value)} at {self.x_name} = "
            f"{fmt(x)}, {self.y_name} = {fmt(y)}; {slope}; "
            f"{pulls} pull{'' if pulls == 1 else 's'} so far"
        )

    def _current_surface(self) -> Surface:
        """The sampled surface, sampled again when the other inputs changed or the point left
        the window (then centred on the point, see `_window`)."""
        others = tuple(v for n, v in self.circuit.values().items()
                       if n not in (self.x_name, self.y_name))
        surface = self._surface
        if surface is None or others != self._surface_key or not surface.contains(*self.point):
            centre = self._window(surface)
            surface = sample_surface(self.circuit, self.x_name, self.y_name, centre,
                                     self._window_half_width, self.resolution)
            self._surface, self._surface_key = surface, others
            self._background = surface_background(surface, *SIZE)
        return surface

    def _window(self, surface: Surface | None) -> tuple[float, float]:
        """The centre of the next window. A point that left the window (only a pull can take
        it out: the sliders span the window) gets a window centred on it, widened to twice its
        distance from the old centre (the way it came stays in view), so a Play that runs away
        is followed at its own scale
        (as the explorer's slider ranges grow with their values) until the numbers overflow
        and the pull itself is refused; Reset brings back the first window."""
        point = self.point
        if surface is None:
            return point
        centre = (surface.xs[0] / 2 + surface.xs[-1] / 2, surface.ys[0] / 2 + surface.ys[-1] / 2)
        if surface.contains(*point):
            return centre
        distance = max(abs(point[0] / 2 - centre[0] / 2), abs(point[1] / 2 - centre[1] / 2)) * 2
        self._window_half_width = window_half_width(
            point, max(self._window_half_width, WINDOW_GROWTH * distance))
        return point

    def _overlays(self) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
        tries: list[tuple[float, float]] = []
        if self.show_tries:
            seen: list[dict[str, float]] = []
            self.circuit.random_local_search(self.tries, self.tweak, self.seed,
                                             on_try=seen.append)
            tries = [(t[self.x_name], t[self.y_name]) for t in seen]
        probes: list[tuple[float, float]] = []
        if self.show_probes:
            x, y = self.point
            probes = [(x + self.h, y), (x, y + self.h)]
        return tries, probes

    def _follow_circuit(self, surface: Surface) -> None:
        """Sliders span the window and show the inputs' values, without running the circuit."""
        with self._following_state():
            for name, axis in ((self.x_name, surface.xs), (self.y_name, surface.ys)):
                slider = self.sliders[name]
                if (slider.min, slider.max) != (axis[0], axis[-1]):
                    set_slider_range(slider, axis[0], axis[-1])
                slider.value = self.circuit.inputs[name].value

    def __repr__(self) -> str:
        return f"Landscape({self.circuit!r}, x={self.x_name!r}, y={self.y_name!r})"


def _circuit_of(unit: object) -> Circuit:
    if not isinstance(unit, Unit):
        raise TypeError(f"a Landscape shows a Circuit (or its output Unit), not "
                        f"{type(unit).__name__}")
    return Circuit(unit)


def _two_inputs(circuit: Circuit, x: str, y: str) -> tuple[str, str]:
    """The two input names, checked: both inputs of the circuit, and different."""
    names = list(circuit.inputs)
    if len(names) < 2:
        raise CircuitError(
            f"a landscape needs a circuit with two inputs; this one has "
            f"{len(names)} ({', '.join(names) or 'none'})"
        )
    for name in (x, y):
        if not isinstance(name, str):
            raise RefusedType(f"x and y name inputs of the circuit (text such as 'x'), not "
                              f"{type(name).__name__} ({name!r})")
        if name not in circuit.inputs:
            raise CircuitError(f"unknown input name {name!r}; this circuit's inputs: "
                               f"{', '.join(names)}")
    if x == y:
        raise CircuitError(f"x and y must be two different inputs, not both {x!r}")
    return x, y


def _half_width(circuit: Circuit, x: str, y: str, given: float | None) -> float:
    """Half the window's width: as given, else wide enough for the start and at least 2.
    (A window too narrow to draw at its point is drawn a little wider: see window_half_width.)"""
    if given is None:
        start = circuit.values()
        return max(2.0, 1.5 * max(abs(start[x]), abs(start[y])))
    if isinstance(given, bool) or not isinstance(given, int | float) or not 0 < given < math.inf:
        raise RefusedValue(f"half_width must be a positive finite number, not {given!r}")
    return float(given)


def finest_resolution(circuit: Circuit) -> int:
    """The finest grid whose sampling fits an event's budget on this circuit (at least 5)."""
    return max(5, math.isqrt(SAMPLE_BUDGET // (len(circuit) + PASS_OVERHEAD)))


def _whole(value: object, what: str, low: int, high: int, why: str) -> int:
    """A whole number from low to high, else refused with a sentence (`why` the cap's reason)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise RefusedType(f"{what} must be a whole number, not {type(value).__name__} "
                          f"({value!r})")
    if not low <= value <= high:
        raise RefusedValue(f"{what} must be from {low} to {high}, not {value}"
                           + (f": {why}" if value > high else ""))
    return value


def _force(value: object) -> float:
    """The force on the output: any finite number (a negative one pulls the output down)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise RefusedType(f"force must be a number, not {type(value).__name__} ({value!r})")
    if not math.isfinite(float(value)):
        raise RefusedValue(f"force must be a finite number, not {value!r}")
    return float(value)


def _direction(component: float, name: str) -> str:
    if component > 0:
        return f"toward larger {name}"
    if component < 0:
        return f"toward smaller {name}"
    return f"along no change of {name}"

