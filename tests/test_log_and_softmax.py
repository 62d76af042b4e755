"""The log gate, relative_error, softmax_cross_entropy and the spiral arms (chapters 15-17):
gradients against finite differences, the matrix loss against the same loss built from gates,
and refusals that name the problem and leave the circuit as it was."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gatekit as gk
from gatekit.errors import RefusedType, RefusedValue
from gatekit.layers import MLP, softmax, softmax_cross_entropy
from gatekit.numerical import check_gradients, relative_error

positive = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False)


# ----- the log gate ----------------------------------------------------------------------------
@given(positive, st.floats(-3.0, 3.0))
def test_log_backward_matches_central_differences(x, force):
    circuit = gk.Circuit(gk.log(gk.Unit(x, name="x")))
    grad = circuit.backward(force)["x"]
    h = 1e-6 * x
    numeric = force * (math.log(x + h) - math.log(x - h)) / (2 * h)
    assert grad == pytest.approx(numeric, rel=1e-6, abs=1e-9)
    assert grad == pytest.approx(force / x, rel=1e-12)


@given(positive, positive)
def test_log_inside_a_circuit_passes_the_gradient_check_and_forward_mode(a, b):
    circuit = gk.parse("log(a * b + a)", a=a, b=b)
    assert check_gradients(circuit).ok
    grads = circuit.backward()
    for name in "ab":
        assert circuit.forward_mode(name)[circuit.name_of(circuit.output)] == pytest.approx(
            grads[name], rel=1e-12)


@pytest.mark.parametrize("value", [0.0, -0.0, -1.0, -1e300])
def test_log_refuses_a_number_that_is_not_positive_and_keeps_the_circuit(value):
    circuit = gk.parse("log(x) + y", x=2.0, y=1.0)
    before = circuit.values(), circuit.output.value
    with pytest.raises(RefusedValue) as refused:
        circuit.forward(x=value)
    assert str(refused.value) == (
        f"log(x) has no real value at x = {value:g}: log needs a number > 0")
    assert (circuit.values(), circuit.output.value) == before


def test_log_refuses_when_built_on_a_non_positive_unit():
    with pytest.raises(ValueError, match=r"log\(p\) has no real value at p = 0"):
        gk.log(gk.Unit(0.0, name="p"))


def test_log_at_the_edges_of_the_floats_gives_numbers():
    tiny = gk.Circuit(gk.log(gk.Unit(5e-324, name="x")))
    assert tiny.output.value == pytest.approx(-744.44, abs=0.01)
    assert tiny.backward(0.0) == {"x": 0.0}  # no force, no gradient (not 0 * inf = NaN)
    assert tiny.backward(1.0) == {"x": math.inf}


def test_log_is_exported_parsed_and_saved():
    assert gk.LogGate.symbol == "log" and "log" in gk.__all__ and "LogGate" in gk.__all__
    circuit = gk.parse("log(exp(x))", x=3.0)
    assert circuit.output.value == pytest.approx(3.0)
    rebuilt = gk.Circuit.from_dict(json.loads(json.dumps(circuit.to_dict())))
    assert rebuilt.output.value == circuit.output.value
    assert isinstance(rebuilt.gates[-1], gk.LogGate)


# ----- relative_error --------------------------------------------------------------------------
def test_relative_error_is_the_gap_over_the_larger_size():
    assert relative_error(1.0, 1.1) == pytest.approx(0.1 / 1.1)
    assert relative_error(-2.0, 2.0) == 2.0
    assert relative_error(0.0, 0.0) == 0.0
    assert relative_error(0.0, 1e-30) == 1.0  # no floor: a gradient of 0 against noise fails
    assert relative_error(math.nan, 1.0) == math.inf == relative_error(1.0, math.inf)


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
def test_relative_error_is_symmetric_and_between_0_and_2(a, b):
    error = relative_error(a, b)
    assert error == relative_error(b, a) and 0.0 <= error <= 2.0


def test_relative_error_refuses_what_is_not_a_number():
    with pytest.raises(RefusedType, match="b is str"):
        relative_error(1.0, "1")


# ----- softmax and cross-entropy ---------------------------------------------------------------
@st.composite
def scores_and_labels(draw):
    classes, batch = draw(st.integers(2, 5)), draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    scale = draw(st.sampled_from([0.1, 1.0, 5.0]))
    return scale * rng.normal(size=(classes, batch)), rng.integers(0, classes, size=batch)


@given(scores_and_labels())
def test_softmax_cross_entropy_gradient_matches_central_differences(case):
    scores, labels = case
    _, dscores = softmax_cross_entropy(scores, labels)
    h = 1e-6
    for index in np.ndindex(scores.shape):
        up, down = scores.copy(), scores.copy()
        up[index] += h
        down[index] -= h
        numeric = (softmax_cross_entropy(up, labels)[0]
                   - softmax_cross_entropy(down, labels)[0]) / (2 * h)
        assert dscores[index] == pytest.approx(numeric, abs=1e-7)


@given(scores_and_labels())
def test_softmax_cross_entropy_is_p_minus_y_over_n_and_each_column_sums_to_zero(case):
    scores, labels = case
    loss, dscores = softmax_cross_entropy(scores, labels)
    n = scores.shape[1]
    p = softmax(scores)
    onehot = np.eye(scores.shape[0])[:, labels]
    assert np.allclose(dscores, (p - onehot) / n, atol=1e-15)
    assert np.allclose(dscores.sum(axis=0), 0.0, atol=1e-15)
    assert loss == pytest.approx(-np.mean(np.log(p[labels, np.arange(n)])), rel=1e-12)


def test_softmax_cross_entropy_equals_the_same_loss_built_from_gates():
    rng = np.random.default_rng(3)
    scores, labels = rng.normal(size=(3, 4)), np.array([0, 2, 1, 2])
    units = {index: gk.Unit(float(scores[index]), name=f"s{index}")
             for index in np.ndindex(scores.shape)}
    total = None
    for j, label in enumerate(labels):
        exps = [gk.exp(units[(c, j)]) for c in range(3)]
        cost = -gk.log(exps[label] / (exps[0] + exps[1] + exps[2]))
        total = cost if total is None else total + cost
    circuit = gk.Circuit(total / len(labels))
    grads = circuit.backward()
    loss, dscores = softmax_cross_entropy(scores, labels)
    assert circuit.output.value == pytest.approx(loss, rel=1e-12)
    for index in np.ndindex(scores.shape):
        assert grads[f"s{index}"] == pytest.approx(dscores[index], rel=1e-9, abs=1e-15)


def test_softmax_cross_entropy_is_stable_for_huge_scores():
    scores = np.array([[1000.0, -1000.0], [0.0, 1000.0], [-1000.0, 0.0]])
    loss, dscores = softmax_cross_entropy(scores, [1, 0])
    assert loss == pytest.approx((1000.0 + 2000.0) / 2)  # both wrong by 1000 and 2000
    assert np.all(np.isfinite(dscores))
    assert np.allclose(softmax(scores).sum(axis=0), 1.0)


@pytest.mark.parametrize(("scores", "labels", "message"), [
    (np.zeros(3), [0], r"shape \(classes, batch\), not \(3,\)"),
    (np.zeros((3, 2)), [0], r"2 class indices, one per example .* shape \(1,\)"),
    (np.zeros((3, 2)), [0, 3], "label 1 is 3, but the scores have 3 classes"),
    (np.zeros((3, 2)), [0.5, 1], "whole class numbers"),
    (np.array([[np.nan, 0.0], [0.0, 0.0]]), [0, 1], "finite numbers"),
])
def test_softmax_cross_entropy_refuses_bad_input_with_a_sentence(scores, labels, message):
    with pytest.raises(RefusedValue, match=message):
        softmax_cross_entropy(scores, labels)


def test_an_mlp_learns_the_three_spiral_arms_with_softmax():
    points, labels = gk.datasets.spiral_arms(150, noise=0.15)
    model = MLP([2, 32, 32, 3], "relu", seed=0)
    first = None
    for _ in range(500):
        loss, dscores = softmax_cross_entropy(model.forward(points.T), labels)
        first = loss if first is None else first
        model.backward(dscores)
        model.step(0.5)
    assert first > 1.0 and loss < 0.05
    assert np.mean(model.forward(points.T).argmax(axis=0) == labels) == 1.0


# ----- the spiral arms -------------------------------------------------------------------------
def test_spiral_arms_are_seeded_balanced_and_inside_the_unit_disc():
    points, labels = gk.datasets.spiral_arms(151, arms=3, seed=4)
    again, _ = gk.datasets.spiral_arms(151, arms=3, seed=4)
    assert points.shape == (151, 2) and np.array_equal(points, again)
    assert np.bincount(labels).tolist() == [51, 50, 50]
    assert np.all(np.hypot(*points.T) <= 1.0)


@pytest.mark.parametrize("arms", [1, 0, 2.5, True])
def test_spiral_arms_refuse_a_bad_number_of_arms(arms):
    with pytest.raises(ValueError, match="arms"):
        gk.datasets.spiral_arms(10, arms=arms)
