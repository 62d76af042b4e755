"""Circuits: inputs and naming, forward/backward/pull, bad input, scale, saving and looking."""

import math

import networkx as nx
import pytest

import gatekit as gk


def two_gate():
    x, y, z = gk.Unit(-2.0, name="x"), gk.Unit(5.0, name="y"), gk.Unit(-4.0, name="z")
    return gk.Circuit((x + y) * z)


# ----- units ------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["3", None, [1.0], 1j, True])
def test_unit_refuses_non_numbers(bad):
    with pytest.raises(TypeError, match="real number"):
        gk.Unit(bad)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_unit_refuses_nan_and_infinity(bad):
    with pytest.raises(ValueError, match="finite"):
        gk.Unit(bad)


def test_operators_make_constants_from_numbers():
    x = gk.Unit(2.0, name="x")
    circuit = gk.Circuit(3 * x + 1 - x / 4 + 2 ** 1 - (-x) ** 2)
    assert list(circuit.inputs) == ["x"]
    assert circuit.value == 3 * 2 + 1 - 2 / 4 + 2 - 4
    assert circuit.backward() == {"x": pytest.approx(3 - 0.25 - 2 * 2)}
    assert all(type(u) is gk.Constant for u in circuit.units if u.is_leaf and u is not x)


def test_exponent_must_be_a_number():
    x = gk.Unit(2.0)
    with pytest.raises(TypeError, match="exponent"):
        x ** gk.Unit(2.0)


# ----- inputs and names ---------------------------------------------------------------------
def test_unnamed_leaves_are_named_in_order_of_appearance():
    a, b, c = gk.Unit(1.0), gk.Unit(2.0, name="u0"), gk.Unit(3.0)
    circuit = gk.Circuit((a * b) + c)
    assert list(circuit.inputs) == ["u1", "u0", "u2"]
    assert circuit.inputs["u1"] is a and circuit.name_of(circuit.output) == "f"


def test_a_circuit_never_renames_the_callers_units():
    a, b = gk.Unit(1.0, name="a"), gk.Unit(2.0, name="b")
    s = a * b
    gk.Circuit(s)
    assert s.name is None
    explained = gk.Circuit(s + 1).explain()
    assert explained[0] == "df/df = 1"
    assert "dq1" in explained[1] and "q1" == gk.Circuit(s + 1).names[3]


def test_constants_are_shown_by_their_value_and_not_renamed():
    x = gk.Unit(2.0, name="x")
    circuit = gk.Circuit(x * 0.5 + 3)
    assert circuit.names == ["x", "0.5", "3", "q1", "f"]
    assert [unit.name for unit in circuit.units if isinstance(unit, gk.Constant)] == [None, None]
    assert circuit.describe(circuit.gates[0]) == "x * 0.5"


def test_a_unit_of_another_circuit_has_no_name_here():
    circuit = gk.Circuit(gk.Unit(1.0) * 2)
    with pytest.raises(gk.CircuitError, match="is not a unit of this circuit"):
        circuit.name_of(gk.Unit(3.0))


def test_wires_are_named_on_first_use_when_every_input_has_a_name():
    x, y = gk.Unit(1.0, name="x"), gk.Unit(2.0, name="y")
    circuit = gk.Circuit(x * y + x)
    assert list(circuit.inputs) == ["x", "y"]
    assert circuit.names == ["x", "y", "q1", "f"]


def test_repr_is_short_however_many_inputs():
    assert repr(two_gate()) == "<Circuit f = -12: 2 gates; inputs x=-2, y=5, z=-4>"
    total = sum(gk.Unit(1.0, name=f"x{i}") for i in range(1000))
    text = repr(gk.Circuit(total))
    assert text.endswith("x11=1, … (1,000 in all)>") and len(text) < 200


def test_two_inputs_with_one_name_are_refused():
    with pytest.raises(gk.CircuitError, match="both named 'x'"):
        gk.Circuit(gk.Unit(1.0, name="x") + gk.Unit(2.0, name="x"))


def test_a_lone_unit_is_a_circuit_with_one_input():
    x = gk.Unit(4.0, name="x")
    circuit = gk.Circuit(x)
    assert circuit.gates == [] and circuit.forward(x=5.0) == 5.0
    assert circuit.backward(force=2.0) == {"x": 2.0}


# ----- forward, backward, pull --------------------------------------------------------------
def test_forward_keeps_unit_identity():
    circuit = two_gate()
    units = list(circuit.units)
    assert circuit.forward(x=1.0, z=2.0) == 12.0
    assert circuit.units == units and all(a is b for a, b in zip(circuit.units, units, strict=True))
    assert circuit.inputs["x"].value == 1.0 and circuit.inputs["y"].value == 5.0


def test_backward_is_idempotent():
    circuit = two_gate()
    assert circuit.backward() == circuit.backward() == {"x": -4.0, "y": -4.0, "z": 3.0}
    assert circuit.backward(force=-2.0) == {"x": 8.0, "y": 8.0, "z": -6.0}


