"""Training as a model: a `TrainingSession` holds what a run needs (the model, the data set,
the step size and regularization, the seeded rng, the start parameters and the history) and
steps it; `train` is the loop over one, and the TrainingExplorer is a view of one."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..datasets import check_data
from ..errors import RefusedType, RefusedValue
from ..gates import check_number
from .losses import check_label, score_data
from .protocol import (
    StepResult,
    Trainable,
    check_regularization,
    check_step_size,
    diverged,
)

__all__ = ["History", "TrainingSession", "train"]


@dataclass
class History:
    """What a session saw, one entry per iteration: accuracy, mean hinge cost, parameters,
    and the step itself (which points, which pulls)."""

    accuracy: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    parameters: list[np.ndarray] = field(default_factory=list)
    steps: list[StepResult] = field(default_factory=list)

    def record(self, right: float, cost: float, parameters: np.ndarray,
               step: StepResult) -> None:
        """Append one iteration's accuracy, cost, parameters and step."""
        self.accuracy.append(right)
        self.loss.append(cost)
        self.parameters.append(parameters)
        self.steps.append(step)

    def __len__(self) -> int:
        return len(self.accuracy)


def _check_count(count: object, what: str, least: int) -> int:
    if isinstance(count, bool) or not isinstance(count, int | np.integer) or count < least:
        raise RefusedValue(f"{what} must be a whole number >= {least}, not {count!r}")
    return int(count)


class TrainingSession:
    """One training run of a `Trainable` model on 2-D points with ±1 labels.

    Everything is checked here, once: the model, the data, the hyperparameters (also when
    set later), each added point. `step(n)` trains with `numpy.random.default_rng(seed)`
    and records accuracy and mean hinge cost after every iteration in `history`; `reset()`
    restores the start parameters, the rng and an empty history. A step that would make a
    parameter or the cost infinite raises `TrainingDiverged` and keeps the last finite state.
    """

    def __init__(
        self,
        model: Trainable,
        points: object,
        labels: object,
        step_size: float = 0.01,
        regularization: float = 1.0,
        seed: int = 0,
    ) -> None:
        if not isinstance(model, Trainable):
            raise RefusedType(
                f"{type(model).__name__} is not trainable here: it needs scores, train_step, "
                "parameters, set_parameters and drawable_circuit (see gatekit.ml.Trainable)"
            )
        self.points, self.labels = check_data(points, labels)
        self.step_size = step_size
        self.regularization = regularization
        self.seed = _check_count(seed, "the seed", 0)
        self.model = model
        self.start = model.parameters()  # what reset() restores
        self.rng = np.random.default_rng(self.seed)
        self.history = History()

    @property
    def step_size(self) -> float:
        """How far each step moves the parameters along their grads."""
        return self._step_size

    @step_size.setter
    def step_size(self, value: float) -> None:
        self._step_size = check_step_size(value)

    @property
    def regularization(self) -> float:
        """The spring's strength: how hard every weight is pulled toward 0 (>= 0)."""
        return self._regularization

    @regularization.setter
    def regularization(self, value: float) -> None:
        self._regularization = check_regularization(value)

    @property
    def last_step(self) -> StepResult | None:
        """The latest training step, or None before the first."""
        return self.history.steps[-1] if self.history.steps else None

    def step(self, n: int = 1) -> StepResult | None:
        """Train for `n` iterations, recording each; return the last step (None when n is 0).

        On divergence the iterations before it stay recorded and the model keeps the
        parameters of the last one.
        """
        n = _check_count(n, "the number of iterations", 0)
        model, points, labels, history = self.model, self.points, self.labels, self.history
        for _ in range(n):
            result = model.train_step(points, labels, self._step_size, self._regularization,
                                      self.rng)
            right, cost = score_data(model, points, labels)
            if not np.isfinite(cost):  # finite parameters, yet scores beyond the floats
                model.set_parameters(history.parameters[-1] if history else self.start)
                raise diverged(f"iteration {len(history) + 1} sent the scores beyond the "
                               "floating-point numbers")
            history.record(right, cost, model.parameters(), result)
        return self.last_step

    def reset(self) -> None:
        """The start parameters, the seeded picking order and an empty history again (points
        added since stay, so the same start can be tried on the changed data)."""
        self.model.set_parameters(self.start)
        self.rng = np.random.default_rng(self.seed)
        self.history = History()

    def add_point(self, x: float, y: float, label: int) -> None:
        """Add a point with its ±1 label to the data set (refused whole when anything is bad)."""
        point = [check_number(x, "x"), check_number(y, "y")]
        label = check_label(label)
        self.points = np.vstack([self.points, point])
        self.labels = np.append(self.labels, label)

    def __repr__(self) -> str:
        return (f"<TrainingSession {self.model!r} on {len(self.points)} points, "
                f"{len(self.history)} iterations>")


def train(
    model: Trainable,
    points: object,
    labels: object,
    iterations: int = 400,
    step_size: float = 0.01,
    regularization: float = 1.0,
    seed: int = 0,
) -> History:
    """Train any `Trainable` for `iterations` steps with `numpy.random.default_rng(seed)`;
    return the history (a `TrainingSession` stepped `iterations` times)."""
    iterations = _check_count(iterations, "iterations", 0)
    session = TrainingSession(model, points, labels, step_size, regularization, seed)
    session.step(iterations)
    return session.history
