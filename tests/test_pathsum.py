"""The chain rule as a sum over paths: gk.paths lists every path from an input to the output,
and their products add up to backward's gradient (and to the central difference)."""

import math

import pytest
from hypothesis import assume, given
from test_properties import central_difference, far_from_kinks, random_circuits

import gatekit as gk


@given(random_circuits())
def test_the_path_products_add_up_to_backwards_gradient(circuit):
    grads = circuit.backward()
    for name, grad in grads.items():
        found = gk.paths(circuit, name, limit=10**6)
        assert len(found) == gk.count_paths(circuit, name)
        total = math.fsum(path.product for path in found)
        assert math.isclose(total, grad, rel_tol=1e-9, abs_tol=1e-12), (name, total, grad)


@given(random_circuits())
def test_the_path_sum_matches_central_differences(circuit):
    assume(far_from_kinks(circuit))
    for name in circuit.inputs:
        total = math.fsum(path.product for path in gk.paths(circuit, name, limit=10**6))
        numeric = central_difference(circuit, name)
        assert math.isclose(total, numeric, rel_tol=1e-4, abs_tol=1e-4), (name, total, numeric)


def test_a_fork_gives_one_path_per_branch_with_each_local_derivative():
    circuit = gk.parse("(x + y) * (y + z)", x=1.0, y=2.0, z=3.0)
    found = gk.paths(circuit, "y")
    assert [path.names for path in found] == [("y", "q1", "f"), ("y", "q2", "f")]
    assert [path.factors for path in found] == [(1.0, 5.0), (1.0, 3.0)]
    assert str(found[0]) == "y -> q1 -> f"
    assert sum(path.product for path in found) == circuit.backward()["y"] == 8.0


def test_a_wire_used_twice_by_one_gate_is_two_paths():
    circuit = gk.parse("x * x", x=3.0)
    assert [path.product for path in gk.paths(circuit, "x")] == [3.0, 3.0]


def test_paths_double_at_every_fork_but_are_counted_without_listing():
    x = gk.Unit(0.3, name="x")
    h = x
    for _ in range(12):
        h = gk.tanh(h) + h * 0.5
    circuit = gk.Circuit(h)
    assert gk.count_paths(circuit, "x") == 2**12
    values, grads = circuit.values(), [unit.grad for unit in circuit.units]
    with pytest.raises(gk.CircuitError, match="4096 paths lead from x to the output"):
        gk.paths(circuit, "x")
    assert circuit.values() == values and [unit.grad for unit in circuit.units] == grads


def test_a_long_chain_is_one_path_written_out_once():
    x = gk.Unit(0.5, name="x")
    h = x
    for _ in range(20_000):
        h = h + 1.0
    (path,) = gk.paths(gk.Circuit(h.named("g")), "x")
    assert len(path.names) == 20_001 and path.names[0] == "x" and path.names[-1] == "g"
    assert path.product == 1.0


def test_an_unknown_input_is_refused_with_the_inputs_named():
    circuit = gk.parse("x * y", x=1.0, y=2.0)
    with pytest.raises(gk.CircuitError, match="not 'z'; this circuit's inputs: x, y"):
        gk.paths(circuit, "z")
    with pytest.raises(gk.CircuitError):
        gk.count_paths(circuit, "z")
