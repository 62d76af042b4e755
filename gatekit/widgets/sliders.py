"""Sliders a screen reader can name: ipywidgets' FloatSlider, FloatLogSlider and IntSlider with
the same traits and checks in Python, drawn in the browser as a native range input.

ipywidgets draws its sliders with noUiSlider, whose handle has no accessible name (axe's
`aria-input-field-name`) and cannot be given one. These classes keep every trait of the stock
slider (they `isinstance` it, so `explorer.sliders[name]` is still an `ipywidgets.FloatSlider`)
and render through anywidget as a `<label>`, an `<input type="range">` named by the description
(arrow keys, Home/End and Page keys move it, as any native slider) and a readout box that takes
a typed value on Enter. Keys pressed in a slider stay the slider's: JupyterLab's notebook
shortcuts are suppressed inside it. Horizontal only (the views need no vertical slider).
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import ipywidgets as widgets
import traitlets

__all__ = ["FloatSlider", "FloatLogSlider", "IntSlider"]


class _Named(anywidget.AnyWidget):
    """What the three sliders share: the browser side and ipywidgets' own repr."""

    # The browser side, sliders.js, as text: anywidget given a Path ties every instance to the
    # file watcher, so a closed view would never be freed.
    _esm = Path(__file__).with_name("sliders.js").read_text(encoding="utf-8")
    _scale = traitlets.Unicode("linear").tag(sync=True)

    __repr__ = widgets.Widget.__repr__


class FloatSlider(_Named, widgets.FloatSlider):
    """`ipywidgets.FloatSlider` whose handle is named by its description."""


class FloatLogSlider(_Named, widgets.FloatLogSlider):
    """`ipywidgets.FloatLogSlider` whose handle is named by its description."""

    _scale = traitlets.Unicode("log").tag(sync=True)


class IntSlider(_Named, widgets.IntSlider):
    """`ipywidgets.IntSlider` whose handle is named by its description."""

    _scale = traitlets.Unicode("int").tag(sync=True)
