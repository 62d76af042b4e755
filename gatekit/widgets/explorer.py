"""The circuit explorer: sliders on the inputs, a force on the output, Pull, and the drawing
following every change. All state lives in the circuit; the widget observes and renders."""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import ipywidgets as widgets

from ..circuit import Circuit
from ..gates import Unit
from ..picture.layout import GRAD_COLOUR, VALUE_COLOUR, layout_of, wires
from ..picture.svg import REPR_MAX_GATES, circuit_repr_svg, circuit_svg, sparkline_svg
from .base import (
    LEARNER_ERRORS,
    MessageLine,
    SvgImage,
    View,
    escape,
    sentence,
    shows_errors,
    svg_text,
)
from .controls import StepControls, set_slider_range
from .sliders import FloatSlider

__all__ = ["CircuitExplorer", "explore", "SliderMap", "slider_range"]

HISTORY_LENGTH = 300  # output values kept for the line plot
PLAY_INTERVAL_MS = 250
HISTORY_PLOT_SIZE = (260, 70)  # pixels
SLIDER_LIMIT = 24  # one slider per input up to this many inputs; beyond, a chooser and one slider
CHECK_BUDGET = 50_000  # gate runs the automatic gradient check may spend per event (~20 ms)
WIDEST = sys.float_info.max / 4  # a slider's half-range at most: its ends and span stay finite


def slider_range(value: float) -> tuple[float, float]:
    """The ends of a slider around `value`: at least 2 either side, else twice its size, and
    always finite (an input of 1e308 gets a range of finite numbers, not ±inf)."""
    half = min(max(2.0, 2.0 * abs(value)), WIDEST)
    return max(value - half, -sys.float_info.max), min(value + half, sys.float_info.max)


def fit_slider(slider: widgets.FloatSlider, value: float) -> None:
    """Widen the slider's range when `value` lies outside it (a slider would clamp it)."""
    if slider.min <= value <= slider.max:
        return
    low, high = slider_range(value)
    low, high = min(low, slider.min), max(high, slider.max)
    if not math.isfinite(high - low):  # from one end of the floats to the other: start afresh
        low, high = slider_range(value)
    set_slider_range(slider, low, high)


class SliderMap(Mapping[str, widgets.FloatSlider]):
    """A FloatSlider per input of the circuit, each made the first time it is asked for, so a
    1000-input explorer does not build 1000 sliders it may never show."""

    def __init__(self, circuit: Circuit, on_move: Any) -> None:
        self._circuit = circuit
        self._on_move = on_move  # called as on_move(name, change) when a slider moves
        self._made: dict[str, widgets.FloatSlider] = {}

    def __getitem__(self, name: str) -> widgets.FloatSlider:
        slider = self._made.get(name)
        if slider is None:
            value = self._circuit.inputs[name].value  # KeyError for a name that is no input
            slider = FloatSlider(value=0.0, min=-1.0, max=1.0, description=name,
                                 continuous_update=True)
            set_slider_range(slider, *slider_range(value))
            slider.value = value
            slider.observe(functools.partial(self._on_move, name), names="value")
            self._made[name] = slider
        return slider

    def __iter__(self) -> Iterator[str]:
        return iter(self._circuit.inputs)

    def __len__(self) -> int:
        return len(self._circuit.inputs)

    def made(self) -> dict[str, widgets.FloatSlider]:
        """The sliders made so far, by input name."""
        return self._made


