"""How fast chapter 2 trains and how smoothly the TrainingExplorer redraws.

- iterations per second of the guide's SVM and of the 2-layer net, every gradient from a
  circuit's backward pass (a fresh circuit per point, as the guide's forward builds it), and
  of batch gradient descent on the hinge-loss circuit over 40 points;
- frames per second of the TrainingExplorer at 1 and 10 iterations per frame: train, score a
  100×100 grid, redraw the plane and the curves, encode the PNG (what one Play tick costs in
  the kernel); and with the neuron view (`show_neurons=True`: a heatmap per hidden neuron) on
  MLPs 2-8-8-1, 2-16-16-1 and 2-32-32-1 over 100 two-moons points. Goal: at least 15 frames
  per second, 10 for 2-32-32-1 (printed with the load average: the reference machine's 2 cores
  are often shared, and a frame's time grows with the load).

Run: .venv/bin/python bench/training.py
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

from machine import machine

import gatekit as gk
from gatekit import ml
from gatekit.widgets.training import GRID_SIZE, TrainingExplorer

GOAL_FPS = 15.0
WIDE_GOAL_FPS = 10.0  # for the widest net, 2-32-32-1
REPEATS = 5


def best_rate(work: Callable[[], None], count: int) -> float:
    """Units of work per second: the median of REPEATS timed runs of `count` units."""
    rates = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        work()
        rates.append(count / (time.perf_counter() - start))
    return statistics.median(rates)


def training_rates() -> dict[str, float]:
    """Iterations per second of each model through `ml.train`."""
    points, labels = gk.datasets.guide_points()
    blobs = gk.datasets.linearly_separable(n=40, seed=0)
    cases = {
        "SVM (guide's 6 points)": (ml.SVM, points, labels, 2000),
        "TwoLayerNet (guide's 6 points)": (ml.TwoLayerNet, points, labels, 1000),
        "hinge-loss circuit, batch of 40": (ml.HingeLossClassifier, *blobs, 200),
    }
    return {
        name: best_rate(lambda make=make, p=p, y=y, n=n: ml.train(make(), p, y, n, seed=1), n)
        for name, (make, p, y, n) in cases.items()
    }


def play_rate(view: TrainingExplorer, frames: int = 40) -> float:
    """Frames per second of the view's Play ticks (an error shown in it stops the benchmark)."""
    view.play.playing = True

    def run() -> None:
        for _ in range(frames):
            view.play.value += 1

    rate = best_rate(run, frames)
    if view.message.text:
        raise RuntimeError(view.message.text)
    return rate


def frame_rates() -> dict[str, float]:
    """Frames per second of a Play tick, for each model and iterations per frame."""
    points, labels = gk.datasets.guide_points()
    return {
        f"{make.__name__}, {per_frame} iteration(s)/frame":
            play_rate(TrainingExplorer(make(), points, labels, iterations_per_frame=per_frame))
        for make in (ml.SVM, ml.TwoLayerNet) for per_frame in (1, 10)
    }


def neuron_frame_rates() -> dict[str, float]:
    """Frames per second of a Play tick with a heatmap per hidden neuron (1 iteration/frame)."""
    points, labels = gk.datasets.two_moons(100, seed=0)
    rates = {}
    for sizes in ([2, 8, 8, 1], [2, 16, 16, 1], [2, 32, 32, 1]):
        view = TrainingExplorer(gk.layers.MLP(sizes, seed=0), points, labels, step_size=0.1,
                                regularization=0.001, show_neurons=True)
        name = "-".join(map(str, sizes))
        rates[f"MLP {name}, neurons shown"] = play_rate(view)
    return rates


def main() -> None:
    print(machine())
    print("training through circuits (iterations/s)")
    for name, rate in training_rates().items():
        print(f"  {name:34s} {rate:10.0f}")
    print(f"TrainingExplorer frames ({GRID_SIZE}x{GRID_SIZE} score grid, goal {GOAL_FPS:g} fps, "
          f"{WIDE_GOAL_FPS:g} for 2-32-32-1)")
    for name, rate in (frame_rates() | neuron_frame_rates()).items():
        goal = WIDE_GOAL_FPS if "2-32-32-1" in name else GOAL_FPS
        verdict = "ok" if rate >= goal else "TOO SLOW"
        print(f"  {name:34s} {rate:10.1f} fps  {verdict}")


if __name__ == "__main__":
    main()
    print("load average (1, 5, 15 min): {:.1f} {:.1f} {:.1f} on {} cores".format(
        *os.getloadavg(), os.cpu_count()))
