"""How long the explorer takes from a slider move to a fresh drawing in its Image widget.

One event = set a slider's value; the observer runs forward, backward, the gradient check and
renders the drawing and the history plot; we stop the clock when the Image holds new bytes.
Median over many events, for the single neuron (5 gates), a ~30-gate and a ~100-gate circuit,
and a 1000-input weighted sum (2,000 gates: one slider shown with a chooser, the summary
picture, the gradient check on request). For comparison, the last column times matplotlib's PNG
encoding alone of the same drawing (savefig of an already drawn figure): the least an in-place
matplotlib update could cost, which is why the live view renders SVG text from the shared
layout instead (not timed for 1000 inputs: drawing 2,000 gates takes seconds).

The Landscape (gk.widgets.Landscape) is timed the same way on the chapter-1 circuits: a slider
event costs one forward and one backward pass and a redraw of the marks over the kept surface
(the sliders span the window, so they never leave it); a Pull (a Play tick) inside the window
adds the pull and one step of the path; the surface is sampled only when the other inputs
change or a pull leaves the window (timed apart, as "resample"). "kB" is what an event sends.

The stepper (gk.widgets.BackpropStepper) is timed per Next on a 10,000-gate weighted sum, drawn
around the active gate, with the bytes of its new picture.
The loss over two weights (gk.widgets.LossSurfaceView) is timed on chapter 8's SVM over a, b
and on a 2-4-1 net over two output weights: a slider event moves the point and the arrow on
the kept surface; a Step also resamples it when the other parameters moved (both <= 50 ms).

Run: .venv/bin/python bench/latency.py
Goals on a 2-core machine: <= 30 ms median for the neuron, <= 150 ms for ~100 gates, <= 50 ms
for 1000 inputs.
"""

from __future__ import annotations

import io
import random
import statistics
import time

from machine import machine
from matplotlib.figure import Figure

import gatekit as gk
from gatekit.picture.layout import DPI, layout_of
from gatekit.widgets.loss_surface import LossSurfaceView

EVENTS = 60
GOALS_MS = {"single neuron": 30.0, "~100 gates": 150.0, "1000 inputs": 50.0}
PNG_MAX_GATES = 200  # past this, drawing the matplotlib figure to time its encoding takes long


def single_neuron() -> gk.Circuit:
    """The guide's neuron sigmoid(a*x + b*y + c): 5 inputs, 5 gates."""
    a, b, c, x, y = (gk.Unit(v, name=n) for n, v in zip("abcxy", (1, 2, -3, -1, 3), strict=True))
    return gk.Circuit(gk.sigmoid(a * x + b * y + c))


def small_net(hidden: int, seed: int = 0) -> gk.Circuit:
    """Two inputs, `hidden` ReLU neurons and a linear score: 7 gates per hidden neuron."""
    rng = random.Random(seed)

    def weight(name: str) -> gk.Unit:
        return gk.Unit(rng.uniform(-1, 1), name=name)

    x = [gk.Unit(1.2, name="x0"), gk.Unit(0.7, name="x1")]
    score: gk.Unit | None = None
    for i in range(hidden):
        h = gk.relu(weight(f"w{i}0") * x[0] + weight(f"w{i}1") * x[1] + weight(f"b{i}"))
        term = weight(f"v{i}") * h
        score = term if score is None else score + term
    return gk.Circuit(score)


def weighted_sum(inputs: int, seed: int = 0) -> gk.Circuit:
    """sigmoid(Σ w_i · c_i): `inputs` named weights times constants, 2 gates per input."""
    rng = random.Random(seed)
    total: gk.Unit | None = None
    for i in range(inputs):
        term = gk.Unit(rng.uniform(-0.1, 0.1), name=f"w{i}") * rng.uniform(-1, 1)
        total = term if total is None else total + term
    return gk.Circuit(gk.sigmoid(total))


