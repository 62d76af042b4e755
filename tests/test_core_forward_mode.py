"""Forward mode beside reverse mode: Circuit.forward_mode and each gate's tangent rule."""

import math

import pytest
from learner_gates import Times

import gatekit as gk


def neuron() -> gk.Circuit:
    return gk.parse("sigmoid(a*x + b*y + c)", a=1.0, b=2.0, c=-3.0, x=-1.0, y=3.0)


def test_every_wire_gets_its_derivative_with_respect_to_the_input():
    x, y, z = gk.Unit(-2.0, name="x"), gk.Unit(5.0, name="y"), gk.Unit(-4.0, name="z")
    circuit = gk.Circuit((x + y).named("q") * z)
    assert circuit.forward_mode("x") == {"x": 1.0, "y": 0.0, "z": 0.0, "q": 1.0, "f": -4.0}
    assert circuit.forward_mode("z") == {"x": 0.0, "y": 0.0, "z": 1.0, "q": 0.0, "f": 3.0}


def test_its_output_entry_is_backwards_gradient_on_the_neuron():
    circuit = neuron()
    grads = circuit.backward()
    for name in circuit.inputs:
        assert circuit.forward_mode(name)["f"] == pytest.approx(grads[name], rel=1e-12)


def test_it_leaves_values_and_grads_as_they_were():
    circuit = neuron()
    circuit.backward(force=2.0)
    before = circuit.to_dict()
    circuit.forward_mode("a")
    assert circuit.to_dict() == before


def test_unnamed_wires_and_inputs_use_the_circuits_names_and_constants_are_left_out():
    u, w = gk.Unit(3.0), gk.Unit(2.0)
    circuit = gk.Circuit(2.0 * u * w + 1.0)
    tangents = circuit.forward_mode("u0")
    assert set(tangents) == {"u0", "u1", "q1", "q2", "f"}
    assert tangents["f"] == 2.0 * 2.0 and tangents["u1"] == 0.0


@pytest.mark.parametrize("bad", ["w", "f", 3, None])
def test_an_unknown_input_is_a_circuit_error_naming_the_inputs(bad):
    circuit = gk.parse("x * y")
    with pytest.raises(gk.CircuitError, match=r"forward_mode needs the name of an input.*x, y"):
        circuit.forward_mode(bad)


def test_forward_mode_costs_one_pass_per_input_and_reverse_mode_one_per_output():
    circuit = neuron()
    forward_before, backward_before = circuit.forward_passes, circuit.backward_passes
    every_derivative = {name: circuit.forward_mode(name)["f"] for name in circuit.inputs}
    assert circuit.forward_passes - forward_before == len(circuit.inputs) == 5
    assert circuit.backward_passes == backward_before
    grads = circuit.backward()
    assert circuit.backward_passes - backward_before == 1
    assert every_derivative == pytest.approx(grads, rel=1e-12)


@pytest.mark.parametrize(
    ("expression", "at"),
    [
        ("exp(x)", 1000.0),  # the value is inf: its tangent is inf, not an error
        ("x ** 0.5", 0.0),  # an infinite slope
        ("1 / x", 1e-200),  # 1/x² underflows
        ("exp(y) * 0 + x", 800.0),  # a zero tangent through an infinite slope adds nothing
    ],
)
def test_infinite_slopes_give_inf_not_an_error(expression, at):
    circuit = gk.parse(expression, x=at, y=at) if "y" in expression else gk.parse(expression, x=at)
    tangent = circuit.forward_mode("x")["f"]
    grad = circuit.backward()["x"]
    assert tangent == grad or (math.isinf(tangent) and math.isinf(grad))


def test_a_gate_without_a_tangent_rule_takes_it_from_its_own_backward():
    class Cube(gk.Gate):
        arity = 1
        symbol = "cube"

        def compute(self):
            return self.inputs[0].value ** 3

        def backward(self):
            (a,) = self.inputs
            a.grad += 3 * a.value ** 2 * self.output.grad

    x = gk.Unit(2.0, name="x")
    circuit = gk.Circuit(Cube().forward(x) * x)  # d(x^4)/dx = 4x^3 = 32
    assert circuit.forward_mode("x")["f"] == 32.0 == circuit.backward()["x"]


def test_a_learner_gate_used_twice_on_one_wire_gets_both_uses():
    x = gk.Unit(3.0, name="x")
    circuit = gk.Circuit(Times().forward(x, x))
    assert circuit.forward_mode("x")["f"] == 6.0 == circuit.backward()["x"]
