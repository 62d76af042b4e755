"""A check's verdict can be asserted, so a plain `assert` grades an exercise."""

import pytest

import gatekit as gk


def right(a, b, dx):
    return b * dx, a * dx


def wrong(a, b, dx):
    return b, a * dx  # the local gradient without the chain rule


def test_a_passed_check_is_true_and_a_failed_one_false():
    assert gk.exercises.check("mul", right)
    assert not gk.exercises.check("mul", wrong)
    assert bool(gk.exercises.check("mul", lambda a, b, dx: (..., ...))) is False


def test_asserting_a_failed_check_fails_with_the_verdict_as_the_message():
    result = gk.exercises.check("mul", wrong)
    with pytest.raises(AssertionError) as failure:
        assert result, result
    assert str(failure.value).startswith(result.message.splitlines()[0])
    assert "da is wrong" in str(failure.value)
