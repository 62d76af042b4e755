"""Circuit.from_engine: a learner's engine graph becomes a circuit with the same values, grads
and names, which the views draw and explore; what cannot be read is refused in one sentence."""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import gatekit as gk
from tests import learner_engines as engines


def closures_expression():
    a, b, c = engines.Closures(2.0), engines.Closures(-3.0), engines.Closures(0.5)
    a.name, b.name, c.name = "a", "b", "c"
    s = a * b
    out = ((s + c) * s.tanh()) / (a ** 2) - c.relu()
    out.backward()
    return (a, b, c), out


def test_an_engine_graph_keeps_its_values_grads_and_names_and_gatekit_agrees():
    (a, b, c), out = closures_expression()
    circuit = gk.Circuit.from_engine(out)
    assert circuit.value == pytest.approx(out.value, rel=1e-12)
    assert list(circuit.inputs) == ["a", "b", "c"]
    assert circuit.output.grad == 1.0
    kept = {name: unit.grad for name, unit in circuit.inputs.items()}
    assert kept == {"a": a.grad, "b": b.grad, "c": c.grad}  # the learner's own grads, as held
    assert circuit.backward() == pytest.approx(kept, rel=1e-9)
    symbols = sorted(gate.symbol for gate in circuit.gates)
    assert symbols == sorted(["*", "+", "tanh", "*", "**", "/", "relu", "-"])


def test_the_views_draw_and_explore_it():
    _, out = closures_expression()
    circuit = gk.Circuit.from_engine(out)
    assert "tanh" in circuit._repr_svg_()
    explorer = gk.explore(circuit)
    explorer.pull()
    assert circuit.values()["a"] != 2.0  # the pull moved the learner's input in gatekit's copy
    stepper = gk.widgets.BackpropStepper(gk.Circuit.from_engine(out))
    stepper.next()
    assert stepper.position == 1


def test_micrograd_names_a_set_of_children_and_labels_are_read():
    x, y = engines.Micrograd(3.0, label="x"), engines.Micrograd(5.0, label="y")
    square = x * x  # micrograd keeps {x}: one child for a binary op
    difference = y - x  # a set loses the order: the one giving the node's value is taken
    out = (square + difference ** 2).tanh()
    out.label = "out"
    circuit = gk.Circuit.from_engine(out)
    assert circuit.value == pytest.approx(math.tanh(9.0 + 4.0))
    assert circuit.name_of(circuit.output) == "out"
    grads = circuit.backward()
    slope = 1 - math.tanh(13.0) ** 2
    assert grads == pytest.approx({"x": slope * (2 * 3.0 - 2 * 2.0), "y": slope * 2 * 2.0})


def test_a_chain_ten_thousand_deep_is_read_without_recursion():
    out = engines.Closures(0.5)
    for _ in range(10_000):
        out = out + engines.Closures(0.25)
    circuit = gk.Circuit.from_engine(out)
    assert len(circuit) == 10_000 and circuit.value == pytest.approx(2500.5)


def test_what_cannot_be_read_is_refused_in_one_sentence():
    a, b = engines.Closures(1.0), engines.Closures(2.0)
    odd = engines.Closures(1.0, (a, b), "atan2")
    with pytest.raises(gk.errors.RefusedValue, match="made by 'atan2' from 2 input"):
        gk.Circuit.from_engine(odd)
    lying = engines.Closures(7.0, (a, b), "*")
    with pytest.raises(gk.errors.RefusedValue, match="holds 7.0, but '\\*' of its inputs gives"):
        gk.Circuit.from_engine(lying)
    with pytest.raises(gk.errors.RefusedType, match="float is not a node of an engine"):
        gk.Circuit.from_engine(3.0)
    a.grad = None
    with pytest.raises(TypeError, match="grad must be a real number"):
        gk.Circuit.from_engine(a + b)


def test_the_adapter_is_core_it_loads_no_array_drawing_or_widget_library():
    from fresh_python import loaded_after

    code = ("import gatekit as gk\nfrom tests import learner_engines as e\n"
            "gk.Circuit.from_engine(e.Closures(2.0) * e.Closures(3.0))")
    assert loaded_after(code, ("matplotlib", "ipywidgets", "numpy")) == []


finite = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(finite, finite, finite)
def test_the_read_circuit_gives_the_engine_grads_and_central_differences_agree(x, y, z):
    a, b, c = (engines.Closures(v) for v in (x, y, z))
    a.name, b.name, c.name = "a", "b", "c"
    out = (a * b + c).tanh() * a + (b - c).relu() + (c * c).sigmoid()
    out.backward()
    circuit = gk.Circuit.from_engine(out)
    grads = circuit.backward()
    assert grads == pytest.approx({"a": a.grad, "b": b.grad, "c": c.grad}, rel=1e-9, abs=1e-12)
    assume(abs(y - z) > 1e-3)  # relu's kink: no slope to compare there
    assert circuit.check_gradients().ok
