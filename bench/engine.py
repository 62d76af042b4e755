"""gatekit's scalar engine against micrograd on micrograd's own demo, in one process.

The demo: a 2-16-16-1 MLP on 100 two-moons points, SVM max-margin loss plus 1e-4 * L2, SGD
with learning rate 1 - 0.9*k/100, both from the same weights. Both engines do the same float
operations in the same order, so their losses agree at every step (asserted).

1. The memory of a built circuit per gate, by tracemalloc: its Units, gates, constants and the
   circuit's own lists after `Circuit(loss).backward()`, and with the names table that
   drawings and explanations build on first use.
2. The built-once path, how the widgets and the training chapters use a circuit: the loss
   circuit is built once, then every step re-runs forward and backward on it, all the demo's
   steps. It makes no garbage but floats, so it is timed with whatever the collector does on
   its own; it runs before micrograd, whose leftover heap slows whatever runs after it.
3. The rebuild path, the way micrograd works and a learner writes it: every step builds a fresh
   expression, then `gk.Circuit(loss).backward()` and the update. micrograd and gatekit take
   turns step by step, and each step ends with the engine's own `gc.collect()` inside its
   timing, so each pays for its own garbage (micrograd's graph is full of reference cycles;
   gatekit's has none) and neither walks the other's. Both ratios are to micrograd's median
   step here; the phases of gatekit's step show where its time goes.

   Why this path differs by more than 2x between machines: not the collector. It runs no
   collection at all here (counted below, so gc.get_threshold() cannot matter), and disabling
   it or raising its thresholds to (100000, 50, 50) changed nothing beyond noise. It is the
   cache: a built gate takes about 320 B (its Unit, gate, inputs tuple and weak reference), so
   the demo's 65,000 gates are a ~21 MB working set walked twice per step. Measured on a
   2-core AMD EPYC VM (1 MB L2 per core, a 32 MB L3 shared with other VMs; Python 3.11.7),
   forward + backward cost about 210 ns a gate up to 7,000 gates (2.3 MB) and 870-1,100 ns a
   gate from 20,000 gates (6.4 MB) on, in a fresh process; measured after micrograd has run
   (the per-size line below), whose freed graph leaves the heap scattered, 7,000 gates already
   cost ~1,270 ns. So the figure depends on the cache size, on what else shares it (a loaded
   machine), and on where the allocator put the objects, more than on the CPU's speed.

4. Where a gate's time goes: each object one gate is made of, made and freed on its own
   (timeit), against `a * b`, which makes all of them; and the same loss built from plain
   floats, the part of the build that is the demo's own Python.

Run: .venv/bin/python bench/engine.py [steps]   (needs the `bench` extra: micrograd==0.1.0)
"""

from __future__ import annotations

import gc
import math
import random
import statistics
import sys
import time
import timeit
import tracemalloc
import weakref

from machine import machine
from micrograd.engine import Value
from micrograd.nn import MLP

import gatekit as gk

SIZES = [2, 16, 16, 1]
STEPS = 100  # the demo's SGD steps (the built-once path runs them all)
INTERLEAVED = 20  # steps of the rebuild comparison: micrograd takes about a second each
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
def micrograd_model(weights) -> MLP:
    model = MLP(2, SIZES[1:])
    for layer, layer_weights in zip(model.layers, weights, strict=True):
        for neuron, (w, b) in zip(layer.neurons, layer_weights, strict=True):
            for wi, value in zip(neuron.w, w, strict=True):
                wi.data = value
            neuron.b.data = b
    return model


def micrograd_step(model: MLP, points, labels, k: int) -> tuple[float, float]:
    """One step of micrograd's demo loop, then its own collection; returns loss and accuracy."""
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
    loss = total_loss.data
    del inputs, scores, losses, data_loss, reg_loss, total_loss
    gc.collect()
    return loss, sum(accuracy) / len(accuracy)


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


def every_parameter(params) -> list[gk.Unit]:
    return [p for layer in params for w, b in layer for p in (*w, b)]


