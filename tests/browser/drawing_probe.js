// Helpers the browser tests install as `window.gatekitDrawing`, in JupyterLab and in Lite: find
// an explorer's circuit drawing and time its changes. The drawing is the largest picture (img or
// svg) in the explorer, whichever element the explorer uses for it, so the test does not depend
// on its exact DOM.
(() => {
  function drawingOf(root) {
    let best = null;
    let bestArea = 0;
    for (const element of root.querySelectorAll('img, svg')) {
      if (element.tagName.toLowerCase() === 'svg' && element.parentElement.closest('svg')) {
        continue; // a nested svg is part of a larger picture
      }
      const box = element.getBoundingClientRect();
      if (box.width * box.height > bestArea) {
        best = element;
        bestArea = box.width * box.height;
      }
    }
    return best;
  }

  // What the drawing shows: an image's source, or an svg's markup.
  function signature(element) {
    return element.tagName.toLowerCase() === 'img' ? element.src : element.outerHTML;
  }

  // Drawn: an image decoded with pixels, or an svg with shapes in it.
  function drawn(element) {
    if (!element) {
      return false;
    }
    if (element.tagName.toLowerCase() === 'img') {
      return element.complete && element.naturalWidth > 0;
    }
    return element.querySelector('path, line, circle, rect, text, polyline') !== null;
  }

  function hasPullButton(output) {
    return [...output.querySelectorAll('button')].some((button) =>
      button.textContent.trim() === 'Pull' || button.getAttribute('aria-label') === 'Pull');
  }

  window.gatekitDrawing = {
    drawingOf,
    signature,
    drawn,

    // Records the page times (ms since navigation) at which a notebook's kernel is first idle
    // (`kernelReadyAt`) and an explorer (an output with a Pull button) first shows a drawn
    // picture (`firstDrawingAt`); looks every 25 ms, as an image decodes with no mutation.
    watchFirstDrawing() {
      const times = window.gatekitDrawing;
      times.kernelReadyAt = null;
      times.firstDrawingAt = null;
      const poll = setInterval(() => {
        if (times.kernelReadyAt === null) {
          for (const widget of window.jupyterapp.shell.widgets('main')) {
            const session = widget.sessionContext && widget.sessionContext.session;
            if (session && session.kernel && session.kernel.status === 'idle') {
              times.kernelReadyAt = performance.now();
            }
          }
        }
        for (const output of document.querySelectorAll('.jp-OutputArea-output')) {
          if (hasPullButton(output) && drawn(drawingOf(output))) {
            times.firstDrawingAt = performance.now();
            clearInterval(poll);
            return;
          }
        }
      }, 25);
    },

    // Milliseconds from the next keydown on `target` until
    // the drawing in `root` shows something new, decoded; the promise is `gatekitProbe`.
    armLatencyProbe(target, root) {
      const before = signature(drawingOf(root));
      let pressedAt = null;
      window.gatekitProbe = new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          observer.disconnect();
          reject(new Error('the drawing did not change within 60 s of the key press'));
        }, 60000);
        const observer = new MutationObserver(async () => {
          const drawing = drawingOf(root);
          if (pressedAt === null || !drawing || signature(drawing) === before) {
            return;
          }
          observer.disconnect();
          clearTimeout(timer);
          if (drawing.tagName.toLowerCase() === 'img') {
            await drawing.decode();
          }
          resolve(performance.now() - pressedAt);
        });
        observer.observe(root, {
          childList: true, subtree: true, attributes: true, characterData: true,
        });
      });
      target.addEventListener('keydown', () => { pressedAt = performance.now(); },
        { capture: true, once: true });
    },
  };
})();
