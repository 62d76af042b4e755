"""gatekit's scalar engine against micrograd on micrograd's own demo, in one process.

The demo: a 2-16-16-1 MLP on 100 two-moons points, SVM max-margin loss plus 1e-4 * L2,
100 steps of SGD with learning rate 1 - 0.9*k/100, both from the same weights. Both engines
do the same float operations in the same order, so their losses and accuracies agree.

micrograd rebuilds its graph every step (that is its design). gatekit is timed three ways:
- "build once": build the loss circuit once, then each step re-runs forward and backward on
  it (how the widgets and the training chapters use a circuit);
- "rebuild": build a fresh circuit every step, exactly as micrograd does;
- per step, the re-run alone against micrograd's rebuild-and-backward.

Run: .venv/bin/python bench/engine.py   (needs the `bench` extra: pip install -e ".[bench]")
"""

from __future__ import annotations

import gc
import math
import random
import statistics
import time

from micrograd.engine import Value
from micrograd.nn import MLP

import gatekit as gk

SIZES = [2, 16, 16, 1]
STEPS = 100
ALPHA = 1e-4


def two_moons(n: int = 100) -> tuple[list[list[float]], list[int]]:
    """gk.datasets' two moons (make_moons' formula, noise 0.1, seeded) as plain Python lists."""
    points, labels = gk.datasets.two_moons(n, noise=0.1, seed=0)
    return points.tolist(), [int(label) for label in labels]


def initial_weights(seed: int = 1337) -> list[list[tuple[list[float], float]]]:
    """Weights uniform in [-1, 1] and zero biases, as micrograd's Neuron makes them."""
    rng = random.Random(seed)
    return [
        [([rng.uniform(-1, 1) for _ in range(n_in)], 0.0) for _ in range(n_out)]
        for n_in, n_out in zip(SIZES, SIZES[1:], strict=False)
    ]


def learning_rate(k: int) -> float:
    return 1.0 - 0.9 * k / 100


# ----- micrograd -------------------------------------------------------------------------
def micrograd_run(weights, points, labels) -> tuple[float, float, list[float]]:
    """micrograd's demo loop; returns the last loss, the last accuracy and per-step times."""
    model = MLP(2, SIZES[1:])
    for layer, layer_weights in zip(model.layers, weights, strict=True):
        for neuron, (w, b) in zip(layer.neurons, layer_weights, strict=True):
            for wi, value in zip(neuron.w, w, strict=True):
                wi.data = value
            neuron.b.data = b
    step_times = []
    for k in range(STEPS):
        start = time.perf_counter()
        inputs = [list(map(Value, row)) for row in points]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(labels, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (si.data > 0) for yi, si in zip(labels, scores, strict=True)]
        model.zero_grad()
        total_loss.backward()
        for p in model.parameters():
            p.data -= learning_rate(k) * p.grad
        step_times.append(time.perf_counter() - start)
    return total_loss.data, sum(accuracy) / len(accuracy), step_times


# ----- gatekit ---------------------------------------------------------------------------
def gatekit_parameters(weights) -> list[list[tuple[list[gk.Unit], gk.Unit]]]:
    """The same weights as named input Units: W1[i,j] and b1[i], layers counted from 1."""
    return [
        [
            (
                [gk.Unit(v, name=f"W{n}[{i},{j}]") for j, v in enumerate(w)],
                gk.Unit(b, name=f"b{n}[{i}]"),
            )
            for i, (w, b) in enumerate(layer)
        ]
        for n, layer in enumerate(weights, start=1)
    ]