def gatekit_loss(params, points, labels) -> tuple[gk.Unit, list[gk.Unit]]:
    """The demo's loss, built from gates in micrograd's order of operations."""
    scores = []
    for row in points:
        activations: list = list(row)
        for depth, layer in enumerate(params):
            last = depth == len(params) - 1
            activations = [_neuron(w, b, activations, nonlinear=not last) for w, b in layer]
        scores.append(activations[0])
    losses = [gk.relu(1 + -yi * si) for yi, si in zip(labels, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in every_parameter(params))
    return data_loss + reg_loss, scores


def _neuron(w, b, x, nonlinear: bool) -> gk.Unit:
    act = sum((wi * xi for wi, xi in zip(w, x, strict=True)), b)
    return gk.relu(act) if nonlinear else act


PHASES = ("build the expression", "Circuit(loss)", "backward()", "update, free", "gc.collect()")


def gatekit_rebuild_step(params, points, labels, k: int, phases: list) -> tuple[float, float]:
    """micrograd's way: a fresh expression, Circuit(loss).backward(), the update, a collection.
    The time of each phase is appended to `phases`."""
    marks = [time.perf_counter()]
    loss, scores = gatekit_loss(params, points, labels)
    marks.append(time.perf_counter())
    circuit = gk.Circuit(loss)
    marks.append(time.perf_counter())
    circuit.backward()
    marks.append(time.perf_counter())
    rate = learning_rate(k)
    for p in every_parameter(params):
        p.value -= rate * p.grad
    result = loss.value, _accuracy(scores, labels)
    del loss, scores, circuit
    marks.append(time.perf_counter())
    gc.collect()
    marks.append(time.perf_counter())
    phases.append([end - start for start, end in zip(marks, marks[1:], strict=False)])
    return result


def gatekit_rerun_step(circuit: gk.Circuit, scores, labels, k: int) -> tuple[float, float]:
    """The built-once way: backward, every parameter moves against its grad, forward again."""
    result = circuit.value, _accuracy(scores, labels)
    grads = circuit.backward()
    rate = learning_rate(k)
    circuit.forward(**{name: u.value - rate * grads[name] for name, u in circuit.inputs.items()})
    return result


def _accuracy(scores: list[gk.Unit], labels: list[int]) -> float:
    right = sum((yi > 0) == (si.value > 0) for yi, si in zip(labels, scores, strict=True))
    return right / len(labels)


def timed(step, *args) -> tuple[float, tuple[float, float]]:
    start = time.perf_counter()
    result = step(*args)
    return time.perf_counter() - start, result


def ns_per_gate_by_size(weights, points, labels) -> list[tuple[int, float]]:
    """Gates and best forward + backward time per gate of the demo's loss on the first 2, 10,
    30 and all points: flat while the circuit fits the caches, higher once it does not."""
    sizes = []
    for n in (2, 10, 30, len(points)):
        loss, _ = gatekit_loss(gatekit_parameters(weights), points[:n], labels[:n])
        circuit = gk.Circuit(loss)
        best = min(timed(lambda c=circuit: (c.backward(), c.forward()))[0] for _ in range(5))
        sizes.append((len(circuit), best * 1e9 / len(circuit)))
    return sizes


def bytes_per_gate(weights, points, labels) -> tuple[int, float, float]:
    """Gates, and tracemalloc's bytes per gate of a built circuit after backward, without and
    with its names table."""
    params = gatekit_parameters(weights)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    loss, _ = gatekit_loss(params, points, labels)
    circuit = gk.Circuit(loss)
    circuit.backward()
    del _
    built = tracemalloc.get_traced_memory()[0] - before
    circuit.names  # noqa: B018 - drawings and explain() build the names table on first use
    named = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return len(circuit), built / len(circuit), named / len(circuit)


def gate_costs() -> list[tuple[str, float]]:
    """ns to make and free each object of one gate on its own, and a whole gate by `a * b`."""
    a, b = gk.Unit(1.5, name="a"), gk.Unit(2.0, name="b")
    pieces = [
        ("the gate: MulGate()", "MulGate()"),
        ("its inputs tuple: (a, b)", "(a, b)"),
        ("its output Unit: object.__new__(Unit)", "new(Unit)"),
        ("the weak reference to its output", "ref(a)"),
        ("the output's value: a.value * b.value", "a.value * b.value"),
        ("all of it and the calls: a * b", "a * b"),
    ]
    names = {"a": a, "b": b, "MulGate": gk.MulGate, "Unit": gk.Unit, "new": object.__new__,
             "ref": weakref.ref}
    number = 200_000
    return [
        (label, min(timeit.repeat(code, globals=names, number=number, repeat=5)) / number * 1e9)
        for label, code in pieces
    ]


def float_loss(weights, points, labels) -> float:
    """The demo's loss from plain floats in the same order: the build's own Python, no gates."""
    scores = []
    for row in points:
        activations = list(row)
        for depth, layer in enumerate(weights):
            last = depth == len(weights) - 1
            sums = [sum((wi * xi for wi, xi in zip(w, activations, strict=True)), b)
                    for w, b in layer]
            activations = sums if last else [max(s, 0.0) for s in sums]
        scores.append(activations[0])
    losses = [max(1 + -yi * si, 0.0) for yi, si in zip(labels, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    return data_loss + ALPHA * sum(p * p for layer in weights for w, b in layer for p in (*w, b))


def main(interleaved: int = INTERLEAVED) -> None:
    print(machine())
    points, labels = two_moons()
    weights = initial_weights()
    n_gates, memory, named_memory = bytes_per_gate(weights, points, labels)
    print(f"micrograd demo: MLP {SIZES}, {len(points)} points, {n_gates:,} gates")

    # 2. The built-once path, before micrograd has run.
    start = time.perf_counter()
    loss, scores = gatekit_loss(gatekit_parameters(weights), points, labels)
    circuit = gk.Circuit(loss)
    build = time.perf_counter() - start
    once_times, once_results = [], []
    collections = sum(stats["collections"] for stats in gc.get_stats())
    for k in range(STEPS):
        seconds, result = timed(gatekit_rerun_step, circuit, scores, labels, k)
        once_times.append(seconds)
        once_results.append(result)
    collections = sum(stats["collections"] for stats in gc.get_stats()) - collections
    del loss, scores, circuit
    gc.collect()

    # 3. The rebuild path, micrograd and gatekit taking turns.
    model, params = micrograd_model(weights), gatekit_parameters(weights)
    mg_times, rb_times, mg_results, rb_results, phases = [], [], [], [], []
    gc.collect()
    for k in range(interleaved):
        seconds, result = timed(micrograd_step, model, points, labels, k)
        mg_times.append(seconds)
        mg_results.append(result)
        seconds, result = timed(gatekit_rebuild_step, params, points, labels, k, phases)
        rb_times.append(seconds)
        rb_results.append(result)
    del model, params
    gc.collect()

    mg_step, rb_step, once_step = (statistics.median(t) for t in (mg_times, rb_times, once_times))
    ratios = [m / r for m, r in zip(mg_times, rb_times, strict=True)]
    print(f"\nmedians per step: micrograd and the rebuild path over {interleaved} steps taking"
          f" turns, each ending with its own gc.collect(); the built-once path over {STEPS} steps")
    rows = [
        ("micrograd: build, backward, update", mg_step, 1.0),
        ("gatekit rebuilt every step: Circuit(loss).backward()", rb_step, mg_step / rb_step),
        (f"gatekit built once ({build * 1e3:.0f} ms), re-run forward + backward",
         once_step, mg_step / once_step),
    ]
    print(f"{'path':58} {'ms/step':>9} {'vs micrograd':>13}")
    for name, seconds, ratio in rows:
        print(f"{name:58} {seconds * 1e3:9.1f} {ratio:12.1f}x")
    low, high = min(ratios), max(ratios)
    print(f"rebuild ratio step by step: median {statistics.median(ratios):.1f}x,"
          f" range {low:.1f}x-{high:.1f}x")
    medians = [statistics.median(phase) * 1e3 for phase in zip(*phases, strict=True)]
    print("gatekit's rebuild step by phase (medians):",
          ", ".join(f"{name} {ms:.1f} ms" for name, ms in zip(PHASES, medians, strict=True)))
    print("the same per gate:",
          ", ".join(f"{name} {ms * 1e6 / n_gates:.0f} ns"
                    for name, ms in zip(PHASES, medians, strict=True)))
    plain = min(timeit.repeat(lambda: float_loss(weights, points, labels), number=1, repeat=5))
    print(f"of the build, the demo's own Python (the same loss from floats): {plain * 1e3:.1f} ms")
    print("\nwhat one gate costs, each part made and freed on its own (ns):")
    for label, ns in gate_costs():
        print(f"  {label:45} {ns:6.0f}")
    print(f"memory per gate (tracemalloc): {memory:.0f} B after Circuit(loss).backward(),"
          f" {named_memory:.0f} B with the names table")
    print(f"cyclic collections during the built-once path: {collections}")
    print("built-once forward + backward per gate by circuit size (the cache at work):",
          ", ".join(f"{gates:,} gates {ns:.0f} ns" for gates, ns in
                    ns_per_gate_by_size(weights, points, labels)))
    final_loss, final_accuracy = once_results[-1]
    print(f"after {STEPS} steps (built once): loss {final_loss:.6f}, accuracy {final_accuracy:.2f}")

    same = all(
        math.isclose(m[0], r[0], rel_tol=1e-9) and m[1] == r[1]
        and math.isclose(m[0], o[0], rel_tol=1e-9) and m[1] == o[1]
        for m, r, o in zip(mg_results, rb_results, once_results, strict=False)
    )
    print("losses and accuracies agree at every step:", "yes" if same else "NO")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else INTERLEAVED)
