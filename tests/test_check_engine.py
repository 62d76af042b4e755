"""check_engine: two correct engines of different styles pass, each classic mistake fails with
its own sentence, and the learner's code runs under the exercises' time limit and error policy."""

import pytest

import gatekit as gk
from gatekit.exercises import check_engine, running
from tests import learner_engines as engines


@pytest.mark.parametrize("engine", [engines.Closures, engines.Tape, engines.Zeroes])
def test_correct_engines_of_different_styles_pass(engine):
    result = check_engine(engine)
    assert result.ok, result.message
    assert "a diamond" in result.message and "a chain 10,000 deep" in result.message


def test_the_closure_engine_is_checked_on_every_op_it_offers_and_the_tape_on_its_three():
    every = "of +, *, -, /, **, relu, tanh, exp and sigmoid"
    assert every in check_engine(engines.Closures).message
    assert "of +, * and relu," in check_engine(engines.Tape).message
    assert "of + and *," in check_engine(engines.Closures, ops=["*", "+"]).message


def test_an_engine_without_backward_has_its_forward_values_checked_and_is_blank():
    result = check_engine(engines.ForwardOnly)
    assert result.status == "blank"
    assert repr(result) == str(result) == result.message  # a notebook shows the verdict
    assert result.message.splitlines() == [
        "✗ ForwardOnly: backward() is not written yet.",
        "  Right so far: the forward values of + and *.",
    ]


def test_a_wrong_forward_names_the_op_and_the_numbers():
    message = check_engine(engines.MulAddsValues).message
    assert message.startswith("✗ MulAddsValues: the forward of `a * b` is wrong: at a = ")
    assert "where gk.Circuit gives" in message


def test_an_unseeded_output_grad_is_named():
    result = check_engine(engines.Unseeded)
    assert result.status == "wrong"
    assert "the output's grad is 0" in result.message
    assert "start backward() with `self.grad = 1`" in result.message


def test_a_wrong_rule_names_its_op_and_the_numbers():
    message = check_engine(engines.WrongTanh).message
    assert "the backward rule of `a.tanh()` is wrong: in `a.tanh()` at a = 2.21 your WrongTanh"
    assert "gives a.grad = 0.02378 where gk.Circuit gives 0.047" in message
    assert "Right so far: the forward values of" in message


def test_setting_instead_of_adding_is_found_on_a_value_used_twice():
    message = check_engine(engines.Overwrites).message
    assert "a value used twice loses a use: in `a * a` at a = 1.5 your Overwrites gives" \
           " a.grad = 1.5 where gk.Circuit gives 3" in message
    assert "`=` where the rule needs `+=`" in message
    assert "the backward rules of" in message  # each rule alone was right


def test_no_topological_order_is_found_on_a_diamond():
    message = check_engine(engines.NoOrder).message
    assert "no topological order: in `(s + c) * (s * d * e) with s = a * b`" in message
    assert "a.grad = -72 and b.grad = 54 where gk.Circuit gives -49.5 and 37.12" in message
    assert "Right so far:" in message and "a value used twice." in message


def test_recursion_on_a_long_chain_says_at_what_depth_and_that_a_stack_fixes_it():
    message = check_engine(engines.Recursive).message
    assert "raised RecursionError on a chain of 10,000 additions" in message
    assert "(it worked at 800 deep and failed at 1,600)" in message
    assert "explicit stack" in message


def test_a_second_backward_is_reported_not_judged():
    cases = {
        engines.Closures: "changes the grads by different factors (a.grad -49.5 → -220.5",
        engines.Zeroes: "leaves the grads as they were (a.grad -49.5 → -49.5",
        engines.LeavesAccumulate: "doubles every grad (a.grad -49.5 → -99",
    }
    for engine, sentence in cases.items():
        result = check_engine(engine)
        assert result.ok, result.message
        assert sentence in result.message
        assert "zero_grad()" in result.message


def test_a_blank_line_reads_as_not_written_yet():
    class Blank(engines.Closures):
        def __add__(self, other):
            out = self._new(self.value + other.value, (self, other), "+")

            def _backward():
                self.grad += ...
                other.grad += out.grad
            out._backward = _backward
            return out

    result = check_engine(Blank)
    assert result.status == "blank"
    assert "a line still reads `...`" in result.message


def test_learner_errors_are_verdicts_quoting_the_line():
    class Raises(engines.Closures):
        def backward(self):
            self.grad = 1.0
            return self.undefined_name

    result = check_engine(Raises)
    assert result.status == "error"
    assert "your backward() raised AttributeError" in result.message
    assert "`return self.undefined_name`" in result.message


def test_an_operation_must_return_a_new_instance():
    class ReturnsFloat(engines.Closures):
        def __mul__(self, other):
            return self.value * other.value

    message = check_engine(ReturnsFloat).message
    assert "`a * b` returned float -2.006, not a ReturnsFloat: each operation returns a new" \
        in message

    class Subclassed(engines.ForwardOnly):  # ForwardOnly's operators make ForwardOnly
        pass

    message = check_engine(Subclassed).message
    assert "`a + b` returned ForwardOnly, not a Subclassed" in message


def test_a_class_missing_value_or_mul_is_told_what_to_write():
    class NoValue:
        def __init__(self, value):
            self.number, self.grad = value, 0.0

        def __add__(self, other):
            return NoValue(self.number + other.number)

        def __mul__(self, other):
            return NoValue(self.number * other.number)

    assert "has no `value`: store it in __init__ as `self.value`" in check_engine(NoValue).message

    class AddOnly:
        def __add__(self, other):
            return self

    assert "has no *: write `__mul__`" in check_engine(AddOnly).message


def test_an_endless_backward_is_stopped_by_the_time_limit(monkeypatch):
    monkeypatch.setattr(running, "TIME_LIMIT", 0.2)

    class Endless(engines.Closures):
        def backward(self):
            while True:
                pass

    result = check_engine(Endless)
    assert result.status == "error"
    assert "ran for more than 0.2 s and was stopped" in result.message


def test_wrong_arguments_are_refused():
    with pytest.raises(gk.errors.RefusedType, match="takes your value class itself"):
        check_engine(engines.Closures(1.0))
    with pytest.raises(gk.errors.RefusedValue, match="knows no op 'log'"):
        check_engine(engines.Closures, ops=["+", "log"])
    with pytest.raises(gk.errors.RefusedType, match="ops must be a list of op names"):
        check_engine(engines.Closures, ops=5)


def test_the_random_expressions_are_seeded():
    assert check_engine(engines.NoOrder, seed=3).message == check_engine(
        engines.NoOrder, seed=3).message
