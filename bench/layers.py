"""Chapter 12's matrix form (`gk.layers`) against micrograd, gatekit's scalar engine and PyTorch.

The run is micrograd's demo: a 2-16-16-1 relu MLP on 100 two-moons points, SVM max-margin
loss mean(relu(1 - y·score)) plus 1e-4·(sum of squares of every parameter), 100 steps of SGD
with learning rate 1 - 0.9·k/100, every engine starting from the same weights (gk.layers'
seeded initialisation, copied into the others). Every engine computes in float64, so the final
losses agree to rounding. PyTorch (CPU) runs when it is importable; it is never a dependency.

Then the same training at 2-256-256-1 on 10,000 points, where the matrix products dominate,
against PyTorch only (micrograd would take days). micrograd and the scalar engine run once
and are timed in CPU seconds (a shared machine's other load is not charged to them); gk.layers
and PyTorch take turns, and each one's best wall time counts.

Run: .venv/bin/python bench/layers.py   (micrograd's part takes about a minute)
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from machine import machine
from micrograd.engine import Value
from micrograd.nn import MLP as MicrogradMLP

import gatekit as gk
from gatekit.layers import MLP, svm_loss

STEPS = 100
ALPHA = 1e-4
SMALL = ([2, 16, 16, 1], 100)  # (sizes, points): micrograd's demo
LARGE = ([2, 256, 256, 1], 10_000)
TORCH = "PyTorch CPU (float64)"

Result = tuple[float, float, float]  # seconds, final loss, final accuracy
Clock = Callable[[], float]


def learning_rate(k: int) -> float:
    """The demo's schedule: 1.0 falling linearly to 0.1."""
    return 1.0 - 0.9 * k / 100


def moons_as_columns(n: int) -> tuple[np.ndarray, np.ndarray]:
    """gk.datasets.two_moons (make_moons' formula, noise 0.1, seeded) as X (2, n), labels ±1."""
    points, labels = gk.datasets.two_moons(n, noise=0.1, seed=0)
    return np.ascontiguousarray(points.T), labels.astype(np.float64)


def accuracy(scores: np.ndarray, labels: np.ndarray) -> float:
    """The fraction of examples whose score has the sign of their label."""
    return float(np.mean((np.ravel(scores) > 0) == (labels > 0)))


def run_layers(sizes: list[int], X: np.ndarray, labels: np.ndarray, clock: Clock) -> Result:
    """gk.layers: forward, loss, backward, L2, step -- the whole batch as matrices."""
    model = MLP(sizes, seed=0)
    start = clock()
    for k in range(STEPS):
        scores = model.forward(X)
        loss, dscores = svm_loss(scores, labels)
        model.backward(dscores)
        loss += model.regularize(ALPHA)
        model.step(learning_rate(k))
    return clock() - start, loss, accuracy(scores, labels)


