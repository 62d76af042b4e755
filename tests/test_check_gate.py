"""gk.exercises.check_gate: a learner's own Gate subclass checked against central differences."""

import inspect
import math
import re
import signal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from learner_gates import Square, Times

import gatekit as gk
from gatekit.exercises import check_gate, gate_check, running
from gatekit.gates import GATE_TYPES


def square_with_backward(backward, **attributes):
    """A Square whose backward (and any other attribute) is replaced: a learner's variant."""
    return type("MySquare", (Square,), {"backward": backward, **attributes})


def test_a_right_gate_passes_at_every_point_and_on_a_shared_wire():
    result = check_gate(Square)
    assert result.ok and result.status == "correct" and result.right == ("a",)
    assert result.message == ("✓ Square: da matches central differences of compute at all 5 points"
                              " and on a wire used twice.")
    assert repr(result) == str(result) == result.message


@pytest.mark.parametrize("gate_class", GATE_TYPES.values(), ids=list(GATE_TYPES))
def test_every_built_in_gate_passes(gate_class):
    result = check_gate(gate_class, points=20)
    assert result.ok, result.message
    assert result.right == tuple("ab"[: gate_class.arity])


@given(st.floats(0.1, 3.0), st.integers(1, 4), st.floats(-2.0, 2.0))
def test_a_right_power_gate_passes_and_a_scaled_one_is_caught(scale, power, slip):
    def compute(self):
        return scale * self.inputs[0].value ** power

    def backward(self, factor=1.0):
        (a,) = self.inputs
        a.grad += factor * scale * power * a.value ** (power - 1) * self.output.grad

    def slipped(self):
        backward(self, factor=1.0 + slip)

    attributes = {"arity": 1, "symbol": "p", "compute": compute}
    right = type("Power", (gk.Gate,), {**attributes, "backward": backward})
    wrong = type("Power", (gk.Gate,), {**attributes, "backward": slipped})
    assert check_gate(right, points=3).ok
    if abs(slip) > 1e-3:
        result = check_gate(wrong, points=3)
        assert result.status == "wrong" and [m.variable for m in result.wrong] == ["a"]
        m = result.wrong[0]
        assert m.expected == pytest.approx(scale * power * m.point["a"] ** (power - 1) * m.force,
                                           rel=1e-6, abs=1e-6)
        assert m.given == pytest.approx((1.0 + slip) * m.expected, rel=1e-6, abs=1e-6)


def test_a_missing_factor_two_gets_its_hint_and_the_numbers():
    def backward(self):
        (a,) = self.inputs
        a.grad += a.value * self.output.grad

    result = check_gate(square_with_backward(backward))
    assert result.status == "wrong" and not result.ok
    m = result.wrong[0]
    assert m.expected == pytest.approx(2 * m.point["a"] * m.force, rel=1e-7)
    assert m.given == pytest.approx(m.point["a"] * m.force)
    assert re.search(r"da is wrong: at a = [-\d.]+ with output\.grad = [-\d.]+ you gave [-\d.]+,"
                     r" central differences of your compute give [-\d.]+ \(off by [-\d.]+\)\."
                     r" Did you forget the factor 2\?$", result.message)


def test_a_forgotten_chain_rule_gets_its_hint():
    def backward(self):
        (a,) = self.inputs
        a.grad += 2 * a.value

    assert "multiply it by output.grad (the chain rule)" in check_gate(
        square_with_backward(backward)).message


def test_a_backward_that_sets_instead_of_adds_is_named():
    def backward(self):
        (a,) = self.inputs
        a.grad = 2 * a.value * self.output.grad

    result = check_gate(square_with_backward(backward))
    assert result.status == "error" and not result.ok
    assert result.message.startswith(
        "✗ MySquare: your backward sets a.grad instead of adding to it (`=` where it needs `+=`):")
    assert "a.grad already" in result.message and "adding gives" in result.message


def test_setting_one_of_two_inputs_is_named():
    class Mul(Times):
        def backward(self):
            a, b = self.inputs
            a.grad += b.value * self.output.grad
            b.grad = a.value * self.output.grad

    assert "your backward sets b.grad instead of adding to it" in check_gate(Mul).message


def test_a_backward_that_loses_gradient_when_one_wire_feeds_both_inputs_is_caught():
    class Mul(Times):
        def backward(self):
            # Right for two different wires; with a is b the second sum overwrites the first.
            a, b = self.inputs
            g = self.output.grad
            a.grad, b.grad = a.grad + b.value * g, b.grad + a.value * g

    result = check_gate(Mul)
    assert result.status == "error"
    assert "with the gate used as g(x, x) + g(x, x) at x = " in result.message
    assert "sets x.grad instead of adding to it" in result.message


