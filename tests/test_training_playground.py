"""The TrainingExplorer as a playground (issue 24): the test set drawn and recorded, the settings
line, and every control changing the session as it says (set through its trait, as a click or
a keypress would, then read back from the session)."""

import numpy as np
import pytest

import gatekit as gk
from gatekit import ml
from gatekit.ml import Playground
from gatekit.widgets.training import TrainingExplorer

SMALL = "data=xor noise=0.2 n=40 seed=1 net=4-3 act=tanh step=0.1 test=0.25"


def playground(text: str = SMALL, **options) -> TrainingExplorer:
    return TrainingExplorer.from_settings(text, **options)


def test_the_test_set_is_drawn_hollow_and_its_curves_dashed_beside_trainings():
    view = playground()
    hollow = [dots for dots in view._test_dots.values()]
    assert sum(len(dots.get_offsets()) for dots in hollow) == 10
    assert all(len(dots.get_facecolors()) == 0 for dots in hollow)  # no fill: hollow
    view.step(4)
    assert list(view._test_loss_line.get_ydata()) == view.history.test_loss
    assert list(view._test_accuracy_line.get_ydata()) == view.history.test_accuracy
    assert view._test_loss_line.get_linestyle() == "--"
    assert "test accuracy" in view.status.value and "10 held-out test points drawn hollow" in (
        view.figure.image.alt)
    assert [text.get_text() for text in view.accuracy_axes.get_legend().get_texts()] == [
        "train", "test"]


def test_an_explorer_without_a_test_set_draws_none_and_has_no_legend():
    points, labels = gk.datasets.guide_points()
    view = TrainingExplorer(ml.SVM(), points, labels)
    view.step(2)
    assert sum(len(dots.get_offsets()) for dots in view._test_dots.values()) == 0
    assert view.accuracy_axes.get_legend() is None and "test" not in view.status.value


def test_settings_round_trip_through_the_explorer():
    view = playground()
    assert Playground.from_text(view.settings) == Playground.from_text(SMALL)
    view.step_size.value = 0.01
    view.regularization.value = 0.05
    view.playground_controls.batch_size.value = 5
    again = TrainingExplorer.from_settings(view.settings)
    assert again.settings == view.settings
    assert (again.session.step_size, again.session.regularization,
            again.session.batch_size) == (view.session.step_size, 0.05, 5)
    again.step(3)
    view.reset()
    view.step(3)
    np.testing.assert_array_equal(again.model.parameters(), view.model.parameters())


def test_a_malformed_settings_line_is_refused_with_one_sentence():
    with pytest.raises(ValueError, match="'net=4/4' is not a setting|no value for net"):
        TrainingExplorer.from_settings("net=4/4")
    points, labels = gk.datasets.guide_points()
    with pytest.raises(ValueError, match="not made from a playground's settings"):
        _ = TrainingExplorer(ml.SVM(), points, labels).settings


@pytest.mark.parametrize(("control", "value", "read"), [
    ("dataset", "spiral", lambda view: view.playground.dataset),
    ("noise", 0.5, lambda view: view.playground.noise),
    ("activation", "relu", lambda view: view.model.layers[0].activation.name),
    ("hidden", "6, 2 5", lambda view: view.model.sizes),
])
def test_each_data_and_network_control_restarts_the_session_as_it_says(control, value, read):
    view = playground()
    view.step(3)
    before = view.session
    getattr(view.playground_controls, control).value = value
    assert view.session is not before and len(view.history) == 0  # a fresh, seeded start
    expected = {"dataset": "spiral", "noise": 0.5, "activation": "relu",
                "hidden": [2, 6, 2, 5, 1]}[control]
    assert read(view) == expected
    fresh = Playground.from_text(view.settings).session()
    np.testing.assert_array_equal(fresh.model.parameters(), view.model.parameters())
    np.testing.assert_array_equal(fresh.points, view.points)


def test_the_data_controls_change_the_points_trained_on():
    view = playground()
    xor_points = view.points.copy()
    view.playground_controls.noise.value = 0.6
    assert not np.array_equal(view.points, xor_points)
    view.playground_controls.dataset.value = "gauss"
    points, _ = gk.datasets.gauss(n=40, noise=0.6, seed=1)
    assert sorted(map(tuple, np.vstack([view.points, view.session.test_points]))) == sorted(
        map(tuple, points))


@pytest.mark.parametrize(("button", "sizes"), [
    ((1, 0), [2, 4, 3, 3, 1]), ((-1, 0), [2, 4, 1]), ((0, 1), [2, 4, 4, 1]),
    ((0, -1), [2, 4, 2, 1]),
])
def test_the_layer_and_neuron_buttons_grow_and_shrink_the_net(button, sizes):
    view = playground()
    view.playground_controls.layer_buttons[button].click()
    assert view.model.sizes == sizes and view.playground.hidden == tuple(sizes[1:-1])
    assert view.playground_controls.hidden.value == "-".join(map(str, sizes[1:-1]))


def test_the_neuron_view_follows_the_new_net():
    view = playground(show_neurons=True)
    view.playground_controls.layer_buttons[(0, 1)].click()
    assert view.neurons.model is view.model
    assert len(view.neurons.drawn) == 4 + 4


def test_a_refused_change_leaves_the_session_and_the_controls_as_they_were():
    view = playground("net=1 n=40 test=0.25")
    view.step(2)
    session, controls = view.session, view.playground_controls
    controls.layer_buttons[(0, -1)].click()  # a layer of 0 neurons
    assert "width must be a whole number from 1 to 32, not 0" in view.message.text
    controls.layer_buttons[(-1, 0)].click()  # no hidden layer left
    assert "hidden must be 1 to 6 layer widths" in view.message.text
    controls.hidden.value = "3 x"
    assert "hidden widths are whole numbers like 8-8, not '3 x'" in view.message.text
    assert view.session is session and len(view.history) == 2
    assert controls.hidden.value == "1" and view.model.sizes == [2, 1, 1]


def test_the_batch_size_control_sets_the_sessions_batch_and_the_step_uses_it():
    view = playground()
    view.playground_controls.batch_size.value = 5
    assert view.session.batch_size == 5
    assert len(view.step().indices) == 5
    view.playground_controls.batch_size.value = None
    assert len(view.step().indices) == 30  # the whole training set
    assert "batch=full" in view.settings


def test_a_batch_size_from_the_settings_line_is_offered_and_shown():
    view = playground(SMALL + " batch=7")
    assert view.playground_controls.batch_size.value == 7 and view.session.batch_size == 7


def test_the_l2_slider_is_the_sessions_regularization():
    view = playground()
    view.regularization.value = 0.3
    assert view.session.regularization == 0.3 and "l2=0.3" in view.settings


def test_a_layer_past_the_widest_is_refused_and_the_net_kept():
    view = playground("net=32 n=20 test=0.25")
    view.playground_controls.layer_buttons[(0, 1)].click()
    assert "width must be a whole number from 1 to 32, not 33" in view.message.text
    assert view.model.sizes == [2, 32, 1] and view.playground_controls.hidden.value == "32"


def test_any_explorer_holds_out_a_test_set_and_takes_a_batch_size():
    points, labels = gk.datasets.circle(n=40, seed=0)
    view = TrainingExplorer(gk.layers.MLP([2, 6, 1], seed=0), points, labels, step_size=0.1,
                            test_fraction=0.25, batch_size=10)
    assert (len(view.points), len(view.session.test_points)) == (30, 10)
    assert len(view.step().indices) == 10 and len(view.history.test_loss) == 1
