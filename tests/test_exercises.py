"""gk.exercises: hand-written backward functions checked against the circuit's gradients."""

import inspect
import json
import math
import re
import signal
import threading
import time
from pathlib import Path

import pytest
from fresh_python import loaded_after

import gatekit as gk
from gatekit import exercises
from gatekit.exercises import EXERCISES, catalogue, running, verdicts

ALL = list(EXERCISES.values())
ROOT = Path(__file__).resolve().parent.parent


def function_from(source: str):
    """Run a template or solution source and return the `backward` it defines."""
    namespace: dict = {"math": math}
    exec(source, namespace)
    return namespace["backward"]


def with_one_gradient_changed(solution, index: int, change):
    """A backward that returns the solution's gradients with number `index` passed through
    `change(gradient, arguments)`: a learner's slip on one variable."""

    def backward(**arguments):
        grads = solution(**arguments)
        grads = list(grads) if isinstance(grads, tuple) else [grads]
        grads[index] = change(grads[index], arguments)
        return tuple(grads)

    backward.__signature__ = inspect.signature(solution)
    return backward


def parameter_names(exercise):
    names = list(inspect.signature(exercise.solution).parameters)
    return names[:-1], names[-1]


def test_the_guide_rules_are_all_there():
    titles = [exercise.title for exercise in ALL]
    for rule in ["a * b", "a + b", "a + b + c", "a * b + c", "sigmoid", "a * a",
                 "a*a + b*b + c*c", "((a*b + c) * d) ** 2", "1 / a", "(a + b) / (c + d)",
                 "max(a, b)", "max(a, 0)"]:
        assert any(rule in title for title in titles), rule


@pytest.mark.parametrize("exercise", ALL, ids=lambda e: e.name)
def test_each_solution_passes(exercise):
    result = exercise.check(exercise.solution, points=20)
    assert result.ok and result.status == "correct", result.message
    assert result.message.startswith("✓")


@pytest.mark.parametrize("exercise", ALL, ids=lambda e: e.name)
def test_the_solution_source_runs_as_written(exercise):
    assert exercises.check(exercise, function_from(exercise.solution_source)).ok


@pytest.mark.parametrize("exercise", ALL, ids=lambda e: e.name)
def test_the_solution_takes_the_expressions_inputs_and_one_gradient(exercise):
    inputs, force = parameter_names(exercise)
    assert set(inputs) == set(gk.parse(exercise.expression).inputs)
    assert force.startswith("d") and force not in inputs


@pytest.mark.parametrize("exercise", ALL, ids=lambda e: e.name)
def test_the_blank_template_runs_and_reads_not_written_yet(exercise):
    result = exercise.check(function_from(exercise.template))
    inputs, _ = parameter_names(exercise)
    assert result.status == "blank" and not result.ok
    assert set(result.blank) == set(inputs) and not result.wrong and not result.right
    assert "not written yet" in result.message


@pytest.mark.parametrize("exercise", ALL, ids=lambda e: e.name)
def test_the_template_blanks_only_the_gradient_lines(exercise):
    solution_lines = exercise.solution_source.splitlines()
    template_lines = exercise.template.splitlines()
    assert len(template_lines) == len(solution_lines)
    changed = [t for s, t in zip(solution_lines, template_lines, strict=True) if s != t]
    inputs, _ = parameter_names(exercise)
    assert len(changed) >= len(inputs)
    assert all(line.strip().startswith("d") and "= ..." in line for line in changed)
    assert template_lines[0].startswith("def backward(")


@pytest.mark.parametrize("exercise", ALL, ids=lambda e: e.name)
def test_a_wrong_gradient_is_named_with_the_circuits_value(exercise):
    inputs, force_name = parameter_names(exercise)
    last = len(inputs) - 1
    backward = with_one_gradient_changed(exercise.solution, last, lambda g, args: g + 0.5)
    result = exercise.check(backward)
    assert result.status == "wrong" and not result.ok
    assert [m.variable for m in result.wrong] == [inputs[last]]
    assert set(result.right) == set(inputs[:last])
    mismatch = result.wrong[0]
    circuit = gk.parse(exercise.expression, **mismatch.point)
    expected = circuit.backward(mismatch.force)[inputs[last]]
    assert mismatch.expected == pytest.approx(expected)
    assert mismatch.difference == pytest.approx(0.5)
    assert f"d{inputs[last]} is wrong" in result.message and "off by 0.5" in result.message


