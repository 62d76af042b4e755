"""gk.exercises: hand-written backward functions checked against the circuit's gradients."""

import inspect
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

import gatekit as gk
from gatekit import exercises
from gatekit.exercises import EXERCISES

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
        (lambda *args: 0.0, "plain named parameters"),
        (lambda a, b, dx: b * dx, "should return 2 gradient(s) (da, db)"),
        (lambda a, b, dx: (b * dx, "a"), "db must be a number"),
        (lambda a, b, dx: (b * dx, None), "db must be a number"),
    ],
)
def test_a_malformed_function_raises_a_clear_type_error(backward, complaint):
    with pytest.raises(TypeError, match=complaint.replace("(", r"\(").replace(")", r"\)")):
        exercises.check("mul", backward)


def test_the_learners_own_errors_surface_unchanged():
    def backward(a, b, dx):
        return undefined_name * dx, a * dx  # noqa: F821 - the slip under test

    with pytest.raises(NameError, match="undefined_name"):
        exercises.check("mul", backward)


def test_unknown_tasks_are_named():
    with pytest.raises(ValueError, match="neither an exercise .*mul.*nor an expression gatekit"):
        exercises.check("mul(", lambda a, dx: a)
    with pytest.raises(KeyError, match="no exercise 'mull'; the exercises are mul, add"):
        exercises.get("mull")
    with pytest.raises(ValueError, match="positive whole number"):
        exercises.check("mul", exercises.get("mul").solution, points=0)


def test_the_result_shows_as_its_message():
    result = exercises.check("add", exercises.get("add").solution)
    assert repr(result) == str(result) == result.message


def test_exercises_load_no_plotting_or_widgets():
    code = ("import sys, gatekit.exercises; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "[]"


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
