"""What showing a circuit costs: the notebook repr (SVG, a summary past REPR_MAX_GATES gates),
the full layout alone, and `gk.draw` with the PNG a notebook makes of it, on hinge-loss circuits
of two moons (100 / 300 / 1000 points: 804 / 2,404 / 8,004 gates) and a 98-gate network.

Run: .venv/bin/python bench/picture.py [--draw]   (--draw also times gk.draw: about a minute)
Goal: the repr of any circuit under 1 s and 100 MB (tracemalloc peak).
"""

from __future__ import annotations

import io
import sys
import time
import tracemalloc
from collections.abc import Callable

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
    import matplotlib

    matplotlib.use("Agg")
    with_draw = "--draw" in sys.argv
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
