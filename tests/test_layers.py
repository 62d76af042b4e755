"""gk.layers: the four backward equations against finite differences, the scalar circuit against
the matrix form entry by entry, shape errors, and training."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import gatekit as gk
from gatekit.layers import (
    ACTIVATIONS,
    MLP,
    Dense,
    mean_squared_error,
    svm_loss,
    trace_weight_gradient,
)

H = 1e-6  # central-difference step; float64 leaves about 1e-9 relative error


def central_differences(loss, array: np.ndarray) -> np.ndarray:
    """d(loss())/d(array) entry by entry, nudging `array` in place and restoring it."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + H
        up = loss()
        array[index] = saved - H
        down = loss()
        array[index] = saved
        grad[index] = (up - down) / (2 * H)
    return grad


def away_from_kinks(model_or_layer: MLP | Dense, X: np.ndarray) -> bool:
    """True when no relu input is within 1e-4 of its kink (finite differences fail there)."""
    layers = model_or_layer.layers if isinstance(model_or_layer, MLP) else [model_or_layer]
    a = X
    for layer in layers:
        a = layer.forward(a).copy()
        if layer.activation.name == "relu" and np.min(np.abs(layer.z)) < 1e-4:
            return False
    return True


shapes = st.integers(min_value=1, max_value=5)
activation_names = st.sampled_from(sorted(ACTIVATIONS))
seeds = st.integers(min_value=0, max_value=2**32 - 1)


