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

import anywidget
import ipywidgets as widgets
import traitlets

__all__ = ["FloatSlider", "FloatLogSlider", "IntSlider"]

# The browser side, for all three kinds: `_scale` says how a position maps to a value.
SLIDER_ESM = r"""
const SHOWN = ["value", "min", "max", "step", "base", "description", "tooltip", "disabled",
               "readout", "readout_format", "_scale"];

// A number as readout_format says (the d3-format specs ipywidgets uses: ".3f", ".4g", "d").
function format(spec, x) {
  const match = /^(?:\.(\d+))?([defg%]?)$/.exec(spec || "");
  if (!match || !Number.isFinite(x)) {
    return String(x);
  }
  const digits = match[1] === undefined ? 6 : Number(match[1]);
  switch (match[2]) {
    case "d": return Math.round(x).toString();
    case "f": return x.toFixed(digits);
    case "e": return x.toExponential(digits);
    case "%": return (100 * x).toFixed(digits) + "%";
    default: return x.toPrecision(Math.max(1, digits));
  }
}

function uniqueId() {
  const random = globalThis.crypto && crypto.randomUUID ? crypto.randomUUID()
    : String(Math.random()).slice(2);
  return `gatekit-slider-${random}`;
}

function render({ model, el }) {
  el.classList.add("widget-inline-hbox", "widget-slider", "widget-hslider", "gatekit-slider");
  const label = document.createElement("label");
  label.className = "widget-label";
  const range = document.createElement("input");
  range.type = "range";
  range.id = label.htmlFor = uniqueId();
  range.style.cssText = "flex: 1 1 auto; min-width: 4em; margin: 0 8px; align-self: center;";
  const readout = document.createElement("input");
  readout.type = "text";
  readout.className = "widget-readout";
  readout.style.cssText = "flex: 0 0 auto; width: 5.5em; min-width: 0; box-sizing: border-box;"
    + " border: 1px solid #767676; border-radius: 2px; padding: 0 4px; text-align: right;"
    + " font: inherit; color: inherit; background: transparent;";
  for (const input of [range, readout]) {
    // Keys pressed here are the slider's: JupyterLab matches its notebook shortcuts (ArrowRight
    // jumps to the next heading) on the focused element itself unless it carries this mark.
    input.setAttribute("data-lm-suppress-shortcuts", "true");
  }
  el.append(label, range, readout);

  const log = () => model.get("_scale") === "log";
  const position = (value) => (log() ? Math.log(value) / Math.log(model.get("base")) : value);
  const valueAt = (spot) => {
    const value = log() ? model.get("base") ** spot : spot;
    return model.get("_scale") === "int" ? Math.round(value) : value;
  };
  const text = (value) => format(model.get("readout_format"), value);
  let typing = false; // the learner is typing into the readout: leave it alone

  function show() {
    const name = model.get("description") || model.get("tooltip") || "value";
    label.textContent = model.get("description");
    label.style.display = model.get("description") ? "" : "none";
    range.setAttribute("aria-label", name);
    readout.setAttribute("aria-label", `${name}: type a value`);
    range.min = model.get("min");
    range.max = model.get("max");
    range.step = model.get("step") ?? "any";
    const value = model.get("value");
    range.value = position(value);
    range.setAttribute("aria-valuetext", text(value));
    if (!typing) {
      readout.value = text(value);
    }
    range.disabled = readout.disabled = model.get("disabled");
    readout.style.display = model.get("readout") ? "" : "none";
  }

  function send(value) {
    if (value !== model.get("value")) {
      model.set("value", value);
      model.save_changes();
    }
  }

  range.addEventListener("input", () => {
    if (model.get("continuous_update")) {
      send(valueAt(Number(range.value)));
    } else {
      readout.value = text(valueAt(Number(range.value)));
    }
  });
  range.addEventListener("change", () => send(valueAt(Number(range.value))));
  readout.addEventListener("input", () => { typing = true; });
  readout.addEventListener("change", () => {
    typing = false;
    const typed = readout.value.replace(/\u2212/g, "-").trim();
    const value = Number(typed);
    if (typed !== "" && Number.isFinite(value)) {
      send(model.get("_scale") === "int" ? Math.round(value) : value);
    }
    show();
  });
  readout.addEventListener("blur", () => { typing = false; show(); });

  for (const name of SHOWN) {
    model.on(`change:${name}`, show);
  }
  show();
  return () => {
    for (const name of SHOWN) {
      model.off(`change:${name}`, show);
    }
  };
}

export default { render };
"""


class _Named(anywidget.AnyWidget):
    """What the three sliders share: the browser side and ipywidgets' own repr."""

    _esm = SLIDER_ESM
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