def test_pull_moves_only_the_named_inputs():
    circuit = two_gate()
    circuit.pull(step_size=0.5, move=["z"])
    assert circuit.values() == {"x": -2.0, "y": 5.0, "z": -4.0 + 0.5 * 3.0}


def test_negative_force_lowers_the_output():
    circuit = two_gate()
    assert circuit.pull(force=-1.0) < -12.0


def test_fan_out_accumulates():
    x = gk.Unit(3.0, name="x")
    total = x
    for _ in range(999):
        total = total + x
    circuit = gk.Circuit(total)
    assert circuit.value == 3000.0
    assert circuit.backward() == {"x": 1000.0}


def test_a_40000_gate_chain_backprops_without_recursion():
    x = gk.Unit(0.5, name="x")
    out = x
    for i in range(40_000):
        out = gk.tanh(out) if i % 2 else out * 1.0001
    circuit = gk.Circuit(out)
    assert len(circuit) == 40_000
    grads = circuit.backward()
    assert math.isfinite(grads["x"]) and grads["x"] > 0
    assert circuit.forward(x=0.6) > 0


# ----- bad input leaves the circuit as it was ----------------------------------------------
@pytest.mark.parametrize(
    ("values", "error", "message"),
    [
        ({"x": "1"}, TypeError, "input 'x' must be a real number"),
        ({"x": math.nan}, ValueError, "finite"),
        ({"w": 1.0}, ValueError, "unknown input name 'w'"),
        ({"x": 1.0, "w": 1.0}, ValueError, "'w'"),
    ],
)
def test_forward_refuses_bad_values_and_changes_nothing(values, error, message):
    circuit = two_gate()
    circuit.backward()
    before = circuit.to_dict()
    with pytest.raises(error, match=message):
        circuit.forward(**values)
    assert circuit.to_dict() == before


def test_division_by_zero_is_clear_and_rolls_back():
    x, y = gk.Unit(1.0, name="x"), gk.Unit(2.0, name="y")
    circuit = gk.Circuit(x / y)
    before = circuit.to_dict()
    with pytest.raises(ZeroDivisionError, match="division by zero in x / y: y is 0"):
        circuit.forward(x=5.0, y=0.0)
    assert circuit.to_dict() == before
    with pytest.raises(ZeroDivisionError):
        gk.Unit(1.0) / 0


def test_pull_that_lands_on_a_pole_changes_nothing():
    y = gk.Unit(1.0, name="y")
    circuit = gk.Circuit(1.0 / y)
    before = circuit.values()
    with pytest.raises(ZeroDivisionError):
        circuit.pull(step_size=1.0)  # grad is -1: y steps from 1 to 0
    assert circuit.values() == before and circuit.value == 1.0


def test_a_cycle_is_detected():
    x, y = gk.Unit(1.0, name="x"), gk.Unit(2.0, name="y")
    gate = gk.AddGate()
    out = gate.forward(x, y)
    gate.inputs = (out, y)  # feed the gate its own output
    with pytest.raises(gk.CircuitError, match="cycle"):
        gk.Circuit(out)


def test_circuit_needs_a_unit():
    with pytest.raises(TypeError, match="output Unit"):
        gk.Circuit(3.0)


@pytest.mark.parametrize("fn", [gk.sigmoid, gk.tanh, gk.exp])
@pytest.mark.parametrize("at", [-1000.0, 1000.0])
def test_saturating_gates_are_stable(fn, at):
    x = gk.Unit(at, name="x")
    circuit = gk.Circuit(fn(x))
    grad = circuit.backward()["x"]
    assert not math.isnan(circuit.value) and not math.isnan(grad)
    if fn is not gk.exp or at < 0:
        assert math.isfinite(circuit.value) and grad == 0.0


def test_sigmoid_saturates_to_exact_values():
    assert gk.sigmoid(-1000.0).value == 0.0 and gk.sigmoid(1000.0).value == 1.0
    assert gk.exp(1000.0).value == math.inf and gk.exp(-1000.0).value == 0.0


def test_power_without_a_real_value_is_a_clear_error():
    with pytest.raises(ValueError, match="no real value"):
        gk.Unit(-8.0, name="x") ** 0.5


# ----- gradients by finite differences, search ---------------------------------------------
def test_numerical_gradient_leaves_the_circuit_as_found():
    circuit = two_gate()
    circuit.backward()
    before = circuit.to_dict()
    grads = circuit.numerical_gradient()
    assert grads == pytest.approx({"x": -4.0, "y": -4.0, "z": 3.0}, abs=1e-6)
    assert circuit.to_dict() == before


