"""gk.ml: the guide's training protocol step by step, the simplified update, the 2-layer net,
the hinge loss as a circuit, and the one training loop.

Expected parameter values are computed here with the protocol's own arithmetic (grad = input
* pull, then the spring -w, then value += step_size * grad), in the order the circuit does it,
so they are compared exactly.
"""


import numpy as np
import pytest
from fresh_python import loaded_after

import gatekit as gk
from gatekit import ml

GUIDE_POINTS, GUIDE_LABELS = gk.datasets.guide_points()
WORKED_X = [[1.2, 0.7], [-0.3, 0.5], [3.0, 2.5]]
WORKED_Y = [1, -1, 1]
WORKED_W = [0.1, 0.2, 0.3]


# ----- the protocol on single steps ---------------------------------------------------------
def test_forward_builds_the_circuit_of_the_score():
    svm = ml.SVM(a=1.0, b=-2.0, c=-1.0)
    out = svm.forward(1.2, 0.7)
    assert isinstance(out, gk.Unit)
    assert out.value == 1.0 * 1.2 + -2.0 * 0.7 + -1.0
    assert set(svm.circuit.inputs) == {"a", "b", "c", "x", "y"}
    assert svm.circuit.output is out and out.name == "score"


def test_forward_never_renames_the_callers_units():
    svm = ml.SVM()
    x, y = gk.Unit(1.2), gk.Unit(0.7, name="height")
    svm.forward(x, y)
    assert x.name is None and y.name == "height"
    assert svm.circuit.name_of(x) == "u0"  # the circuit's own name for it
    assert set(svm.circuit.inputs) == {"a", "b", "c", "u0", "height"}
    second = ml.SVM()
    second.forward(x, y)  # the same Units in another model's circuit: still unnamed
    assert x.name is None and second.circuit.name_of(x) == "u0"


def test_learn_from_a_misclassified_point_pulls_up_and_springs_the_weights():
    svm = ml.SVM()  # the guide's start: a = 1, b = -2, c = -1
    x, y = gk.Unit(1.2), gk.Unit(0.7)  # a positive point, scoring -1.2 < 1: pull +1
    pull = svm.learn_from(x, y, 1)
    assert pull == 1.0
    grad_a = 1.2 * 1.0 + -1.0  # x * pull, then the spring -a
    grad_b = 0.7 * 1.0 + 2.0  # y * pull, then the spring -b
    grad_c = 1.0  # 1 * pull, no spring on the bias
    assert (svm.a.grad, svm.b.grad, svm.c.grad) == (grad_a, grad_b, grad_c)
    assert svm.a.value == 1.0 + 0.01 * grad_a
    assert svm.b.value == -2.0 + 0.01 * grad_b
    assert svm.c.value == -1.0 + 0.01 * grad_c
    # the pull reached the inputs too: the mul gate swaps values
    assert (x.grad, y.grad) == (1.0 * 1.0, -2.0 * 1.0)


def test_learn_from_a_happy_point_only_springs_the_weights():
    svm = ml.SVM()
    pull = svm.learn_from(-1.0, 1.1, -1)  # a negative point scoring -4.2 <= -1: no pull
    assert pull == 0.0
    assert svm.forward(-1.0, 1.1).value < -1.0
    assert svm.a.value == 1.0 + 0.01 * -1.0
    assert svm.b.value == -2.0 + 0.01 * 2.0
    assert svm.c.value == -1.0


@pytest.mark.parametrize(
    ("label", "score", "pull"),
    [(1, 0.99, 1.0), (1, 1.0, 0.0), (1, 5.0, 0.0), (-1, -0.99, -1.0), (-1, -1.0, 0.0),
     (-1, -3.0, 0.0), (1, -7.0, 1.0), (-1, 7.0, -1.0)],
)
def test_pull_rule(label, score, pull):
    assert ml.pull_for(label, score) == pull


def test_regularization_scales_the_spring():
    svm = ml.SVM()
    svm.forward(-1.0, 1.1)
    svm.backward(-1, regularization=0.5)
    assert (svm.a.grad, svm.b.grad, svm.c.grad) == (-0.5 * 1.0, -0.5 * -2.0, 0.0)


