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

import anywidget
import ipywidgets as widgets
import traitlets

__all__ = ["Picture"]

PICTURE_ESM = r"""
function render({ model, el }) {
  // The box that scrolls is inside the view's element, whose style the widget's layout owns.
  const box = document.createElement("div");
  box.className = "gatekit-picture";
  box.style.cssText = "overflow: auto; max-width: 100%; box-sizing: border-box;";
  const img = document.createElement("img");
  img.style.display = "block"; // no gap under it: a picture that fits never scrolls
  box.append(img);
  el.append(box);
  let url = null;

  function showImage() {
    const blob = new Blob([model.get("value")], { type: `image/${model.get("format")}` });
    const old = url;
    url = URL.createObjectURL(blob);
    img.src = url;
    if (old) {
      URL.revokeObjectURL(old);
    }
  }

  function showText() {
    img.alt = model.get("alt");
  }

  function showSize() {
    for (const side of ["width", "height"]) {
      if (model.get(side)) {
        img.setAttribute(side, model.get(side));
      } else {
        img.removeAttribute(side);
      }
    }
    box.style.maxHeight = model.get("max_height") || "";
  }

  // Focusable, as a named region, only while it scrolls.
  function followFit() {
    const wide = box.scrollWidth > box.clientWidth + 1;
    if (wide || box.scrollHeight > box.clientHeight + 1) {
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "picture, scrolled: use the arrow keys to see all of it");
    } else {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  }

  const listeners = [["value", showImage], ["format", showImage], ["alt", showText],
                     ["width", showSize], ["height", showSize], ["max_height", showSize]];
  for (const [name, listener] of listeners) {
    model.on(`change:${name}`, listener);
  }
  const resizes = new ResizeObserver(followFit);
  resizes.observe(box);
  resizes.observe(img);
  showSize();
  showText();
  showImage();
  return () => {
    resizes.disconnect();
    for (const [name, listener] of listeners) {
      model.off(`change:${name}`, listener);
    }
    if (url) {
      URL.revokeObjectURL(url);
    }
  };
}

export default { render };
"""


class Picture(anywidget.AnyWidget, widgets.Image):
    """`ipywidgets.Image` with a text alternative (`alt`) and a height past which it scrolls
    (`max_height`, a CSS length; empty: never)."""

    _esm = PICTURE_ESM
    alt = traitlets.Unicode("", help="what the picture shows, for screen readers").tag(sync=True)
    max_height = traitlets.Unicode("").tag(sync=True)

    __repr__ = widgets.Widget.__repr__