def test_forgetting_the_chain_rule_gets_a_hint():
    backward = with_one_gradient_changed(exercises.get("mul").solution, 0,
                                         lambda g, args: args["b"])
    result = exercises.check("mul", backward)
    assert "multiply it by dx" in result.message and result.wrong[0].variable == "a"


def test_a_flipped_sign_gets_a_hint():
    backward = with_one_gradient_changed(exercises.get("ratio").solution, 2, lambda g, args: -g)
    assert "sign is flipped" in exercises.check("ratio", backward).message


def test_half_of_a_branching_gradient_gets_a_hint():
    result = exercises.check("square", lambda a, dx: a * dx)
    assert "gradients add up" in result.message


def test_a_partly_filled_function_says_what_is_still_blank():
    result = exercises.check("mul", lambda a, b, dx: (b * dx, ...))
    assert result.status == "blank" and result.right == ("a",) and result.blank == ("b",)
    assert "Still `...`: db" in result.message and "Right: da" in result.message


def test_a_filled_line_that_uses_a_blank_one_is_not_written_yet():
    def backward(a, dx):
        first = ...
        da = 2.0 * first
        return da

    result = exercises.check("square", backward)
    assert result.status == "blank" and "still `...`" in result.message


def test_any_expression_can_be_checked():
    def backward(x, y, z, df):
        dq = z * df
        return dq, dq, (x + y) * df

    assert exercises.check("(x + y) * z", backward).ok
    assert exercises.check("(x + y) * z", lambda x, y, z, df: (z, z, x + y)).status == "wrong"


def test_gradients_are_read_in_the_order_of_the_parameters():
    assert exercises.check("a * b", lambda b, a, dx: (a * dx, b * dx)).ok


def test_the_points_are_seeded():
    backward = with_one_gradient_changed(exercises.get("mul").solution, 0, lambda g, args: 0.0)
    first, again, other = (exercises.check("mul", backward, seed=seed) for seed in (3, 3, 4))
    assert first.wrong[0].point == again.wrong[0].point != other.wrong[0].point


def test_points_stay_away_from_the_kinks():
    # A max that sends a tie to b, and a relu passing at 0, are right away from ties and 0.
    for seed in range(20):
        assert exercises.check("max", lambda a, b, dx: (dx * (a > b), dx * (b >= a)), seed=seed).ok
        assert exercises.check("relu", lambda a, dx: dx * (a >= 0), seed=seed).ok


def test_a_nan_gradient_is_wrong_not_a_crash():
    result = exercises.check("mul", lambda a, b, dx: (math.nan, a * dx))
    assert result.status == "wrong" and "you gave nan" in result.message


@pytest.mark.parametrize(
    ("backward", "complaint"),
    [
        ("not a function", "needs your backward function"),
        (lambda a, dx: a, "it has no b"),
        (lambda a, b: a, "exactly one more parameter"),
        (lambda a, b, dx, dy: a, "exactly one more parameter"),
        (lambda *args: 0.0, "not *args"),
        (lambda a, b, **rest: 0.0, "not **rest"),
    ],
)
def test_a_function_that_cannot_fit_the_expression_raises_a_clear_type_error(backward, complaint):
    with pytest.raises(TypeError, match=re.escape(complaint)):
        exercises.check("mul", backward)


def test_positional_only_parameters_are_fine():
    def backward(a, b, dx, /):
        return b * dx, a * dx

    def mixed(b, /, a, *, dx):
        return a * dx, b * dx

    assert exercises.check("mul", backward).ok
    assert exercises.check("mul", mixed).ok
    assert exercises.check("mul", lambda a, b, dx, /: (a * dx, b * dx)).status == "wrong"


@pytest.mark.parametrize(
    ("backward", "complaint"),
    [
        (lambda a, b, dx: b * dx, "your backward should return 2 gradient(s) (da, db), in the order"
                                  " of its parameters; it returned "),
        (lambda a, b, dx: (b * dx, "a"), "db must be a number; your backward returned str 'a'"),
        (lambda a, b, dx: (b * dx, None), "db must be a number; your backward returned NoneType"),
        (lambda a, b, dx: [0.0] * 10_000, "should return 2 gradient(s) (da, db), in the order of"
                                          " its parameters; it returned [0.0, 0.0, 0.0"),
    ],
)
def test_a_return_that_is_not_gradients_is_a_verdict(backward, complaint):
    result = exercises.check("mul", backward)
    assert result.status == "error" and not result.ok and not result.right
    assert result.message.startswith("✗ x = a * b: ") and complaint in result.message
    assert " at a = " in result.message and len(result.message) < 300