@pytest.mark.parametrize("label", [0, 2, True, "1", None, 1.5])
def test_a_bad_label_is_refused_and_changes_nothing(label):
    svm = ml.SVM()
    with pytest.raises(ValueError, match=r"label must be \+1 or -1"):
        svm.learn_from(1.2, 0.7, label)
    assert svm.parameters().tolist() == [1.0, -2.0, -1.0]
    assert svm.circuit is None


def test_bad_numbers_are_refused_and_change_nothing():
    svm = ml.SVM()
    with pytest.raises(ValueError, match="x must be a finite number"):
        svm.learn_from(float("nan"), 0.7, 1)
    with pytest.raises(ValueError, match="step size"):
        svm.learn_from(1.2, 0.7, 1, step_size=float("inf"))
    with pytest.raises(ValueError, match="regularization strength must be >= 0"):
        svm.learn_from(1.2, 0.7, 1, regularization=-1.0)
    assert svm.parameters().tolist() == [1.0, -2.0, -1.0]


def test_backward_before_forward_says_what_to_do():
    with pytest.raises(RuntimeError, match=r"call forward\(x, y\) before backward"):
        ml.SVM().backward(1)


# ----- the simplified update equals the circuit ---------------------------------------------
def test_simplified_update_equals_the_circuit_for_400_seeded_iterations():
    circuit_history = ml.train(ml.SVM(), GUIDE_POINTS, GUIDE_LABELS, iterations=400, seed=5)
    simple_history = ml.train(ml.SimplifiedSVM(), GUIDE_POINTS, GUIDE_LABELS, 400, seed=5)
    assert len(circuit_history) == len(simple_history) == 400
    for with_circuit, by_hand in zip(circuit_history.parameters, simple_history.parameters,
                                     strict=True):
        assert with_circuit.tolist() == by_hand.tolist()
    pulls = [step.pulls.tolist() for step in circuit_history.steps]
    assert pulls == [step.pulls.tolist() for step in simple_history.steps]
    assert {p for (p,) in pulls} == {-1.0, 0.0, 1.0}  # every branch of the rule was taken


def test_guide_run_is_seeded_and_honest_about_five_of_six():
    first = ml.train(ml.SVM(), GUIDE_POINTS, GUIDE_LABELS, iterations=400, seed=0)
    again = ml.train(ml.SVM(), GUIDE_POINTS, GUIDE_LABELS, iterations=400, seed=0)
    assert first.accuracy == again.accuracy
    assert np.array_equal(first.parameters[-1], again.parameters[-1])
    assert first.accuracy[-1] == pytest.approx(5 / 6)  # the strong spring keeps one point wrong
    weak_spring = ml.train(ml.SVM(), GUIDE_POINTS, GUIDE_LABELS, 400, regularization=0.1)
    assert weak_spring.accuracy[-1] == 1.0


# ----- the two-layer net -------------------------------------------------------------------
def test_two_layer_net_has_13_seeded_parameters_in_half_a_unit():
    net = ml.TwoLayerNet(seed=4)
    values = net.parameters()
    assert values.shape == (13,)
    assert np.all(np.abs(values) <= 0.5)
    np.testing.assert_array_equal(values, ml.TwoLayerNet(seed=4).parameters())
    assert not np.array_equal(values, ml.TwoLayerNet(seed=5).parameters())
    assert list(net.units)[:3] == ["a1", "b1", "c1"] and list(net.units)[-4:] == [
        "w1", "w2", "w3", "d"]


def test_two_layer_net_scores_equal_its_circuit():
    net = ml.TwoLayerNet(hidden=4, seed=1)
    points = np.array(GUIDE_POINTS)
    by_circuit = [net.forward(x, y).value for x, y in GUIDE_POINTS]
    np.testing.assert_allclose(net.scores(points), by_circuit, rtol=1e-12, atol=1e-12)


def test_two_layer_net_gradients_come_from_its_circuit():
    net = ml.TwoLayerNet(seed=2)
    net.forward(1.2, 0.7)
    check = net.circuit.check_gradients()
    assert check.ok, check


