"""Issue 28: every view reads well at every width and in the dark theme. Chapters 00, 03, 09 and
13 in JupyterLab at 1024 and 800 px: every control and picture box of every widget view lies
inside the part of the view one sees (nothing clipped, nothing scrolled sideways); under
JupyterLab's dark theme axe finds no violation in gatekit's outputs, and in both themes every
text of a view is 4.5:1 on its background. Screenshots of every view (chapter 00's first is the
explorer) at both widths in both themes go to artifacts/ (ignored by git)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .accessibility import scan
from .browser_lab import ARTIFACTS, WIDGET_VIEW, Lab

CHAPTERS = ["00_welcome.ipynb", "03_analytic_gradient.ipynb", "09_neural_network.ipynb",
            "13_your_own_gate.ipynb"]
WIDTHS = [1024, 800]
HEIGHT = 600
SCREENSHOT_HEIGHT = 1400  # tall enough for a whole view
THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}
SETTLE_MS = 400  # a resize or a theme change lays the page out again

# Every control in each widget view whose box is not wholly inside the view's visible part:
# the output node's client box, cut by every element between it and the control that clips.
_CLIPPED = """(selector) => {
  const clips = (element) => getComputedStyle(element).overflowX !== 'visible'
    || getComputedStyle(element).overflowY !== 'visible';
  const found = [];
  document.querySelectorAll(selector).forEach((view, number) => {
    const controls = view.querySelectorAll(
      'input, button, select, textarea, label, .widget-readout, .widget-label, '
      + '.gatekit-picture, .gatekit-table');
    for (const control of controls) {
      const box = control.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || control.closest('[hidden]')) {
        continue; // not shown (a Play's own buttons, an empty label)
      }
      let left = -Infinity, right = Infinity, top = -Infinity, bottom = Infinity;
      for (let element = control.parentElement; element; element = element.parentElement) {
        if (element === view || clips(element)) {
          const seen = element.getBoundingClientRect();
          left = Math.max(left, seen.left + element.clientLeft);
          top = Math.max(top, seen.top + element.clientTop);
          right = Math.min(right, seen.left + element.clientLeft + element.clientWidth);
          bottom = Math.min(bottom, seen.top + element.clientTop + element.clientHeight);
        }
        if (element === view) {
          break;
        }
      }
      if (box.left < left - 1 || box.right > right + 1 || box.top < top - 1
          || box.bottom > bottom + 1) {
        const name = control.getAttribute('aria-label') || control.textContent
          || control.value || control.tagName;
        found.push(`view ${number}: ${control.tagName} '${String(name).slice(0, 40)}' at `
          + `${Math.round(box.left)}..${Math.round(box.right)} outside `
          + `${Math.round(left)}..${Math.round(right)}`);
      }
    }
  });
  return found;
}"""


# Every text in each widget view whose colour is below 4.5:1 on the background it is drawn on
# (the nearest opaque background up the tree, else the page's; alpha blended as axe does).
# axe leaves text outside the viewport "incomplete", so this reads every one of them.
_FAINT = """(selector) => {
  const rgba = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const blend = ([r, g, b, a = 1], [R, G, B]) => [r * a + R * (1 - a), g * a + G * (1 - a),
                                                 b * a + B * (1 - a)];
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((c) => { c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (element) => {
    const layers = [];
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour.length === 4 && colour[3] === 0) continue;
      layers.push(colour);
      if (colour.length === 3 || colour[3] === 1) break;
    }
    let result = rgba(getComputedStyle(document.body).backgroundColor).slice(0, 3);
    for (const layer of layers.reverse()) result = blend(layer, result);
    return result;
  };
  const found = [];
  document.querySelectorAll(selector).forEach((view, number) => {
    const walker = document.createTreeWalker(view, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!node.textContent.trim() || !element.getClientRects().length) continue;
      const back = background(element);
      const fore = blend(rgba(getComputedStyle(element).color), back);
      const [high, low] = [luminance(fore), luminance(back)].sort((a, b) => b - a);
      const ratio = (high + 0.05) / (low + 0.05);
      if (ratio < 4.5) {
        found.push(`view ${number}: '${node.textContent.trim().slice(0, 40)}' `
          + `${ratio.toFixed(2)}:1`);
      }
    }
  });
  return found;
}"""


# A button's accessible name as the browser builds it from its content (an icon's ::before glyph
# included): the text of its children, CSS-generated content too.
PLAY_NAME = """(button) => [...button.childNodes].map((node) => node.nodeType === 3
  ? node.textContent : getComputedStyle(node, '::before').content.replace(/^"|"$|^none$/g, '')
    + node.textContent).join('').trim()"""


def set_theme(page: Any, theme: str) -> None:
    """Switch JupyterLab's theme and wait until the page says it is on."""
    page.evaluate("(name) => window.jupyterapp.commands.execute('apputils:change-theme', "
                  "{ theme: name })", THEMES[theme])
    light = "true" if theme == "light" else "false"
    page.wait_for_function(f"() => document.body.dataset.jpThemeLight === '{light}'")
    page.wait_for_timeout(SETTLE_MS)


@pytest.fixture
def page_as_it_was(lab: Lab) -> Iterator[Any]:
    """The shared page, given back at its own size in the light theme."""
    yield lab.page
    lab.page.set_viewport_size({"width": 1400, "height": 1000})
    set_theme(lab.page, "light")


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_control_lies_inside_its_view_and_the_dark_theme_reads(
    lab: Lab, page_as_it_was: Any, name: str
) -> None:
    """At 1024 and 800 px, light and dark: no control outside its view's visible box. Dark:
    axe finds no violation of gatekit's (colour contrast among them)."""
    page = page_as_it_was
    try:
        findings = lab.run_notebook(name)
        assert findings.view_states and set(findings.view_states) == {"rendered"}
        notebook = lab.notebook(name)
        root = f"[id='{notebook.get_attribute('id')}']"
        plays = notebook.locator(WIDGET_VIEW).get_by_role("button", name="Play")
        for k in range(plays.count()):  # named "Play", no icon glyph ("\uf04b Play") in it
            assert plays.nth(k).evaluate(PLAY_NAME) == "Play"
        for theme in THEMES:
            set_theme(page, theme)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": HEIGHT})
                page.wait_for_timeout(SETTLE_MS)
                clipped = page.evaluate(_CLIPPED, f"{root} {WIDGET_VIEW}")
                assert clipped == [], f"{name} at {width} px, {theme}:\n" + "\n".join(clipped)
                page.set_viewport_size({"width": width, "height": SCREENSHOT_HEIGHT})
                views = notebook.locator(WIDGET_VIEW)
                for k in range(views.count()):  # each whole view, in one picture
                    views.nth(k).scroll_into_view_if_needed()
                    views.nth(k).screenshot(
                        path=ARTIFACTS / f"layout-{name[:2]}-view{k}-{width}-{theme}.png")
            faint = page.evaluate(_FAINT, f"{root} {WIDGET_VIEW}")
            assert faint == [], f"{name}, {theme}:\n" + "\n".join(faint)
            if theme == "dark":
                ours = [v for v in scan(page, root) if v.upstream is None]
                assert ours == [], "\n".join(map(str, ours))
    finally:
        lab.close(name)
