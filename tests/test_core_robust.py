"""What a careless learner can type: backward at the edges of the floats, gradient checks that
NaN cannot fool, gate errors in the circuit's words, the parser's limits, and pass counts."""

import math
import re
import time

import pytest

import gatekit as gk
from gatekit.parse import MAX_DEPTH, MAX_LENGTH


# ----- a valid forward gets a backward that gives numbers ------------------------------------
@pytest.mark.parametrize(
    ("expression", "at", "grad"),
    [
        ("1 / x", 1e-200, -math.inf),  # x² underflows to 0: the slope is -inf, not an error
        ("x ** 0.5", 0.0, math.inf),  # the square root's slope at 0
        ("x ** 0.5 * 0", 0.0, 0.0),  # no force reaches it: nothing, not inf * 0
        ("exp(x)", 1000.0, math.inf),
        ("x ** -1", 1e-300, -math.inf),  # x**-2 overflows
        ("x ** 3", 1e200, math.inf),
    ],
)
def test_backward_at_the_edges_gives_a_number(expression, at, grad):
    circuit = gk.parse(expression, x=at)
    assert circuit.backward() == {"x": grad}


@pytest.mark.parametrize(("at", "value"), [(1e200, math.inf), (-1e200, -math.inf)])
def test_a_power_past_the_largest_float_is_inf_not_no_real_value(at, value):
    assert gk.parse("x ** 3", x=at).value == value
    assert gk.parse("x ** 2", x=at).value == math.inf


def test_a_power_with_no_real_value_still_says_so():
    with pytest.raises(ValueError, match=r"x \*\* 0.5 has no real value at x = -1 \(a negative"):
        gk.parse("x ** 0.5", x=-1.0)


# ----- gate errors in a circuit name units as the circuit does -------------------------------
def test_a_division_by_zero_inside_a_circuit_uses_the_circuits_names():
    a, b = gk.Unit(1.0), gk.Unit(3.0)
    circuit = gk.Circuit(a / (b - 2.0))  # b meets the first gate: it is u0, a is u1
    with pytest.raises(ZeroDivisionError, match=r"^division by zero in u1 / q1: q1 is 0$"):
        circuit.forward(u0=2.0)
    assert circuit.values() == {"u0": 3.0, "u1": 1.0} and circuit.value == 1.0
    assert a.name is None and b.name is None


def test_a_power_error_inside_a_circuit_uses_the_circuits_names():
    x = gk.Unit(3.0, name="x")
    circuit = gk.Circuit((x - 2.0) ** 0.5 + 1.0)
    with pytest.raises(ValueError, match=r"^q1 \*\* 0.5 has no real value at q1 = -1 "):
        circuit.forward(x=1.0)


def test_outside_a_circuit_an_unnamed_wire_is_a_question_mark_and_a_constant_its_value():
    with pytest.raises(ZeroDivisionError, match=r"^division by zero in \? / 0$"):
        gk.Unit(1.0) / 0


@pytest.mark.parametrize(("text", "values", "message"), [
    ("x / (y - 1)", {"y": 1.0}, "division by zero in x / (y - 1): (y - 1) is 0"),
    ("x / (exp(y) * 0)", {}, "division by zero in x / (exp(y) * 0): (exp(y) * 0) is 0"),
    ("(x - 1) ** -1", {}, "(x - 1) ** -1 has no real value at (x - 1) = 0 (0 to a negative power)"),
    ("0 ** -1", {}, "0 ** -1 has no real value (0 to a negative power)"),
])
def test_a_gate_error_while_building_names_an_unnamed_wire_by_its_formula(text, values, message):
    with pytest.raises(ArithmeticError if "division" in message else ValueError,
                       match=f"^{re.escape(message)}$"):
        gk.parse(text, **values)


def test_a_formula_shows_two_gates_and_then_dots():
    x = gk.Unit(1.0, name="x")
    assert repr((gk.relu(gk.exp(gk.tanh(x))) * 2.0).gate) == "MulGate(relu(exp(…)) * 2)"


# ----- gradient checks -------------------------------------------------------------------------
def test_nan_or_inf_in_either_gradient_is_a_mismatch():
    check = gk.parse("x*1 + exp(y) * 1e-307", x=1.0, y=709.78271).check_gradients()
    assert not check.ok and check.max_error == math.inf and check.errors["x"] < 1e-6
    assert "MISMATCH" in repr(check)


def test_the_step_is_scaled_to_the_input_near_a_pole():
    check = gk.parse("x / y", x=1.0, y=0.001).check_gradients()
    assert check.ok, check
    assert check.numerical["y"] == pytest.approx(-1e6, rel=1e-5)


def test_check_gradients_leaves_grads_values_and_passes_accounted():
    circuit = gk.parse("x * y + x", x=2.0, y=3.0)
    circuit.backward(force=5.0)
    before = circuit.to_dict()
    circuit.check_gradients()
    assert circuit.to_dict() == before
    assert (circuit.forward_passes, circuit.backward_passes) == (2 * 2 + 1, 2)


