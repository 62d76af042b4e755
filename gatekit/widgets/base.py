"""What every gatekit view shares: the error policy, the one HTML escape, closing a whole widget
tree, an SVG picture with its text alternative, a named Play button, and (for the plotting views)
a matplotlib figure.

The error policy, used by every view through `shows_errors`, decides by where an error came
from (`gatekit.errors.blames_learner`), not by its type:
- a refusal gatekit raised on purpose (bad values, a division by zero, an unknown name), or any
  error raised in the learner's own code (their gate's compute or backward, their function) is
  shown in the view's message line as one sentence and not raised;
- any other error raised in gatekit's own code is a bug: it is shown too, and raised;
- after either, Play stops (`_stop`) and the view shows its state as it now is (`_show_state`);
  an error while recovering is said in the message line, never raised over the first one.
"""

from __future__ import annotations

import functools
import html
import re
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import ipywidgets as widgets

from ..errors import blames_learner, sentence
from .images import Picture
from .theme import coloured

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "escape", "sentence", "MessageLine", "shows_errors", "widget_tree",
    "close_tree", "View", "SvgImage", "FigureImage", "PlayButton", "svg_text",
]

F = TypeVar("F", bound=Callable[..., Any])


def escape(value: object) -> str:
    """Any name, number or message as text safe inside HTML or SVG: the one way text gets in."""
    return html.escape(str(value), quote=True)


class MessageLine:
    """An HTML line under a view: empty when all is well, one sentence when something is not."""

    def __init__(self) -> None:
        self.widget = widgets.HTML(value="")
        self.text = ""  # the message shown now, as plain text ('' when none)

    def show(self, text: str) -> None:
        """Show a message (plain text; escaped here)."""
        self.text = text
        self.widget.value = coloured("gk-error", f"⚠ {escape(text)}")

    def show_error(self, error: BaseException) -> None:
        """Show what went wrong as the error's own sentence."""
        self.show(sentence(error))

    def show_bug(self, error: BaseException) -> None:
        """Show an error no learner input should cause, asking for a report."""
        self.show(f"gatekit has a bug ({type(error).__name__}: {sentence(error)}); "
                  f"please report it with the code that led here")

    def clear(self) -> None:
        """Show nothing: all is well."""
        self.text = ""
        self.widget.value = ""


def shows_errors(method: F) -> F:
    """Wrap a view's callback or button twin with the error policy (see the module docstring).

    The message clears when the call starts, so a message the call itself shows (such as a
    backward that could not run) stays. A learner's error returns None; a bug is raised. The
    view needs `.message`; `_stop()` and `_show_state()` are called after an error if it has them.
    """

    @functools.wraps(method)
    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        self.message.clear()
        try:
            return method(self, *args, **kwargs)
        except Exception as error:
            learners = blames_learner(error)
            second = _recover(self)
            if learners:
                self.message.show_error(error)
            else:
                self.message.show_bug(error)
            if second is not None:
                self.message.show(f"{self.message.text}; then showing the view's state failed"
                                  f" too ({type(second).__name__}: {sentence(second)})")
            if learners:
                return None
            raise

    return guarded  # type: ignore[return-value]


def _recover(view: Any) -> Exception | None:
    """Stop whatever runs and show the state as it is now, after an error; an error on the way
    is returned, not raised (the first error is the one to report)."""
    second = None
    for hook in ("_stop", "_show_state"):
        if hasattr(view, hook):
            try:
                getattr(view, hook)()
            except Exception as error:
                second = second or error
    return second


def widget_tree(
    root: widgets.Widget, extra: Iterable[widgets.Widget] = ()
) -> Iterator[widgets.Widget]:
    """Every widget reachable from `root` (and from `extra`) through its traits: children,
    layouts, styles and any other widget a trait holds, each once."""
    seen: set[int] = set()
    stack = [root, *extra]
    while stack:
        widget = stack.pop()
        if id(widget) in seen:
            continue
        seen.add(id(widget))
        yield widget
        for name in _widget_traits(widget):
            value = getattr(widget, name, None)
            items = value if isinstance(value, list | tuple) else (value,)
            stack.extend(item for item in items if isinstance(item, widgets.Widget))


# Held weakly: anywidget (through traitlets' add_traits) makes a class per instance, and a
# class kept here would keep 36-62 kB alive for every view ever closed.
_TRAITS_OF: weakref.WeakKeyDictionary[type, tuple[str, ...]] = weakref.WeakKeyDictionary()


def _widget_traits(widget: widgets.Widget) -> tuple[str, ...]:
    """The traits of a widget's class that hold widgets (those synced as widget references)."""
    kind = type(widget)
    names = _TRAITS_OF.get(kind)
    if names is None:
        to_json = widgets.widget_serialization["to_json"]
        names = _TRAITS_OF[kind] = tuple(
            name for name, trait in widget.traits(sync=True).items()
            if trait.metadata.get("to_json") is to_json)
    return names