def gatekit_loss(params, points, labels) -> tuple[gk.Unit, list[gk.Unit]]:
    """The demo's loss, built from gates in micrograd's order of operations."""
    scores = []
    for row in points:
        activations: list = list(row)
        for depth, layer in enumerate(params):
            last = depth == len(params) - 1
            activations = [
                _neuron(w, b, activations, nonlinear=not last) for w, b in layer
            ]
        scores.append(activations[0])
    losses = [gk.relu(1 + -yi * si) for yi, si in zip(labels, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    every = [p for layer in params for w, b in layer for p in (*w, b)]
    reg_loss = ALPHA * sum(p * p for p in every)
    return data_loss + reg_loss, scores


def _neuron(w, b, x, nonlinear: bool) -> gk.Unit:
    act = sum((wi * xi for wi, xi in zip(w, x, strict=True)), b)
    return gk.relu(act) if nonlinear else act


def sgd_step(circuit: gk.Circuit, k: int) -> None:
    """backward, then every parameter moves against its grad, then forward again."""
    grads = circuit.backward()
    rate = learning_rate(k)
    circuit.forward(**{name: u.value - rate * grads[name] for name, u in circuit.inputs.items()})


def gatekit_build_once(weights, points, labels) -> tuple[float, float, float, list[float]]:
    """Build the loss circuit once, then re-run it; returns loss, accuracy, build time, steps."""
    start = time.perf_counter()
    loss, scores = gatekit_loss(gatekit_parameters(weights), points, labels)
    circuit = gk.Circuit(loss)
    build_time = time.perf_counter() - start
    step_times = []
    for k in range(STEPS):
        start = time.perf_counter()
        last_loss, accuracy = circuit.value, _accuracy(scores, labels)
        sgd_step(circuit, k)
        step_times.append(time.perf_counter() - start)
    return last_loss, accuracy, build_time, step_times


def gatekit_rebuild(weights, points, labels) -> tuple[float, float, list[float]]:
    """A fresh circuit every step, exactly as micrograd works."""
    params = gatekit_parameters(weights)
    step_times = []
    for k in range(STEPS):
        start = time.perf_counter()
        loss, scores = gatekit_loss(params, points, labels)
        circuit = gk.Circuit(loss)
        last_loss, accuracy = loss.value, _accuracy(scores, labels)
        sgd_step(circuit, k)
        step_times.append(time.perf_counter() - start)
    return last_loss, accuracy, step_times


def _accuracy(scores: list[gk.Unit], labels: list[int]) -> float:
    right = sum((yi > 0) == (si.value > 0) for yi, si in zip(labels, scores, strict=True))
    return right / len(labels)


def main() -> None:
    points, labels = two_moons()
    weights = initial_weights()
    n_gates = len(gk.Circuit(gatekit_loss(gatekit_parameters(weights), points, labels)[0]))
    print(f"micrograd demo: MLP {SIZES}, {len(points)} points, {STEPS} SGD steps, {n_gates} gates")

    # Each engine starts with no garbage of the previous one left for the collector to walk.
    # micrograd goes last: the millions of objects it leaves behind scatter later allocations
    # over the heap, which slows whatever runs after it (gatekit's re-run by ~2x when measured).
    gc.collect()
    gk_loss, gk_acc, build, gk_steps = gatekit_build_once(weights, points, labels)
    gc.collect()
    rb_loss, rb_acc, rb_steps = gatekit_rebuild(weights, points, labels)
    gc.collect()
    mg_loss, mg_acc, mg_steps = micrograd_run(weights, points, labels)

    mg_total, gk_total, rb_total = sum(mg_steps), build + sum(gk_steps), sum(rb_steps)
    rows = [
        ("micrograd (rebuilds every step)", mg_total, mg_loss, mg_acc),
        ("gatekit, circuit built once", gk_total, gk_loss, gk_acc),
        ("gatekit, rebuilt every step", rb_total, rb_loss, rb_acc),
    ]
    header = ("engine", "time (s)", "vs micrograd", "final loss", "accuracy")
    print("\n{:34} {:>9} {:>13} {:>12} {:>9}".format(*header))
    for name, seconds, loss, acc in rows:
        print(f"{name:34} {seconds:9.3f} {mg_total / seconds:12.1f}x {loss:12.6f} {acc:9.2f}")

    mg_step, gk_step = statistics.median(mg_steps), statistics.median(gk_steps)
    print(
        f"\nper step (median): micrograd build+backward {mg_step * 1e3:.1f} ms; gatekit re-run"
        f" forward+backward {gk_step * 1e3:.2f} ms -> {mg_step / gk_step:.0f}x"
        f"; gatekit build once {build * 1e3:.0f} ms"
    )
    same = math.isclose(mg_loss, gk_loss, rel_tol=1e-9) and mg_acc == gk_acc
    same = same and math.isclose(mg_loss, rb_loss, rel_tol=1e-9) and mg_acc == rb_acc
    print("losses and accuracies agree:", "yes" if same else "NO")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