class CircuitExplorer(View):
    """Move the inputs with sliders or pull on the output and watch values and grads change.

    After every event the sliders, the circuit, the readouts and the drawing agree. A slider
    move the circuit refuses (a division by zero, say) leaves the circuit as it was and the
    slider snaps back. A move to a point where the forward pass works but the backward pass
    cannot run is kept: the readout and drawing show the new values, the grads are left blank
    and the message line says why. Up to 24 inputs each gets a slider; beyond, a chooser picks
    the one slider shown (`sliders[name]` still gives any input's slider). On large circuits the
    gradient check runs when asked (the Check button), not on every event, and the drawing is
    the circuit's summary picture (the gates nearest the output), as a notebook shows it.
    """

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
        self.pulls = 0  # pulls since the start or the last Reset
        self.message = MessageLine()
        # Past REPR_MAX_GATES gates the drawing is the circuit's bounded summary picture.
        self._geometry = layout_of(circuit) if len(circuit) <= REPR_MAX_GATES else None
        n_inputs = len(circuit.inputs)
        self._checks_every_event = (2 * n_inputs + 1) * max(1, len(circuit)) <= CHECK_BUDGET

        self.sliders = SliderMap(circuit, self._on_slider)
        self.chooser: widgets.Dropdown | None = None
        self.slider_box = widgets.VBox()
        if n_inputs > SLIDER_LIMIT:
            self.chooser = widgets.Dropdown(options=list(circuit.inputs), description="input")
            self.chooser.observe(lambda _: self._show_chosen_slider(), names="value")
            self._show_chosen_slider()
        else:
            self.slider_box.children = list(self.sliders.values())
        self.force = FloatSlider(
            value=force, min=-1.0, max=1.0, step=0.05, description="force", readout_format=".2f"
        )
        self.force.observe(self._on_force, names="value")
        self.controls = StepControls(
            self.message, act=self.pull, tick=self.pull, reset=self.reset, step_size=step_size,
            exponents=(-4, 0), readout_format=".4f", interval_ms=PLAY_INTERVAL_MS,
        )
        self.play, self.play_button = self.controls.play, self.controls.play_button
        self.pull_button, self.reset_button = self.controls.act_button, self.controls.reset_button
        self.step_size = self.controls.step_size
        self.check_button = widgets.Button(description="Check gradients",
                                           tooltip="backward against finite differences")
        self.check_button.on_click(lambda _: self.check_gradients())

        self.drawing = SvgImage(*(self._geometry.size_pixels if self._geometry else ()))
        self.output_line = widgets.HTML()
        self.history_plot = SvgImage(*HISTORY_PLOT_SIZE)
        self.history_plot.widget.layout.flex = "0 0 auto"  # its size: never squeezed to scroll
        self.badge = widgets.HTML()
        self.prediction = widgets.HTML()

        readouts = [self.output_line, self.badge]
        if not self._checks_every_event:
            readouts.append(self.check_button)
        controls = widgets.VBox([
            self.force, self.step_size,
            widgets.HBox(self.controls.buttons),
            widgets.HBox([widgets.VBox(readouts), self.history_plot.widget]),
        ])
        self.children = [
            self.drawing.widget,
            widgets.HBox([self.slider_box, controls]),
            self.prediction,
            self.message.widget,
        ]
        self._show(record=True)

    # ----- what the buttons do ------------------------------------------------------------
    @shows_errors
    def pull(self) -> float:
        """One pull on the output with the chosen force and step; returns the new output."""
        circuit, force = self.circuit, self.force.value
        before, old_output = circuit.values(), circuit.value
        new_output = circuit.pull(force, self.step_size.value, self.move)
        self.pulls += 1
        # The pull left force * d(output)/d(input) at its starting point in the grads.
        moved = {n: v - before[n] for n, v in circuit.values().items()}
        change = sum(g * moved[n] for n, g in circuit.grads().items())
        predicted = change / force if force else 0.0
        self.prediction.value = _prediction_html(
            circuit.name_of(circuit.output), predicted, new_output - old_output
        )
        self._show(record=True)
        return new_output

    @shows_errors
    def reset(self) -> None:
        """Stop playing, restore the starting values and start the history afresh."""
        self._stop()
        self.history.clear()
        self.pulls = 0
        self.prediction.value = ""
        self.circuit.forward(**self.start)
        self._show(record=True)

    @shows_errors
    def check_gradients(self) -> None:
        """Check backward against finite differences now and show the verdict in the badge."""
        self.badge.value = _badge_html(self.circuit)

    # ----- observers --------------------------------------------------------------------
    def _on_slider(self, name: str, change: dict[str, Any]) -> None:
        if not self._following:
            self._set_input(name, change["new"])

    @shows_errors
    def _set_input(self, name: str, value: float) -> None:
        self.circuit.forward(**{name: value})
        self._show(record=True)

    @shows_errors
    def _on_force(self, change: dict[str, Any]) -> None:
        self._show(record=False)

    def _show_chosen_slider(self) -> None:
        assert self.chooser is not None
        self.slider_box.children = [self.chooser, self.sliders[self.chooser.value]]

    # ----- rendering ----------------------------------------------------------------------
    def _stop(self) -> None:
        """Stop Play (called after any error)."""
        self.controls.stop()

    def _show_state(self) -> None:
        """Show the circuit as it is now (called after any error)."""
        self._show(record=False)

    def _show(self, record: bool) -> None:
        """Backward with the chosen force, then sliders, readouts and drawing from the circuit.

        A backward that cannot run at this point is reported in the message line, not raised:
        the forward values are real and shown, the grads are left blank.
        """
        circuit = self.circuit
        trouble: Exception | None = None
        try:
            circuit.backward(self.force.value)
        except LEARNER_ERRORS as error:
            trouble = error
        self._follow_circuit()
        if record:
            self.history.append(circuit.value)
            del self.history[:-HISTORY_LENGTH]
        self.output_line.value = (
            f"<b>{escape(circuit.name_of(circuit.output))}</b> = "
            f'<span style="color:{VALUE_COLOUR}; font-size:1.2em">'
            f"{escape(f'{circuit.value:.4f}')}</span>"
        )
        self.history_plot.show(sparkline_svg(self.history, *HISTORY_PLOT_SIZE))
        if trouble is None:
            self.badge.value = (_badge_html(circuit) if self._checks_every_event else
                                _grey("gradient check: press Check gradients (not run on every "
                                      "change of a circuit this large)"))
        else:
            self.badge.value = _grey("gradient check: no backward pass at this point")
            self.message.show(f"the backward pass cannot run here: {sentence(trouble)}")
        self._draw(grads_known=trouble is None)

    def _draw(self, grads_known: bool) -> None:
        """The circuit as it is (grads blank when unknown), or its summary when it is large,
        named by what it shows and how many pulls led here."""
        circuit = self.circuit
        if self._geometry is None:
            picture = circuit_repr_svg(circuit)
        else:
            shown = wires(circuit, grads=None if grads_known else [None] * len(circuit.units))
            picture = circuit_svg(circuit, self._geometry, shown)
        pulls = f"{self.pulls} pull{'' if self.pulls == 1 else 's'} so far."
        self.drawing.show(picture, alt=f"{svg_text(picture)} {pulls}")

    def _follow_circuit(self) -> None:
        """Set each slider made so far to its input's value, without running the circuit again;
        a slider whose value is right already is left alone (nothing is sent)."""
        with self._following_state():
            for name, slider in self.sliders.made().items():
                value = self.circuit.inputs[name].value
                if slider.value != value:
                    fit_slider(slider, value)
                    slider.value = value

    def _hidden_widgets(self) -> Iterable[widgets.Widget]:
        return [*self.sliders.made().values(), self.check_button]

    def __repr__(self) -> str:
        return f"CircuitExplorer({self.circuit!r})"


