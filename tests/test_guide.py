"""The worked examples of chapter 1 (parts 1-5, 11) with the numbers the engine must compute.

Where the maths is exact in floating point the values are asserted exactly, computed here by
the same arithmetic the guide does by hand; elsewhere to a tight tolerance.
"""

import math

import pytest

import gatekit as gk


def xy_circuit() -> gk.Circuit:
    return gk.Circuit(gk.Unit(-2.0, name="x") * gk.Unit(3.0, name="y"))


def test_single_gate_forward():
    out = gk.MulGate().forward(gk.Unit(-2.0), gk.Unit(3.0))
    assert out.value == -6.0


def test_random_local_search_improves_and_is_seeded():
    circuit = xy_circuit()
    best_inputs, best_output = circuit.random_local_search(iterations=100, tweak=0.01, seed=0)
    assert best_output > -6.0
    assert best_output == best_inputs["x"] * best_inputs["y"]
    assert abs(best_inputs["x"] + 2.0) <= 0.01 and abs(best_inputs["y"] - 3.0) <= 0.01
    assert circuit.random_local_search(100, 0.01, seed=0) == (best_inputs, best_output)
    assert circuit.random_local_search(100, 0.01, seed=1) != (best_inputs, best_output)
    assert circuit.values() == {"x": -2.0, "y": 3.0} and circuit.value == -6.0


def test_numerical_gradient_of_mul():
    circuit = xy_circuit()
    grads = circuit.numerical_gradient(h=1e-4)
    assert grads["x"] == pytest.approx(3.0, abs=1e-9)
    assert grads["y"] == pytest.approx(-2.0, abs=1e-9)
    assert circuit.values() == {"x": -2.0, "y": 3.0}


def test_analytic_gradient_of_mul_and_one_step():
    circuit = xy_circuit()
    assert circuit.backward() == {"x": 3.0, "y": -2.0}
    new_output = circuit.pull(step_size=0.01)
    assert new_output == (-2.0 + 0.01 * 3.0) * (3.0 + 0.01 * -2.0)
    assert new_output > -6.0


def test_a_big_step_overshoots_to_plus_one():
    """The guide prints -1 for a step of 1.0; (-2 + 3) * (3 - 2) is +1."""
    assert xy_circuit().pull(step_size=1.0) == 1.0


def test_two_gate_circuit():
    x, y, z = gk.Unit(-2.0, name="x"), gk.Unit(5.0, name="y"), gk.Unit(-4.0, name="z")
    circuit = gk.Circuit((x + y).named("q") * z)
    assert circuit.forward() == -12.0
    assert circuit.backward() == {"x": -4.0, "y": -4.0, "z": 3.0}
    assert circuit.check_gradients().ok
    new_output = circuit.pull(step_size=0.01)
    assert (x.value, y.value, z.value) == (-2.0 - 0.04, 5.0 - 0.04, -4.0 + 0.03)
    assert new_output == ((-2.0 - 0.04) + (5.0 - 0.04)) * (-4.0 + 0.03)
    assert new_output == pytest.approx(-11.5924, abs=1e-12)


def test_max_gate_routes_gradient_to_larger_input():
    a, b = gk.Unit(2.0, name="a"), gk.Unit(5.0, name="b")
    assert gk.Circuit(gk.max(a, b) * 3.0).backward() == {"a": 0.0, "b": 3.0}


def neuron_from_gates():
    """The guide's neuron, gate by gate: sigmoid(a*x + b*y + c)."""
    a, b, c = gk.Unit(1.0, name="a"), gk.Unit(2.0, name="b"), gk.Unit(-3.0, name="c")
    x, y = gk.Unit(-1.0, name="x"), gk.Unit(3.0, name="y")
    mul0, mul1, add0, add1, sig0 = (
        gk.MulGate(), gk.MulGate(), gk.AddGate(), gk.AddGate(), gk.SigmoidGate()
    )
    ax = mul0.forward(a, x)
    by = mul1.forward(b, y)
    axpby = add0.forward(ax, by)
    axpbypc = add1.forward(axpby, c)
    s = sig0.forward(axpbypc)
    return (a, b, c, x, y), (mul0, mul1, add0, add1, sig0), s


def test_neuron_forward_and_backward_gate_by_gate():
    (a, b, c, x, y), (mul0, mul1, add0, add1, sig0), s = neuron_from_gates()
    q = 1.0 * -1.0 + 2.0 * 3.0 + -3.0
    sig = 1.0 / (1.0 + math.exp(-q))
    assert s.value == sig
    s.grad = 1.0
    for gate in (sig0, add1, add0, mul1, mul0):
        gate.backward()
    dq = sig * (1.0 - sig)
    assert (a.grad, b.grad, c.grad) == (-1.0 * dq, 3.0 * dq, dq)
    assert (x.grad, y.grad) == (1.0 * dq, 2.0 * dq)
    assert a.grad == pytest.approx(-0.105, abs=5e-4) and b.grad == pytest.approx(0.315, abs=5e-4)


def test_neuron_as_circuit_step_and_check():
    *_, s = neuron_from_gates()
    circuit = gk.Circuit(s)
    assert list(circuit.inputs) == ["a", "x", "b", "y", "c"]
    grads = circuit.backward()
    before = circuit.value
    after = circuit.pull(step_size=0.01)
    moved = {name: unit.value for name, unit in circuit.inputs.items()}
    start = {"a": 1.0, "x": -1.0, "b": 2.0, "y": 3.0, "c": -3.0}
    assert moved == {name: start[name] + 0.01 * grads[name] for name in start}
    assert before == pytest.approx(0.8808, abs=1e-4)
    assert after == pytest.approx(0.8825, abs=1e-4)
    assert circuit.check_gradients().ok


def test_sigmoid_local_gradient_at_three_is_0_0452():
    """The guide rounds it to 0.0475; s(3) * (1 - s(3)) is 0.0452."""
    x = gk.Unit(3.0, name="x")
    circuit = gk.Circuit(gk.sigmoid(x))
    assert circuit.backward()["x"] == pytest.approx(0.0452, abs=5e-5)


def test_computational_graph_explained():
    """Part 11: p = x + y, g = p * z at x=1, y=3, z=-3, backward right to left."""
    x, y, z = gk.Unit(1.0, name="x"), gk.Unit(3.0, name="y"), gk.Unit(-3.0, name="z")
    g = ((x + y).named("p") * z).named("g")
    circuit = gk.Circuit(g)
    assert circuit.forward() == -12.0
    assert circuit.explain() == [
        "dg/dg = 1",
        "dg/dp = dg/dg · ∂(p * z)/∂p = 1 · z = 1 · -3 = -3",
        "dg/dz = dg/dg · ∂(p * z)/∂z = 1 · p = 1 · 4 = 4",
        "dg/dx = dg/dp · ∂(x + y)/∂x = -3 · 1 = -3",
        "dg/dy = dg/dp · ∂(x + y)/∂y = -3 · 1 = -3",
    ]