@pytest.mark.parametrize(
    "not_a_gate_class",
    [Square(), len, "Square", 3, int, gk.Gate],
    ids=["instance", "function", "text", "number", "other class", "Gate itself"],
)
def test_something_that_is_not_a_gate_class_is_refused(not_a_gate_class):
    with pytest.raises(TypeError, match=r"check_gate takes|is not a gate"):
        check_gate(not_a_gate_class)


def test_the_refusals_say_what_to_write():
    with pytest.raises(TypeError, match=re.escape("the class itself (Square), not a gate made")):
        check_gate(Square())
    with pytest.raises(TypeError, match=re.escape("int is not a gate: write `class int(gk.Gate)")):
        check_gate(int)
    with pytest.raises(ValueError, match="positive whole number"):
        check_gate(Square, points=0)


def test_a_missing_or_wrong_arity_is_named():
    no_arity = type("NoArity", (gk.Gate,), {k: v for k, v in vars(Square).items()
                                             if k in ("symbol", "compute", "backward")})
    assert check_gate(no_arity).message == (
        "✗ NoArity: compute unpacks 1 input but your gate sets no arity, so it has Gate's"
        " default of 2: write `arity = 1`.")
    assert check_gate(type("Three", (Square,), {"arity": 3})).message == (
        "✗ Three: compute unpacks 1 input but arity is 3: write `arity = 1`.")
    for arity in ("1", 0, True, 1.0, 10**9):
        result = check_gate(type("Odd", (Square,), {"arity": arity}))
        assert result.status == "error" and "arity must be how many inputs" in result.message


def test_a_missing_symbol_or_method_is_named():
    no_symbol = type("NoSymbol", (Square,), {"symbol": gk.Gate.symbol})
    assert 'give your gate a symbol such as `symbol = "sq"`' in check_gate(no_symbol).message
    assert "symbol such as" in check_gate(type("S", (Square,), {"symbol": 3})).message
    no_backward = type("NoBackward", (gk.Gate,), {"arity": 1, "symbol": "s",
                                                  "compute": Square.compute})
    assert "your gate has no backward()" in check_gate(no_backward).message
    no_compute = type("NoCompute", (gk.Gate,), {"arity": 1, "symbol": "s",
                                                "backward": Square.backward})
    assert "your gate has no compute()" in check_gate(no_compute).message


def test_a_compute_that_raises_is_a_verdict_with_its_line():
    class Typo(Square):
        def compute(self):
            (a,) = self.inputs
            return a.valeu ** 2

    result = check_gate(Typo)
    line = inspect.getsourcelines(Typo.compute)[1] + 2
    assert result.status == "error"
    assert result.message.startswith(
        "✗ Typo: your compute raised AttributeError: 'Unit' object has no attribute 'valeu'"
        f" (line {line}: `return a.valeu ** 2`), at a = ")


@pytest.mark.parametrize(
    ("returned", "complaint"),
    [
        (lambda a: None, "your compute returned None, not a number: did you forget `return`?"),
        (lambda a: a * a, "your compute returned a Unit, not a number"),
        (lambda a: "4", "your compute returned str '4' at a = "),
        (lambda a: complex(a.value, 1), "your compute returned complex"),
        (lambda a: a.value > 0, "your compute returned bool True"),
    ],
)
def test_a_compute_that_returns_no_number_is_named(returned, complaint):
    gate = type("G", (Square,), {"compute": lambda self: returned(self.inputs[0])})
    result = check_gate(gate)
    assert result.status == "error" and complaint in result.message


def test_a_gate_defined_on_part_of_the_line_is_checked_where_it_is_defined():
    class Log(gk.Gate):
        arity = 1
        symbol = "log"

        def compute(self):
            return math.log(self.inputs[0].value)

        def backward(self):
            (a,) = self.inputs
            a.grad += self.output.grad / a.value

    result = check_gate(Log)
    assert result.ok, result.message
    wrong = type("WrongLog", (Log,), {"backward": lambda self: Square.backward(self)})
    assert all(m.point["a"] > 0 for m in check_gate(wrong).wrong)


def test_a_compute_defined_nowhere_is_a_verdict():
    def compute(self):
        return math.sqrt(-1.0 - self.inputs[0].value ** 2)

    gate = type("Nowhere", (Square,), {"compute": compute})
    result = check_gate(gate)
    assert result.status == "error" and "undefined or has a kink near each" in result.message


def test_a_backward_that_raises_or_breaks_the_wires_is_a_verdict():
    def raises(self):
        raise ZeroDivisionError("oops")

    def moves(self):
        self.inputs[0].value += 1.0

    def spoils(self):
        self.inputs[0].grad = None

    message = check_gate(square_with_backward(raises)).message
    assert message.startswith("✗ MySquare: your backward raised ZeroDivisionError: oops")
    assert " at a = " in message and "with output.grad = " in message
    assert "your backward changed a.value" in check_gate(square_with_backward(moves)).message
    assert "a.grad is NoneType None, not a number" in check_gate(
        square_with_backward(spoils)).message


