"""The playground's controls in the TrainingExplorer: the data set and its noise, the activation,
the hidden layers' widths (typed, or a layer or a neuron added or removed) and the batch size.
Each names itself for a screen reader and is a native, keyboard-reachable input.

A control asks the view for a change of settings (`restart`, given a function from the
settings in force to the new ones: the view restarts the session from its seeded start, or
shows the refusal); `follow(settings)` shows the settings in force, so after a refused change
every control reads what the session really is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..datasets import PLAYGROUND
from ..errors import RefusedValue
from ..ml.playground import ACTIVATIONS, Playground
from .sliders import FloatSlider
from .theme import row

__all__ = ["PlaygroundControls", "widths_from_text"]

Change = Callable[[Playground], Playground]
BATCH_SIZES = (1, 5, 10, 25)  # offered beside the full batch
WIDE = {"description_width": "initial"}


def widths_from_text(text: str) -> tuple[int, ...]:
    """Hidden widths typed as '8-8', '8, 8' or '8 8', or refused with a sentence."""
    parts = text.replace(",", " ").replace("-", " ").split()
    if not parts or not all(part.isdigit() for part in parts):
        raise RefusedValue(f"hidden widths are whole numbers like 8-8, not {text!r}")
    return tuple(int(part) for part in parts)


def _grown(settings: Playground, layers: int, neurons: int) -> Playground:
    """The settings with a layer added (a copy of the last) or removed, or a neuron added to
    or removed from the last hidden layer."""
    hidden = settings.hidden
    if layers > 0:
        hidden = hidden + hidden[-1:]
    elif layers < 0:
        hidden = hidden[:-1]
    else:
        hidden = hidden[:-1] + (hidden[-1] + neurons,)
    return settings.changed(hidden=hidden)


class PlaygroundControls:
    """The playground's inputs (`rows`, for the view's layout), wired to `restart` (a change of
    data set, noise, activation or hidden layers) and `set_batch_size`."""

    def __init__(self, settings: Playground, restart: Callable[[Change], None],
                 set_batch_size: Callable[[int | None], None]) -> None:
        self._following = False
        self.dataset = widgets.Dropdown(options=list(PLAYGROUND), description="data set",
                                        style=WIDE, layout={"width": "12em"})
        self.noise = FloatSlider(min=0.0, max=2.0, step=0.05, description="noise",
                                 readout_format=".2f")
        self.activation = widgets.Dropdown(options=list(ACTIVATIONS), description="activation",
                                           style=WIDE, layout={"width": "13em"})
        self.hidden = widgets.Text(description="hidden widths", continuous_update=False,
                                   style=WIDE, layout={"width": "14em"},
                                   tooltip="the hidden layers' widths, like 8-8")
        self.batch_size = widgets.Dropdown(description="batch size", style=WIDE,
                                           layout={"width": "12em"})
        self.layer_buttons = {
            (layers, neurons): widgets.Button(description=name, tooltip=tip,
                                              layout={"width": "auto"})
            for (layers, neurons), name, tip in (
                ((1, 0), "add layer", "a hidden layer as wide as the last"),
                ((-1, 0), "remove layer", "remove the last hidden layer"),
                ((0, 1), "add neuron", "one neuron more in the last hidden layer"),
                ((0, -1), "remove neuron", "one neuron less in the last hidden layer"),
            )
        }
        self.follow(settings)

        def on(widget: widgets.Widget, act: Callable[[Any], None]) -> None:
            widget.observe(lambda change: None if self._following else act(change["new"]),
                           "value")

        on(self.dataset, lambda name: restart(lambda s: s.changed(dataset=name)))
        on(self.noise, lambda noise: restart(lambda s: s.changed(noise=noise)))
        on(self.activation, lambda name: restart(lambda s: s.changed(activation=name)))
        on(self.hidden, lambda text: restart(
            lambda s: s.changed(hidden=widths_from_text(text))))
        on(self.batch_size, set_batch_size)
        for (layers, neurons), button in self.layer_buttons.items():
            button.on_click(lambda _, layers=layers, neurons=neurons: restart(
                lambda s: _grown(s, layers, neurons)))

    @property
    def rows(self) -> list[widgets.Widget]:
        """The controls in two rows: the data, then the network."""
        return [row([self.dataset, self.noise, self.batch_size]),
                row([self.activation, self.hidden, *self.layer_buttons.values()])]

    def follow(self, settings: Playground) -> None:
        """Show `settings` (the ones in force) in every control, without acting on them."""
        sizes = {size for size in (*BATCH_SIZES, settings.batch_size) if size is not None}
        batches = [("full", None), *((str(size), size) for size in sorted(sizes))]
        self._following = True
        try:
            self.dataset.value = settings.dataset
            self.noise.value = settings.noise
            self.activation.value = settings.activation
            self.hidden.value = "-".join(map(str, settings.hidden))
            if self.batch_size.options != tuple(batches):
                self.batch_size.options = batches
            self.batch_size.value = settings.batch_size
        finally:
            self._following = False
