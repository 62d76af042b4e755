"""gk.datasets: the guide's six points, the seeded generators, and the one data-set check."""

import numpy as np
import pytest

import gatekit as gk
from gatekit.datasets import PLAYGROUND, check_data
from gatekit.errors import RefusedType, RefusedValue

GENERATORS = [
    gk.datasets.linearly_separable,
    gk.datasets.two_moons,
    gk.datasets.circles,
    gk.datasets.xor,
    gk.datasets.gauss,
    gk.datasets.spiral,
]


def test_guide_points_are_chapter_seven_in_order():
    points, labels = gk.datasets.guide_points()
    assert points == [(1.2, 0.7), (-0.3, -0.5), (3.0, 0.1), (-0.1, -1.0), (-1.0, 1.1), (2.1, -3.0)]
    assert labels == [1, -1, 1, -1, -1, 1]


def test_guide_points_are_fresh_lists_a_learner_may_change():
    points, labels = gk.datasets.guide_points()
    points.append((0.0, 0.0))
    labels[0] = -1
    assert gk.datasets.guide_points() == (
        [(1.2, 0.7), (-0.3, -0.5), (3.0, 0.1), (-0.1, -1.0), (-1.0, 1.1), (2.1, -3.0)],
        [1, -1, 1, -1, -1, 1],
    )


@pytest.mark.parametrize("make", GENERATORS)
def test_generators_give_n_finite_points_with_balanced_labels(make):
    points, labels = make(n=31, seed=3)
    assert points.shape == (31, 2) and labels.shape == (31,)
    assert np.all(np.isfinite(points))
    assert set(labels.tolist()) == {1, -1}
    if make is not gk.datasets.xor:  # xor draws its corners at random
        assert abs(int(labels.sum())) <= 1


@pytest.mark.parametrize("make", GENERATORS)
def test_generators_are_seeded(make):
    first, second, other = make(seed=7), make(seed=7), make(seed=8)
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("n", [1, 0, -5, 2.5, True])
def test_generators_refuse_too_few_points(make, n):
    with pytest.raises((ValueError, TypeError), match=r"n must be a whole number >= 2"):
        make(n=n)


def test_linearly_separable_is_split_by_the_line_x_plus_y_with_a_margin():
    points, labels = gk.datasets.linearly_separable(n=50, margin=0.5, seed=1)
    distance = points.sum(axis=1) / np.sqrt(2.0)
    assert np.all(labels * distance >= 0.5 - 1e-12)


def test_xor_labels_follow_the_signs_of_the_corners():
    points, labels = gk.datasets.xor(n=200, noise=0.05, seed=2)
    np.testing.assert_array_equal(np.sign(points[:, 0] * points[:, 1]).astype(int), labels)


def test_circles_put_the_positive_points_inside():
    points, labels = gk.datasets.circles(n=100, noise=0.0, seed=0)
    radius = np.hypot(points[:, 0], points[:, 1])
    assert radius[labels == 1].max() <= 1.0 < radius[labels == -1].min()


def test_check_data_accepts_lists_and_returns_arrays():
    points, labels = check_data(*gk.datasets.guide_points())
    assert points.dtype == float and points.shape == (6, 2)
    assert labels.dtype.kind == "i" and labels.tolist() == [1, -1, 1, -1, -1, 1]


@pytest.mark.parametrize(
    ("points", "labels", "message"),
    [
        ([[1.0, 2.0, 3.0]], [1], r"shape \(n, 2\)"),
        ([1.0, 2.0], [1], r"shape \(n, 2\)"),
        (np.zeros((0, 2)), [], "empty"),
        ([[1.0, 2.0]], [1, -1], "one per point"),
        ([[1.0, float("nan")]], [1], "point 0 is not finite"),
        ([[1.0, 2.0], [0.0, float("inf")]], [1, -1], "point 1 is not finite"),
        ([[1.0, 2.0], [0.0, 1.0]], [1, 0], "label 1 is 0"),
        ([[1.0, 2.0]], [float("nan")], "must be \\+1 or -1"),
        ([["a", 2.0]], [1], "must be numbers"),
    ],
)
def test_check_data_names_the_problem(points, labels, message):
    with pytest.raises(ValueError, match=message):
        check_data(points, labels)


# ----- the playground's sets ---------------------------------------------------------------
def test_the_playground_names_circle_xor_gauss_spiral_and_moons():
    assert list(PLAYGROUND) == ["circle", "xor", "gauss", "spiral", "moons"]
    assert gk.datasets.circle is gk.datasets.circles


@pytest.mark.parametrize("name", list(PLAYGROUND))
def test_playground_sets_take_n_noise_and_seed(name):
    points, labels = PLAYGROUND[name](n=40, noise=0.3, seed=5)
    again = PLAYGROUND[name](n=40, noise=0.3, seed=5)
    assert points.shape == (40, 2) and set(labels.tolist()) == {1, -1}
    np.testing.assert_array_equal(points, again[0])
    quiet = PLAYGROUND[name](n=40, noise=0.0, seed=5)[0]
    assert not np.array_equal(points, quiet)  # the noise moves the points


@pytest.mark.parametrize("name", list(PLAYGROUND))
@pytest.mark.parametrize(("arguments", "error", "message"), [
    ({"noise": -0.1}, RefusedValue, "noise must be a finite number >= 0"),
    ({"noise": float("nan")}, RefusedValue, "noise must be a finite number >= 0"),
    ({"noise": "lots"}, RefusedType, "noise must be a number"),
    ({"seed": -1}, RefusedValue, "seed must be a whole number >= 0"),
    ({"seed": 1.5}, RefusedType, "seed must be a whole number >= 0"),
    ({"n": 1}, RefusedValue, "n must be a whole number >= 2"),
])
def test_playground_sets_refuse_bad_arguments_with_a_sentence(name, arguments, error, message):
    with pytest.raises(error, match=message):
        PLAYGROUND[name](**arguments)


def test_gauss_blobs_sit_around_minus_one_and_plus_one():
    points, labels = gk.datasets.gauss(n=400, noise=0.2, seed=0)
    np.testing.assert_allclose(points[labels == 1].mean(axis=0), [1.0, 1.0], atol=0.05)
    np.testing.assert_allclose(points[labels == -1].mean(axis=0), [-1.0, -1.0], atol=0.05)


def test_spiral_arms_are_half_a_turn_apart():
    points, labels = gk.datasets.spiral(n=100, noise=0.0)
    np.testing.assert_allclose(points[labels == 1], -points[labels == -1], atol=1e-12)
    assert np.max(np.linalg.norm(points, axis=1)) == pytest.approx(2.0)