def test_check_gradients_reports_agreement_and_keeps_grads():
    circuit = two_gate()
    check = circuit.check_gradients()
    assert check.ok and check.max_error < 1e-6
    assert "ok" in repr(check) and "x: -4 vs -4" in repr(check)
    assert all(unit.grad == 0.0 for unit in circuit.units)


def test_check_gradients_catches_a_wrong_backward():
    class BrokenMulGate(gk.MulGate):
        __slots__ = ()

        def backward(self) -> None:
            a, b = self.inputs
            a.grad += a.value * self.output.grad  # wrong: should be b.value
            b.grad += a.value * self.output.grad

    x, y = gk.Unit(2.0, name="x"), gk.Unit(3.0, name="y")
    check = gk.Circuit(BrokenMulGate().forward(x, y)).check_gradients()
    assert not check.ok and check.errors["x"] > 0.1 and check.errors["y"] < 1e-6
    assert "MISMATCH" in repr(check)


# ----- looking at a circuit -----------------------------------------------------------------
def test_to_networkx():
    circuit = two_gate()
    circuit.backward()
    graph = circuit.to_networkx()
    units = [n for n, d in graph.nodes(data=True) if d["kind"] == "unit"]
    gates = [n for n, d in graph.nodes(data=True) if d["kind"] == "gate"]
    assert len(units) == 5 and len(gates) == 2 and nx.is_directed_acyclic_graph(graph)
    by_label = {graph.nodes[n]["label"]: graph.nodes[n] for n in units}
    assert by_label["z"]["value"] == -4.0 and by_label["z"]["grad"] == 3.0
    assert sorted(graph.nodes[n]["op"] for n in gates) == ["add", "mul"]
    (output_node,) = [n for n in units if graph.out_degree(n) == 0]
    assert graph.nodes[output_node]["value"] == -12.0


def test_explain_marks_accumulation_on_a_branching_wire():
    a = gk.Unit(3.0, name="a")
    b = (a + a).named("b")
    circuit = gk.Circuit((b + b).named("c"))
    lines = circuit.explain()
    assert lines[0] == "dc/dc = 1"
    assert lines[1:] == [
        "from the 1st of 2 uses of b: dc/dc · ∂(b + b)/∂(left b) = 1 · 1 = 1; running total 1",
        "from the 2nd of 2 uses of b: dc/dc · ∂(b + b)/∂(right b) = 1 · 1 = 1; dc/db = 1 + 1 = 2",
        "from the 1st of 2 uses of a: dc/db · ∂(a + a)/∂(left a) = 2 · 1 = 2; running total 2",
        "from the 2nd of 2 uses of a: dc/db · ∂(a + a)/∂(right a) = 2 · 1 = 2; dc/da = 2 + 2 = 4",
    ]
    assert circuit.grads() == {"a": 4.0}


def test_to_dict_round_trip_rebuilds_an_exact_independent_state():
    x = gk.Unit(0.3, name="x")
    circuit = gk.Circuit(gk.sigmoid(x * 2.0 - 1.0) + gk.relu(x) ** 3 + gk.max(x, 0.1) / 2.0)
    circuit.backward(force=0.5)
    saved = circuit.to_dict()
    rebuilt = gk.Circuit.from_dict(saved)
    assert rebuilt.to_dict() == saved
    rebuilt.forward(x=1.0)
    assert circuit.inputs["x"].value == 0.3


def test_from_dict_refuses_garbage():
    with pytest.raises(gk.CircuitError, match="not a saved circuit"):
        gk.Circuit.from_dict({"units": []})


def test_explain_narrates_each_use_of_a_branching_wire_with_a_running_total():
    circuit = gk.parse("a * a", a=3.0)
    assert circuit.explain()[1:] == [
        "from the 1st of 2 uses of a: df/df · ∂(a * a)/∂(left a) = 1 · a = 1 · 3 = 3; "
        "running total 3",
        "from the 2nd of 2 uses of a: df/df · ∂(a * a)/∂(right a) = 1 · a = 1 · 3 = 3; "
        "df/da = 3 + 3 = 6",
    ]
    w, h = gk.Unit(0.5, name="w"), gk.Unit(0.0, name="h0")
    for x in (1.0, -0.5, 0.3):
        h = gk.tanh(w * h + x)
    circuit = gk.Circuit(h)
    totals, terms, running = [], [], 0.0
    for step in circuit.backward_steps():
        if step.unit is w:
            running += step.upstream * step.local
            totals.append(running)
            term = gk.circuit.fmt(step.upstream * step.local)
            terms.append(f"({term})" if term.startswith("-") else term)
            assert step.text.startswith(f"from the {('1st', '2nd', '3rd')[len(totals) - 1]} "
                                        "of 3 uses of w: ")
            total = gk.circuit.fmt(running)
            assert step.text.endswith(f"; running total {total}" if len(totals) < 3
                                      else f"; df/dw = {' + '.join(terms)} = {total}")
    assert len(totals) == 3 and totals[-1] == pytest.approx(w.grad)