# ----- pass counts -----------------------------------------------------------------------------
def passes(circuit: gk.Circuit) -> tuple[int, int]:
    return circuit.forward_passes, circuit.backward_passes


def test_a_new_circuit_has_run_no_pass_and_each_pass_counts_once():
    circuit = gk.parse("sigmoid(a*x + b)", a=1.0, x=2.0, b=0.5)
    assert passes(circuit) == (0, 0)
    circuit.forward(a=2.0)
    circuit.backward()
    assert passes(circuit) == (1, 1)
    circuit.pull()
    assert passes(circuit) == (3, 2)  # forward, backward, then forward at the new inputs


@pytest.mark.parametrize("n", [1, 3, 6])
def test_the_numerical_gradient_costs_one_pass_per_input_plus_start_and_restore(n):
    circuit = gk.parse(" + ".join(f"x{i} * x{i}" for i in range(n)))
    before = circuit.to_dict()
    circuit.numerical_gradient()
    assert passes(circuit) == (1 + n + 1, 0)
    assert circuit.to_dict() == before


def test_random_search_costs_one_pass_per_try_plus_start_and_restore():
    circuit = gk.parse("x * y", x=-2.0, y=3.0)
    tries = []
    circuit.random_local_search(iterations=25, on_try=tries.append)
    assert passes(circuit) == (1 + 25 + 1, 0) and len(tries) == 25
    assert all(abs(t["x"] + 2.0) <= 0.01 and abs(t["y"] - 3.0) <= 0.01 for t in tries)


def test_random_search_skips_tries_where_the_circuit_has_no_value():
    circuit = gk.parse("x ** 0.5", x=0.001)
    best, output = circuit.random_local_search(iterations=50, tweak=0.01, seed=3)
    assert best["x"] >= 0.001 and output == best["x"] ** 0.5
    assert passes(circuit) == (52, 0) and circuit.values() == {"x": 0.001}


@pytest.mark.parametrize(("iterations", "tweak"), [(-1, 0.01), (2.5, 0.01), (10, math.nan)])
def test_random_search_refuses_bad_settings(iterations, tweak):
    with pytest.raises(ValueError, match="iterations|tweak"):
        gk.parse("x").random_local_search(iterations=iterations, tweak=tweak)


def test_a_refused_forward_counts_its_pass_and_the_one_that_puts_things_back():
    circuit = gk.parse("1 / x", x=1.0)
    with pytest.raises(ZeroDivisionError):
        circuit.forward(x=0.0)
    assert passes(circuit) == (2, 0) and circuit.value == 1.0


# ----- the parser's limits ---------------------------------------------------------------------
@pytest.mark.parametrize("operator", ["+", "*", "-", "/"])
def test_a_flat_chain_of_ten_thousand_terms_is_read(operator):
    circuit = gk.parse(f" {operator} ".join(["x"] * 10_000), x=1.0)
    assert len(circuit) == 9_999 and list(circuit.inputs) == ["x"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), f"more than {MAX_DEPTH} deep"),
        ("relu(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), f"more than {MAX_DEPTH} deep"),
        ("x" + "**2" * 10_000, r"the exponent of \*\* must be a number"),
        ("1" * 400 + " * x", "is too large for a float"),
        ("9" * 5_000 + " * x", "is too large for a float"),
        ("1e999 * x", "is too large for a float"),
        ("x + " * (MAX_LENGTH // 4) + "x", f"parse reads at most {MAX_LENGTH:,}"),
        ("(" * 20_000, "could not read|deep"),
    ],
)
def test_what_is_too_large_or_too_deep_is_refused_quoting_a_short_piece(text, message):
    with pytest.raises(ValueError, match=message) as refused:
        gk.parse(text, x=1.0)
    quoted = [part for part in str(refused.value).split("'")[1::2]]
    assert all(len(part) <= 45 for part in quoted), refused.value
    assert len(str(refused.value)) < 250


def test_deep_nesting_within_the_limit_is_read():
    assert gk.parse("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH, x=2.0).value == 2.0
    assert gk.parse("relu(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH, x=2.0).value == 2.0


@pytest.mark.parametrize("depth", [2_900, 10_000])
def test_a_long_chain_of_signs_is_read_in_linear_time(depth):
    start = time.perf_counter()
    circuit = gk.parse("-" * depth + "x", x=2.0)
    assert time.perf_counter() - start < 1.0
    assert circuit.value == (2.0 if depth % 2 == 0 else -2.0) and len(circuit) == depth
    assert gk.parse("-" * depth + "3").value == (3.0 if depth % 2 == 0 else -3.0)


def test_a_signed_number_is_one_constant_and_an_exponent_may_be_signed():
    circuit = gk.parse("x ** -(2) * --3 + -x", x=2.0)
    assert circuit.value == 0.25 * 3 - 2
    assert [type(gate).__name__ for gate in circuit.gates] == [
        "PowGate", "MulGate", "NegGate", "AddGate"]
