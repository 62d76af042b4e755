"""The explorer and the stepper, driven through their trait values and method twins."""

from __future__ import annotations

import math
import re

import ipywidgets as widgets
import pytest

import gatekit as gk
from gatekit.circuit import fmt
from gatekit.picture.layout import HIGHLIGHT_COLOUR


def neuron() -> gk.Circuit:
    a, b, c, x, y = (gk.Unit(v, name=n) for n, v in zip("abcxy", (1, 2, -3, -1, 3), strict=True))
    return gk.Circuit(gk.sigmoid(a * x + b * y + c))


def two_gates() -> gk.Circuit:
    x, y, z = gk.Unit(-2.0, name="x"), gk.Unit(5.0, name="y"), gk.Unit(-4.0, name="z")
    return gk.Circuit((x + y) * z)


def ratio() -> gk.Circuit:
    return gk.Circuit(gk.Unit(1.0, name="x") / gk.Unit(2.0, name="y"))


def svg_of(view) -> str:
    """The SVG text a view's Image widget holds (its value is a memoryview)."""
    return bytes(view.image.value).decode()


def slider_values(explorer) -> dict[str, float]:
    return {name: slider.value for name, slider in explorer.sliders.items()}


# ----- the explorer ---------------------------------------------------------------------------
def test_explore_gives_a_widget_with_a_slider_per_input():
    circuit = neuron()
    explorer = gk.explore(circuit)
    assert isinstance(explorer, widgets.DOMWidget)
    assert isinstance(explorer, gk.widgets.CircuitExplorer)
    assert list(explorer.sliders) == list(circuit.inputs)
    for name, slider in explorer.sliders.items():
        assert slider.value == circuit.inputs[name].value
        assert slider.min < slider.value < slider.max
        assert slider.readout_format == ".3f"
    assert explorer.force.value == 1.0 and explorer.step_size.value == pytest.approx(0.01)
    assert "model_id" not in repr(explorer) and "f = 0.8808" in repr(explorer)


def test_a_slider_moves_the_input_and_redraws():
    circuit = two_gates()
    explorer = gk.explore(circuit)
    before = svg_of(explorer.drawing)
    explorer.sliders["x"].value = 1.5
    assert circuit.inputs["x"].value == 1.5
    assert circuit.value == (1.5 + 5.0) * -4.0
    assert circuit.inputs["y"].grad == -4.0  # backward ran too
    assert svg_of(explorer.drawing) != before
    assert f">{fmt(circuit.value)}<" in svg_of(explorer.drawing)
    assert explorer.history[-1] == circuit.value


def test_pull_moves_the_circuit_and_the_sliders_follow_once():
    circuit = neuron()
    explorer = gk.explore(circuit)
    start_output, start_sliders = circuit.value, slider_values(explorer)
    points = len(explorer.history)
    new_output = explorer.pull()
    assert new_output == circuit.value > start_output
    assert slider_values(explorer) == circuit.values() != start_sliders
    assert len(explorer.history) == points + 1  # the sliders' echoes ran no forward pass


def test_a_pull_moves_only_the_inputs_asked_for():
    circuit = neuron()
    explorer = gk.explore(circuit, move=["a", "b", "c"])
    start = circuit.values()
    explorer.pull()
    moved = {name for name, value in circuit.values().items() if value != start[name]}
    assert moved == {"a", "b", "c"}


def test_the_history_plot_draws_every_output_so_far():
    explorer = gk.explore(neuron())
    for _ in range(3):
        explorer.pull()
    polyline = re.search(r'<polyline points="([^"]*)"', svg_of(explorer.history_plot))
    assert len(polyline.group(1).split()) == len(explorer.history) == 4


def test_a_negative_force_lowers_the_output():
    circuit = neuron()
    explorer = gk.explore(circuit)
    start = circuit.value
    explorer.force.value = -1.0
    explorer.pull()
    assert circuit.value < start
    assert circuit.output.grad == -1.0  # the drawing shows the grads of the chosen force


def test_play_keeps_pulling_while_it_plays():
    circuit = neuron()
    explorer = gk.explore(circuit)
    explorer.play.value = 1  # a tick while stopped (Play's slider moved): nothing happens
    outputs = [circuit.value]
    explorer.play_button.toggle()
    for tick in (2, 3, 4):
        explorer.play.value = tick
        outputs.append(circuit.value)
    assert outputs == sorted(outputs) and len(set(outputs)) == 4


@pytest.mark.parametrize("force", [1.0, -0.5])
def test_the_prediction_line_compares_first_order_and_real_change(force):
    circuit = neuron()
    explorer = gk.explore(circuit, force=force)
    slopes, before, old = circuit.backward(1.0), circuit.values(), circuit.value
    explorer.step_size.value = 0.5
    explorer.pull()
    predicted = sum(slopes[n] * (v - before[n]) for n, v in circuit.values().items())
    assert f"{predicted:+.6f}" in explorer.prediction.value
    assert f"{circuit.value - old:+.6f}" in explorer.prediction.value


