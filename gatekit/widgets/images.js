// JupyterLab's dark theme marks the page so; an <img> cannot see the page's CSS, so the SVG is
// marked `gk-dark` (its own stylesheet repaints it) and given the page's background colour.
const darkPage = () => document.body.dataset.jpThemeLight === "false";

function themed(model, el) {
  const value = model.get("value");
  if (model.get("format") !== "svg+xml" || !darkPage()) {
    return value;
  }
  const paper = getComputedStyle(el).getPropertyValue("--jp-layout-color0").trim();
  const safePaper = /^[#\w(),.%\s]+$/.test(paper) ? paper : "#111111";
  return new TextDecoder().decode(value)
    .replace("<svg ", `<svg class="gk-dark" style="--gk-paper: ${safePaper}" `);
}

function render({ model, el }) {
  // The box that scrolls is inside the view's element, whose style the widget's layout owns.
  const box = document.createElement("div");
  box.className = "gatekit-picture";
  box.style.cssText = "overflow: auto; max-width: 100%; box-sizing: border-box;";
  const img = document.createElement("img");
  img.style.display = "block"; // no gap under it: a picture that fits never scrolls
  box.append(img);
  // Said under a picture larger than its box, so a learner knows there is more of it.
  const hint = document.createElement("div");
  hint.className = "gk-muted gatekit-picture-hint";
  hint.style.cssText = "font-size: 0.85em; display: none;";
  hint.textContent = "The picture is larger than this box: scroll it (or Tab to it and use "
    + "the arrow keys) to see all of it.";
  el.append(box, hint);
  // In a row of a view's parts (theme.py's `row`) the picture may shrink to the row's width
  // (and then scrolls), never push the row wider than the view: its item in the row, once in
  // the page, gets no minimum width.
  function loosen() {
    let node = el;
    for (let depth = 0; depth < 4 && node && node.parentElement; depth++) {
      if (node.parentElement.classList.contains("gatekit-row")) {
        node.style.minWidth = "0";
        node.style.maxWidth = "100%";
        return;
      }
      node = node.parentElement;
    }
  }
  let url = null;

  function showImage() {
    const blob = new Blob([themed(model, el)], { type: `image/${model.get("format")}` });
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
    loosen();
    const wide = box.scrollWidth > box.clientWidth + 1;
    if (wide || box.scrollHeight > box.clientHeight + 1) {
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "picture, scrolled: use the arrow keys to see all of it");
      hint.style.display = "";
    } else {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      hint.style.display = "none";
    }
  }

  const listeners = [["value", showImage], ["format", showImage], ["alt", showText],
                     ["width", showSize], ["height", showSize], ["max_height", showSize]];
  for (const [name, listener] of listeners) {
    model.on(`change:${name}`, listener);
  }
  const themes = new MutationObserver(showImage); // the learner switches theme: repaint
  themes.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light"] });
  const resizes = new ResizeObserver(followFit);
  resizes.observe(box);
  resizes.observe(img);
  showSize();
  showText();
  showImage();
  return () => {
    resizes.disconnect();
    themes.disconnect();
    for (const [name, listener] of listeners) {
      model.off(`change:${name}`, listener);
    }
    if (url) {
      URL.revokeObjectURL(url);
    }
  };
}

export default { render };
