"""What a model promises the training loop (`Trainable`), what one step reports (`StepResult`),
and the checks made once where numbers enter: hyperparameters, parameter arrays, and a step
that would leave the finite numbers (`TrainingDiverged`)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from ..circuit import Circuit
from ..errors import RefusedOverflow, RefusedValue
from ..gates import check_number

__all__ = [
    "StepResult",
    "Trainable",
    "TrainingDiverged",
    "check_step_size",
    "check_regularization",
    "check_parameters",
    "as_points",
    "diverged",
    "refuse_divergence",
]


@dataclass(frozen=True)
class StepResult:
    """What one training iteration did: the points it used, the pull on each, its loss."""

    indices: np.ndarray
    pulls: np.ndarray
    loss: float


@runtime_checkable
class Trainable(Protocol):
    """What `TrainingSession`, `train` and the TrainingExplorer need from a model.

    `train_step` gets points and labels as `check_data` returns them and hyperparameters
    already checked (the session checks them once); it raises `TrainingDiverged` and moves
    nothing when a step would leave the finite numbers.
    """

    def scores(self, points: np.ndarray) -> np.ndarray:
        """Decision values for an (n, 2) array of points, one per point (> 0 means +1)."""
        ...

    def train_step(
        self,
        points: np.ndarray,
        labels: np.ndarray,
        step_size: float,
        regularization: float,
        rng: np.random.Generator,
    ) -> StepResult:
        """One training iteration on a point or batch picked with `rng`."""
        ...

    def parameters(self) -> np.ndarray:
        """A copy of every parameter as one flat float array."""
        ...

    def set_parameters(self, values: np.ndarray) -> None:
        """Restore parameters saved by `parameters()`."""
        ...

    def drawable_circuit(self) -> Circuit | None:
        """The latest step's circuit for drawing, or None."""
        ...


class TrainingDiverged(RefusedOverflow):
    """A training step would have made a parameter or the loss infinite or NaN; the model
    keeps the last finite state it had."""


def diverged(what: str) -> TrainingDiverged:
    """The error for a step refused because `what` left the finite numbers, saying what to do."""
    return TrainingDiverged(
        f"training diverged: {what}; the model keeps its last finite parameters. "
        "Lower the step size or the regularization and try again."
    )


def refuse_divergence(names: Iterable[str], values: np.ndarray) -> None:
    """Raise `TrainingDiverged` naming the first non-finite value (the names in order), if any."""
    if np.all(np.isfinite(values)):
        return
    index = int(np.flatnonzero(~np.isfinite(values))[0])
    name = next(itertools.islice(names, index, None))
    raise diverged(f"{name} would become {values[index]}")


def check_step_size(step_size: object) -> float:
    """The step size as a finite float > 0, or an error naming it."""
    step_size = check_number(step_size, "the step size")
    if step_size <= 0:
        raise RefusedValue(f"the step size must be > 0 (how far a step moves along the grads), "
                           f"not {step_size}")
    return step_size


def check_regularization(regularization: object) -> float:
    """The regularization strength as a finite float >= 0, or an error naming it."""
    regularization = check_number(regularization, "the regularization strength")
    if regularization < 0:
        raise RefusedValue(f"the regularization strength must be >= 0, not {regularization}")
    return regularization


def as_points(points: object, inputs: int = 2) -> np.ndarray:
    """Points for a model to look at as an (n, inputs) float array; one point, shape (inputs,),
    is one row (what a learner means by it). Anything else is refused with its shape."""
    try:
        array = np.asarray(points, dtype=float)
    except (TypeError, ValueError):
        raise RefusedValue(f"points must be numbers, an (n, {inputs}) array of rows, not"
                           f" {type(points).__name__} {str(points)[:40]!r}") from None
    if array.shape == (inputs,):
        return array[np.newaxis, :]
    if array.ndim != 2 or array.shape[1] != inputs:
        raise RefusedValue(f"points must have shape (n, {inputs}), one row per point (or shape"
                           f" ({inputs},) for one point), not {array.shape}")
    return array


def check_parameters(values: object, size: int) -> np.ndarray:
    """`values` as a finite float array of shape (size,), or a ValueError saying what is wrong."""
    array = np.asarray(values, dtype=float)
    if array.shape != (size,):
        raise RefusedValue(f"parameters must have shape ({size},), not {array.shape}")
    if not np.all(np.isfinite(array)):
        raise RefusedValue(f"parameters must be finite, got {array.tolist()}")
    return array