def slider_latencies(circuit: gk.Circuit, events: int = EVENTS) -> list[float]:
    """Seconds from setting a slider's value to new image bytes, one per event."""
    explorer = gk.explore(circuit)
    name, slider = next(iter(explorer.sliders.items()))
    start = circuit.inputs[name].value
    times = []
    for k in range(events):
        before = explorer.drawing.image.value
        tick = time.perf_counter()
        slider.value = start + 0.01 * (k % 10 + 1) * (-1) ** k
        fresh = explorer.drawing.image.value
        times.append(time.perf_counter() - tick)
        if fresh == before or explorer.message.text:
            raise RuntimeError(f"event {k} did not redraw: {explorer.message.text}")
    return times


def landscape_latencies(circuit: gk.Circuit, events: int = EVENTS) -> list[float]:
    """Seconds from setting the Landscape's x slider to new image bytes, one per event."""
    view = gk.widgets.Landscape(circuit, x="x", y="y")
    slider, start = view.sliders["x"], circuit.inputs["x"].value
    times = []
    for k in range(events):
        before = view.drawing.image.value
        tick = time.perf_counter()
        slider.value = start + 0.01 * (k % 10 + 1) * (-1) ** k
        times.append(time.perf_counter() - tick)
        if view.drawing.image.value == before or view.message.text:
            raise RuntimeError(f"event {k} did not redraw: {view.message.text}")
    return times


def landscape_pull_seconds(circuit: gk.Circuit, events: int = EVENTS) -> float:
    """Median time of a Pull that stays inside the window (the path grows by one step)."""
    view = gk.widgets.Landscape(circuit, x="x", y="y", step_size=0.01)
    times = []
    for _ in range(events):
        tick = time.perf_counter()
        view.pull()
        times.append(time.perf_counter() - tick)
        if view.message.text:
            raise RuntimeError(f"a pull failed: {view.message.text}")
    return statistics.median(times)


def landscape_resample_seconds(circuit: gk.Circuit, other: str, repeats: int = 10) -> float:
    """Median time of an event after another input moved: the surface is sampled again."""
    view = gk.widgets.Landscape(circuit, x="x", y="y")
    times = []
    for k in range(repeats):
        circuit.forward(**{other: 0.1 * (k + 1)})
        tick = time.perf_counter()
        view.pull()
        times.append(time.perf_counter() - tick)
    return statistics.median(times)


def stepper_next(circuit: gk.Circuit, presses: int = 20) -> tuple[list[float], int]:
    """Seconds of each Next on a stepper over `circuit` (in the forward pass, then deep in the
    backward pass), and the largest picture one of them drew, in bytes."""
    stepper = gk.widgets.BackpropStepper(circuit)
    times, largest = [], 0
    for k in range(presses):
        if k == presses // 2:
            stepper.position = len(stepper.steps) - presses
        tick = time.perf_counter()
        stepper.next()
        times.append(time.perf_counter() - tick)
        largest = max(largest, len(stepper.drawing.image.value))
    return times, largest

