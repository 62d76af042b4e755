"""Checking a hand-written relu layer backward (chapter 12): the four equations in numpy,

    dz = da * (z > 0);  dW = dz @ a_prev.T;  db = dz.sum(axis=1, keepdims=True);  da_prev = W.T @ dz

against `gk.layers.Dense.backward` on seeded random layers and batches. Loaded on first use, so
`gk.exercises` itself never imports numpy.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..errors import RefusedType
from ..layers import Dense
from .running import LearnerCodeFailed, checked_count, run, show
from .verdicts import ArrayMismatch, CheckResult

__all__ = ["check_layer_backward"]

_NAMES = ("W", "b", "a_prev")  # the gradients returned, as dW, db, da_prev
_RTOL, _ATOL = 1e-9, 1e-12  # both sides compute the same products: only rounding may differ
_TITLE = "relu layer backward"
MAX_TRIALS = 1_000  # about a second: the most a check may take


def check_layer_backward(
    backward: Callable[..., object], trials: int = 5, seed: int = 0
) -> CheckResult:
    """Check `backward(da, z, a_prev, W) -> (dW, db, da_prev)` for a relu layer on `trials`
    seeded random layers; a blank line (`dW = ...`) reads as not written yet.

    What the function does when run -- a wrong array, a wrong shape, an exception, a loop past
    the time limit -- is the verdict's message.
    """
    if not callable(backward):
        raise RefusedType(f"check_layer_backward needs your backward function, not"
                          f" {show(backward, 60)}")
    trials = checked_count(trials, "trials", MAX_TRIALS)
    rtol, atol = _RTOL, _ATOL  # read before the learner's code runs
    rng = np.random.default_rng(seed)
    worst: dict[str, ArrayMismatch] = {}
    blank: set[str] = set()
    for _ in range(trials):
        layer, a_prev, da, where = _random_layer(rng)
        da_prev = layer.backward(da).copy()  # the layer reuses its buffers: copy them all
        expected = (layer.dW.copy(), layer.db.copy(), da_prev)
        try:
            given = run("your backward", backward, da.copy(), layer.z.copy(), a_prev.copy(),
                        layer.W.copy())
        except LearnerCodeFailed as failure:
            return _error(f"{failure.sentence}, on {where}", trials)
        if not isinstance(given, tuple | list) or len(given) != 3:
            return _error("your backward should return three arrays, dW, db and da_prev; it"
                          f" returned {show(given, 60)}", trials)
        for name, mine, right in zip(_NAMES, given, expected, strict=True):
            if mine is Ellipsis:
                blank.add(name)
                continue
            try:
                mine = np.asarray(mine, dtype=np.float64)
            except (TypeError, ValueError):
                return _error(f"d{name} should be an array of numbers; your backward returned"
                              f" {show(mine, 60)}", trials)
            if mine.shape != right.shape:
                return _error(f"d{name} has shape {mine.shape} on {where}; it should be"
                              f" {right.shape}", trials)
            if not np.allclose(mine, right, rtol=rtol, atol=atol):
                mismatch = ArrayMismatch(name, where, float(np.max(np.abs(mine - right))))
                if name not in worst or not mismatch.difference <= worst[name].difference:
                    worst[name] = mismatch
    right = tuple(name for name in _NAMES if name not in worst and name not in blank)
    status = "wrong" if worst else "blank" if blank else "correct"
    return CheckResult(
        _TITLE, status, right, tuple(worst[name] for name in _NAMES if name in worst),
        tuple(name for name in _NAMES if name in blank), trials,
        against="the matrix form", over=f"on all {trials} random layers",
    )


def _random_layer(rng: np.random.Generator) -> tuple[Dense, np.ndarray, np.ndarray, str]:
    """A relu layer of 1-5 inputs and outputs, run forward on a batch of 1-5, with a random
    gradient `da` for its output, and a phrase saying which layer it is."""
    n_inputs, n_outputs, batch = (int(n) for n in rng.integers(1, 6, size=3))
    layer = Dense(n_inputs, n_outputs, "relu", seed=rng)
    layer.b[...] = rng.normal(size=(n_outputs, 1))
    a_prev, da = rng.normal(size=(n_inputs, batch)), rng.normal(size=(n_outputs, batch))
    layer.forward(a_prev)
    return layer, a_prev, da, f"a {n_inputs}→{n_outputs} layer on a batch of {batch}"


def _error(problem: str, trials: int) -> CheckResult:
    """The verdict when the learner's function did something other than return gradients."""
    return CheckResult(_TITLE, "error", (), (), (), trials, problem)
