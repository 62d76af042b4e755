"""The one stylesheet of gatekit's views: text colours that follow JupyterLab's light or dark
theme, rows of controls that wrap instead of clipping, numbers that never break.

HTML a view writes names a class (`gk-value`, …), never a colour; the sliders and pictures load
this sheet into the page (anywidget's `_css`), so every view has it as soon as it is shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

import ipywidgets as widgets

from ..picture.layout import CONSTANT_COLOUR, GRAD_COLOUR, VALUE_COLOUR
from ..picture.svg import DARK_COLOURS

__all__ = ["TEXT_COLOURS", "LIGHT_PAGE", "DARK_PAGE", "STYLESHEET", "coloured", "number", "row"]

LIGHT_PAGE, DARK_PAGE = "#ffffff", "#111111"  # JupyterLab's --jp-layout-color0 in each theme

# class -> (colour in the light theme, colour in the dark theme); each 4.5:1 on its page.
TEXT_COLOURS = {
    "gk-value": (VALUE_COLOUR, DARK_COLOURS[VALUE_COLOUR]),
    "gk-grad": (GRAD_COLOUR, DARK_COLOURS[GRAD_COLOUR]),
    "gk-muted": ("#616161", DARK_COLOURS[CONSTANT_COLOUR]),
    "gk-error": ("#b00020", "#ff6e66"),
}

DARK = 'body[data-jp-theme-light="false"]'


STYLESHEET = "\n".join([
    *(f".{name} {{ color: {light}; }}\n{DARK} .{name} {{ color: {dark}; }}"
      for name, (light, dark) in TEXT_COLOURS.items()),
    ".gk-num, .gatekit-table td + td { white-space: nowrap; }",
    ".gatekit-row > * { min-width: min-content; }",
    ".gatekit-table-view, .gatekit-table-view > * { min-width: 0; max-width: 100%; }",
    ".gatekit-slider { flex: 0 0 auto; max-width: 100%; }",
    ".gatekit-slider .widget-readout { border-color: var(--jp-border-color1, #767676) !important;"
    " color: var(--jp-ui-font-color1, inherit) !important; }",
])


def coloured(kind: str, html: str) -> str:
    """`html` (escaped already) in the theme's colour for `kind`, one of TEXT_COLOURS."""
    return f'<span class="{kind}">{html}</span>'


def number(text: str) -> str:
    """A number (as text) that never breaks across lines, escaped."""
    return f'<span class="gk-num">{escape(text)}</span>'


def row(children: Iterable[widgets.Widget]) -> widgets.HBox:
    """A row of a view's parts: side by side while they fit, wrapped onto new lines when not,
    none squeezed below its own width (so nothing is clipped or scrolls sideways)."""
    box = widgets.HBox(list(children), layout=widgets.Layout(
        flex_flow="row wrap", align_items="flex-start", grid_gap="4px 24px"))
    box.add_class("gatekit-row")
    return box
