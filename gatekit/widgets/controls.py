"""Pull / Play / Reset and the step-size slider: the controls the explorer, the Landscape and the
TrainingExplorer share, wired once here. A view says what its buttons do; the controls own the
widgets and the Play loop (one action a tick while playing, stopped by any message the view
shows: an error, or a point where the backward pass cannot run).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..errors import RefusedType, RefusedValue
from .base import MessageLine, PlayButton
from .sliders import FloatLogSlider

__all__ = ["StepControls", "checked_step_size", "set_slider_range"]

Action = Callable[[], object]
FINE_STEP = 0.001  # a slider's step over an everyday range (a span from 1 to 10,000)


def set_slider_range(slider: widgets.FloatSlider, low: float, high: float) -> None:
    """Give the slider new ends, a step fine for its span and a readout that fits its numbers
    (any finite ends: the span is measured on halves, so that it never overflows)."""
    slider.max = max(high, slider.max)  # widen first: min <= max must hold after every set
    slider.min = low
    slider.max = high
    half_span = high / 2 - low / 2
    if 0.5 <= half_span <= 5e3:
        slider.step = FINE_STEP
    elif half_span > 0:
        slider.step = 10.0 ** (math.floor(math.log10(half_span) + math.log10(2)) - 4)
    slider.readout_format = ".3f" if max(abs(low), abs(high)) < 1e6 and half_span >= 0.5 else ".4g"


def checked_step_size(value: object) -> float:
    """The step size as a float: a positive finite number, else refused with a sentence."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise RefusedType(f"step_size must be a positive number, not {type(value).__name__} "
                          f"({value!r})")
    if not 0 < float(value) < math.inf:
        raise RefusedValue(f"step_size must be a positive finite number, not {value!r}")
    return float(value)


class StepControls:
    """The action button (Pull, or Step for training), a named Play/Stop button over a hidden
    Play, Reset, and a log-scale step-size slider whose range reaches the step size given.

    `act` runs on the action button, `tick` on every Play tick while playing, `reset` on Reset;
    `on_pause` (if given) when the learner stops Play, not when an error or `stop()` does.
    """

    def __init__(
        self,
        message: MessageLine,
        act: Action,
        tick: Action,
        reset: Action,
        step_size: float,
        exponents: tuple[float, float],
        readout_format: str,
        interval_ms: int,
        act_name: str = "Pull",
        tooltips: tuple[str, str, str] = ("one step of the inputs along their grads",
                                          "keep pulling, one pull a tick", "the starting values"),
        on_pause: Action | None = None,
    ) -> None:
        self._message, self._tick, self._on_pause = message, tick, on_pause
        self._stopping = False  # True while stop() stops Play: no pause to report
        step_size = checked_step_size(step_size)
        exponent = math.log10(step_size)
        self.step_size = FloatLogSlider(
            value=step_size, base=10, min=min(exponents[0], math.floor(exponent)),
            max=max(exponents[1], math.ceil(exponent)), step=0.05, description="step size",
            readout_format=readout_format,
        )
        act_tip, play_tip, reset_tip = tooltips
        self.act_button = widgets.Button(description=act_name, button_style="primary",
                                         tooltip=act_tip)
        self.act_button.on_click(lambda _: act())
        self.play = widgets.Play(value=0, min=0, max=10**9, step=1, interval=interval_ms,
                                 show_repeat=False, description=play_tip)
        self.play.observe(self._on_tick, names="value")
        self.play.observe(self._on_playing, names="playing")
        self.play_button = PlayButton(self.play, tooltip=play_tip)
        self.reset_button = widgets.Button(description="Reset", tooltip=reset_tip)
        self.reset_button.on_click(lambda _: reset())

    @property
    def buttons(self) -> list[widgets.Widget]:
        """The buttons in their row's order (with the hidden Play that runs the timer)."""
        return [self.act_button, *self.play_button.widgets, self.reset_button]

    def stop(self) -> None:
        """Stop Play (what every error and Reset do); not reported as the learner's pause."""
        self._stopping = True
        try:
            self.play.playing = False
        finally:
            self._stopping = False

    def _on_tick(self, change: dict[str, Any]) -> None:
        # 0 is Play starting over, and a tick while stopped (its slider moved) is no tick.
        if not change["new"] or not self.play.playing:
            return
        self._tick()
        if self._message.text:
            self.stop()

    def _on_playing(self, change: dict[str, Any]) -> None:
        if not change["new"] and not self._stopping and self._on_pause is not None:
            self._on_pause()
