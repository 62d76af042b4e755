"""Every rule of the 'becoming a backprop ninja' list (part 6): the circuit's gradients equal
the compact backward lines the guide writes by hand, at random points."""

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import gatekit as gk

value = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False).filter(lambda v: abs(v) > 1e-3)


def grads_of(build, **values):
    """Build an expression from named Units and return its circuit's gradients."""
    units = {name: gk.Unit(v, name=name) for name, v in values.items()}
    circuit = gk.Circuit(build(**units))
    return circuit.backward(), circuit


def approx(expected: dict) -> dict:
    return {name: pytest.approx(v, rel=1e-12, abs=1e-12) for name, v in expected.items()}


@given(value, value)
def test_mul_swaps(a, b):
    grads, _ = grads_of(lambda a, b: a * b, a=a, b=b)
    assert grads == {"a": b, "b": a}


@given(value, value)
def test_add_passes(a, b):
    grads, _ = grads_of(lambda a, b: a + b, a=a, b=b)
    assert grads == {"a": 1.0, "b": 1.0}


@given(value, value, value)
def test_add_three(a, b, c):
    grads, _ = grads_of(lambda a, b, c: a + b + c, a=a, b=b, c=c)
    assert grads == {"a": 1.0, "b": 1.0, "c": 1.0}


@given(value, value, value)
def test_mul_add(a, b, c):
    grads, _ = grads_of(lambda a, b, c: a * b + c, a=a, b=b, c=c)
    assert grads == {"a": b, "b": a, "c": 1.0}


@given(value, value, value, value, value)
def test_neuron(a, b, c, x, y):
    grads, circuit = grads_of(
        lambda a, x, b, y, c: gk.sigmoid(a * x + b * y + c), a=a, x=x, b=b, y=y, c=c
    )
    f = circuit.value
    dq = f * (1 - f)  # the guide's text writes q*(1-q); the local gradient uses the output
    assert grads == approx({"a": x * dq, "x": a * dq, "b": y * dq, "y": b * dq, "c": dq})


@given(value)
def test_branching_wire_adds(a):
    grads, _ = grads_of(lambda a: a * a, a=a)
    assert grads == approx({"a": 2 * a})


@given(value, value, value)
def test_sum_of_squares(a, b, c):
    grads, _ = grads_of(lambda a, b, c: a * a + b * b + c * c, a=a, b=b, c=c)
    assert grads == approx({"a": 2 * a, "b": 2 * b, "c": 2 * c})


@given(value, value, value, value)
def test_square_of_product_in_steps(a, b, c, d):
    grads, _ = grads_of(lambda a, b, c, d: ((a * b + c) * d) ** 2, a=a, b=b, c=c, d=d)
    x1 = a * b + c
    x2 = x1 * d
    dx2 = 2 * x2
    dd = x1 * dx2
    dx1 = d * dx2
    assert grads == approx({"a": b * dx1, "b": a * dx1, "c": dx1, "d": dd})


@given(value)
def test_reciprocal(a):
    grads, _ = grads_of(lambda a: 1.0 / a, a=a)
    assert grads == approx({"a": -1.0 / (a * a)})


@given(value, value, value, value)
def test_quotient_of_sums(a, b, c, d):
    assume(abs(c + d) > 1e-2)
    grads, _ = grads_of(lambda a, b, c, d: (a + b) / (c + d), a=a, b=b, c=c, d=d)
    x1, x2 = a + b, c + d
    x3 = 1.0 / x2
    dx1, dx3 = x3, x1
    dx2 = (-1.0 / (x2 * x2)) * dx3
    assert grads == approx({"a": dx1, "b": dx1, "c": dx2, "d": dx2})


@given(value, value)
def test_max_switch(a, b):
    grads, _ = grads_of(lambda a, b: gk.max(a, b), a=a, b=b)
    assert grads == {"a": 1.0 if a >= b else 0.0, "b": 0.0 if a >= b else 1.0}


@given(value)
def test_relu_gate(a):
    grads, _ = grads_of(lambda a: gk.relu(a), a=a)
    assert grads == {"a": 1.0 if a > 0 else 0.0}


def test_ties_and_zero_follow_the_contract():
    assert grads_of(lambda a, b: gk.max(a, b), a=2.0, b=2.0)[0] == {"a": 1.0, "b": 0.0}
    assert grads_of(lambda a: gk.relu(a), a=0.0)[0] == {"a": 0.0}


@given(value)
def test_tanh_exp_sub_neg_pow(a):
    assert grads_of(lambda a: gk.tanh(a), a=a)[0] == approx({"a": 1 - math.tanh(a) ** 2})
    assert grads_of(lambda a: gk.exp(a), a=a)[0] == approx({"a": math.exp(a)})
    assert grads_of(lambda a: 3.0 - a, a=a)[0] == {"a": -1.0}
    assert grads_of(lambda a: -a, a=a)[0] == {"a": -1.0}
    assert grads_of(lambda a: a**3, a=a)[0] == approx({"a": 3 * a * a})
