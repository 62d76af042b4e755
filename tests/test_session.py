"""gk.ml.TrainingSession: the one place training state lives (model, data, hyperparameters, rng,
start, history); `train` is a loop over it, so both give the same numbers."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gatekit as gk
from gatekit import ml

POINTS, LABELS = gk.datasets.guide_points()
MODELS = [ml.SVM, ml.SimplifiedSVM, ml.TwoLayerNet, ml.HingeLossClassifier,
          lambda: gk.layers.MLP([2, 4, 1], seed=0)]


def same_history(first: ml.History, second: ml.History) -> bool:
    return (first.accuracy == second.accuracy and first.loss == second.loss
            and all(np.array_equal(a, b) for a, b in zip(first.parameters, second.parameters,
                                                          strict=True))
            and [(s.indices.tolist(), s.pulls.tolist(), s.loss) for s in first.steps]
            == [(s.indices.tolist(), s.pulls.tolist(), s.loss) for s in second.steps])


@pytest.mark.parametrize("make", MODELS)
def test_train_gives_the_history_of_a_session_stepped_by_hand(make):
    trained = ml.train(make(), POINTS, LABELS, iterations=40, step_size=0.05,
                       regularization=0.1, seed=7)
    session = ml.TrainingSession(make(), POINTS, LABELS, step_size=0.05, regularization=0.1,
                                 seed=7)
    session.step()
    session.step(4)
    for _ in range(35):
        session.step(1)
    assert len(session.history) == len(trained) == 40
    assert same_history(session.history, trained)
    np.testing.assert_array_equal(session.model.parameters(), trained.parameters[-1])


@settings(max_examples=25, deadline=None)
@given(chunks=st.lists(st.integers(0, 7), max_size=6), seed=st.integers(0, 2**32 - 1),
       step_size=st.floats(1e-3, 0.5), regularization=st.floats(0.0, 2.0),
       which=st.sampled_from(["SVM", "SimplifiedSVM", "TwoLayerNet"]))
def test_any_split_of_the_steps_gives_trains_history(chunks, seed, step_size, regularization,
                                                      which):
    make = getattr(ml, which)
    session = ml.TrainingSession(make(), POINTS, LABELS, step_size, regularization, seed)
    for n in chunks:
        session.step(n)
    trained = ml.train(make(), POINTS, LABELS, sum(chunks), step_size, regularization, seed)
    assert same_history(session.history, trained)


def test_step_returns_the_last_step_and_zero_steps_do_nothing():
    session = ml.TrainingSession(ml.SVM(), POINTS, LABELS)
    assert session.step(0) is None and session.last_step is None
    last = session.step(3)
    assert last is session.history.steps[-1] is session.last_step
    assert len(session.history) == 3


def test_reset_restores_the_start_the_picking_order_and_an_empty_history():
    session = ml.TrainingSession(ml.TwoLayerNet(seed=1), POINTS, LABELS, seed=2)
    start = session.start.copy()
    session.step(25)
    first = session.history
    session.reset()
    assert len(session.history) == 0
    np.testing.assert_array_equal(session.model.parameters(), start)
    session.step(25)
    assert same_history(session.history, first)


def test_setters_change_the_next_steps_like_a_session_built_with_those_values():
    changed = ml.TrainingSession(ml.SVM(), POINTS, LABELS, step_size=0.01, regularization=1.0)
    changed.step_size, changed.regularization = 0.2, 0.0
    changed.step(10)
    built = ml.TrainingSession(ml.SVM(), POINTS, LABELS, step_size=0.2, regularization=0.0)
    built.step(10)
    assert same_history(changed.history, built.history)


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [("step_size", float("nan"), "step size must be a finite number"),
     ("step_size", "big", "step size must be a real number"),
     ("regularization", -0.5, "regularization strength must be >= 0"),
     ("regularization", float("inf"), "regularization strength must be a finite number")],
)
def test_bad_hyperparameters_are_refused_at_construction_and_by_the_setters(
        setting, value, message):
    with pytest.raises((TypeError, ValueError), match=message):
        ml.TrainingSession(ml.SVM(), POINTS, LABELS, **{setting: value})
    session = ml.TrainingSession(ml.SVM(), POINTS, LABELS, step_size=0.03, regularization=0.5)
    with pytest.raises((TypeError, ValueError), match=message):
        setattr(session, setting, value)
    assert (session.step_size, session.regularization) == (0.03, 0.5)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [((object(), POINTS, LABELS), TypeError, "object is not trainable here"),
     ((ml.SVM(), POINTS, LABELS[:5]), ValueError, r"labels must have shape \(6,\)"),
     ((ml.SVM(), [[0.0, float("nan")]], [1]), ValueError, "point 0 is not finite"),
     ((ml.SVM(), POINTS, LABELS, 0.01, 1.0, -1), ValueError, "seed must be a whole number")],
)
def test_a_session_refuses_bad_models_data_and_seeds(arguments, error, message):
    with pytest.raises(error, match=message):
        ml.TrainingSession(*arguments)


def test_bad_iteration_counts_are_refused_before_training():
    session = ml.TrainingSession(ml.SVM(), POINTS, LABELS)
    for n in (-1, 1.5, True, "3"):
        with pytest.raises((ValueError, TypeError),
                           match="number of iterations must be a whole number"):
            session.step(n)
    assert len(session.history) == 0
    assert session.model.parameters().tolist() == [1.0, -2.0, -1.0]


def test_add_point_grows_the_data_set_and_refuses_bad_points_whole():
    session = ml.TrainingSession(ml.SVM(), POINTS, LABELS)
    session.add_point(0.5, -2.0, -1)
    assert session.points.shape == (7, 2) and session.points[-1].tolist() == [0.5, -2.0]
    assert session.labels.tolist() == LABELS + [-1]
    for x, y, label, message in [(float("nan"), 0.0, 1, "x must be a finite number"),
                                 (0.0, None, 1, "y must be a real number"),
                                 (0.0, 0.0, 0, r"label must be \+1 or -1, not 0")]:
        with pytest.raises((TypeError, ValueError), match=message):
            session.add_point(x, y, label)
    assert session.points.shape == (7, 2) and len(session.labels) == 7
    session.step(50)  # the new point is picked too
    assert 6 in {int(step.indices[0]) for step in session.history.steps}


def test_reset_keeps_added_points():
    session = ml.TrainingSession(ml.SVM(), POINTS, LABELS)
    session.add_point(1.0, 1.0, 1)
    session.step(3)
    session.reset()
    assert len(session.points) == 7


def test_a_diverging_run_keeps_the_iterations_before_and_the_last_finite_parameters():
    session = ml.TrainingSession(ml.TwoLayerNet(seed=0), *gk.datasets.two_moons(100),
                                 step_size=3.0, regularization=5.0)
    with pytest.raises(ml.TrainingDiverged, match="training diverged") as error:
        session.step(1000)
    assert "Lower the step size or the regularization" in str(error.value)
    assert 0 < len(session.history) < 1000
    np.testing.assert_array_equal(session.model.parameters(), session.history.parameters[-1])
    assert np.isfinite(session.history.loss[-1])


def test_scores_beyond_the_floats_with_finite_parameters_are_divergence_too():
    svm = ml.SVM(a=-1e308, b=0.0, c=0.0)  # -1e308 * 3.0 overflows: an infinite cost
    session = ml.TrainingSession(svm, POINTS, LABELS, step_size=1e-300, regularization=0.0)
    with pytest.raises(ml.TrainingDiverged, match="iteration 1 sent the scores beyond"):
        session.step()
    assert svm.parameters().tolist() == [-1e308, 0.0, 0.0] and len(session.history) == 0


