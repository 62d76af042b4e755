"""A view's static picture: one SVG of what the view shows now (its pictures, readouts, messages
and the values of its controls, top to bottom), for every place that cannot run widgets
(GitHub's and nbviewer's previews, nbconvert's HTML without widget state, a PDF).

It reuses what the view has already drawn (its SVG and PNG pictures go in as images), so its
cost is that of the view's own bounded pictures plus a walk over its widgets. Its `<title>` and
`<desc>` are its text alternative: the view's name, then every picture's alt and every line.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

import ipywidgets as widgets

from ..picture.svg import FONT_FAMILY
from .images import Picture
from .predict import LiveText

__all__ = ["view_svg", "html_text"]

LINE_HEIGHT = 18  # pixels a line of text takes
FONT_SIZE = 13
CHAR_WIDTH = 7.5  # a rough width of one character at FONT_SIZE, to size the picture
MAX_LINE_CHARS = 160  # a longer line is cut with "…" (a picture keeps a bounded width)
TEXT_COLOUR = "#222222"
GAP = 6  # pixels between blocks
BLOCK_TAGS = {"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "table", "ul", "ol"}
CELL_TAGS = {"td", "th"}
HIDDEN_TAGS = {"style", "script"}


@dataclass(frozen=True)
class Image:
    """A picture the view shows: its bytes as a data URI, its size and its text alternative."""

    uri: str
    width: float
    height: float
    alt: str


class _Text(HTMLParser):
    """The readable text of an HTML fragment: one line per block, cells separated by " · "."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_TAGS:
            self.hidden += 1
        elif tag in BLOCK_TAGS:
            self.lines.append("")
        elif tag in CELL_TAGS and self.lines[-1].strip():
            self.lines[-1] += " · "

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCK_TAGS:
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.lines[-1] += data


def html_text(fragment: str) -> list[str]:
    """An HTML widget's value as the plain lines a reader sees (no empty ones)."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return [" ".join(line.split()) for line in parser.lines if line.strip()]


def _control_line(widget: widgets.Widget) -> str | None:
    """A control as "its label: its value", or None for one with no value to show."""
    if isinstance(widget, widgets.Button | widgets.Play):
        return None
    label = getattr(widget, "description", "") or getattr(widget, "tooltip", "") or ""
    if isinstance(widget, widgets.FloatSlider | widgets.FloatLogSlider | widgets.FloatText):
        value = f"{widget.value:.4g}"
    elif isinstance(widget, widgets.Checkbox | widgets.ToggleButton):
        value = "on" if widget.value else "off"
    elif isinstance(widget, widgets.widget_selection._Selection):
        value = "—" if widget.label is None else str(widget.label)
    elif isinstance(widget, widgets.ValueWidget):
        value = str(widget.value) or "—"
    else:
        return None
    return f"{label.rstrip(':')}: {value}" if label else value


def _image(picture: Picture) -> Image | None:
    """A picture widget as an image of its own size (None while it shows nothing)."""
    data = bytes(picture.value)
    if not data:
        return None
    kind = "svg+xml" if picture.format.startswith("svg") else picture.format
    width, height = _size(picture, data, kind)
    uri = f"data:image/{kind};base64,{base64.b64encode(data).decode('ascii')}"
    return Image(uri, width, height, picture.alt)


def _size(picture: Picture, data: bytes, kind: str) -> tuple[float, float]:
    """The size the picture is shown at: its widget's, else its own (a PNG's header, an SVG's
    root), scaled to the widget's width when only that is set; else a default."""
    own = _own_size(data, kind)
    if picture.width and picture.height:
        return float(picture.width), float(picture.height)
    if own is None:
        return 400.0, 300.0
    if picture.width:
        width = float(picture.width)
        return width, own[1] * width / own[0]
    return own


def _own_size(data: bytes, kind: str) -> tuple[float, float] | None:
    """A PNG's or SVG's own size in pixels (None when it does not say)."""
    if kind == "png" and data[12:16] == b"IHDR":
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        return (float(width), float(height)) if width and height else None
    if kind == "svg+xml":
        head = data[:400].decode("utf-8", "replace")
        size = (_attribute(head, "width"), _attribute(head, "height"))
        return (size[0], size[1]) if size[0] and size[1] else None
    return None


def _attribute(head: str, name: str) -> float | None:
    """A number attribute of an SVG's root tag (None when absent or not a plain number)."""
    start = head.find(f' {name}="')
    if start < 0:
        return None
    text = head[start + len(name) + 3:].split('"', 1)[0].removesuffix("px")
    try:
        return float(text)
    except ValueError:
        return None


def _shown(widget: widgets.Widget) -> bool:
    layout = getattr(widget, "layout", None)
    return not (layout is not None and layout.display == "none"
                or getattr(layout, "visibility", None) == "hidden")


def blocks(widget: widgets.Widget) -> Iterator[Image | str]:
    """What a widget shows, top to bottom: images and lines of text (hidden widgets skipped)."""
    if not _shown(widget):
        return
    if isinstance(widget, Picture):
        if (image := _image(widget)) is not None:
            yield image
    elif isinstance(widget, widgets.Box):
        for child in widget.children:
            yield from blocks(child)
    elif isinstance(widget, widgets.HTML):
        yield from html_text(widget.value)
    elif isinstance(widget, widgets.Label | LiveText):
        text = widget.value if isinstance(widget, widgets.Label) else widget.text
        yield from (line for line in text.splitlines() if line.strip())
    elif (line := _control_line(widget)) is not None:
        yield line


def _cut(line: str) -> str:
    return line if len(line) <= MAX_LINE_CHARS else line[: MAX_LINE_CHARS - 1] + "…"


def view_svg(view: widgets.Box, title: str) -> str:
    """The view as one SVG: its images and text lines stacked, titled and described."""
    parts: list[str] = []
    said: list[str] = []
    y, width = 0.0, 0.0
    for block in blocks(view):
        if isinstance(block, Image):
            parts.append(f'<image x="0" y="{y:.0f}" width="{block.width:.0f}" '
                         f'height="{block.height:.0f}" xlink:href="{block.uri}"/>')
            y += block.height + GAP
            width = max(width, block.width)
            said.append(block.alt)
        else:
            line = _cut(block)
            y += LINE_HEIGHT
            parts.append(f'<text x="2" y="{y - 5:.0f}">{html.escape(line)}</text>')
            width = max(width, CHAR_WIDTH * len(line) + 4)
            said.append(line)
    width, height = max(width, 200.0), max(y, float(LINE_HEIGHT))
    description = ". ".join(text.rstrip(". ") for text in said if text.strip())
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" font-family="{FONT_FAMILY}" '
        f'font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">'
        f"<title>{html.escape(title)}</title><desc>{html.escape(description)}</desc>"
        f'{"".join(parts)}</svg>'
    )
