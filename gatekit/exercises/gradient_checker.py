"""Chapter 17's exercise: the learner's own gradient checker, and the bug it should find.

`check_gradient_checker(checker)` runs `checker(f, x, analytic) -> float` (the largest relative
error between `analytic` and the central differences of `f` at the array `x`) on a tanh layer's
three gradients, each once right and once with one entry wrong: a good checker reports a right
gradient below PASS and a wrong one above FAIL. `planted_bug()` is a tanh layer whose backward
has one slip; `PlantedBug.check(name)` says whether the learner's checker found it. Loaded on
first use, so `gk.exercises` itself never imports numpy.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import RefusedValue
from .running import LearnerCodeFailed, run, show
from .verdicts import CheckResult

__all__ = ["check_gradient_checker", "planted_bug", "PlantedBug", "PASS", "FAIL"]

PASS = 1e-5  # a right gradient: central differences of a smooth loss agree far better than this
FAIL = 1e-3  # a wrong one: the slip planted below makes one entry off by 5% or more
_NAMES = ("W", "b", "a_prev")
_TITLE = "your gradient checker"


@dataclass(frozen=True)
class PlantedBug:
    """A tanh layer (z = W @ a_prev + b, a = tanh(z)) with a fixed batch and upstream `da`,
    whose `backward()` gets one of dW, db and da_prev wrong."""

    W: np.ndarray
    b: np.ndarray
    a_prev: np.ndarray
    da: np.ndarray

    def loss(self, W: np.ndarray, b: np.ndarray, a_prev: np.ndarray) -> float:
        """Σ da ⊙ tanh(W @ a_prev + b): a loss whose gradient for the layer's output is `da`."""
        return float(np.sum(self.da * np.tanh(W @ a_prev + b)))

    def loss_of(self, name: str) -> Callable[[np.ndarray], float]:
        """The loss as a function of one array ("W", "b" or "a_prev"), the others held."""
        index = _NAMES.index(name)
        arrays = (self.W, self.b, self.a_prev)
        return lambda x: self.loss(*(x if k == index else a for k, a in enumerate(arrays)))

    def _dz(self) -> np.ndarray:
        """dz = da ⊙ (1 - tanh(z)²)."""
        return self.da * (1.0 - np.tanh(self.W @ self.a_prev + self.b) ** 2)

    def right_backward(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The four equations without the slip: dW, db and da_prev."""
        dz = self._dz()
        return dz @ self.a_prev.T, dz.sum(axis=1, keepdims=True), self.W.T @ dz

    def backward(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """dW, db and da_prev as a hurried hand wrote them: one of them is wrong."""
        dW, _, da_prev = self.right_backward()
        return dW, self._dz().mean(axis=1, keepdims=True), da_prev

    def check(self, name: object) -> CheckResult:
        """The verdict on the learner's finding: `name` is "dW", "db" or "da_prev"."""
        if name is Ellipsis:
            return CheckResult("the planted bug", "blank", (), (), (), 1,
                               "not answered yet: name the gradient your checker fails")
        answer = str(name).removeprefix("d")
        if answer not in _NAMES:
            return CheckResult("the planted bug", "error", (), (), (), 1,
                               f"{show(name, 30)} is none of dW, db and da_prev")
        if answer != "b":
            return CheckResult("the planted bug", "wrong", (), (), (), 1,
                               f"d{answer} is right: a good checker passes it. Check all three")
        return CheckResult("the planted bug", "correct", ("b",), (), (), 1,
                           against="the gradient with the slip", over="(the backward averages dz"
                           " over the batch, dz.mean, where db is its sum: 4 times too small)")


def planted_bug(seed: int = 0) -> PlantedBug:
    """A seeded 3 -> 2 tanh layer on a batch of 4, with the slip in its backward."""
    return PlantedBug(*_random_layer(np.random.default_rng(seed), 3, 2, 4))


def check_gradient_checker(
    checker: Callable[..., object], trials: int = 2, seed: int = 0
) -> CheckResult:
    """Run `checker(f, x, analytic)` on `trials` seeded tanh layers: for W, b and a_prev, the
    right gradient must come out below PASS, the same with one entry off above FAIL."""
    if not callable(checker):
        raise TypeError(f"check_gradient_checker needs your checker function, not"
                        f" {show(checker, 60)}")
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise RefusedValue(f"trials must be a positive whole number, not {trials!r}")
    rng = np.random.default_rng(seed)
    for _ in range(trials):
        shape = tuple(int(n) for n in rng.integers(1, 5, size=3))
        layer = PlantedBug(*_random_layer(rng, *shape))
        right = layer.right_backward()
        for index, name in enumerate(_NAMES):
            f, x = layer.loss_of(name), (layer.W, layer.b, layer.a_prev)[index]
            wrong = right[index].copy()
            entry = tuple(int(rng.integers(n)) for n in wrong.shape)
            wrong[entry] += 0.05 * abs(wrong[entry]) + 0.01
            where = f"d{name} of a {shape[0]}→{shape[1]} tanh layer on a batch of {shape[2]}"
            for analytic, good in ((right[index], True), (wrong, False)):
                status, problem = _judge(checker, f, x, analytic, good, where)
                if problem:
                    return CheckResult(_TITLE, status, (), (), (), trials, problem)
    return CheckResult(
        _TITLE, "correct", _NAMES, (), (), trials, against="a good checker's verdicts",
        over=f"(below {PASS:g} when right, above {FAIL:g} when one entry is off) on all {trials}"
        " random layers",
    )


def _judge(checker: Callable[..., object], f: Callable[[np.ndarray], float], x: np.ndarray,
           analytic: np.ndarray, good: bool, where: str) -> tuple[str, str]:
    """The verdict's status and sentence for the checker's answer on one case ('' when right)."""
    try:
        error = run("your checker", checker, f, x.copy(), analytic.copy(), learner=checker)
    except LearnerCodeFailed as failure:
        return "error", f"{failure.sentence}, on {where}"
    if error is Ellipsis:
        return "blank", "not written yet: it returns `...`"
    if isinstance(error, np.ndarray) and error.size == 1:
        error = error.item()
    if isinstance(error, bool) or not isinstance(error, numbers.Real):
        return "error", ("your checker should return the largest relative error, a number; it"
                         f" returned {show(error, 40)}")
    if good and not error < PASS:
        return "wrong", (f"on {where}, the gradient was right, but your checker reported"
                         f" {error:.3g} (a right one is below {PASS:g}: is h too large, or the"
                         " difference one-sided?)")
    if not good and not error > FAIL:
        return "wrong", (f"on {where}, one entry was off by 5% or more, but your checker reported"
                         f" {error:.3g} (above {FAIL:g} means a bug: compare every entry, keep"
                         " the largest)")
    return "correct", ""


def _random_layer(
    rng: np.random.Generator, n_inputs: int, n_outputs: int, batch: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """W, b, a_prev and da of a tanh layer whose every gradient entry is at least 0.01 in size,
    so that a relative error measures the checker, not the rounding of a gradient near 0."""
    while True:
        W = rng.normal(size=(n_outputs, n_inputs))
        b = rng.normal(size=(n_outputs, 1))
        a_prev = rng.normal(size=(n_inputs, batch))
        da = rng.normal(size=(n_outputs, batch))
        layer = PlantedBug(W, b, a_prev, da)
        if all(np.min(np.abs(g)) >= 0.01 for g in layer.right_backward()):
            return W, b, a_prev, da