def test_two_layer_net_springs_weights_not_biases():
    net = ml.TwoLayerNet(seed=0)
    values = net.parameters()
    values[9:12] = [0.1, -0.2, 0.3]  # output weights w1..w3
    values[12] = 5.0  # d: every score is above 1, so a positive point is happy
    net.set_parameters(values)
    net.forward(0.0, 0.0)
    assert net.backward(1) == 0.0
    for name, unit in net.units.items():
        expected = 0.0 if name[0] in "cd" else -unit.value
        assert unit.grad == expected, name


def test_two_layer_net_reaches_full_accuracy_on_a_separable_set():
    points, labels = gk.datasets.linearly_separable(n=20, seed=0)
    net = ml.TwoLayerNet(seed=1)
    history = ml.train(net, points, labels, 1000, step_size=0.01, regularization=0.01, seed=1)
    assert history.accuracy[0] < 1.0
    assert history.accuracy[-1] == 1.0
    assert ml.accuracy(net, points, labels) == 1.0


def test_dead_neurons_are_the_ones_silent_on_every_point():
    net = ml.TwoLayerNet(seed=0)
    start = net.parameters()
    start[0:3] = [0.0, 0.0, -1.0]  # n1 = relu(-1) everywhere
    start[3:6] = [0.0, 0.0, 1.0]  # n2 = relu(1) everywhere
    net.set_parameters(start)
    dead = net.dead_neurons(np.array(GUIDE_POINTS))
    assert "n1" in dead and "n2" not in dead


def test_two_layer_net_refuses_no_hidden_neurons():
    with pytest.raises(ValueError, match="hidden must be a positive number"):
        ml.TwoLayerNet(hidden=0)


# ----- the hinge loss ----------------------------------------------------------------------
def worked_loss_by_hand(w):
    """Costs per example and the regularization cost, by the formula of part 10."""
    costs = [max(0.0, -y * (w[0] * x0 + w[1] * x1 + w[2]) + 1.0)
             for (x0, x1), y in zip(WORKED_X, WORKED_Y, strict=True)]
    return costs, 0.1 * (w[0] ** 2 + w[1] ** 2)


def worked_total(w):
    costs, regularization = worked_loss_by_hand(w)
    return sum(costs) + regularization


def test_hinge_loss_on_the_worked_example():
    circuit = ml.hinge_loss(WORKED_X, WORKED_Y, WORKED_W, alpha=0.1)
    costs, regularization = worked_loss_by_hand(WORKED_W)
    assert list(circuit.inputs) == ["w0", "w1", "w2"]
    parts = ml.hinge_loss_parts(circuit)
    assert [parts[f"cost{i}"] for i in range(3)] == pytest.approx(costs, abs=1e-12)
    assert parts["regularization"] == pytest.approx(regularization, abs=1e-15)
    assert circuit.value == pytest.approx(worked_total(WORKED_W), abs=1e-12)
    assert circuit.value == pytest.approx(1.815, abs=1e-12)


def test_hinge_loss_gradient_matches_finite_differences():
    circuit = ml.hinge_loss(WORKED_X, WORKED_Y, WORKED_W, alpha=0.1)
    grads = circuit.backward()
    h = 1e-6
    for k in range(3):
        up, down = list(WORKED_W), list(WORKED_W)
        up[k] += h
        down[k] -= h
        numeric = (worked_total(up) - worked_total(down)) / (2 * h)
        assert grads[f"w{k}"] == pytest.approx(numeric, abs=1e-7)


def test_pulling_the_loss_down_gives_the_guides_pulls():
    circuit = ml.hinge_loss(WORKED_X, WORKED_Y, WORKED_W, alpha=0.1)
    circuit.backward(-1.0)
    scores = {u.name: u for u in circuit.units if (u.name or "").startswith("score")}
    for i, (x, y) in enumerate(zip(WORKED_X, WORKED_Y, strict=True)):
        score = scores[f"score{i}"]
        assert score.grad == ml.pull_for(y, score.value)
        assert score.value == pytest.approx(WORKED_W[0] * x[0] + WORKED_W[1] * x[1] + WORKED_W[2])


