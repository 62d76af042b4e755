"""The explorer after any event: slider, circuit, readout and drawing agree, at any size."""

from __future__ import annotations

import math
import sys

import pytest

import gatekit as gk
from gatekit.widgets.base import widget_tree
from gatekit.widgets.explorer import SLIDER_LIMIT, fit_slider, slider_range


def svg_of(image) -> str:
    return bytes(image.image.value).decode()


def shown(explorer) -> tuple[str, str, str]:
    """What the explorer shows of the circuit: readout, drawing and message."""
    return explorer.output_line.value, svg_of(explorer.drawing), explorer.message.text


def weighted_sum(n: int) -> gk.Circuit:
    """sigmoid(Σ w_i · c_i) over n named inputs w0 … w(n-1): n inputs, 2n gates."""
    terms = [gk.Unit(0.01 * (i % 7) - 0.03, name=f"w{i}") * (0.5 - 0.01 * (i % 5))
             for i in range(n)]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return gk.Circuit(gk.sigmoid(total))


# ----- the stale picture of issue 11 --------------------------------------------------------
def test_a_move_to_where_backward_has_trouble_shows_that_state_everywhere():
    circuit = gk.parse("relu(x) ** 0.5", x=1.0)
    explorer = gk.explore(circuit)
    explorer.sliders["x"].value = -0.5
    assert circuit.inputs["x"].value == explorer.sliders["x"].value == -0.5
    assert circuit.value == 0.0 and "0.0000" in explorer.output_line.value
    assert explorer.history[-1] == 0.0
    # A view built at this point shows exactly the same: nothing is left from x = 1.
    fresh = gk.explore(gk.parse("relu(x) ** 0.5", x=-0.5))
    assert shown(explorer) == shown(fresh)
    assert "1.0000" not in explorer.output_line.value
    # Either backward gives numbers here (±inf included) or the message says why it cannot.
    assert explorer.message.text in ("", fresh.message.text)
    assert fresh.message.text == "" or fresh.message.text.startswith("the backward pass cannot")
    explorer.sliders["x"].value = 2.0
    assert explorer.message.text == "" and f"{math.sqrt(2):.4f}" in explorer.output_line.value


def test_views_build_at_a_point_where_backward_has_trouble():
    for view in (gk.explore(gk.parse("relu(x) ** 0.5", x=-0.5)),
                 gk.widgets.BackpropStepper(gk.parse("relu(x) ** 0.5", x=-0.5))):
        assert svg_of(view.drawing).startswith("<svg")


def test_when_backward_cannot_run_the_drawing_shows_no_grads(monkeypatch):
    circuit = gk.parse("x * y", x=2.0, y=3.0)
    explorer = gk.explore(circuit)
    grads_drawn = svg_of(explorer.drawing).count("∇")

    def refuse(force=1.0):
        raise ValueError("the gate q1 has no slope here")

    monkeypatch.setattr(circuit, "backward", refuse)
    explorer.sliders["x"].value = 4.0
    assert circuit.value == 12.0 and "12.0000" in explorer.output_line.value
    assert explorer.message.text == (
        "the backward pass cannot run here: the gate q1 has no slope here")
    assert "no backward" in explorer.badge.value
    assert svg_of(explorer.drawing).count("∇") == grads_drawn - 3  # x, y and f show none


# ----- explore(unit), huge values --------------------------------------------------------------
def test_explore_accepts_the_unit_at_the_end_of_a_circuit():
    x, y = gk.Unit(2.0, name="x"), gk.Unit(3.0, name="y")
    out = x * y
    explorer = gk.explore(out)
    assert explorer.circuit.output is out and list(explorer.sliders) == ["x", "y"]
    assert out.name is None  # the learner's Unit is not renamed


def test_explore_says_what_it_needs():
    with pytest.raises(TypeError, match="explore needs a Circuit or the Unit at the end of one"):
        gk.explore("x * y")


