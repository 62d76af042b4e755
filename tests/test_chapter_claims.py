"""Claims the chapters state in prose, checked where the notebook itself does not show them."""

import numpy as np
import pytest

import gatekit as gk

POINTS, LABELS = gk.datasets.guide_points()
P, Y = np.array(POINTS), np.array(LABELS)


def svm_loss(a, b, c, spring=1.0):
    """Chapter 7's loss: the mean hinge cost of the six points plus ½·spring·(a² + b²)."""
    scores = np.asarray(a)[..., None] * P[:, 0] + np.asarray(b)[..., None] * P[:, 1]
    scores = scores + np.asarray(c)[..., None]
    return np.maximum(0.0, 1.0 - Y * scores).mean(-1) + spring / 2 * (a**2 + b**2)


@pytest.fixture(scope="module")
def best_line():
    model = gk.ml.HingeLossClassifier()
    history = gk.ml.train(model, POINTS, LABELS, iterations=1000, regularization=3.0)
    return model, history


def test_07_descent_on_the_loss_stops_at_its_bottom(best_line):
    model, _ = best_line
    assert model.parameters() == pytest.approx([37 / 60, -2 / 15, -0.7], abs=1e-9)
    # No nearby line has a lower loss; the loss is convex, so this is its global minimum.
    a, b, c = model.parameters()
    nudges = np.random.default_rng(1).uniform(-1e-3, 1e-3, size=(20_000, 3))
    nearby = svm_loss(a + nudges[:, 0], b + nudges[:, 1], c + nudges[:, 2])
    assert nearby.min() >= svm_loss(a, b, c) - 1e-12


def test_07_the_best_line_for_spring_one_misclassifies_the_first_point(best_line):
    model, _ = best_line
    a, b, c = model.parameters()
    # (a, b) is the unique best (the spring makes the loss strictly convex in them); along c the
    # loss is convex, so every best c lies below the c where (1.2, 0.7) would score 0.
    crossing = -(a * 1.2 + b * 0.7)
    assert a * 1.2 + b * 0.7 + c < 0
    assert svm_loss(a, b, crossing) > svm_loss(a, b, c) + 1e-3
    # Lines that get all six right cost more; those giving every point its margin far more.
    rng = np.random.default_rng(0)
    lines = rng.uniform([-1, -2, -3], [4, 2, 3], size=(400_000, 3))
    margins = Y * (lines[:, :2] @ P.T + lines[:, 2:])
    separating, with_margins = lines[margins.min(1) > 0], lines[margins.min(1) >= 1]
    assert len(with_margins) > 100
    assert svm_loss(*separating.T).min() > svm_loss(a, b, c)
    assert svm_loss(*with_margins.T).min() > 0.72 > svm_loss(a, b, c) + 0.25


def test_07_the_guides_first_table_line_is_no_possible_run():
    assert gk.ml.accuracy(gk.ml.SVM(), POINTS, LABELS) == pytest.approx(4 / 6)
    for (x, y), label in zip(POINTS, LABELS, strict=True):
        svm = gk.ml.SVM()
        svm.learn_from(x, y, label)
        assert gk.ml.accuracy(svm, POINTS, LABELS) == pytest.approx(4 / 6)


def test_07_with_spring_point_one_all_six_stay_right_from_iteration_302():
    history = gk.ml.train(gk.ml.SVM(), POINTS, LABELS, 3000, regularization=0.1, seed=0)
    right = np.round(6 * np.array(history.accuracy))
    assert right[300] < 6 and np.all(right[301:] == 6)


@pytest.mark.parametrize("label", [1, -1])
def test_08_the_squared_hinge_pull_is_minus_the_slope_of_half_its_cost(label):
    def half_squared(score):
        return 0.5 * max(0.0, 1.0 - label * score) ** 2

    h = 1e-6
    for score in np.linspace(-3, 3, 25):
        slope = (half_squared(score + h) - half_squared(score - h)) / (2 * h)
        assert gk.ml.squared_hinge_pull(label, score) == pytest.approx(-slope, abs=1e-6)


@pytest.mark.parametrize("seed", range(5))
def test_10_a_chapter_9_step_on_average_is_minus_the_gradient_of_its_loss(seed):
    net = gk.ml.TwoLayerNet(seed=seed)
    gk.ml.train(net, POINTS, LABELS, iterations=50 * seed, seed=seed)
    spring = 0.3 + seed / 5
    costs = [gk.relu(1 - label * net.score_unit(gk.Unit(x), gk.Unit(y)))
             for (x, y), label in zip(POINTS, LABELS, strict=True)]
    weights = sum(net.units[name] * net.units[name] for name in net.spring_names)
    loss = gk.Circuit(sum(costs) * (1 / 6) + spring / 2 * weights)
    downhill = loss.backward(-1.0)
    average = dict.fromkeys(net.units, 0.0)
    for (x, y), label in zip(POINTS, LABELS, strict=True):
        net.forward(x, y)
        net.backward(label, regularization=spring)
        for name, unit in net.units.items():
            average[name] += unit.grad / 6
    assert average == pytest.approx({name: downhill[name] for name in net.units}, abs=1e-12)


def test_10_a_net_with_every_weight_zero_has_loss_one():
    for d in (-1.0, -0.3, 0.0, 0.8, 1.0):
        scores = np.full(6, d)
        assert np.maximum(0.0, 1.0 - Y * scores).mean() == pytest.approx(1.0)


def test_12_a_relu_neurons_tile_is_never_below_zero():
    model = gk.layers.MLP([2, 16, 16, 1], seed=0)
    grid = np.stack(np.meshgrid(np.linspace(-3, 3, 50), np.linspace(-3, 3, 50)), -1)
    for activations in model.hidden_activations(grid.reshape(-1, 2))[:2]:
        assert activations.min() >= 0.0
