const SHOWN = ["value", "min", "max", "step", "base", "description", "tooltip", "disabled",
               "readout", "readout_format", "_scale", "_label_width"];

// A number as readout_format says: the part of d3-format's specs the sliders accept (sliders.py
// refuses the rest): a sign ("+" on positive numbers too, " " a space), "," grouping thousands,
// ".N" digits and a type ("d", "e", "f", "g", "%"; none: N significant digits, default 6).
export function format(spec, x) {
  const match = /^([+\- ])?(,)?(?:\.(\d+))?([defg%]?)$/.exec(spec || "");
  if (!match || !Number.isFinite(x)) {
    return String(x);
  }
  const [, sign, grouping, precision, type] = match;
  const digits = precision === undefined ? 6 : Number(precision);
  const size = Math.abs(x);
  let body;
  switch (type) {
    case "d": body = Math.round(size).toString(); break;
    case "f": body = size.toFixed(digits); break;
    case "e": body = size.toExponential(digits); break;
    case "%": body = (100 * size).toFixed(digits); break;
    default: body = size.toPrecision(Math.max(1, digits));
  }
  if (grouping && !/e/.test(body)) {
    const [whole, fraction] = body.split(".");
    body = whole.replace(/\B(?=(\d{3})+$)/g, ",") + (fraction === undefined ? "" : `.${fraction}`);
  }
  const negative = x < 0 && /[1-9]/.test(body); // -0.0001 shown as 0.000 has no sign
  const lead = negative ? "-" : sign === "+" ? "+" : sign === " " ? " " : "";
  return lead + body + (type === "%" ? "%" : "");
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
    + " white-space: nowrap;"
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
    // style.description_width as ipywidgets honours it: "initial" the label's own width.
    const width = model.get("_label_width");
    label.style.width = label.style.minWidth = width || "";
    label.style.maxWidth = width === "initial" ? "none" : "";
    label.style.flex = width ? "0 0 auto" : "";
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
  // A typed value goes to the kernel as typed: the slider there applies it, or clamps or
  // refuses it and says why in its view's message line. Enter applies it (handled here first:
  // JupyterLab would otherwise take the key), and so does leaving the box (Tab).
  function apply() {
    if (typing) {
      typing = false;
      model.send({ typed: readout.value });
      show();
    }
  }
  readout.addEventListener("input", () => { typing = true; });
  readout.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      event.stopPropagation();
      apply();
    }
  });
  readout.addEventListener("change", apply);
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
