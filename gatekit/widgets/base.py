"""What every gatekit widget shares: a matplotlib figure shown as a PNG Image that is updated
in place, an SVG picture in an Image of fixed size, and callbacks that show errors in the
widget instead of raising into the browser."""

from __future__ import annotations

import functools
import html
import io
from collections.abc import Callable
from typing import Any, TypeVar

import ipywidgets as widgets
from matplotlib.figure import Figure

__all__ = ["FigureImage", "SvgImage", "MessageLine", "shows_errors"]

F = TypeVar("F", bound=Callable[..., Any])


class FigureImage:
    """One matplotlib Figure kept for the life of a view, rendered to PNG into an Image widget.

    Views change the figure's artists in place and call `refresh()`; the Figure is never
    recreated and never shown through pyplot, so nothing leaks into notebook outputs.
    """

    def __init__(self, width: float, height: float, dpi: int = 100) -> None:
        self.figure = Figure(figsize=(width, height), dpi=dpi)
        self.image = widgets.Image(
            format="png", layout=widgets.Layout(width=f"{int(width * dpi)}px", height="auto")
        )

    def refresh(self) -> None:
        """Render the figure as it is now into the Image widget."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=self.figure.dpi)
        self.image.value = buffer.getvalue()


class SvgImage:
    """SVG text shown in an Image widget of fixed size, scrolled when larger than `max_height`.

    Views build the SVG text themselves (fast even for large circuits) and call `show(svg)`;
    `widget` is what goes into the view's children.
    """

    def __init__(self, width: int, height: int, max_height: str = "600px") -> None:
        self.image = widgets.Image(
            format="svg+xml", layout=widgets.Layout(width=f"{width}px", height=f"{height}px")
        )
        self.widget = widgets.Box(
            [self.image],
            layout=widgets.Layout(overflow="auto", max_width="100%", max_height=max_height),
        )

    def show(self, svg: str) -> None:
        """Put the SVG text into the Image widget."""
        self.image.value = svg.encode()


class MessageLine:
    """An HTML line under a view: empty when all is well, the error's message when not."""

    def __init__(self) -> None:
        self.widget = widgets.HTML(value="")
        self.text = ""  # the message shown now, as plain text ('' when none)

    def show_error(self, error: BaseException) -> None:
        self.text = f"{type(error).__name__}: {error}"
        self.widget.value = f'<span style="color:#b00020">⚠ {html.escape(self.text)}</span>'

    def clear(self) -> None:
        self.text = ""
        self.widget.value = ""


def shows_errors(method: F) -> F:
    """Wrap a view's callback so an exception is shown in `self.message`, never raised."""

    @functools.wraps(method)
    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            result = method(self, *args, **kwargs)
        except Exception as error:  # a widget callback must never raise into the frontend
            self.message.show_error(error)
            return None
        self.message.clear()
        return result

    return guarded  # type: ignore[return-value]
