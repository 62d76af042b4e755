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




# ----- a held-out test set and mini-batches (issue 24) ---------------------------------------
NOISY = gk.datasets.gauss(n=80, noise=0.9, seed=0)


def test_test_fraction_holds_out_a_seeded_share_that_never_trains():
    points, labels = gk.datasets.circle(n=50, seed=1)
    session = ml.TrainingSession(ml.SVM(), points, labels, test_fraction=0.2, seed=3)
    again = ml.TrainingSession(ml.SVM(), points, labels, test_fraction=0.2, seed=3)
    other = ml.TrainingSession(ml.SVM(), points, labels, test_fraction=0.2, seed=4)
    assert len(session.points) == 40 and len(session.test_points) == 10
    np.testing.assert_array_equal(session.test_points, again.test_points)
    assert not np.array_equal(session.test_points, other.test_points)
    together = np.vstack([session.points, session.test_points])
    assert sorted(map(tuple, together)) == sorted(map(tuple, points))  # a split, nothing lost
    session.step(30)
    used = np.concatenate([step.indices for step in session.history.steps])
    assert used.max() < len(session.points)  # only training points were picked


def test_history_records_test_accuracy_and_cost_beside_trainings():
    points, labels = gk.datasets.xor(n=40, seed=0)
    session = ml.TrainingSession(gk.layers.MLP([2, 4, 1], seed=0), points, labels,
                                 step_size=0.1, test_fraction=0.25)
    session.step(5)
    history = session.history
    assert len(history.test_accuracy) == len(history.test_loss) == 5
    assert (history.test_accuracy[-1], history.test_loss[-1]) == ml.measure(
        session.model, session.test_points, session.test_labels)
    plain = ml.TrainingSession(ml.SVM(), POINTS, LABELS)
    plain.step(3)
    assert plain.history.test_accuracy == [] and len(plain.test_points) == 0


def test_explicit_test_points_are_the_test_set():
    test_points, test_labels = gk.datasets.guide_points()
    session = ml.TrainingSession(ml.SVM(), *gk.datasets.gauss(20, seed=1),
                                 test_points=test_points, test_labels=test_labels)
    assert len(session.points) == 20
    np.testing.assert_array_equal(session.test_points, np.array(test_points))


@pytest.mark.parametrize(("arguments", "message"), [
    ({"test_fraction": 1.0}, "from 0 up to"),
    ({"test_fraction": -0.1}, "from 0 up to"),
    ({"test_fraction": 0.99}, "holds out all 6 points"),
    ({"test_fraction": 0.2, "test_points": POINTS, "test_labels": LABELS}, "not both"),
    ({"test_points": POINTS}, "together"),
    ({"test_points": POINTS, "test_labels": LABELS[:2]}, "labels must have shape"),
    ({"batch_size": 0}, "batch size must be a whole number >= 1"),
    ({"batch_size": 2.5}, "batch size must be a whole number >= 1"),
])
def test_bad_test_sets_and_batch_sizes_are_refused_with_a_sentence(arguments, message):
    with pytest.raises((ValueError, TypeError), match=message):
        ml.TrainingSession(ml.SVM(), POINTS, LABELS, **arguments)


def test_a_noisy_set_and_a_large_net_open_a_gap_that_regularization_closes():
    """Overfitting seen: without the spring, training accuracy reaches 1 while the test set's
    falls behind and its cost grows from its best; with it, test accuracy is higher again."""
    def run(regularization: float) -> ml.History:
        session = ml.TrainingSession(gk.layers.MLP([2, 32, 32, 1], seed=0), *NOISY,
                                     step_size=0.1, regularization=regularization,
                                     test_fraction=0.5)
        session.step(1000)
        return session.history

    loose, sprung = run(0.0), run(0.01)
    assert loose.accuracy[-1] == 1.0 and loose.test_accuracy[-1] <= 0.8
    assert loose.test_loss[-1] > 3 * min(loose.test_loss)
    assert sprung.test_accuracy[-1] >= loose.test_accuracy[-1] + 0.1


def test_a_batch_size_trains_on_that_many_points_picked_with_the_rng():
    points, labels = gk.datasets.spiral(n=40, seed=0)
    session = ml.TrainingSession(gk.layers.MLP([2, 8, 1], seed=0), points, labels,
                                 step_size=0.1, batch_size=10, seed=2)
    session.step(3)
    for step in session.history.steps:
        assert len(step.indices) == 10 == len(set(step.indices.tolist()))
    again = ml.TrainingSession(gk.layers.MLP([2, 8, 1], seed=0), points, labels,
                               step_size=0.1, batch_size=10, seed=2)
    again.step(3)
    assert same_history(session.history, again.history)
    full = ml.TrainingSession(gk.layers.MLP([2, 8, 1], seed=0), points, labels, step_size=0.1)
    full.step(1)
    assert len(full.last_step.indices) == 40
    session.batch_size = None  # back to the model's own batch
    assert len(session.step().indices) == 40


def test_a_batch_step_moves_the_net_as_the_mean_over_its_points():
    """The loss is a mean, so a batch's step is the step of the same net on those points."""
    points, labels = gk.datasets.circle(n=30, seed=0)
    session = ml.TrainingSession(gk.layers.MLP([2, 4, 1], seed=1), points, labels,
                                 step_size=0.2, batch_size=7, seed=5)
    batch = session.step().indices
    by_hand = gk.layers.MLP([2, 4, 1], seed=1)
    by_hand.train_step(points[batch], labels[batch], 0.2, 1.0, np.random.default_rng(0))
    np.testing.assert_allclose(session.model.parameters(), by_hand.parameters())