def close_tree(root: widgets.Widget, extra: Iterable[widgets.Widget] = ()) -> None:
    """Close `root` and every widget in its tree, so the kernel and the browser free them all
    (`Widget.close` alone closes one widget and leaves its layout, style and children open)."""
    for widget in list(widget_tree(root, extra)):
        widgets.Widget.close(widget)


class View(widgets.VBox):
    """A view over state that lives elsewhere: `close()` closes its whole widget tree, including
    the widgets it holds but does not show now (`_hidden_widgets`)."""

    _following = False  # True while the view sets its own controls: their events are echoes

    @contextmanager
    def _following_state(self) -> Iterator[None]:
        """Set the view's own sliders to show its state; their change events meanwhile are
        echoes, not the learner (observers check `_following` and ignore them)."""
        self._following = True
        try:
            yield
        finally:
            self._following = False

    def _hidden_widgets(self) -> Iterable[widgets.Widget]:
        """Widgets the view owns outside its tree (none unless a view says so)."""
        return ()

    def close(self) -> None:
        """Close the view and every widget in it; re-running a cell then frees the old one."""
        close_tree(self, self._hidden_widgets())

    def static_svg(self) -> str:
        """The view as it is now in one SVG (pictures, readouts, controls' values), titled and
        described, for wherever widgets cannot run."""
        from .static import view_svg

        return view_svg(self, type(self).__name__)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        """The widget, with its static picture beside it: a live frontend ranks the widget
        first and shows only it; nbviewer, GitHub, nbconvert and a PDF show the picture."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["image/svg+xml"] = self.static_svg()
        return bundle


class SvgImage:
    """SVG text shown as a picture of fixed size with a text alternative that follows it.

    Views build the SVG text themselves (every text in it escaped) and call `show(svg)`;
    `widget` is what goes into the view's children. A screen reader cannot look inside an image,
    so its `alt` is the picture's own title and description, or the text a view gives. Past
    `max_height` (or the notebook's width) it scrolls, and then takes the keyboard focus.
    """

    def __init__(self, width: int | None = None, height: int | None = None,
                 max_height: str = "600px") -> None:
        self.image = Picture(format="svg+xml", max_height=max_height)
        if width is not None and height is not None:  # else the SVG's own size
            self.resize(width, height)
        self.widget = self.image

    @property
    def alt(self) -> str:
        """The text alternative shown now."""
        return self.image.alt

    def resize(self, width: int, height: int) -> None:
        """Give the picture a new size in pixels."""
        self.image.width, self.image.height = str(width), str(height)

    def show(self, svg: str, alt: str | None = None) -> None:
        """Show the SVG text, named by `alt` (by default the SVG's title and description);
        nothing is sent for what has not changed."""
        data = svg.encode()
        if data != self.image.value:
            self.image.value = data
        self.image.alt = svg_text(svg) if alt is None else alt


_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
_DESC = re.compile(r"<desc>(.*?)</desc>", re.DOTALL)


def svg_text(svg: str) -> str:
    """An SVG picture's text alternative: its first title and description, as plain text."""
    title, desc = (html.unescape(found.group(1)) if (found := pattern.search(svg)) else ""
                   for pattern in (_TITLE, _DESC))
    if not desc or desc == title:
        return title
    return f"{title}: {desc}" if title else desc


class PlayButton:
    """One named button, "Play" / "Stop", over a Play widget (whose own buttons are icons that
    no screen reader can name). The Play stays in the view, hidden: its view in the page runs
    the timer. `widgets` go into the view's children; `play.playing` is the state."""

    def __init__(self, play: widgets.Play, tooltip: str) -> None:
        self.play = play
        play.layout.display = "none"
        # No icon: its glyph would join the button's accessible name ("\uf04b Play").
        self.button = widgets.Button(description="Play", tooltip=tooltip)
        self.button.on_click(lambda _: self.toggle())
        play.observe(lambda _: self._follow(), names="playing")
        self.widgets = [self.button, play]

    def toggle(self) -> None:
        """Start the Play when it is stopped, stop it when it runs (what the button does)."""
        self.play.playing = not self.play.playing

    def _follow(self) -> None:
        playing = self.play.playing
        self.button.description = "Stop" if playing else "Play"


class FigureImage:
    """One matplotlib Figure kept for the life of a plotting view, rendered to PNG into an Image.

    Views change the figure's artists in place and render them into `image` (the
    TrainingExplorer redraws only the moving ones); the Figure is never recreated and never
    shown through pyplot. matplotlib loads only when one is made, so the
    circuit views (which draw SVG) never load it.
    """

    def __init__(self, width: float, height: float, dpi: int = 100) -> None:
        from matplotlib.figure import Figure

        self.figure: Figure = Figure(figsize=(width, height), dpi=dpi)
        self.image = Picture(format="png", width=str(int(width * dpi)))

    def describe(self, text: str) -> None:
        """Say what the picture shows now, for screen readers (its alt text)."""
        self.image.alt = text