def run_micrograd(sizes: list[int], X: np.ndarray, labels: np.ndarray, clock: Clock) -> Result:
    """micrograd, exactly as its demo notebook trains, from gk.layers' initial weights."""
    model = MicrogradMLP(sizes[0], sizes[1:])
    for layer, ours in zip(model.layers, MLP(sizes, seed=0).layers, strict=True):
        for neuron, row, bias in zip(layer.neurons, ours.W, ours.b[:, 0], strict=True):
            for w, value in zip(neuron.w, row, strict=True):
                w.data = float(value)
            neuron.b.data = float(bias)
    points = X.T.tolist()
    ys = labels.tolist()
    start = clock()
    for k in range(STEPS):
        scores = [model(list(map(Value, point))) for point in points]
        losses = [(1 + -y * score).relu() for y, score in zip(ys, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        total_loss = data_loss + ALPHA * sum(p * p for p in model.parameters())
        model.zero_grad()
        total_loss.backward()
        for p in model.parameters():
            p.data -= learning_rate(k) * p.grad
    right = [(y > 0) == (score.data > 0) for y, score in zip(ys, scores, strict=True)]
    return clock() - start, total_loss.data, sum(right) / len(right)


def run_scalar(sizes: list[int], X: np.ndarray, labels: np.ndarray, clock: Clock) -> Result:
    """gatekit's scalar engine: the loss as one circuit built once, then forward/backward/step."""
    model = MLP(sizes, seed=0)
    start = clock()
    units = model.parameter_units()
    scores = [model.scalar_forward(x, units)[0] for x in X.T]
    hinges = [gk.relu(1.0 - y * score) for y, score in zip(labels.tolist(), scores, strict=True)]
    penalty = ALPHA * sum(p * p for p in units.values())
    circuit = gk.Circuit(sum(hinges) * (1.0 / len(hinges)) + penalty)
    values = circuit.values()
    for k in range(STEPS):
        loss = circuit.forward(**values)
        grads = circuit.backward()
        values = {name: v - learning_rate(k) * grads[name] for name, v in values.items()}
    final_scores = np.array([score.value for score in scores])
    return clock() - start, loss, accuracy(final_scores, labels)


def run_torch(sizes: list[int], X: np.ndarray, labels: np.ndarray, clock: Clock) -> Result:
    """PyTorch on the CPU in float64 at its fastest: nn.Sequential, SGD with weight decay 2α
    (the L2 penalty's gradient), the penalty's value computed only for the last step's loss."""
    import torch

    ours = MLP(sizes, seed=0)
    modules: list[torch.nn.Module] = []
    for layer in ours.layers:
        linear = torch.nn.Linear(layer.n_inputs, layer.n_outputs, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(layer.W))
            linear.bias.copy_(torch.from_numpy(layer.b[:, 0]))
        modules += [linear, torch.nn.ReLU()]
    model = torch.nn.Sequential(*modules[:-1])
    inputs = torch.from_numpy(np.ascontiguousarray(X.T))
    targets = torch.from_numpy(labels)
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0, weight_decay=2 * ALPHA)
    start = clock()
    for k in range(STEPS):
        scores = model(inputs).squeeze(1)
        data_loss = torch.relu(1.0 - targets * scores).mean()
        optimizer.zero_grad(set_to_none=True)
        data_loss.backward()
        optimizer.param_groups[0]["lr"] = learning_rate(k)
        if k == STEPS - 1:  # the reported loss is the one before the last update
            with torch.no_grad():
                penalty = ALPHA * sum(float((p * p).sum()) for p in model.parameters())
        optimizer.step()
    loss = data_loss.item() + penalty
    return clock() - start, loss, accuracy(scores.detach().numpy(), labels)


def torch_available() -> bool:
    """True when PyTorch imports (it is optional)."""
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def race(
    repeats: int, runs: dict[str, Callable[..., Result]], sizes: list[int], X: np.ndarray,
    labels: np.ndarray,
) -> dict[str, Result]:
    """Each run's fastest of `repeats`, in wall seconds, taking turns so that the load of a
    shared machine falls on all alike (the minimum is the least noisy)."""
    best: dict[str, Result] = {}
    for _ in range(repeats):
        for name, run in runs.items():
            result = run(sizes, X, labels, time.perf_counter)
            if name not in best or result[0] < best[name][0]:
                best[name] = result
    return best


def table(title: str, results: dict[str, Result], reference: str) -> None:
    """Print time, speed-up against `reference`, final loss and accuracy per engine."""
    print(f"\n{title}")
    print(f"{'engine':<22}{'seconds':>12}{'speed-up':>12}{'final loss':>22}{'accuracy':>10}")
    for name, (seconds, loss, acc) in results.items():
        ratio = results[reference][0] / seconds
        print(f"{name:<22}{seconds:>12.5f}{ratio:>11.1f}x{loss:>22.15f}{acc:>10.2f}")


def main() -> None:
    """Both runs, both tables, and the goals checked."""
    print(machine())
    fast = {"gk.layers": run_layers}
    if torch_available():
        fast[TORCH] = run_torch

    sizes, n = SMALL
    X, labels = moons_as_columns(n)
    # micrograd and the scalar engine run for seconds to minutes, once: CPU seconds, so the
    # shared machine's other load is not charged to them. The fast two race 20 times.
    small = {
        "micrograd": run_micrograd(sizes, X, labels, time.process_time),
        "gatekit scalar": run_scalar(sizes, X, labels, time.process_time),
    }
    small |= race(20, fast, sizes, X, labels)
    title = f"{'-'.join(map(str, sizes))} MLP, {n} moons, {STEPS} steps"
    table(f"{title} (micrograd, scalar: CPU seconds; the rest: wall, best of 20)", small,
          "micrograd")

    sizes, n = LARGE
    X, labels = moons_as_columns(n)
    large = race(3, fast, sizes, X, labels)
    title = f"{'-'.join(map(str, sizes))} MLP, {n} moons, {STEPS} steps"
    table(f"{title} (wall seconds, best of 3)", large, "gk.layers")

    losses = [loss for _, loss, _ in small.values()]
    print(f"\nfinal losses agree to {max(losses) - min(losses):.1e} (small run)")
    ours = small["gk.layers"][0]
    print(f"gk.layers is {small['micrograd'][0] / ours:.0f}x faster than micrograd (goal: 5000x)")
    if TORCH in small:
        print(f"gk.layers is {small[TORCH][0] / ours:.1f}x faster than PyTorch (goal: > 1)")
        ratio = large["gk.layers"][0] / large[TORCH][0]
        print(f"large: gk.layers takes {ratio:.2f}x PyTorch's time (goal: <= 1.25)")


if __name__ == "__main__":
    main()
