"""The gradient landscape: a circuit's output over two of its inputs, with the current point,
the gradient as an arrow, and the path that pulls take across the surface.

State lives in the circuit; the widget keeps only the path and the sampled surface, which it
samples again only when the other inputs change or the point leaves the window (so an event
costs one forward and one backward pass, and a redraw of the marks).
"""

from __future__ import annotations

import functools
import math
from typing import Any

import ipywidgets as widgets

from ..circuit import Circuit, CircuitError, fmt
from ..gates import Unit
from ..picture.surface import Surface, sample_surface, surface_background, surface_svg
from .base import LEARNER_ERRORS, MessageLine, PlayButton, SvgImage, View, escape, shows_errors
from .sliders import FloatLogSlider, FloatSlider

__all__ = ["Landscape"]

SIZE = (460, 420)  # pixels of the picture
PLAY_INTERVAL_MS = 250


class Landscape(View):
    """The output over inputs `x` and `y` (the others held at their values): bands and
    contour lines, the point, the gradient arrow; sliders for the two inputs, Pull / Play /
    Reset with the path of the pulls drawn, and optional overlays of random local search's
    tries and the numerical gradient's probes."""

    def __init__(
        self,
        circuit: Circuit | Unit,
        x: str = "x",
        y: str = "y",
        step_size: float = 0.1,
        force: float = 1.0,
        half_width: float | None = None,
        resolution: int = 41,
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
        if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 5:
            raise ValueError(f"resolution must be a whole number >= 5, not {resolution!r}")
        self.resolution = resolution
        self.half_width = _half_width(self.circuit, self.x_name, self.y_name, half_width)
        self.show_tries, self.show_probes = bool(show_tries), bool(show_probes)
        self.tries, self.tweak, self.h, self.seed = tries, tweak, h, seed
        self.start = self.circuit.values()  # what Reset restores
        self.path: list[tuple[float, float]] = [self.point]
        self.message = MessageLine()
        self._surface: Surface | None = None
        self._surface_key: tuple = ()
        self._background = ""

        self.sliders: dict[str, widgets.FloatSlider] = {}
        for name in (self.x_name, self.y_name):
            slider = FloatSlider(value=self.circuit.inputs[name].value, step=0.001,
                                 description=name, readout_format=".3f")
            slider.observe(functools.partial(self._on_slider, name), names="value")
            self.sliders[name] = slider
        self.step_size = FloatLogSlider(value=step_size, base=10, min=-2, max=math.log10(2),
                                        step=0.05, description="step size",
                                        readout_format=".3f")
        for control in (*self.sliders.values(), self.step_size):
            control.on_note(self.message.show)  # a typed value refused or moved to an end
        self.force = force
        self.pull_button = widgets.Button(description="Pull", button_style="primary",
                                          tooltip="one step of x and y along the gradient")
        self.pull_button.on_click(lambda _: self.pull())
        self.play = widgets.Play(value=0, min=0, max=100_000, interval=PLAY_INTERVAL_MS,
                                 show_repeat=False, description="keep pulling")
        self.play.observe(self._on_play, names="value")
        self.play_button = PlayButton(self.play, tooltip="keep pulling, one pull a tick")
        self.reset_button = widgets.Button(description="Reset", tooltip="the starting values")
        self.reset_button.on_click(lambda _: self.reset())
        self.drawing = SvgImage(*SIZE)
        self.readout = widgets.HTML()
        self.children = [
            widgets.HBox([self.drawing.widget, widgets.VBox([
                *self.sliders.values(), self.step_size,
                widgets.HBox([self.pull_button, *self.play_button.widgets, self.reset_button]),
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
        """Stop playing, restore the starting values and clear the path."""
        self._stop()
        self.circuit.forward(**self.start)
        self.path = [self.point]
        self._show()

    # ----- observers --------------------------------------------------------------------
    def _on_slider(self, name: str, change: dict[str, Any]) -> None:
        if not self._following:
            self._set_input(name, change["new"])

    @shows_errors
    def _set_input(self, name: str, value: float) -> None:
        self.circuit.forward(**{name: value})
        self.path = [self.point]  # a new start: the old path no longer leads here
        self._show()

    def _on_play(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self.pull()
            if self.message.text:
                self._stop()

    # ----- rendering ----------------------------------------------------------------------
    def _stop(self) -> None:
        """Stop Play (called after any error)."""
        self.play.playing = False

    def _show_state(self) -> None:
        """Show the circuit as it is now (called after any error)."""
        self._show()

    def _show(self) -> None:
        """Sliders, readout and picture from the circuit as it is now. A backward that cannot
        run here is said in the message line; the point is shown without an arrow."""
        circuit = self.circuit
        try:
            grads = circuit.backward(self.force)
        except LEARNER_ERRORS as error:
            self.message.show_error(error)
            grads = {self.x_name: 0.0, self.y_name: 0.0}
        gradient = grads[self.x_name], grads[self.y_name]
        surface = self._current_surface()
        self._follow_circuit(surface)
        x, y = self.point
        tries, probes = self._overlays()
        self.drawing.show(surface_svg(
            self._background, surface, *SIZE, point=(x, y), gradient=gradient, path=self.path,
            tries=tries, probes=probes, description=self.describe(),
        ))
        output = circuit.name_of(circuit.output)
        self.readout.value = (
            f"<b>{escape(output)}</b> = {escape(fmt(circuit.value))}<br>"
            f"∂{escape(output)}/∂{escape(self.x_name)} = {escape(fmt(gradient[0]))}, "
            f"∂{escape(output)}/∂{escape(self.y_name)} = {escape(fmt(gradient[1]))}<br>"
            f"pulls: {len(self.path) - 1}"
        )

    def describe(self) -> str:
        """One sentence of what the picture shows, for screen readers and the docs."""
        circuit, (x, y) = self.circuit, self.point
        grads, pulls = circuit.grads(), len(self.path) - 1
        gx, gy = grads[self.x_name], grads[self.y_name]
        return (
            f"{circuit.name_of(circuit.output)} = {fmt(circuit.value)} at {self.x_name} = "
            f"{fmt(x)}, {self.y_name} = {fmt(y)}; the gradient ({fmt(gx)}, {fmt(gy)}) points "
            f"{_direction(gx, self.x_name)} and {_direction(gy, self.y_name)}; "
            f"{pulls} pull{'' if pulls == 1 else 's'} so far"
        )

    def _current_surface(self) -> Surface:
        """The sampled surface, sampled again when the other inputs changed or the point left
        the window (then centred on the point)."""
        others = tuple(v for n, v in self.circuit.values().items()
                       if n not in (self.x_name, self.y_name))
        surface = self._surface
        if surface is None or others != self._surface_key or not surface.contains(*self.point):
            centre = self.point if surface is None or not surface.contains(*self.point) else (
                (surface.xs[0] + surface.xs[-1]) / 2, (surface.ys[0] + surface.ys[-1]) / 2)
            surface = sample_surface(self.circuit, self.x_name, self.y_name, centre,
                                     self.half_width, self.resolution)
            self._surface, self._surface_key = surface, others
            self._background = surface_background(surface, *SIZE)
        return surface

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
                slider.min, slider.max = min(slider.min, axis[0]), max(slider.max, axis[-1])
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
        if name not in circuit.inputs:
            raise CircuitError(f"unknown input name {name!r}; this circuit's inputs: "
                               f"{', '.join(names)}")
    if x == y:
        raise CircuitError(f"x and y must be two different inputs, not both {x!r}")
    return x, y


def _half_width(circuit: Circuit, x: str, y: str, given: float | None) -> float:
    """Half the window's width: as given, else wide enough for the start and at least 2."""
    if given is None:
        start = circuit.values()
        return max(2.0, 1.5 * max(abs(start[x]), abs(start[y])))
    if isinstance(given, bool) or not isinstance(given, int | float) or not 0 < given < math.inf:
        raise ValueError(f"half_width must be a positive number, not {given!r}")
    return float(given)


def _direction(component: float, name: str) -> str:
    if component > 0:
        return f"toward larger {name}"
    if component < 0:
        return f"toward smaller {name}"
    return f"along no change of {name}"

