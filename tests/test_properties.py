"""Property tests: random circuits built from every gate kind, backward against central
finite differences."""

import math

from hypothesis import assume, given
from hypothesis import strategies as st

import gatekit as gk
from gatekit.gates import GATE_TYPES

H = 1e-6
small = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)


def apply(kind: str, a: gk.Unit, b: gk.Unit) -> gk.Unit:
    """One gate of `kind` on existing wires, kept inside the domain where it is smooth."""
    if kind == "div":
        return a / (b * b + 0.5)  # a divisor bounded away from zero
    if kind == "pow":
        return (a * a + 0.5) ** 1.5  # a real power of a positive base
    if kind in ("max", "add", "sub", "mul"):
        return getattr(gk, kind)(a, b)
    if kind == "neg":
        return -a
    return getattr(gk, kind)(a)


def central_difference(circuit: gk.Circuit, name: str) -> float:
    start = circuit.inputs[name].value
    up = circuit.forward(**{name: start + H})
    down = circuit.forward(**{name: start - H})
    circuit.forward(**{name: start})
    return (up - down) / (2 * H)


def far_from_kinks(circuit: gk.Circuit) -> bool:
    """True when no max or relu sits within reach of the finite-difference step."""
    for gate in circuit.gates:
        if isinstance(gate, gk.MaxGate):
            a, b = gate.inputs
            if abs(a.value - b.value) < 1e-3:
                return False
        if isinstance(gate, gk.ReLUGate) and abs(gate.inputs[0].value) < 1e-3:
            return False
    return True


@st.composite
def random_circuits(draw):
    """3 inputs, then 1-12 gates of any kind, each fed by earlier wires (fan-out included)."""
    wires = [gk.Unit(draw(small), name=name) for name in "abc"]
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(sorted(GATE_TYPES)))
        a = draw(st.sampled_from(wires))
        b = draw(st.sampled_from(wires))
        out = apply(kind, a, b)
        assume(abs(out.value) < 50)
        wires.append(out)
    # Sum a few of the wires so that several paths reach the output.
    chosen = draw(st.lists(st.sampled_from(wires[3:]), min_size=1, max_size=3))
    total = chosen[0]
    for wire in chosen[1:]:
        total = total + wire
    return gk.Circuit(total)


@given(random_circuits())
def test_backward_matches_central_differences(circuit):
    assume(far_from_kinks(circuit))
    analytic = circuit.backward()
    for name, grad in analytic.items():
        numeric = central_difference(circuit, name)
        assert math.isclose(grad, numeric, rel_tol=1e-4, abs_tol=1e-4), (name, grad, numeric)


@given(random_circuits(), st.floats(min_value=-3, max_value=3, allow_nan=False))
def test_backward_is_linear_in_the_force(circuit, force):
    unit_force = circuit.backward(1.0)
    scaled = circuit.backward(force)
    for name, grad in unit_force.items():
        assert math.isclose(scaled[name], force * grad, rel_tol=1e-9, abs_tol=1e-12)


@given(random_circuits())
def test_to_dict_round_trip(circuit):
    circuit.backward()
    saved = circuit.to_dict()
    assert gk.Circuit.from_dict(saved).to_dict() == saved


@given(random_circuits(), st.sampled_from(["a", "b", "c"]), small)
def test_forward_then_back_restores_every_value(circuit, name, value):
    before = [u.value for u in circuit.units]
    start = circuit.inputs[name].value if name in circuit.inputs else None
    assume(start is not None)
    try:
        circuit.forward(**{name: value})
    except (ValueError, ZeroDivisionError):
        assert [u.value for u in circuit.units] == before
        return
    circuit.forward(**{name: start})
    assert [u.value for u in circuit.units] == before