def test_a_gate_that_needs_arguments_is_a_verdict():
    class Scaled(Square):
        def __init__(self, k):
            self.k = k

    message = check_gate(Scaled).message
    assert message.startswith("✗ Scaled: building Scaled() raised TypeError:")
    assert "missing 1 required positional argument: 'k'" in message


def test_a_gate_that_runs_forever_is_stopped(monkeypatch):
    monkeypatch.setattr(running, "TIME_LIMIT", 0.1)

    def forever(self):
        while True:
            pass

    result = check_gate(square_with_backward(forever))
    assert "your backward ran for more than 0.1 s and was stopped" in result.message
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_the_points_are_seeded():
    def backward(self):
        (a,) = self.inputs
        a.grad += self.output.grad

    gate = square_with_backward(backward)
    first, again, other = (check_gate(gate, seed=seed) for seed in (3, 3, 4))
    assert first.message == again.message != other.message


def test_a_checked_gate_works_in_a_circuit():
    x = gk.Unit(3.0, name="x")
    circuit = gk.Circuit(Square().forward(x) * 2.0)
    assert circuit.backward() == {"x": pytest.approx(12.0)}
    assert check_gate(Square).ok


def test_code_that_raises_the_tolerance_cannot_pass_itself(monkeypatch):
    monkeypatch.setattr(gate_check, "GATE_TOLERANCE", gate_check.GATE_TOLERANCE)  # put back

    def backward(self):
        gate_check.GATE_TOLERANCE = math.inf
        self.inputs[0].grad += 1.0

    result = check_gate(square_with_backward(backward))
    assert result.status == "wrong"


def test_a_gate_still_blank_is_not_written_yet_rather_than_wrong():
    import math

    class BlankCompute(gk.Gate):
        arity = 1
        symbol = "sp"

        def compute(self):
            return ...

        def backward(self):
            (a,) = self.inputs
            a.grad += ...

    class BlankBackward(BlankCompute):
        def compute(self):
            (a,) = self.inputs
            return math.log1p(math.exp(a.value))

    first, second = gk.exercises.check_gate(BlankCompute), gk.exercises.check_gate(BlankBackward)
    assert first.status == second.status == "blank"
    assert "compute still returns `...`" in first.message
    assert "backward still adds `...`" in second.message and "raised" not in second.message


class ClassCache(gk.Gate):
    """a² whose compute keeps a on the class for backward: g(x) + g(y) mixes up x and y."""

    arity = 1
    symbol = "sq"
    kept: dict = {}

    def compute(self):
        ClassCache.kept["a"] = self.inputs[0].value
        return self.inputs[0].value ** 2

    def backward(self):
        self.inputs[0].grad += 2 * ClassCache.kept["a"] * self.output.grad


class Memo(Square):
    """a² that remembers its first value on the gate and returns it ever after."""

    def compute(self):
        if not hasattr(self, "first"):
            self.first = super().compute()
        return self.first


def test_the_class_cache_is_wrong_in_a_circuit_and_check_gate_says_so():
    x, y = gk.Unit(3.0, name="x"), gk.Unit(5.0, name="y")
    circuit = gk.Circuit(ClassCache().forward(x) + ClassCache().forward(y))
    assert circuit.backward()["x"] == 10.0  # should be 6: what the check must catch
    result = check_gate(ClassCache)
    assert result.status == "error"
    assert "your gate keeps state between gates: with two gates, g(a = " in result.message
    assert "keep what backward needs on self, not on the class" in result.message


def test_a_compute_that_memoises_its_first_value_is_caught():
    result = check_gate(Memo)
    assert result.status == "error"
    assert "your compute keeps a value from an earlier call" in result.message


def test_a_gate_keeping_its_own_state_on_self_passes():
    class OnSelf(Square):
        def compute(self):
            self.kept = self.inputs[0].value
            return self.kept ** 2

        def backward(self):
            self.inputs[0].grad += 2 * self.kept * self.output.grad

    assert check_gate(OnSelf).ok


def test_a_compute_that_changes_an_input_is_blamed_not_backward():
    class Nudging(Square):
        def compute(self):
            (a,) = self.inputs
            value = a.value ** 2
            a.value += 1e-3
            return value

    message = check_gate(Nudging).message
    assert "your compute changed a.value: it should only read the inputs' values" in message
    assert "backward" not in message


def test_the_base_class_itself_is_named_as_such():
    with pytest.raises(TypeError, match="not gk.Gate itself: write `class Square"):
        check_gate(gk.Gate)


def test_points_are_capped_at_what_runs_in_a_few_seconds():
    assert check_gate(Square, points=gate_check.MAX_POINTS).ok
    with pytest.raises(ValueError, match="points must be at most 1,000, not 100,000"):
        check_gate(Square, points=100_000)
