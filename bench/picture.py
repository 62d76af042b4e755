"""What showing a circuit costs: the notebook repr (SVG, a summary past REPR_MAX_GATES gates),
the full layout alone, and `gk.draw` with the PNG a notebook makes of it, on hinge-loss circuits
of two moons (100 / 300 / 1000 points: 804 / 2,404 / 8,004 gates) and a 98-gate network.

First, the first view's cost in a fresh interpreter (median CPU time of 5): `import networkx`
alone, and from `import gatekit` to a neuron's first picture (its repr) and to its first
explorer, both now loading networkx for the layout. Measured on the shared 2-core machine
(medians of 7, twice, against the hand-written layout before it): networkx's import alone
0.14-0.16 s, but most of it is standard library that gatekit loads anyway; first repr 0.19-0.21 s
(0.17-0.18 s before); first explorer 0.35 s (0.31-0.32 s before): networkx adds about 0.03 s.
The full layout of a 98-gate circuit, once per circuit: 7-12 ms, before and after alike.

Run: .venv/bin/python bench/picture.py [--draw]   (--draw also times gk.draw: about a minute)
Goal: the repr of any circuit under 1 s and 100 MB (tracemalloc peak).
"""

from __future__ import annotations

import io
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable

from machine import machine

import gatekit as gk
from gatekit.picture.layout import compute_layout


def measured(work: Callable[[], object]) -> tuple[float, float]:
    """Seconds and peak MB of one call (tracemalloc on, so the time is a little pessimistic)."""
    tracemalloc.start()
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return seconds, peak


NEURON = "gk.parse('sigmoid(a * x + b * y + c)', a=1, x=-1, b=2, y=3, c=-3)"
FIRST_VIEWS = {
    "import networkx": "import networkx",
    "first repr": f"import gatekit as gk\nc = {NEURON}\nc.backward(); c._repr_svg_()",
    "first explorer": f"import gatekit as gk\ngk.explore({NEURON})",
}


def fresh_seconds(code: str, runs: int = 5) -> float:
    """The median CPU time `code` takes in a new interpreter (its start-up not counted; CPU
    time, so other work on the machine changes it little)."""
    timed = f"import time\nstart = time.process_time()\n{code}\nprint(time.process_time() - start)"
    return statistics.median(
        float(subprocess.run([sys.executable, "-c", timed], capture_output=True, text=True,
                             check=True).stdout)
        for _ in range(runs)
    )


def network() -> gk.Circuit:
    """Two inputs, 14 ReLU neurons and a linear score: 98 gates."""
    x0, x1 = gk.Unit(1.2, name="x0"), gk.Unit(0.7, name="x1")
    score = gk.Unit(0.0, name="s0")
    for i in range(14):
        w0, w1, b, v = (gk.Unit(0.1 * (i + k) - 0.3, name=f"{n}{i}") for k, n in enumerate("wubv"))
        score = score + v * gk.relu(w0 * x0 + w1 * x1 + b)
    return gk.Circuit(score)


def drawn_png(circuit: gk.Circuit) -> bytes:
    """gk.draw, then the PNG the inline backend would make of the figure."""
    import matplotlib.pyplot as plt

    ax = gk.draw(circuit)
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png")
    plt.close(ax.figure)
    return buffer.getvalue()


def main() -> None:
    print(machine())
    import matplotlib

    matplotlib.use("Agg")
    with_draw = "--draw" in sys.argv
    for label, code in FIRST_VIEWS.items():
        print(f"{label:24} {fresh_seconds(code):.3f} s in a fresh interpreter")
    circuits = {"98-gate network": network()}
    for n in (100, 300, 1000):
        circuit = gk.ml.hinge_loss(*gk.datasets.two_moons(n), w=[0.1, 0.2, 0.3])
        circuits[f"hinge loss, {n} points"] = circuit
    print(f"{'circuit':24} {'gates':>6} {'repr s':>7} {'repr MB':>8} {'layout s':>9}"
          + (f" {'draw+png s':>11} {'MB':>6}" if with_draw else ""))
    for label, circuit in circuits.items():
        repr_s, repr_mb = measured(circuit._repr_svg_)
        layout_s = min(measured(lambda c=circuit: compute_layout(c))[0] for _ in range(3))
        row = f"{label:24} {len(circuit.gates):>6} {repr_s:>7.3f} {repr_mb:>8.1f} {layout_s:>9.3f}"
        if with_draw:
            draw_s, draw_mb = measured(lambda c=circuit: drawn_png(c))
            row += f" {draw_s:>11.1f} {draw_mb:>6.0f}"
        print(row)


if __name__ == "__main__":
    main()