def loss_surface_latencies(view: LossSurfaceView, events: int = EVENTS) -> dict[str, list[float]]:
    """Seconds per slider event and per Step (with its resample when the others moved)."""
    times: dict[str, list[float]] = {"slider": [], "step": []}
    slider, start = view.sliders[0], view.sliders[0].value
    for k in range(events):
        tick = time.perf_counter()
        slider.value = start + 0.01 * (k % 10 + 1) * (-1) ** k
        times["slider"].append(time.perf_counter() - tick)
    for _ in range(events // 3):
        tick = time.perf_counter()
        view.step()
        times["step"].append(time.perf_counter() - tick)
    if view.message.text:
        raise RuntimeError(view.message.text)
    return times


def png_encoding_seconds(circuit: gk.Circuit, repeats: int = 5) -> float:
    """Median time to encode the circuit's drawn matplotlib figure as PNG (no redrawing)."""
    layout = layout_of(circuit)
    figure = Figure(figsize=layout.size_inches, dpi=DPI)
    gk.draw(circuit, figure.add_axes((0, 0, 1, 1)))
    times = []
    for _ in range(repeats):
        tick = time.perf_counter()
        figure.savefig(io.BytesIO(), format="png", dpi=DPI)
        times.append(time.perf_counter() - tick)
    return statistics.median(times)


def main() -> None:
    print(machine())
    cases = {"single neuron": single_neuron(), "~30 gates": small_net(4),
             "~100 gates": small_net(14), "1000 inputs": weighted_sum(1000)}
    print(f"{'circuit':<15}{'gates':>6}{'inputs':>7}{'median ms':>11}{'p90 ms':>8}"
          f"{'goal ms':>9}{'PNG encode ms':>15}")
    for label, circuit in cases.items():
        times = sorted(slider_latencies(circuit))
        median, p90 = statistics.median(times) * 1e3, times[int(0.9 * len(times))] * 1e3
        png = (f"{png_encoding_seconds(circuit) * 1e3:.0f}" if len(circuit) <= PNG_MAX_GATES
               else "-")
        goal = GOALS_MS.get(label)
        goal_text = f"{goal:.0f}" if goal else "-"
        print(f"{label:<15}{len(circuit):>6}{len(circuit.inputs):>7}{median:>11.2f}{p90:>8.2f}"
              f"{goal_text:>9}{png:>15}")


    print()
    print(f"{'landscape':<22}{'median ms':>11}{'p90 ms':>8}{'goal ms':>9}{'pull ms':>9}"
          f"{'resample ms':>13}{'kB':>6}")
    for label, text, other in (("x * y", "x * y + 0 * z", "z"),
                               ("(x + y) * z", "(x + y) * z", "z"),
                               ("neuron over x, y", "sigmoid(a*x + b*y + c)", "a")):
        values = {"a": 1.0, "b": 2.0, "c": -3.0, "x": -1.0, "y": 3.0, "z": -4.0}
        circuit = gk.parse(text, **{n: v for n, v in values.items() if n in text})
        times = sorted(landscape_latencies(circuit))
        median, p90 = statistics.median(times) * 1e3, times[int(0.9 * len(times))] * 1e3
        pull = landscape_pull_seconds(circuit) * 1e3
        resample = landscape_resample_seconds(circuit, other) * 1e3
        sent = len(gk.widgets.Landscape(circuit, x="x", y="y").drawing.image.value) / 1e3
        print(f"{label:<22}{median:>11.2f}{p90:>8.2f}{50:>9}{pull:>9.2f}{resample:>13.1f}"
              f"{sent:>6.0f}")

    print()
    circuit = weighted_sum(5000)
    times, largest = stepper_next(circuit)
    times.sort()
    median, p90 = statistics.median(times) * 1e3, times[int(0.9 * len(times))] * 1e3
    print(f"{'stepper Next':<22}{'gates':>7}{'median ms':>11}{'p90 ms':>8}{'picture kB':>12}")
    print(f"{'weighted sum':<22}{len(circuit):>7}{median:>11.2f}{p90:>8.2f}{largest / 1e3:>12.1f}")
    print()
    print(f"{'loss over two weights':<36}{'median ms':>11}{'p90 ms':>8}{'goal ms':>9}")
    points, labels = gk.datasets.guide_points()
    xor_points, xor_labels = gk.datasets.xor(n=40, seed=0)
    views = {
        "SVM over a, b": LossSurfaceView(gk.ml.TrainingSession(
            gk.ml.SVM(), points, labels, step_size=0.1, regularization=0.1), "a", "b"),
        "MLP 2-4-1 over W2[0,0], [0,1]": LossSurfaceView(gk.ml.TrainingSession(
            gk.layers.MLP([2, 4, 1], seed=0), xor_points, xor_labels, step_size=0.1),
            "W2[0,0]", "W2[0,1]"),
    }
    for label, view in views.items():
        for event, times in loss_surface_latencies(view).items():
            times = sorted(times)
            median, p90 = statistics.median(times) * 1e3, times[int(0.9 * len(times))] * 1e3
            print(f"{label + ', ' + event:<36}{median:>11.2f}{p90:>8.2f}{50:>9}")


if __name__ == "__main__":
    main()