def test_reset_restores_the_starting_values():
    circuit = neuron()
    explorer = gk.explore(circuit)
    start, start_output = circuit.values(), circuit.value
    explorer.sliders["a"].value = 0.25
    explorer.pull()
    explorer.reset()
    assert circuit.values() == start and slider_values(explorer) == start
    assert circuit.value == start_output and explorer.history == [start_output]
    assert explorer.prediction.value == ""


def test_sliders_widen_rather_than_clamp_a_far_pull():
    circuit = two_gates()
    explorer = gk.explore(circuit, step_size=1.0)
    for _ in range(6):
        explorer.pull()
    assert slider_values(explorer) == circuit.values()
    assert abs(circuit.inputs["z"].value) > 20  # beyond the starting range of about ±8


def test_a_bad_slider_value_is_shown_not_raised_and_the_slider_snaps_back():
    circuit = ratio()
    explorer = gk.explore(circuit)
    explorer.sliders["y"].value = 0.0
    assert "division by zero" in explorer.message.text
    assert "division by zero" in explorer.message.widget.value
    assert circuit.inputs["y"].value == 2.0 and circuit.value == 0.5
    assert explorer.sliders["y"].value == 2.0
    explorer.sliders["y"].value = 4.0
    assert explorer.message.text == "" and circuit.value == 0.25


def test_a_pull_that_lands_nowhere_is_shown_and_moves_nothing():
    root = gk.Circuit(gk.Unit(0.01, name="x") ** 0.5)
    explorer = gk.explore(root, force=-1.0, step_size=1.0)
    assert explorer.pull() is None
    assert "no real value" in explorer.message.text
    assert root.inputs["x"].value == 0.01 and explorer.sliders["x"].value == 0.01


def test_the_gradient_badge_is_checked_again_on_every_change():
    circuit = gk.Circuit(gk.relu(gk.Unit(1.0, name="x")))
    explorer = gk.explore(circuit)
    assert "✔" in explorer.badge.value
    explorer.sliders["x"].value = 0.0  # the kink: analytic 0, central differences 0.5
    assert "✘" in explorer.badge.value


# ----- the stepper ----------------------------------------------------------------------------
def walk(stepper) -> list:
    """Every step from the start to the end, pressing Next."""
    seen = [stepper.step]
    while not stepper.next_button.disabled:
        stepper.next()
        seen.append(stepper.step)
    return seen


@pytest.mark.parametrize("make", [two_gates, neuron])
def test_the_stepper_walks_forward_in_order_then_backward_in_reverse(make):
    circuit = make()
    stepper = gk.widgets.BackpropStepper(circuit)
    steps = walk(stepper)
    assert [s.phase for s in steps[:1]] == ["start"]
    assert [s.gate for s in steps if s.phase == "forward"] == circuit.gates
    backward = [s.gate for s in steps if s.phase == "backward"]
    assert backward[0] is None  # the force on the output
    walked = [g for k, g in enumerate(backward[1:]) if k == 0 or g is not backward[k]]
    assert walked == list(reversed(circuit.gates))


def test_the_stepper_ends_with_the_circuits_grads_and_its_sentences():
    circuit = neuron()
    stepper = gk.widgets.BackpropStepper(circuit)
    last = walk(stepper)[-1]
    grads = dict(zip(circuit.units, last.grads, strict=True))
    for unit in circuit.inputs.values():
        assert grads[unit] == pytest.approx(unit.grad)
    assert circuit.explain()[-1] in stepper.sentence.value


def test_the_stepper_reveals_values_forward_and_lights_the_active_gate():
    circuit = two_gates()
    stepper = gk.widgets.BackpropStepper(circuit)
    assert stepper.step.values[-1] is None and ">?<" in svg_of(stepper.drawing)
    assert HIGHLIGHT_COLOUR not in svg_of(stepper.drawing)
    stepper.next()
    assert stepper.step.gate is circuit.gates[0]
    assert svg_of(stepper.drawing).count(HIGHLIGHT_COLOUR) == 2  # the gate, its output
    assert "q1 = x + y" in stepper.sentence.value


def test_stepper_back_and_reset():
    circuit = two_gates()
    stepper = gk.widgets.BackpropStepper(circuit)
    stepper.back()
    assert stepper.position == 0 and stepper.back_button.disabled
    stepper.next()
    stepper.next()
    stepper.back()
    assert stepper.position == 1
    circuit.forward(x=1.0)
    stepper.reset()
    assert stepper.position == 0
    assert math.isclose(walk(stepper)[-1].values[-1], circuit.value)