@pytest.mark.parametrize("value", [1e308, -1e308, sys.float_info.max, 5e-324, 0.0, -3.0])
def test_a_slider_range_is_finite_around_any_input(value):
    low, high = slider_range(value)
    assert low <= value <= high and math.isfinite(low) and math.isfinite(high)
    assert math.isfinite(high - low) and high - low >= 4.0


def test_an_input_of_1e308_gets_a_finite_slider_that_can_follow_anywhere():
    circuit = gk.parse("x * 1e-300", x=1e308)
    explorer = gk.explore(circuit)
    slider = explorer.sliders["x"]
    assert slider.value == 1e308 and math.isfinite(slider.max - slider.min)
    assert slider.readout_format == ".4g" and slider.step > 1e300
    fit_slider(slider, -1e308)  # from one end of the floats to the other
    assert slider.min <= -1e308 and slider.max >= -1e308 and math.isfinite(slider.max - slider.min)


# ----- many inputs --------------------------------------------------------------------------
def test_up_to_the_limit_every_input_has_a_shown_slider():
    circuit = weighted_sum(SLIDER_LIMIT)
    explorer = gk.explore(circuit)
    assert explorer.chooser is None
    assert list(explorer.slider_box.children) == [explorer.sliders[n] for n in circuit.inputs]


def test_a_slider_move_sends_nothing_to_the_other_sliders():
    circuit = weighted_sum(10)
    explorer = gk.explore(circuit)
    changes = []
    for name in ("w1", "w9"):
        explorer.sliders[name].observe(changes.append)
    explorer.sliders["w0"].value = 0.5
    assert circuit.inputs["w0"].value == 0.5 and changes == []


def test_beyond_the_limit_a_chooser_shows_one_slider_and_every_input_still_has_one():
    circuit = weighted_sum(1000)
    explorer = gk.explore(circuit)
    assert len(explorer.sliders) == 1000 and list(explorer.sliders) == list(circuit.inputs)
    assert len(explorer.sliders.made()) == 1  # the others are made when asked for
    assert explorer.slider_box.children == (explorer.chooser, explorer.sliders["w0"])
    explorer.chooser.value = "w500"
    assert explorer.slider_box.children == (explorer.chooser, explorer.sliders["w500"])
    explorer.sliders["w500"].value = 0.25
    assert circuit.inputs["w500"].value == 0.25
    explorer.pull()
    assert all(explorer.sliders[n].value == circuit.inputs[n].value for n in ("w0", "w500"))
    with pytest.raises(KeyError):
        explorer.sliders["nope"]


def test_a_1000_input_explorer_answers_an_event_with_one_forward_pass():  # its time: latency.py
    circuit = weighted_sum(1000)
    explorer = gk.explore(circuit)
    slider = explorer.sliders["w3"]
    passes = circuit.forward_passes
    for k in range(12):
        slider.value = 0.01 * (k + 1)
    assert circuit.forward_passes - passes == 12  # one forward a move: no gradient check
    assert explorer.message.text == "" and f"{circuit.value:.4f}" in explorer.output_line.value
    assert len(svg_of(explorer.drawing)) < 200_000  # the summary picture, not 2,000 gates


def test_on_a_large_circuit_the_gradient_check_runs_when_asked():
    explorer = gk.explore(weighted_sum(200))
    assert "press Check gradients" in explorer.badge.value
    assert explorer.check_button in set(widget_tree(explorer))
    explorer.check_gradients()
    assert "✔" in explorer.badge.value


# ----- the gradient badge -------------------------------------------------------------------
def test_the_badge_says_mismatch_when_a_gradient_is_not_finite():
    circuit = gk.parse("x*1 + exp(y) * 1e-307", x=1.0, y=709.78271)
    explorer = gk.explore(circuit)
    assert "✘" in explorer.badge.value and "✔" not in explorer.badge.value
