"""gk.exercises.check_layer_backward: a hand-written relu layer backward (chapter 12) checked
against the matrix form, with the same CheckResult as the other checkers."""

import signal

import numpy as np
import pytest
from fresh_python import loaded_after

import gatekit as gk
from gatekit.exercises import CheckResult, check_layer_backward, running


def written_backward(da, z, a_prev, W):
    """The four equations for a relu layer, as a learner would write them."""
    dz = da * (z > 0)
    dW = dz @ a_prev.T
    db = dz.sum(axis=1, keepdims=True)
    da_prev = W.T @ dz
    return dW, db, da_prev


def test_the_four_equations_pass():
    result = check_layer_backward(written_backward)
    assert isinstance(result, CheckResult) and result.ok and result.status == "correct"
    assert result.right == ("W", "b", "a_prev")
    assert result.message == (
        "✓ relu layer backward: dW, db and da_prev match the matrix form on all 5 random layers.")
    assert check_layer_backward(written_backward, trials=12, seed=3).message.endswith(
        "on all 12 random layers.")


def test_it_is_the_same_function_under_gk_exercises():
    assert gk.exercises.check_layer_backward is check_layer_backward


def test_a_layer_without_the_relu_slope_is_wrong_in_dw_db_and_da_prev():
    def no_relu(da, z, a_prev, W):
        return da @ a_prev.T, da.sum(axis=1, keepdims=True), W.T @ da

    result = check_layer_backward(no_relu)
    assert result.status == "wrong" and not result.ok
    assert [m.variable for m in result.wrong] == ["W", "b", "a_prev"]
    assert result.message.startswith("✗ relu layer backward: wrong.\n  dW is wrong on a ")
    assert all(m.largest_error > 1e-3 for m in result.wrong)


def test_one_wrong_array_leaves_the_others_right():
    def wrong_db(da, z, a_prev, W):
        dW, db, da_prev = written_backward(da, z, a_prev, W)
        return dW, 2.0 * db, da_prev

    result = check_layer_backward(wrong_db)
    assert result.right == ("W", "a_prev") and [m.variable for m in result.wrong] == ["b"]
    assert "Right: dW and da_prev." in result.message


def test_blank_lines_read_as_not_written_yet():
    def blank(da, z, a_prev, W):
        return ..., ..., ...

    def half_done(da, z, a_prev, W):
        dW, _, _ = written_backward(da, z, a_prev, W)
        return dW, ..., ...

    result = check_layer_backward(blank)
    assert result.status == "blank" and result.blank == ("W", "b", "a_prev")
    assert "not written yet" in result.message
    done = check_layer_backward(half_done)
    assert done.status == "blank" and done.right == ("W",) and done.blank == ("b", "a_prev")


def test_a_wrong_shape_is_named():
    def flat_db(da, z, a_prev, W):
        dW, db, da_prev = written_backward(da, z, a_prev, W)
        return dW, db.ravel(), da_prev

    result = check_layer_backward(flat_db)
    assert result.status == "error"
    assert result.message.startswith("✗ relu layer backward: db has shape (")
    assert "; it should be (" in result.message


@pytest.mark.parametrize(
    ("backward", "complaint"),
    [
        (lambda da, z, a_prev, W: da @ W, "your backward raised ValueError: matmul"),
        (lambda da, z, a_prev, W: (1, 2), "should return three arrays, dW, db and da_prev"),
        (lambda da, z, a_prev, W: ("x", 1, 2), "dW should be an array of numbers"),
    ],
)
def test_what_the_function_does_wrong_is_a_verdict(backward, complaint):
    result = check_layer_backward(backward)
    assert result.status == "error" and not result.ok and complaint in result.message


def test_trials_must_be_a_positive_whole_number():
    for trials in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="trials must be a positive whole number"):
            check_layer_backward(written_backward, trials=trials)
    with pytest.raises(TypeError, match="needs your backward function"):
        check_layer_backward("dW = dz @ a_prev.T")


def test_the_layers_are_seeded_and_the_learners_arrays_are_copies():
    seen = []

    def records(da, z, a_prev, W):
        seen.append(W.copy())
        W[...] = 0.0  # scribbling on its arguments cannot change the right answer
        return written_backward(da, z, a_prev, W)

    first = check_layer_backward(records, trials=2, seed=7)
    again = check_layer_backward(records, trials=2, seed=7)
    assert all(np.array_equal(a, b) for a, b in zip(seen[:2], seen[2:], strict=True))
    assert first.message == again.message and first.status == "wrong"


def test_a_layer_backward_that_never_ends_is_stopped(monkeypatch):
    monkeypatch.setattr(running, "TIME_LIMIT", 0.1)

    def forever(da, z, a_prev, W):
        while True:
            pass

    result = check_layer_backward(forever)
    assert result.status == "error" and "ran for more than 0.1 s" in result.message
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_gk_exercises_loads_numpy_only_for_the_layer_check():
    assert loaded_after("import gatekit.exercises", ("numpy",)) == []
    assert loaded_after("import gatekit.exercises as e\ne.check_layer_backward", ("numpy",)) == [
        "numpy"
    ]


def test_trials_are_capped_at_what_runs_in_about_a_second():
    with pytest.raises(ValueError, match="^trials must be at most 1,000, not 100,000: more would"):
        check_layer_backward(lambda *args: None, trials=100_000)