def _grey(text: str) -> str:
    return f'<span style="color:#616161">{escape(text)}</span>'


def _badge_html(circuit: Circuit) -> str:
    """Analytic against numerical gradients, as a small coloured verdict."""
    try:
        check = circuit.check_gradients()
    except LEARNER_ERRORS as error:
        return _grey(f"gradient check not possible here ({sentence(error)})")
    error = escape(f"{check.max_error:.1e}")
    if check.ok:
        return (f'<span style="color:{VALUE_COLOUR}">✔ backward agrees with the numerical '
                f"gradient (max error {error})</span>")
    return (f'<span style="color:{GRAD_COLOUR}">✘ backward and the numerical gradient differ '
            f"(max error {error})</span>")


def _prediction_html(output: str, predicted: float, actual: float) -> str:
    """The first-order prediction of a pull next to what the output really did."""
    return (
        f"last pull: predicted change Σ ∂{escape(output)}/∂x · Δx = "
        f"<b>{escape(f'{predicted:+.6f}')}</b>, actual change = "
        f"<b>{escape(f'{actual:+.6f}')}</b> (off by {escape(f'{actual - predicted:+.2e}')})"
    )


def explore(
    circuit: Circuit | Unit,
    force: float = 1.0,
    step_size: float = 0.01,
    move: Iterable[str] | None = None,
) -> CircuitExplorer:
    """An explorer on `circuit` (or on the circuit ending in a Unit): sliders, force, Pull,
    Play, Reset and the live drawing."""
    if isinstance(circuit, Unit):
        circuit = Circuit(circuit)
    if not isinstance(circuit, Circuit):
        raise TypeError(f"explore needs a Circuit or the Unit at the end of one, "
                        f"not {type(circuit).__name__}")
    return CircuitExplorer(circuit, force=force, step_size=step_size, move=move)
