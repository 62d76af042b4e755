"""LossSurfaceView: the training cost over two chosen parameters, the point, the downhill arrow
and the path of the steps (issue 24); the surface resampled only when something else changed."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gatekit as gk
from gatekit import ml
from gatekit.errors import RefusedValue
from gatekit.widgets.loss_surface import LossSurfaceView, downhill, loss_surface

POINTS, LABELS = gk.datasets.guide_points()


def svm_session(**options) -> ml.TrainingSession:
    return ml.TrainingSession(ml.SVM(), POINTS, LABELS, step_size=0.1, regularization=0.1,
                              **options)


def net_session() -> ml.TrainingSession:
    points, labels = gk.datasets.xor(n=30, seed=0)
    return ml.TrainingSession(gk.layers.MLP([2, 4, 1], seed=0), points, labels, step_size=0.1)


def test_the_surface_is_the_cost_with_the_two_parameters_set_and_the_rest_kept():
    session = svm_session()
    before = session.model.parameters()
    xs, ys = np.array([-1.0, 0.5, 2.0]), np.array([0.0, -3.0])
    costs = loss_surface(session, 0, 1, xs, ys)
    assert costs.shape == (2, 3)
    for row, b in enumerate(ys):
        for column, a in enumerate(xs):
            expected = ml.measure(ml.SVM(a, b, before[2]), POINTS, LABELS)[1]
            assert costs[row, column] == pytest.approx(expected)
    np.testing.assert_array_equal(session.model.parameters(), before)  # restored


@settings(max_examples=30, deadline=None)
@given(a=st.floats(-3, 3), b=st.floats(-3, 3), c=st.floats(-3, 3))
def test_the_arrow_is_minus_the_svm_costs_gradient_in_a_and_b(a, b, c):
    session = ml.TrainingSession(ml.SVM(a, b, c), POINTS, LABELS)
    points, labels = np.array(POINTS), np.array(LABELS)
    margins = labels * (points @ [a, b] + c)
    if np.any(np.abs(1 - margins) < 1e-3):
        return  # on a kink of the hinge: no gradient to compare with
    inside = margins < 1
    gradient = -(labels[inside, None] * points[inside]).sum(axis=0) / len(points)
    np.testing.assert_allclose(downhill(session, 0, 1), -gradient, atol=1e-6)


def test_the_view_shows_the_point_the_arrow_and_the_path_and_says_so():
    view = LossSurfaceView(svm_session(), "a", "b")
    assert "Mean hinge cost 0.800 at a = 1.000, b = -2.000" in view.picture.alt
    view.step(5)
    svg = bytes(view.picture.image.value).decode()
    polyline = svg.split("<polyline points='")[1].split("'")[0].split()
    assert len(polyline) == 5 + 2  # the start, five steps and the model now
    assert "<circle" in svg and "<line" in svg and "path of 5 training steps" in view.picture.alt
    assert [slider.value for slider in view.sliders] == pytest.approx(
        view.session.model.parameters()[:2].tolist())


def test_a_slider_moves_the_weight_without_resampling_the_surface():
    view = LossSurfaceView(svm_session(), "a", "b")
    sampled, before = view.resamples, bytes(view.picture.image.value)
    view.sliders[0].value = view.sliders[0].value + 0.25
    assert view.session.model.parameters()[0] == pytest.approx(1.25)
    assert view.resamples == sampled and bytes(view.picture.image.value) != before
    view.sliders[1].value = -1.75
    assert view.session.model.a.value == pytest.approx(1.25)
    assert view.session.model.b.value == pytest.approx(-1.75) and view.resamples == sampled


def test_a_step_resamples_when_the_other_parameters_moved():
    view = LossSurfaceView(net_session(), "W2[0,0]", "W2[0,1]")
    sampled = view.resamples
    view.step()
    assert view.resamples == sampled + 1  # every other weight moved too
    assert "W2[0,0]" in view.picture.alt and view.message.text == ""


def test_the_same_view_reads_any_pair_by_index_and_reset_empties_the_path():
    view = LossSurfaceView(net_session(), 0, 5)
    assert (view.names[view.first], view.names[view.second]) == ("W1[0,0]", "W1[2,1]")
    view.step(3)
    view.reset()
    assert "path of 0 training steps" in view.picture.alt


@pytest.mark.parametrize(("first", "second", "message"), [
    ("a", "a", "two different parameters, not a twice"),
    ("a", "w", "second parameter must be one of the model's \\(a, b, c\\)"),
    (7, "b", "first parameter must be one of"),
])
def test_bad_parameter_choices_are_refused_with_a_sentence(first, second, message):
    with pytest.raises(RefusedValue, match=message):
        LossSurfaceView(svm_session(), first, second)


def test_a_refused_step_is_said_and_the_picture_keeps_the_state():
    view = LossSurfaceView(svm_session(), "a", "b")
    before = bytes(view.picture.image.value)
    view.step(-1)
    assert "number of iterations must be a whole number >= 0" in view.message.text
    assert bytes(view.picture.image.value) == before and len(view.session.history) == 0