def test_hinge_loss_refuses_bad_input():
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        ml.hinge_loss(WORKED_X, WORKED_Y, [0.1, 0.2])
    with pytest.raises(ValueError, match="label 1 is 0"):
        ml.hinge_loss(WORKED_X, [1, 0, 1], WORKED_W)
    with pytest.raises(ValueError, match=">= 0"):
        ml.hinge_loss(WORKED_X, WORKED_Y, WORKED_W, alpha=-0.1)


def test_gradient_descent_on_the_hinge_loss_steps_against_the_gradient():
    model = ml.HingeLossClassifier(WORKED_W)
    rng = np.random.default_rng(0)
    step = model.train_step(np.array(WORKED_X), np.array(WORKED_Y), 0.01, 0.1, rng)
    gradient = ml.hinge_loss(WORKED_X, WORKED_Y, WORKED_W, 0.1).backward()
    expected = [w - 0.01 * gradient[f"w{k}"] for k, w in enumerate(WORKED_W)]
    assert model.parameters().tolist() == pytest.approx(expected, abs=1e-15)
    assert step.loss == pytest.approx(1.815)
    assert step.pulls.tolist() == [1.0, -1.0, 0.0]
    history = ml.train(model, WORKED_X, WORKED_Y, iterations=200, regularization=0.1)
    assert history.accuracy[-1] == 1.0
    final = ml.hinge_loss(WORKED_X, WORKED_Y, model.parameters(), 0.1).value
    assert final < 1.815 / 2


# ----- the loop and the protocol -----------------------------------------------------------
@pytest.mark.parametrize(
    "make", [ml.SVM, ml.SimplifiedSVM, ml.TwoLayerNet, ml.HingeLossClassifier]
)
def test_every_model_is_trainable_and_restores_its_parameters(make):
    model = make()
    assert isinstance(model, ml.Trainable)
    start = model.parameters()
    history = ml.train(model, GUIDE_POINTS, GUIDE_LABELS, iterations=30, seed=2)
    assert len(history.loss) == len(history.parameters) == 30
    assert not np.array_equal(model.parameters(), start)
    model.set_parameters(start)
    np.testing.assert_array_equal(model.parameters(), start)
    with pytest.raises(ValueError, match="parameters must have shape"):
        model.set_parameters(start[:-1])
    with pytest.raises(ValueError, match="finite"):
        model.set_parameters(np.full_like(start, np.nan))
    np.testing.assert_array_equal(model.parameters(), start)


def test_history_records_accuracy_and_mean_hinge_cost_after_each_step():
    svm = ml.SVM()
    history = ml.train(svm, GUIDE_POINTS, GUIDE_LABELS, iterations=3, seed=1)
    replay = ml.SVM()
    replay.set_parameters(history.parameters[1])
    assert history.accuracy[1] == ml.accuracy(replay, GUIDE_POINTS, GUIDE_LABELS)
    scores = replay.scores(np.array(GUIDE_POINTS))
    by_hand = np.mean([max(0.0, 1 - y * s) for y, s in zip(GUIDE_LABELS, scores, strict=True)])
    assert history.loss[1] == pytest.approx(by_hand)


def test_accuracy_counts_a_positive_score_as_plus_one():
    svm = ml.SVM(a=1.0, b=0.0, c=0.0)  # score = x
    points = [[1.0, 0.0], [-1.0, 0.0], [2.0, 0.0], [0.0, 0.0]]
    assert ml.accuracy(svm, points, [1, -1, -1, -1]) == 0.75  # 2.0 is wrong; 0 counts as -1


def test_train_refuses_bad_iterations_before_touching_the_model():
    svm = ml.SVM()
    with pytest.raises(ValueError, match="iterations"):
        ml.train(svm, GUIDE_POINTS, GUIDE_LABELS, iterations=-1)
    with pytest.raises(ValueError, match="label 5 is 2"):
        ml.train(svm, GUIDE_POINTS, GUIDE_LABELS[:5] + [2])
    assert svm.parameters().tolist() == [1.0, -2.0, -1.0]


