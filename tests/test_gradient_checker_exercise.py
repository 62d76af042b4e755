"""Chapter 17's exercise: a learner's gradient checker is judged on right and slipped gradients,
and the planted bug is in db alone, where a right checker finds it."""

from __future__ import annotations

import numpy as np
import pytest

import gatekit as gk
from gatekit.numerical import relative_error


def central_difference(f, x, index, h):
    """(f(x + h) - f(x - h)) / 2h for one entry of x, which is put back afterwards."""
    saved = x[index]
    x[index] = saved + h
    up = f(x)
    x[index] = saved - h
    down = f(x)
    x[index] = saved
    return (up - down) / (2 * h)


def central_checker(f, x, analytic, h=1e-5):
    """A right checker: central differences, entry by entry, the largest relative error."""
    return max(relative_error(analytic[index], central_difference(f, x, index, h))
               for index in np.ndindex(x.shape))


def forward_checker(f, x, analytic, h=1e-4):
    """A one-sided checker: its truncation error (∝ h) passes a right gradient as wrong."""
    base, worst = f(x), 0.0
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + h
        worst = max(worst, relative_error(analytic[index], (f(x) - base) / h))
        x[index] = saved
    return worst


def first_entry_checker(f, x, analytic, h=1e-5):
    """Compares only the first entry: misses a slip elsewhere."""
    index = (0,) * x.ndim
    return relative_error(analytic[index], central_difference(f, x, index, h))


def test_a_central_difference_checker_is_correct():
    result = gk.exercises.check_gradient_checker(central_checker)
    assert result.ok and result.right == ("W", "b", "a_prev")
    assert result.message.startswith("✓ your gradient checker: dW, db and da_prev match")


@pytest.mark.parametrize(("checker", "words"), [
    (forward_checker, "the gradient was right, but your checker reported"),
    (first_entry_checker, "one entry was off by 5% or more"),
    (lambda f, x, analytic: 0.0, "one entry was off by 5% or more"),
])
def test_a_checker_that_misjudges_is_told_which_case_it_got_wrong(checker, words):
    result = gk.exercises.check_gradient_checker(checker)
    assert result.status == "wrong" and words in result.message


@pytest.mark.parametrize(("checker", "words"), [
    (lambda f, x, analytic: "small", "should return the largest relative error, a number"),
    (lambda f, x, analytic: 1 / 0, "your checker raised ZeroDivisionError"),
])
def test_a_checker_that_fails_to_answer_gets_an_error_verdict(checker, words):
    result = gk.exercises.check_gradient_checker(checker)
    assert result.status == "error" and words in result.message


def test_a_checker_still_returning_dots_is_not_written_yet():
    result = gk.exercises.check_gradient_checker(lambda f, x, analytic: ...)
    assert result.status == "blank" and "not written yet" in result.message


def test_the_planted_bug_is_in_db_alone_and_a_right_checker_finds_it():
    bug = gk.exercises.planted_bug()
    given, right = bug.backward(), bug.right_backward()
    same = [np.array_equal(g, r) for g, r in zip(given, right, strict=True)]
    assert same == [True, False, True]
    errors = {name: central_checker(bug.loss_of(name), x.copy(), g)
              for name, x, g in zip(("W", "b", "a_prev"), (bug.W, bug.b, bug.a_prev), given,
                                    strict=True)}
    assert errors["W"] < 1e-7 and errors["a_prev"] < 1e-7 and errors["b"] > 0.5


@pytest.mark.parametrize(("answer", "status"), [
    ("db", "correct"), ("b", "correct"), ("dW", "wrong"), ("da_prev", "wrong"),
    (..., "blank"), ("dz", "error"),
])
def test_the_planted_bug_verdict(answer, status):
    assert gk.exercises.planted_bug().check(answer).status == status


def test_check_gradient_checker_refuses_what_is_not_a_checker():
    with pytest.raises(TypeError, match="needs your checker function"):
        gk.exercises.check_gradient_checker(3)
    with pytest.raises(ValueError, match="trials must be a positive whole number"):
        gk.exercises.check_gradient_checker(central_checker, trials=0)