@given(n_inputs=shapes, n_outputs=shapes, batch=shapes, activation=activation_names, seed=seeds)
def test_dense_backward_matches_finite_differences(
    n_inputs: int, n_outputs: int, batch: int, activation: str, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    layer = Dense(n_inputs, n_outputs, activation, seed=seed)
    layer.b = rng.normal(size=(n_outputs, 1))
    a_prev = rng.normal(size=(n_inputs, batch))
    upstream = rng.normal(size=(n_outputs, batch))  # the loss is sum(upstream * a)
    assume(away_from_kinks(layer, a_prev))

    def loss() -> float:
        return float(np.sum(upstream * layer.forward(a_prev)))

    layer.forward(a_prev)
    da_prev = layer.backward(upstream).copy()
    dW, db = layer.dW.copy(), layer.db.copy()
    np.testing.assert_allclose(dW, central_differences(loss, layer.W), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(db, central_differences(loss, layer.b), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(da_prev, central_differences(loss, a_prev), rtol=1e-5, atol=1e-7)


@given(
    sizes=st.lists(shapes, min_size=2, max_size=4),
    batch=shapes,
    activation=activation_names,
    loss_name=st.sampled_from(["svm", "mse"]),
    seed=seeds,
)
def test_mlp_gradients_with_loss_and_l2_match_finite_differences(
    sizes: list[int], batch: int, activation: str, loss_name: str, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    if loss_name == "svm":
        sizes[-1] = 1  # the SVM loss scores one output
    model = MLP(sizes, activation=activation, seed=seed)
    X = rng.normal(size=(sizes[0], batch))
    if loss_name == "svm":
        targets = rng.choice([-1.0, 1.0], size=batch)
        loss_function = svm_loss
    else:
        targets = rng.normal(size=(sizes[-1], batch))
        loss_function = mean_squared_error
    alpha = 0.01
    assume(away_from_kinks(model, X))
    scores = model.forward(X)
    if loss_name == "svm":  # the hinge has a kink of its own at margin 0
        assume(np.min(np.abs(1.0 - targets * scores)) > 1e-4)

    def total_loss() -> float:
        data_loss, _ = loss_function(model.forward(X), targets)
        return data_loss + alpha * float(np.sum(model.flat_parameters**2))

    _, dscores = loss_function(scores, targets)
    dX = model.backward(dscores)
    model.regularize(alpha)
    analytic = model.flat_gradients.copy()
    numeric = central_differences(total_loss, model.flat_parameters)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dX, central_differences(total_loss, X), rtol=1e-5, atol=1e-7)


@given(sizes=st.lists(shapes, min_size=1, max_size=3), activation=activation_names, seed=seeds)
def test_circuit_gradients_equal_dW_and_db_entry_by_entry(
    sizes: list[int], activation: str, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    model = MLP([*sizes, 1], activation=activation, seed=seed)
    for layer in model.layers:
        layer.b = rng.normal(size=layer.b.shape)
    x = rng.normal(size=sizes[0])
    output = model.forward(x.reshape(-1, 1))
    model.backward(np.ones((1, 1)))
    circuit = model.to_circuit(x)
    grads = circuit.backward()
    assert circuit.value == pytest.approx(output[0, 0], rel=1e-12, abs=1e-12)
    expected_names = set()
    for number, layer in enumerate(model.layers, start=1):
        for (i, j), dw in np.ndenumerate(layer.dW):
            expected_names.add(f"W{number}[{i},{j}]")
            assert grads[f"W{number}[{i},{j}]"] == pytest.approx(dw, rel=1e-12, abs=1e-12)
        for i, db in enumerate(layer.db[:, 0]):
            expected_names.add(f"b{number}[{i}]")
            assert grads[f"b{number}[{i}]"] == pytest.approx(db, rel=1e-12, abs=1e-12)
    assert set(circuit.inputs) == expected_names


def test_circuit_of_a_2_3_1_network_names_its_wires_as_the_text() -> None:
    circuit = MLP([2, 3, 1], seed=3).to_circuit([0.5, -1.2])
    names = {unit.name for unit in circuit.units}
    assert {"x[0]", "x[1]", "z1[0]", "a1[2]", "z2[0]", "W2[0,2]", "b1[1]"} <= names
    assert circuit.output.name == "z2[0]"  # the last layer is linear: its output is z
    assert len(circuit.inputs) == 3 * 2 + 3 + 1 * 3 + 1


def test_sigmoid_is_stable_far_from_zero_and_matches_the_gate() -> None:
    layer = Dense(1, 1, "sigmoid")
    layer.W = [[1.0]]
    with np.errstate(over="raise", invalid="raise"):  # no overflow, no NaN
        a = layer.forward(np.array([[-1000.0, -30.0, 0.0, 1000.0]]))
    assert (a[0, 0], a[0, 2], a[0, 3]) == (0.0, 0.5, 1.0)
    assert a[0, 1] == pytest.approx(gk.sigmoid(-30.0).value, rel=1e-14)


def test_initialisation_is_seeded_uniform_he_for_relu_and_glorot_otherwise() -> None:
    a, b, c = MLP([2, 16, 16, 1], seed=7), MLP([2, 16, 16, 1], seed=7), MLP([2, 16, 16, 1])
    np.testing.assert_array_equal(a.flat_parameters, b.flat_parameters)
    assert not np.array_equal(a.flat_parameters, c.flat_parameters)
    hidden, output = a.layers[1], a.layers[2]
    assert np.abs(hidden.W).max() <= np.sqrt(6 / 16)
    assert np.abs(hidden.W).max() > 0.9 * np.sqrt(6 / 16)  # it uses the whole range
    assert np.abs(output.W).max() <= np.sqrt(6 / 17)  # identity: Glorot
    assert all(np.all(layer.b == 0) for layer in a.layers)


def test_parameters_are_views_of_one_flat_array() -> None:
    model = MLP([2, 3, 1])
    model.layers[1].W = [[1.0, 2.0, 3.0]]
    assert model.flat_parameters[9:12].tolist() == [1.0, 2.0, 3.0]  # after W1 (6) and b1 (3)
    model.flat_parameters[12] = 5.0
    assert model.layers[1].b[0, 0] == 5.0


def test_step_moves_every_parameter_against_its_gradient() -> None:
    model = MLP([2, 4, 1], seed=1)
    X = np.random.default_rng(1).normal(size=(2, 8))
    model.backward(model.forward(X))  # any gradient will do
    before = [(layer.W.copy(), layer.b.copy(), layer.dW.copy(), layer.db.copy())
              for layer in model.layers]
    model.step(0.1)
    for layer, (W, b, dW, db) in zip(model.layers, before, strict=True):
        np.testing.assert_allclose(layer.W, W - 0.1 * dW)
        np.testing.assert_allclose(layer.b, b - 0.1 * db)


def test_regularize_returns_the_penalty_and_adds_its_gradient() -> None:
    model = MLP([2, 3, 1], seed=2)
    model.layers[0].b = [[1.0], [2.0], [3.0]]
    model.flat_gradients[...] = 0.0
    penalty = model.regularize(0.5)
    assert penalty == pytest.approx(0.5 * np.sum(model.flat_parameters**2))
    np.testing.assert_allclose(model.flat_gradients, model.flat_parameters)


def test_forward_returns_a_new_array_each_call() -> None:
    model = MLP([2, 3, 1])
    first = model.forward(np.ones((2, 4)))
    kept = first.copy()
    model.forward(-np.ones((2, 4)))
    np.testing.assert_array_equal(first, kept)


@pytest.mark.parametrize(
    ("call", "expected", "received"),
    [
        (lambda m: m.forward(np.ones((3, 5))), "(2, batch)", "(3, 5)"),
        (lambda m: m.forward(np.ones((5, 2))), "(2, batch)", "(5, 2)"),
        (lambda m: m.forward(np.ones(2)), "(2, batch)", "(2,)"),
        (lambda m: (m.forward(np.ones((2, 5))), m.backward(np.ones((1, 4)))), "(1, 5)", "(1, 4)"),
        (lambda m: (m.forward(np.ones((2, 5))), m.backward(np.ones((2, 5)))), "(1, 5)", "(2, 5)"),
        (lambda m: setattr(m.layers[0], "W", np.ones((2, 3))), "(3, 2)", "(2, 3)"),
        (lambda m: setattr(m.layers[0], "b", np.ones(3)), "(3, 1)", "(3,)"),
        (lambda m: svm_loss(np.ones((1, 5)), np.ones(4)), "(1, 5)", "(1, 4)"),
        (lambda m: mean_squared_error(np.ones((2, 5)), np.ones((5, 2))), "(2, 5)", "(5, 2)"),
        (lambda m: m.to_circuit([1.0, 2.0, 3.0]), "(2,)", "(3,)"),
        (lambda m: m.set_parameters(np.ones(3)), "(13,)", "(3,)"),
    ],
)
def test_wrong_shapes_raise_naming_expected_and_received(call, expected, received) -> None:
    with pytest.raises(ValueError) as error:
        call(MLP([2, 3, 1]))
    assert expected in str(error.value) and received in str(error.value)


def test_other_misuse_is_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="unknown activation 'softplus'"):
        MLP([2, 3, 1], activation="softplus")
    with pytest.raises(ValueError, match="at least two sizes"):
        MLP([2])
    with pytest.raises(ValueError, match="n_outputs must be a positive integer"):
        Dense(2, 0)
    with pytest.raises(ValueError, match="one output, this one has 2"):
        MLP([2, 3, 2]).to_circuit([1.0, 2.0])
    with pytest.raises(ValueError, match="-1 or \\+1"):
        svm_loss(np.ones((1, 3)), [0, 1, 1])
    with pytest.raises(RuntimeError, match="call forward before backward"):
        MLP([2, 3, 1]).backward(np.ones((1, 1)))


def test_svm_loss_pulls_only_points_inside_their_margin() -> None:
    scores = np.array([[2.0, 0.5, -0.5, -3.0]])
    labels = np.array([1.0, 1.0, 1.0, -1.0])
    loss, dscores = svm_loss(scores, labels)
    assert loss == pytest.approx((0.0 + 0.5 + 1.5 + 0.0) / 4)
    np.testing.assert_array_equal(dscores, [[0.0, -0.25, -0.25, 0.0]])


def test_training_a_separable_set_reaches_every_point() -> None:
    points, labels = gk.datasets.linearly_separable(40, seed=0)
    model = MLP([2, 8, 1], seed=0)
    X = points.T
    for _ in range(200):
        loss, dscores = svm_loss(model.forward(X), labels)
        model.backward(dscores)
        model.step(0.1)
    assert loss < 0.05
    assert np.all(np.sign(model.forward(X)[0]) == labels)


def test_mlp_is_a_trainable_model_for_gk_ml_train() -> None:
    points, labels = gk.datasets.two_moons(60, seed=0)
    model = MLP([2, 16, 16, 1], seed=0)
    assert isinstance(model, gk.ml.Trainable)
    start = model.parameters()
    history = gk.ml.train(model, points, labels, iterations=300, step_size=0.3,
                          regularization=1e-4)
    assert history.accuracy[-1] == 1.0
    assert history.loss[-1] < history.loss[0]
    model.set_parameters(start)
    np.testing.assert_array_equal(model.parameters(), start)


@pytest.mark.parametrize("activation", ["relu", "tanh", "identity"])
def test_trace_of_a_dW_entry_multiplies_out_to_the_matrix_form(activation: str) -> None:
    model = MLP([2, 3, 2, 1], activation=activation, seed=5)
    x = np.array([0.7, -0.4])
    model.forward(x.reshape(2, 1))
    model.backward(np.ones((1, 1)))
    circuit = model.to_circuit(x)
    circuit.backward()
    trace = trace_weight_gradient(model, circuit, 2, 1, 2)
    names = [unit.name for unit in trace.units]
    assert names[:3] == ["W2[1,2]", "a1[2]" if activation != "identity" else "z1[2]", "z2[1]"]
    assert {"W3[0,1]", "z3[0]"} <= set(names)
    dz = trace.units[2].grad
    assert dz * trace.units[1].value == pytest.approx(model.layers[1].dW[1, 2], abs=1e-15)
    assert trace.lines[0].startswith("dW2[1,2] = dz2[1] · ")
    assert trace.lines[-1].startswith("da2[1] = W3[0,1] · dz3[0] = ")
    last = trace_weight_gradient(model, circuit, 3, 0, 1)
    assert last.lines[-1].endswith("the force on the output")
    with pytest.raises(ValueError, match=r"no entry \[3,0\]"):
        trace_weight_gradient(model, circuit, 2, 3, 0)


# ----- divergence ------------------------------------------------------------------------------
def test_a_step_that_would_leave_the_floats_moves_nothing_and_names_the_parameter() -> None:
    model = MLP([2, 3, 1], seed=0)
    model.backward(model.forward(np.ones((2, 4))))
    model.flat_gradients[7] = -1e308  # b1[1]: after W1's six entries and b1[0]
    before = model.parameters()
    with pytest.raises(gk.ml.TrainingDiverged, match=r"diverged: b1\[1\] would become inf"):
        model.step(10.0)
    np.testing.assert_array_equal(model.parameters(), before)
    with pytest.raises(OverflowError, match="Lower the step size or the regularization"):
        model.layers[0].step(10.0)
    np.testing.assert_array_equal(model.parameters(), before)


def test_the_diverging_run_of_the_issue_stops_with_a_sentence_and_finite_parameters() -> None:
    model = MLP([2, 16, 16, 1])
    points, labels = gk.datasets.two_moons(100)
    with pytest.raises(gk.ml.TrainingDiverged) as error:
        gk.ml.train(model, points, labels, iterations=300, step_size=1.0, regularization=2.0)
    message = str(error.value)
    assert message.startswith("training diverged")
    assert "Lower the step size or the regularization" in message
    assert np.all(np.isfinite(model.parameters()))
    assert np.all(np.isfinite(model.scores(points)))


def test_train_step_refuses_scores_beyond_the_floats_before_moving() -> None:
    model = MLP([2, 2, 1], seed=0)
    model.layers[1].W = [[1e300, 1e300]]
    model.layers[0].W = [[1e10, 0.0], [0.0, 1e10]]
    before = model.parameters()
    with pytest.raises(gk.ml.TrainingDiverged, match="scores went beyond"):
        model.train_step(np.ones((3, 2)), np.array([1, -1, 1]), 0.1, 0.0, None)
    np.testing.assert_array_equal(model.parameters(), before)


# ----- the hidden neurons ----------------------------------------------------------------------
def test_hidden_activations_are_the_forward_pass_of_each_hidden_layer() -> None:
    model = MLP([2, 4, 3, 1], seed=1)
    points = np.random.default_rng(0).normal(size=(7, 2))
    first, second = model.hidden_activations(points)
    assert first.shape == (7, 4) and second.shape == (7, 3)
    by_hand = np.maximum(points @ model.layers[0].W.T + model.layers[0].b.T, 0.0)
    np.testing.assert_allclose(first, by_hand, rtol=1e-15)
    np.testing.assert_allclose(second, np.maximum(by_hand @ model.layers[1].W.T
                                                  + model.layers[1].b.T, 0.0), rtol=1e-14)
    assert model.hidden_names == [[f"a1[{i}]" for i in range(4)], [f"a2[{i}]" for i in range(3)]]
    with pytest.raises(ValueError, match=r"^points must have shape \(n, 2\), one row per point"):
        model.hidden_activations(np.ones((5, 3)))


def test_hidden_activations_leave_the_training_buffers_alone() -> None:
    model = MLP([2, 3, 1], seed=2)
    X = np.random.default_rng(1).normal(size=(2, 5))
    model.forward(X)
    model.hidden_activations(np.zeros((11, 2)))  # another batch size
    dX = model.backward(np.ones((1, 5)))  # still the gradient of the 5-example forward
    fresh = MLP([2, 3, 1], seed=2)
    fresh.forward(X)
    np.testing.assert_array_equal(dX, fresh.backward(np.ones((1, 5))))
    np.testing.assert_array_equal(model.flat_gradients, fresh.flat_gradients)


def test_dead_neurons_are_the_relus_off_on_every_point() -> None:
    model = MLP([2, 3, 2, 1], seed=0)
    points = np.random.default_rng(3).normal(size=(20, 2))
    model.layers[0].W = [[0.0, 0.0], [1.0, 0.0], [0.0, 0.0]]
    model.layers[0].b = [[-1.0], [0.0], [0.5]]  # a1[0] is off everywhere; a1[1] half the time
    model.layers[1].W = [[0.0, 0.0, 1.0], [0.0, 0.0, -1.0]]  # a2[1] gets -0.5: off
    assert model.dead_neurons(points) == ["a1[0]", "a2[1]"]
    norms = model.neuron_weight_norms()
    np.testing.assert_array_equal(norms[0], [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(norms[1], [1.0, 1.0])
    assert MLP([2, 3, 1], activation="tanh").dead_neurons(points) == []


def test_one_point_is_one_row_and_a_model_without_hidden_layers_has_no_dead_neurons() -> None:
    model = MLP([2, 3, 1], seed=0)
    (one,) = model.hidden_activations(np.array([0.5, -1.0]))
    assert one.shape == (1, 3)
    np.testing.assert_array_equal(one, model.hidden_activations(np.array([[0.5, -1.0]]))[0])
    assert MLP([2, 1]).dead_neurons(np.zeros((3, 2))) == []
    assert MLP([2, 3, 1], activation="identity").dead_neurons(np.zeros((3, 2))) == []
