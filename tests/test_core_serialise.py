"""Saving a circuit: every state the package reaches round-trips; anything else is a sentence."""

import copy
import json
import math

import pytest

import gatekit as gk


def saved() -> dict:
    """x / (y + 2): units y, 2, x, q1 (the sum), f; gates add (0) then div (1)."""
    x, y = gk.Unit(1.0, name="x"), gk.Unit(3.0, name="y")
    circuit = gk.Circuit(x / (y + 2))
    circuit.backward()
    return circuit.to_dict()


def changed(edit) -> dict:
    data = copy.deepcopy(saved())
    edit(data)
    return data


def test_overflowed_values_and_grads_round_trip_through_json():
    x = gk.Unit(1000.0, name="x")
    circuit = gk.Circuit(gk.exp(x) - gk.exp(x))  # inf - inf: NaN, with grads inf and NaN
    circuit.backward()
    text = json.dumps(circuit.to_dict())
    assert "Infinity" in text and "NaN" in text
    rebuilt = gk.Circuit.from_dict(json.loads(text))
    assert json.dumps(rebuilt.to_dict()) == text
    assert math.isnan(rebuilt.value) and rebuilt.inputs["x"].grad != rebuilt.inputs["x"].grad


def test_unnamed_units_and_constants_keep_the_circuits_names():
    a, b = gk.Unit(2.0), gk.Unit(3.0)
    circuit = gk.Circuit(a * b + 0.5)
    rebuilt = gk.Circuit.from_dict(circuit.to_dict())
    assert rebuilt.names == circuit.names == ["u0", "u1", "0.5", "q1", "f"]
    assert list(rebuilt.inputs) == ["u0", "u1"]


def test_gates_saved_in_any_order_are_rebuilt_in_theirs():
    data = changed(lambda d: d["gates"].reverse())
    assert gk.Circuit.from_dict(data).to_dict() == saved()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["units"][0].update(name=7), "unit 0's name must be a non-empty string"),
        (lambda d: d["units"][0].update(name=""), "unit 0's name must be"),
        (lambda d: d["units"][1].update(constant="no"), "unit 1's 'constant' must be true or"),
        (lambda d: d["units"][0].update(value="1"), "unit 0's value must be a number"),
        (lambda d: d["units"][0].update(grad=True), "unit 0's grad must be a number"),
        (lambda d: d["units"][0].update(value=math.inf), "unit 0 is made by no gate, so its value"),
        (lambda d: d["units"][3].update(constant=True), "unit 3 is made by gate 0, so it is no"),
        (lambda d: d["units"][0].pop("grad"), "unit 0 must be a dict with name, value, grad"),
        (lambda d: d["gates"][0].update(op="sqrt"), "gate 0: unknown op str 'sqrt'; the ops are"),
        (lambda d: d["gates"][0].update(inputs=[0]), r"gate 0 \(add\) takes 2 input\(s\), not"),
        (lambda d: d["gates"][0].update(inputs=[1, 9]), "gate 0's input must be the index of"),
        (lambda d: d["gates"][1].update(output=3), "unit 3 is the output of both gate 0 and"),
        (lambda d: d["gates"][0].update(inputs=[1, 4]), "gate [01] is fed, through the gates"),
        (lambda d: d.update(output=-1), "the output must be the index of a unit"),
        (lambda d: d.update(gates={}), "'gates' must be a list"),
        (lambda d: d.pop("units"), "not a saved circuit"),
        (lambda d: d["gates"][0].update(op=["add"]), r"gate 0: unknown op list \['add'\]; the"),
        (lambda d: d["units"][0].update(value=10 ** 400), "unit 0's value is too large for a"),
        (lambda d: d["units"][2].update(grad=-(10 ** 400)), "unit 2's grad is too large for a"),
    ],
)
def test_a_bad_saved_circuit_names_the_unit_or_gate_and_why(edit, message):
    with pytest.raises(gk.CircuitError, match=message):
        gk.Circuit.from_dict(changed(edit))


def test_a_constant_divisor_of_zero_is_a_circuit_error_not_a_bare_zero_division():
    data = changed(lambda d: d["units"][1].update(value=-3.0))  # y + (-3) = 0: x / 0
    with pytest.raises(gk.CircuitError, match=r"gate 1 \(div\) cannot be computed: division by"):
        gk.Circuit.from_dict(data)


def test_a_power_needs_its_exponent():
    circuit = gk.Circuit(gk.Unit(2.0, name="x") ** 3)
    data = circuit.to_dict()
    assert gk.Circuit.from_dict(data).value == 8.0
    del data["gates"][0]["exponent"]
    with pytest.raises(gk.CircuitError, match=r"gate 0 \(pow\) needs a finite number"):
        gk.Circuit.from_dict(data)


@pytest.mark.parametrize("garbage", [None, [], "units", {"units": []}, 3])
def test_what_is_no_saved_circuit_at_all_is_said_so(garbage):
    with pytest.raises(gk.CircuitError, match="not a saved circuit"):
        gk.Circuit.from_dict(garbage)


def test_a_huge_integer_exponent_is_refused_by_name():
    data = gk.Circuit(gk.Unit(2.0, name="x") ** 2).to_dict()
    data["gates"][0]["exponent"] = 10 ** 400
    with pytest.raises(gk.CircuitError, match="gate 0's exponent is too large for a float"):
        gk.Circuit.from_dict(data)


@pytest.mark.parametrize("name", ["", 5])
def test_a_unit_name_that_could_not_round_trip_is_refused(name):
    with pytest.raises(TypeError, match=f"^a Unit's name must be a non-empty string \\(or None\\),"
                                        f" not {name!r}$"):
        gk.Unit(1.0, name=name)
