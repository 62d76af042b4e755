"""The circuit explorer: sliders on the inputs, a force on the output, Pull, and the drawing
following every change. All state lives in the circuit; the widget observes and renders."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets

from ..circuit import Circuit
from ..drawing import GRAD_COLOUR, VALUE_COLOUR, layout_of, wires
from .base import MessageLine, SvgImage, shows_errors
from .svg import circuit_svg, sparkline_svg

__all__ = ["CircuitExplorer", "explore"]

HISTORY_LENGTH = 300  # output values kept for the line plot
PLAY_INTERVAL_MS = 250
HISTORY_PLOT_SIZE = (260, 70)  # pixels


def slider_span(value: float) -> float:
    """How far a slider reaches either side of a value: at least 2, else twice its size."""
    return max(2.0, 2.0 * abs(value))


def fit_slider(slider: widgets.FloatSlider, value: float) -> None:
    """Widen the slider's range when `value` lies outside it (a slider would clamp it)."""
    if value > slider.max:
        slider.max = value + slider_span(value) / 2
    if value < slider.min:
        slider.min = value - slider_span(value) / 2


class CircuitExplorer(widgets.VBox):
    """Move the inputs with sliders or pull on the output and watch values and grads change."""

    def __init__(
        self,
        circuit: Circuit,
        force: float = 1.0,
        step_size: float = 0.01,
        move: Iterable[str] | None = None,
    ) -> None:
        super().__init__()
        self.circuit = circuit
        self.move = None if move is None else list(move)  # the inputs a pull moves (None: all)
        self.start = circuit.values()  # what Reset restores
        self.history: list[float] = []
        self.message = MessageLine()
        self._following = False  # True while sliders follow the circuit: their events are echoes
        self._geometry = layout_of(circuit)
        width, height = self._geometry.size_pixels

        self.sliders: dict[str, widgets.FloatSlider] = {}
        for name, unit in circuit.inputs.items():
            span = slider_span(unit.value)
            slider = widgets.FloatSlider(
                value=unit.value, min=unit.value - span, max=unit.value + span, step=0.001,
                description=name, readout_format=".3f", continuous_update=True,
            )
            slider.observe(functools.partial(self._on_slider, name), names="value")
            self.sliders[name] = slider
        self.force = widgets.FloatSlider(
            value=force, min=-1.0, max=1.0, step=0.05, description="force", readout_format=".2f"
        )
        self.force.observe(self._on_force, names="value")
        self.step_size = widgets.FloatLogSlider(
            value=step_size, base=10, min=-4, max=0, step=0.05, description="step size",
            readout_format=".4f",
        )
        self.pull_button = widgets.Button(description="Pull", button_style="primary",
                                          tooltip="one step of the inputs along their grads")
        self.pull_button.on_click(lambda _: self.pull())
        self.play = widgets.Play(value=0, min=0, max=100_000, step=1, interval=PLAY_INTERVAL_MS,
                                 show_repeat=False, description="keep pulling")
        self.play.observe(self._on_play, names="value")
        self.reset_button = widgets.Button(description="Reset", tooltip="the starting values")
        self.reset_button.on_click(lambda _: self.reset())

        self.drawing = SvgImage(width, height)
        self.output_line = widgets.HTML()
        self.history_plot = SvgImage(*HISTORY_PLOT_SIZE)
        self.badge = widgets.HTML()
        self.prediction = widgets.HTML()

        readouts = widgets.VBox([self.output_line, self.badge])
        controls = widgets.VBox([
            self.force, self.step_size,
            widgets.HBox([self.pull_button, self.play, self.reset_button]),
            widgets.HBox([readouts, self.history_plot.widget]),
        ])
        self.children = [
            self.drawing.widget,
            widgets.HBox([widgets.VBox(list(self.sliders.values())), controls]),
            self.prediction,
            self.message.widget,
        ]
        self._show(record=True)

    # ----- what the buttons do ------------------------------------------------------------
    @shows_errors
    def pull(self) -> float:
        """One pull on the output with the chosen force and step; returns the new output."""
        with self._then_show():
            circuit, force = self.circuit, self.force.value
            before, old_output = circuit.values(), circuit.value
            new_output = circuit.pull(force, self.step_size.value, self.move)
            # The pull left force * d(output)/d(input) at its starting point in the grads.
            moved = {n: v - before[n] for n, v in circuit.values().items()}
            change = sum(g * moved[n] for n, g in circuit.grads().items())
            predicted = change / force if force else 0.0
            self.prediction.value = _prediction_html(
                circuit.name_of(circuit.output), predicted, new_output - old_output
            )
        return new_output

    @shows_errors
    def reset(self) -> None:
        """Stop playing, restore the starting values and start the history afresh."""
        self.play.playing = False
        self.history.clear()
        self.prediction.value = ""
        with self._then_show():
            self.circuit.forward(**self.start)

    # ----- observers --------------------------------------------------------------------
    def _on_slider(self, name: str, change: dict[str, Any]) -> None:
        if not self._following:
            self._set_input(name, change["new"])

    @shows_errors
    def _set_input(self, name: str, value: float) -> None:
        with self._then_show():
            self.circuit.forward(**{name: value})

    @shows_errors
    def _on_force(self, change: dict[str, Any]) -> None:
        self._show(record=False)

    def _on_play(self, change: dict[str, Any]) -> None:
        if change["new"]:  # 0 is the Play widget starting over, not a tick
            self.pull()
            if self.message.text:
                self.play.playing = False

    # ----- rendering ----------------------------------------------------------------------
    @contextmanager
    def _then_show(self) -> Iterator[None]:
        """Run a change to the circuit, then show the circuit as it is, whether it worked or not
        (a failed change has left the circuit as it was; the sliders must say so too)."""
        try:
            yield
        finally:
            self._show(record=True)

    def _show(self, record: bool) -> None:
        """Backward with the chosen force, then sliders, readouts and drawing from the circuit."""
        circuit = self.circuit
        circuit.backward(self.force.value)
        self._follow_circuit()
        if record:
            self.history.append(circuit.value)
            del self.history[:-HISTORY_LENGTH]
        self.output_line.value = (
            f"<b>{circuit.name_of(circuit.output)}</b> = "
            f'<span style="color:{VALUE_COLOUR}; font-size:1.2em">{circuit.value:.4f}</span>'
        )
        self.badge.value = _badge_html(circuit)
        self.history_plot.show(sparkline_svg(self.history, *HISTORY_PLOT_SIZE))
        self.drawing.show(circuit_svg(circuit, self._geometry, wires(circuit)))

    def _follow_circuit(self) -> None:
        """Set each slider to its input's value without running the circuit again."""
        self._following = True
        try:
            for name, slider in self.sliders.items():
                value = self.circuit.inputs[name].value
                fit_slider(slider, value)
                slider.value = value
        finally:
            self._following = False

    def __repr__(self) -> str:
        return f"CircuitExplorer({self.circuit!r})"


