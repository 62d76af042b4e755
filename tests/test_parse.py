"""gk.parse: expressions become circuits through a whitelist, never eval."""

import re

import pytest

import gatekit as gk


def test_parse_builds_the_same_circuit_as_the_operators():
    parsed = gk.parse("(x + y) * z", x=-2, y=5, z=-4)
    assert list(parsed.inputs) == ["x", "y", "z"]
    assert parsed.value == -12.0
    assert parsed.backward() == {"x": -4.0, "y": -4.0, "z": 3.0}


def test_every_gate_function_and_operator_is_accepted():
    circuit = gk.parse(
        "max(a, b) + relu(a - b) * sigmoid(-a) / tanh(b) + exp(a) ** 2 - -3", a=0.5, b=1.5
    )
    assert circuit.check_gradients().ok
    assert {type(g).__name__ for g in circuit.gates} >= {
        "MaxGate", "ReLUGate", "SigmoidGate", "TanhGate", "ExpGate", "PowGate",
        "AddGate", "SubGate", "MulGate", "DivGate", "NegGate",
    }


def test_a_repeated_name_is_one_unit():
    circuit = gk.parse("x * x + x", x=3)
    assert list(circuit.inputs) == ["x"] and circuit.backward() == {"x": 7.0}


def test_names_without_values_start_at_one():
    assert gk.parse("x / y").values() == {"x": 1.0, "y": 1.0}


def test_a_long_sum_needs_no_recursion():
    circuit = gk.parse(" + ".join(["x"] * 1000), x=2)
    assert circuit.value == 2000.0 and circuit.backward() == {"x": 1000.0}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x.real", "attribute access"),
        ("__import__('os').system('ls')", "calling '__import__' is not allowed"),
        ("open('file')", "calling 'open' is not allowed"),
        ("x.__class__", "attribute access"),
        ("[x for x in y]", "comprehension"),
        ("(x for x in y)", "comprehension"),
        ("lambda: 1", "lambda"),
        ("x ** y", "exponent of \\*\\* must be a number"),
        ("x[0]", "indexing"),
        ("'text'", "only numbers"),
        ("True + x", "only numbers"),
        ("x if y else z", "if-expression"),
        ("x < y", "comparison"),
        ("x // y", "operator // is not allowed"),
        ("max(x, y=1)", "plain arguments"),
        ("relu(x, y)", "relu takes 1 argument"),
        ("(y := 2)", "assignment"),
        ("", "empty"),
        ("   ", "empty"),
        ("x +", "could not read"),
        ("x = 1", "an assignment is not allowed"),
    ],
)
def test_refused_expressions_name_what_was_refused(text, message):
    with pytest.raises(ValueError, match=message):
        gk.parse(text)


def test_an_unknown_name_is_named():
    with pytest.raises(ValueError, match="unknown name 'w'.*x, y"):
        gk.parse("x * y", x=1, w=2)


def test_bad_values_are_refused():
    with pytest.raises(TypeError, match="'x'"):
        gk.parse("x + 1", x="one")
    with pytest.raises(TypeError, match="string"):
        gk.parse(42)


def test_division_by_a_zero_value_is_clear():
    with pytest.raises(ZeroDivisionError, match="y is 0"):
        gk.parse("x / y", x=1, y=0)


@pytest.mark.parametrize(("text", "message"), [
    ("x² + y²", "'x²' cannot be an input's name: write powers with **, such as 'x ** 2'"),
    ("x₁ + x₂", "'x₁' cannot be an input's name: a name is letters, digits and _, such as 'x1'"),
    ("relu + 1", "relu is a gate function, not an input: call it on its input, such as relu(x)"),
    ("2 * e", "e would be an input named 'e' here, not Euler's number (write exp(1))"),
    ("pi * r ** 2", "pi would be an input named 'pi' here, not π (write 3.141592653589793)"),
    ("x + inf", "inf would be an input named 'inf' here, not infinity"),
    ("nan", "nan would be an input named 'nan' here, not not-a-number"),
])
def test_names_a_learner_would_not_mean_as_inputs_are_refused(text, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        gk.parse(text)


def test_a_number_name_given_a_value_is_an_input():
    circuit = gk.parse("e * x + pi", e=2.0, x=3.0, pi=1.0)
    assert list(circuit.inputs) == ["e", "x", "pi"] and circuit.value == 7.0