def test_an_exception_in_the_learners_function_is_a_verdict_with_its_line():
    def backward(a, b, dx):
        da = b * dx
        return da, undefined_name * dx  # noqa: F821 - the slip under test

    result = exercises.check("mul", backward)
    assert result.status == "error" and not result.ok
    line = inspect.getsourcelines(backward)[1] + 2
    assert result.message.startswith(
        "✗ x = a * b: your backward raised NameError: name 'undefined_name' is not defined"
        f" (line {line}: `return da, undefined_name * dx  # noqa: F821 - the slip under test`),"
        " at a = ")
    assert "with dx = " in result.message


def test_an_endless_message_from_the_learner_is_cut_short():
    def backward(a, b, dx):
        raise ValueError("x" * 100_000)

    result = exercises.check("mul", backward)
    assert "your backward raised ValueError: xxx" in result.message
    assert len(result.message) < 500


def test_stopping_the_cell_is_not_a_verdict():
    def backward(a, b, dx):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        exercises.check("mul", backward)


def test_unknown_tasks_are_named():
    with pytest.raises(ValueError, match="neither an exercise .*mul.*nor an expression gatekit"):
        exercises.check("mul(", lambda a, dx: a)
    with pytest.raises(ValueError, match=re.escape(
            "there is no exercise named `mull`; did you mean `mul`?")):
        exercises.check("mull", lambda mull, dx: dx)
    with pytest.raises(ValueError, match=re.escape(
            "there is no exercise named `sqaure`; did you mean `square`?")):
        exercises.check("sqaure", lambda a, dx: dx)
    with pytest.raises(KeyError, match=re.escape(
            "there is no exercise named `mull`; did you mean `mul`?")):
        exercises.get("mull")
    with pytest.raises(KeyError, match="no exercise named `zzzz`; the exercises are mul, add,"):
        exercises.get("zzzz")
    with pytest.raises(ValueError, match="positive whole number"):
        exercises.check("mul", exercises.get("mul").solution, points=0)


def test_a_sign_hint_needs_the_sign_to_be_the_only_difference():
    calls = []

    def backward(a, b, dx):
        # The sign is flipped at the first point (the worst), at the others da is off by 0.5.
        calls.append(a)
        return (-b * dx if len(calls) == 1 else b * dx + 0.5), a * dx

    result = exercises.check("mul", backward)
    assert result.status == "wrong" and result.wrong[0].variable == "a"
    worst = result.wrong[0]
    assert worst.given == pytest.approx(-worst.expected) and abs(worst.difference) > 0.5
    assert "sign" not in result.message and "chain rule" not in result.message


def test_a_flipped_sign_at_every_point_still_gets_its_hint():
    result = exercises.check("mul", lambda a, b, dx: (-b * dx, a * dx))
    assert result.message.endswith("The sign is flipped.\n  Right: db.")


def test_two_slips_that_fit_equally_give_no_hint():
    # With a force of -1, a flipped sign and a forgotten chain rule give the same number.
    samples = [(2.0, -2.0, -1.0), (0.5, -0.5, -1.0)]
    assert verdicts.guess_slip(samples, "dx", "half", 1e-6) == ""
    assert verdicts.guess_slip(samples[:1] + [(0.5, -1.0, -2.0)], "dx", "half", 1e-6) == (
        "That is the local gradient alone: multiply it by dx (the chain rule).")
    assert verdicts.guess_slip([(1.0, -1.0, 2.0), (0.0, 0.0, 1.5)], "dx", "half", 1e-6) == (
        "The sign is flipped.")


def test_code_that_raises_the_tolerance_cannot_pass_itself(monkeypatch):
    monkeypatch.setattr(verdicts, "TOLERANCE", verdicts.TOLERANCE)  # put back after the test

    def backward(a, b, dx):
        verdicts.TOLERANCE = math.inf
        exercises.verdicts.TOLERANCE = math.inf
        return 0.0, 0.0

    result = exercises.check("mul", backward)
    assert result.status == "wrong" and len(result.wrong) == 2