def _badge_html(circuit: Circuit) -> str:
    """Analytic against numerical gradients, as a small coloured verdict."""
    try:
        check = circuit.check_gradients()
    except (ArithmeticError, ValueError) as error:
        return f'<span style="color:#757575">gradient check not possible here ({error})</span>'
    if check.ok:
        return (f'<span style="color:{VALUE_COLOUR}">✔ backward agrees with the numerical '
                f"gradient (max error {check.max_error:.1e})</span>")
    return (f'<span style="color:{GRAD_COLOUR}">✘ backward and the numerical gradient differ '
            f"(max error {check.max_error:.1e})</span>")


def _prediction_html(output: str, predicted: float, actual: float) -> str:
    """The first-order prediction of a pull next to what the output really did."""
    return (
        f"last pull: predicted change Σ ∂{output}/∂x · Δx = <b>{predicted:+.6f}</b>, "
        f"actual change = <b>{actual:+.6f}</b> (off by {actual - predicted:+.2e})"
    )


def explore(
    circuit: Circuit,
    force: float = 1.0,
    step_size: float = 0.01,
    move: Iterable[str] | None = None,
) -> CircuitExplorer:
    """An explorer on `circuit`: sliders, force, Pull, Play, Reset and the live drawing."""
    return CircuitExplorer(circuit, force=force, step_size=step_size, move=move)
