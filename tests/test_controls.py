"""Pull (Step) / Play / Reset and the step-size slider: one skeleton the three views share."""

from __future__ import annotations

import math

import pytest

import gatekit as gk
from gatekit.errors import RefusedType, RefusedValue
from gatekit.widgets.base import widget_tree
from gatekit.widgets.controls import StepControls, set_slider_range
from gatekit.widgets.sliders import FloatSlider


def explorer(step_size: float = 0.01):
    return gk.explore(gk.parse("x * y", x=-2.0, y=3.0), step_size=step_size)


def landscape(step_size: float = 0.1):
    return gk.widgets.Landscape(gk.parse("x * y", x=-2.0, y=3.0), step_size=step_size)


def training(step_size: float = 0.01):
    points, labels = gk.datasets.guide_points()
    return gk.widgets.TrainingExplorer(gk.ml.SVM(), points, labels, step_size=step_size)


VIEWS = {"explorer": (explorer, "Pull"), "landscape": (landscape, "Pull"),
         "training": (training, "Step")}


def state(view) -> object:
    """What a tick would change: the inputs, or the training history's length."""
    return len(view.history) if hasattr(view, "session") else view.circuit.values()


@pytest.mark.parametrize("name", VIEWS)
def test_every_view_wires_the_same_controls(name):
    make, action = VIEWS[name]
    view = make()
    controls = view.controls
    assert isinstance(controls, StepControls)
    assert [b.description for b in (controls.act_button, controls.play_button.button,
                                    controls.reset_button)] == [action, "Play", "Reset"]
    assert (view.play, view.play_button, view.step_size) == (
        controls.play, controls.play_button, controls.step_size)
    shown = set(map(id, widget_tree(view)))
    assert all(id(widget) in shown for widget in [*controls.buttons, controls.step_size])


@pytest.mark.parametrize("name", VIEWS)
def test_play_acts_once_a_tick_only_while_playing_and_reset_stops_it(name):
    view = VIEWS[name][0]()
    before = state(view)
    view.play.value = 1  # a tick while stopped: nothing
    assert state(view) == before
    view.play_button.toggle()
    view.play.value = 2
    assert state(view) != before and view.play.playing
    view.controls.reset_button.click()
    assert state(view) == before and not view.play.playing
    assert view.play_button.button.description == "Play"


@pytest.mark.parametrize("name", VIEWS)
def test_a_step_size_beyond_the_sliders_first_range_is_honoured(name):
    view = VIEWS[name][0](step_size=5.0)
    assert view.step_size.value == pytest.approx(5.0)
    assert view.step_size.max >= math.log10(5.0)


@pytest.mark.parametrize("name", ["explorer", "landscape"])
@pytest.mark.parametrize(("step_size", "kind"), [
    (0, RefusedValue), (-1, RefusedValue), (float("nan"), RefusedValue),
    (float("inf"), RefusedValue), ("a", RefusedType), (True, RefusedType),
])
def test_a_step_size_that_cannot_step_is_refused_with_a_sentence(name, step_size, kind):
    with pytest.raises(kind, match="step_size must be a positive"):
        VIEWS[name][0](step_size=step_size)


def test_an_error_in_a_tick_stops_play_without_counting_as_the_learners_pause():
    paused = []
    view = explorer()
    controls = StepControls(view.message, act=lambda: None, tick=lambda: view.message.show("no"),
                            reset=lambda: None, step_size=0.1, exponents=(-2, 0),
                            readout_format=".3f", interval_ms=100,
                            on_pause=lambda: paused.append(True))
    controls.play_button.toggle()
    controls.play.value = 1
    assert not controls.play.playing and paused == []
    controls.play_button.toggle()
    view.message.clear()
    controls.play_button.toggle()  # the learner stops it
    assert paused == [True]


@pytest.mark.parametrize(("low", "high", "step"), [
    (-2.0, 2.0, 0.001), (0.999999, 1.000001, 1e-10), (-1e300, 1e300, 1e296),
    (-1.7e308, 1.7e308, 1e304),
])
def test_a_sliders_step_fits_its_span_whatever_the_span(low, high, step):
    slider = FloatSlider(value=0.0 if low < 0 else 1.0)
    set_slider_range(slider, low, high)
    assert (slider.min, slider.max) == (low, high)
    assert slider.step == pytest.approx(step)