def test_ml_its_session_and_datasets_load_without_matplotlib_ipywidgets_or_pil():
    code = "import gatekit.ml, gatekit.datasets\ngatekit.ml.TrainingSession"
    assert loaded_after(code, ("matplotlib", "ipywidgets", "PIL")) == []


@pytest.mark.parametrize("make", [ml.SVM, ml.SimplifiedSVM, ml.TwoLayerNet])
def test_a_pull_step_that_would_overflow_raises_and_moves_nothing(make):
    model = make()
    start = model.parameters()
    start[0] = 1e308  # a (or a1): the spring alone then pulls by -1e308 a step
    model.set_parameters(start)
    with pytest.raises(ml.TrainingDiverged, match="would become -inf") as error:
        ml.train(model, GUIDE_POINTS, GUIDE_LABELS, iterations=1, step_size=3.0)
    assert "Lower the step size or the regularization" in str(error.value)
    np.testing.assert_array_equal(model.parameters(), start)


def test_a_hinge_loss_beyond_the_floats_is_divergence_not_a_gate_error():
    model = ml.HingeLossClassifier([1e200, 0.0, 0.0])  # w0 ** 2 overflows in the circuit
    with pytest.raises(ml.TrainingDiverged, match=r"the loss at w = \[1e\+200, 0.0, 0.0\]"):
        ml.train(model, GUIDE_POINTS, GUIDE_LABELS, iterations=1)
    assert model.parameters().tolist() == [1e200, 0.0, 0.0]


def test_a_step_that_would_overflow_moves_nothing():
    svm = ml.SVM(a=1e308, b=0.0, c=0.0)
    svm.forward(1.0, 0.0)
    svm.backward(-1)  # a happy point; the spring alone gives a.grad = -1e308
    svm.a.grad = 1e308  # a tug that overflows a
    with pytest.raises(OverflowError, match="a would become inf"):
        svm.parameter_update(step_size=1.0)
    assert svm.parameters().tolist() == [1e308, 0.0, 0.0]
    hinge = ml.HingeLossClassifier([1.0, 0.0, 0.0])
    with pytest.raises(OverflowError, match="training diverged"):
        ml.train(hinge, GUIDE_POINTS, GUIDE_LABELS, iterations=1, step_size=1e308)
    assert hinge.parameters().tolist() == [1.0, 0.0, 0.0]


def test_the_squared_hinge_pulls_as_hard_as_the_shortfall_and_only_the_pull_differs():
    assert gk.ml.squared_hinge_pull(1, 0.25) == 0.75 and gk.ml.squared_hinge_pull(-1, 100.0) == -101
    assert gk.ml.squared_hinge_pull(1, 2.0) == 0.0 == gk.ml.pull_for(1, 2.0)
    hinge, squared = gk.ml.SimplifiedSVM(), gk.ml.SquaredHingeSVM()
    points, labels = gk.datasets.guide_points()
    gk.ml.train(hinge, points, labels, iterations=50, seed=3)
    gk.ml.train(squared, points, labels, iterations=50, seed=3)
    assert not np.allclose(hinge.parameters(), squared.parameters())
    assert repr(squared).startswith("SquaredHingeSVM(a=")


def test_the_nets_hidden_outputs_take_one_point_as_one_row_and_refuse_wrong_shapes():
    net = ml.TwoLayerNet(seed=2)
    (one,) = net.hidden_activations(np.array([0.5, -1.0]))
    assert one.shape == (1, 3)
    np.testing.assert_array_equal(one, net.hidden_activations([[0.5, -1.0]])[0])
    for bad, shown in ((np.zeros((4, 3)), r"\(4, 3\)"), (np.zeros(3), r"\(3,\)")):
        said = rf"^points must have shape \(n, 2\).*not {shown}$"
        for method in (net.hidden_activations, net.dead_neurons, net.scores):
            with pytest.raises(ValueError, match=said):
                method(bad)
    with pytest.raises(ValueError, match="^points must be numbers"):
        net.scores("ab")