def test_the_exercise_table_cannot_be_edited():
    with pytest.raises(TypeError):
        EXERCISES["mul"] = EXERCISES["add"]

    def backward(a, b, dx):
        EXERCISES["mul"] = EXERCISES["add"]
        return dx, dx

    result = exercises.check("mul", backward)
    assert result.status == "error" and "does not support item assignment" in result.message
    assert EXERCISES["mul"].expression == "a * b"


def test_code_that_swaps_the_table_does_not_change_its_own_verdict(monkeypatch):
    monkeypatch.setattr(catalogue, "EXERCISES", catalogue.EXERCISES)  # put back after the test
    add = EXERCISES["add"]

    def backward(a, b, dx):
        catalogue.EXERCISES = {"mul": add}
        return dx, dx  # right for a + b, wrong for a * b

    result = exercises.check("mul", backward)
    assert result.status == "wrong" and result.title == "x = a * b"


def test_a_function_that_never_ends_is_stopped_with_a_sentence(monkeypatch):
    monkeypatch.setattr(running, "TIME_LIMIT", 0.2)
    handler = signal.getsignal(signal.SIGALRM)

    def backward(a, b, dx):
        while True:
            try:
                time.sleep(0.01)
            except Exception:  # a learner's catch-all must not swallow the stop
                pass

    started = time.perf_counter()
    result = exercises.check("mul", backward)
    assert time.perf_counter() - started < 2.0
    assert result.status == "error"
    assert "your backward ran for more than 0.2 s and was stopped" in result.message
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # no timer left armed
    assert signal.getsignal(signal.SIGALRM) is handler


def test_the_time_limit_leaves_another_timer_alone(monkeypatch):
    monkeypatch.setattr(running, "TIME_LIMIT", 0.05)
    rang = []
    previous = signal.signal(signal.SIGALRM, lambda *_: rang.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 100.0)

        def slow(a, b, dx):
            time.sleep(0.1)
            return b * dx, a * dx

        assert exercises.check("mul", slow, points=1).ok  # not stopped: the limit stood aside
        assert 99.0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 100.0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        signal.signal(signal.SIGALRM, previous)
    assert not rang


def test_off_the_main_thread_the_check_runs_without_a_limit(monkeypatch):
    monkeypatch.setattr(running, "TIME_LIMIT", 0.01)
    results = []

    def slow(a, b, dx):
        time.sleep(0.03)
        return b * dx, a * dx

    thread = threading.Thread(target=lambda: results.append(exercises.check("mul", slow, points=2)))
    thread.start()
    thread.join()
    assert results[0].ok
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_the_result_shows_as_its_message():
    result = exercises.check("add", exercises.get("add").solution)
    assert repr(result) == str(result) == result.message


def test_exercises_load_no_plotting_widgets_or_numpy():
    assert loaded_after("import gatekit.exercises", ("matplotlib", "ipywidgets", "numpy")) == []


def test_the_ninja_notebook_has_the_current_blank_of_every_exercise():
    notebook = json.loads((ROOT / "notebooks" / "06_backprop_ninja.ipynb").read_text())
    cells = ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    for exercise in ALL:
        wanted = f"{exercise.template}\n\ngk.exercises.check({exercise.name!r}, backward)"
        assert wanted in cells, f"notebook 06 lacks the current blank of {exercise.name!r}"


def test_an_expression_with_no_smooth_point_is_refused():
    with pytest.raises(ValueError, match="nor an expression gatekit can build: division by zero"):
        exercises.check("1 / (a - a)", lambda a, dx: 0.0)
    with pytest.raises(ValueError, match="found no point where every gate"):
        exercises.check("1 / (relu(a) - relu(a) + 0.01)", lambda a, dx: 0.0)


def test_an_expression_undefined_at_its_default_values_is_still_checked():
    def backward(a, dx):
        return -1.0 / (a - 1) ** 2 * dx

    assert exercises.check("1 / (a - 1)", backward).ok


def test_points_are_capped_at_what_runs_in_a_second_or_two():
    with pytest.raises(ValueError, match="^points must be at most 10,000, not 100,000: more would"):
        gk.exercises.check("mul", lambda a, b, dx: (b * dx, a * dx), points=100_000)
