// Helpers the browser tests install into the JupyterLab page as `window.gatekitLab`.
// They use `window.jupyterapp` (the server runs with --LabApp.expose_app_in_browser=True), so the
// tests wait on JupyterLab's own state (kernel status, cell execution counts) instead of sleeping.
(() => {
  const app = window.jupyterapp;
  const WIDGET_MIME = 'application/vnd.jupyter.widget-view+json';
  const closing = [];

  function panelFor(path) {
    for (const widget of app.shell.widgets('main')) {
      if (widget.context && widget.context.path === path) {
        return widget;
      }
    }
    throw new Error(`no open notebook at ${path}`);
  }

  // On a new kernel the widget manager opens a `jupyter.widget.control` comm; until ipywidgets is
  // imported the kernel refuses it and logs "No such comm..." to stderr (some of it with an empty
  // parent header). Nothing a learner sees, so it is not an error of the notebook.
  function isCommHandshakeNoise(msg) {
    return /^No such comm( target registered: jupyter\.widget\.control|: [0-9a-f-]+)\s*$/
      .test(msg.content.text);
  }

  // Record every error and stderr message the kernel publishes, including those caused by
  // widget callbacks, which never reach a cell's outputs.
  function listenToKernel(panel) {
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    if (!kernel || kernel.gatekitListened) {
      return;
    }
    kernel.gatekitListened = true;
    kernel.iopubMessage.connect((_, msg) => {
      const type = msg.header.msg_type;
      if (type === 'error') {
        panel.gatekitKernelErrors.push(`${msg.content.ename}: ${msg.content.evalue}`);
      } else if (type === 'stream' && msg.content.name === 'stderr' &&
                 !isCommHandshakeNoise(msg)) {
        panel.gatekitKernelErrors.push(`stderr: ${msg.content.text}`);
      }
    });
  }

  // The output nodes of the notebook's widget views, cell by cell, null where one is missing.
  // Each is marked `data-gatekit-widget-view` so the tests can find them with a selector.
  function widgetViewNodes(panel) {
    const nodes = [];
    for (const cell of panel.content.widgets) {
      if (cell.model.type !== 'code') {
        continue;
      }
      const outputs = cell.model.outputs;
      for (let index = 0; index < outputs.length; index++) {
        if (outputs.get(index).data[WIDGET_MIME]) {
          const child = cell.outputArea.widgets[index];
          const node = child ? child.node.querySelector('.jp-OutputArea-output') : null;
          if (node) {
            node.setAttribute('data-gatekit-widget-view', '');
          }
          nodes.push(node);
        }
      }
    }
    return nodes;
  }

  function widgetViewState(node) {
    if (!node) {
      return 'missing';
    }
    const text = node.textContent || '';
    if (text.startsWith('Loading widget')) {
      return 'loading';
    }
    if (text.includes('Error displaying widget') ||
        node.querySelector('.jupyter-widgets-error-widget')) {
      return 'error';
    }
    return node.querySelector('.jupyter-widgets') ? 'rendered' : 'empty';
  }

  window.gatekitLab = {
    async open(path) {
      const panel = await app.commands.execute('docmanager:open', { path, factory: 'Notebook' });
      panel.gatekitKernelErrors = [];
      await panel.context.ready;
      await panel.sessionContext.ready;
      listenToKernel(panel);
      panel.sessionContext.kernelChanged.connect(() => listenToKernel(panel));
      app.shell.activateById(panel.id);
      return panel.id;
    },

    kernel(path) {
      const session = panelFor(path).sessionContext.session;
      const kernel = session && session.kernel;
      return kernel ? { name: kernel.name, status: kernel.status } : null;
    },

    async runAll(path) {
      const panel = panelFor(path);
      app.shell.activateById(panel.id);
      await app.commands.execute('notebook:run-all-cells');
    },

    // True once the kernel is idle, no cell is running or queued, and every widget view has
    // left its 'Loading widget...' state.
    settled(path) {
      const panel = panelFor(path);
      const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
      if (!kernel || kernel.status !== 'idle') {
        return false;
      }
      const running = panel.content.widgets.some((cell) => cell.model.executionState === 'running');
      return !running &&
        widgetViewNodes(panel).every((node) => widgetViewState(node) !== 'loading');
    },

    // Resolves once nothing in the notebook has changed for `ms` milliseconds (a view renders
    // its children one by one, each custom view after loading its module), or after `limit`.
    async quiet(path, ms, limit) {
      const node = panelFor(path).content.node;
      const start = performance.now();
      let last = start;
      const observer = new MutationObserver(() => { last = performance.now(); });
      observer.observe(node, { childList: true, subtree: true, attributes: true });
      while (performance.now() - last < ms && performance.now() - start < limit) {
        await new Promise((resolve) => setTimeout(resolve, ms / 4));
      }
      observer.disconnect();
    },

    // Everything a learner would see go wrong, read from the notebook model and the page.
    findings(path) {
      const panel = panelFor(path);
      const cells = panel.context.model.toJSON().cells;
      const unexecuted = [];
      const errorOutputs = [];
      cells.forEach((cell, index) => {
        if (cell.cell_type !== 'code' || !String(cell.source).trim()) {
          return;
        }
        if (cell.execution_count === null) {
          unexecuted.push(index);
        }
        for (const output of cell.outputs) {
          if (output.output_type === 'error') {
            errorOutputs.push(`cell ${index}: ${output.ename}: ${output.evalue}`);
          } else if (output.output_type === 'stream' && output.name === 'stderr') {
            errorOutputs.push(`cell ${index} stderr: ${[].concat(output.text).join('')}`);
          }
        }
      });
      return {
        kernel: panel.sessionContext.session.kernel.name,
        codeCells: cells.filter((cell) => cell.cell_type === 'code').length,
        unexecuted,
        errorOutputs,
        stderrNodes: panel.node.querySelectorAll(
          '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').length,
        kernelErrors: [...panel.gatekitKernelErrors],
        viewStates: widgetViewNodes(panel).map(widgetViewState),
      };
    },

    // Close the tab now, unsaved, and ask the server to shut its session and kernel down;
    // allClosed() waits for every shutdown asked for.
    close(path) {
      const panel = panelFor(path);
      const session = panel.sessionContext.session;
      panel.dispose();
      if (session) {
        closing.push(app.serviceManager.sessions.shutdown(session.id));
      }
    },

    async allClosed() {
      await Promise.allSettled(closing);
    },
  };
})();
