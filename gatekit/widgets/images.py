"""A picture a screen reader can read: ipywidgets' Image with an `alt` text, drawn in the browser
as an `<img alt>` inside a box that scrolls when the picture is larger than it.

ipywidgets' Image view gives its `<img>` no alt (axe's `image-alt`), fails when given a tooltip
(it reads a description an Image lacks), and a Box that scrolls it cannot take the keyboard
focus (axe's `scrollable-region-focusable`). This Image keeps every trait of the stock one
(`value`, `format`, `width`, `height`) and adds `alt` and `max_height`; in the page its box takes
the focus, as a named region, only while the picture does not fit in it, so a keyboard scrolls
it and a picture that fits adds no stop to the Tab order.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import ipywidgets as widgets
import traitlets

from .theme import STYLESHEET

__all__ = ["Picture"]


class Picture(anywidget.AnyWidget, widgets.Image):
    """`ipywidgets.Image` with a text alternative (`alt`) and a height past which it scrolls
    (`max_height`, a CSS length; empty: never)."""

    # The browser side, images.js, as text: anywidget given a Path ties every instance to the
    # file watcher, so a closed view would never be freed.
    _esm = Path(__file__).with_name("images.js").read_text(encoding="utf-8")
    _css = STYLESHEET
    alt = traitlets.Unicode("", help="what the picture shows, for screen readers").tag(sync=True)
    max_height = traitlets.Unicode("").tag(sync=True)

    __repr__ = widgets.Widget.__repr__
