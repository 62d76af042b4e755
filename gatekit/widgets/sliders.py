"""Sliders a screen reader can name: ipywidgets' FloatSlider, FloatLogSlider and IntSlider with
the same traits and checks in Python, drawn in the browser as a native range input.

ipywidgets draws its sliders with noUiSlider, whose handle has no accessible name (axe's
`aria-input-field-name`) and cannot be given one. These classes keep every trait of the stock
slider (they `isinstance` it, so `explorer.sliders[name]` is still an `ipywidgets.FloatSlider`)
and render through anywidget as a `<label>`, an `<input type="range">` named by the description
(arrow keys, Home/End and Page keys move it, as any native slider) and a readout box that takes
a typed value on Enter (or Tab). Keys pressed in a slider stay the slider's: JupyterLab's notebook
shortcuts are suppressed inside it. Horizontal only (the views need no vertical slider).

A typed value goes to the kernel as typed (`type_value`): a number past an end is set to that end
and one that is no finite number is refused, each said in one sentence to whoever listens
(`on_note`; a view passes its message line), never silently reverted. `readout_format` takes the
part of d3-format's specs the browser side writes: a sign, `,` grouping, `.N` digits (at most
20) and a type of d, e, f, g or %; anything else is refused when set.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from ..circuit import fmt
from ..errors import RefusedValue
from .theme import STYLESHEET

__all__ = ["FloatSlider", "FloatLogSlider", "IntSlider"]

# What sliders.js `format()` writes: [sign][,][.digits][type], as d3-format reads it.
READOUT_FORMAT = re.compile(r"([+\- ])?(,)?(?:\.(\d+))?([defg%]?)")
MOST_DIGITS = 20  # d3-format's own limit on digits


class _Named(anywidget.AnyWidget):
    """What the three sliders share: the browser side and ipywidgets' own repr."""

    # The browser side, sliders.js, as text: anywidget given a Path ties every instance to the
    # file watcher, so a closed view would never be freed.
    _esm = Path(__file__).with_name("sliders.js").read_text(encoding="utf-8")
    _css = STYLESHEET
    _scale = traitlets.Unicode("linear").tag(sync=True)
    value: Any  # each slider's own trait, a float or an int
    # style.description_width, read by the browser side ("" JupyterLab's, "initial" the label's)
    _label_width = traitlets.Unicode("").tag(sync=True)

    __repr__ = widgets.Widget.__repr__

    def __init__(self, **kwargs: Any) -> None:
        self._listeners: list[Callable[[str], None]] = []
        super().__init__(**kwargs)
        self.on_msg(self._on_message)
        self.observe(lambda _: self._follow_style(), names="style")
        self._follow_style()

    def _follow_style(self) -> None:
        """Honour `style.description_width` as ipywidgets' own slider does."""
        self.style.observe(lambda change: setattr(self, "_label_width", change["new"]),
                           names="description_width")
        self._label_width = self.style.description_width

    def on_note(self, listener: Callable[[str], None]) -> None:
        """Call `listener(sentence)` whenever a typed value is refused or moved to an end."""
        self._listeners.append(listener)

    def type_value(self, typed: str) -> None:
        """What Enter in the number box does with `typed`: set the value it names, the nearer
        end for a number past the slider's ends (an int slider rounds), or keep the value and
        say why when it names no finite number (`abc`, `1,5`, `1e999`, `nan`)."""
        name = self.description or "the slider"
        try:
            number = float(typed.replace("\u2212", "-").strip())
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            self._note(f"{typed.strip()!r} is not a finite number, so {name} stays "
                       f"{fmt(self.value)}.")
            return
        low, high = self._ends()
        value = min(max(number, low), high)
        self.value = round(value) if self._scale == "int" else value
        if value != number:
            self._note(f"{fmt(number)} is past the end of {name}'s slider "
                       f"({fmt(low)} to {fmt(high)}), so {name} is set to {fmt(self.value)}.")

    def _ends(self) -> tuple[float, float]:
        """The smallest and largest value the slider takes."""
        if self._scale == "log":
            return self.base**self.min, self.base**self.max
        return self.min, self.max

    def _note(self, text: str) -> None:
        for listener in self._listeners:
            listener(text)

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and isinstance(content.get("typed"), str):
            self.type_value(content["typed"])

    @traitlets.validate("readout_format")
    def _check_readout_format(self, proposal: Any) -> str:
        spec = proposal["value"]
        found = READOUT_FORMAT.fullmatch(spec)
        if found is None:
            raise RefusedValue(
                f"readout_format {spec!r} is not one a slider writes: use a sign (+), a comma "
                f"to group thousands, .N digits and a type of d, e, f, g or %, as in '.3f'")
        if found[3] is not None and int(found[3]) > MOST_DIGITS:
            raise RefusedValue(f"readout_format {spec!r} asks for {int(found[3])} digits; a "
                               f"slider writes at most {MOST_DIGITS}")
        return spec


class FloatSlider(_Named, widgets.FloatSlider):
    """`ipywidgets.FloatSlider` whose handle is named by its description."""


class FloatLogSlider(_Named, widgets.FloatLogSlider):
    """`ipywidgets.FloatLogSlider` whose handle is named by its description."""

    _scale = traitlets.Unicode("log").tag(sync=True)


class IntSlider(_Named, widgets.IntSlider):
    """`ipywidgets.IntSlider` whose handle is named by its description."""

    _scale = traitlets.Unicode("int").tag(sync=True)
