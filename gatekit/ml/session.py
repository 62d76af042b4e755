"""Training as a model: a `TrainingSession` holds what a run needs (the model, the data set and
its held-out test set, the step size, regularization and batch size, the seeded rng, the start
parameters and the history) and steps it; `train` is the loop over one, and the
TrainingExplorer is a view of one."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..datasets import check_data
from ..errors import RefusedType, RefusedValue
from ..gates import check_number
from ..units import check_whole
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
    and the step itself (which points, which pulls); with a test set, the test accuracy and
    mean hinge cost too (empty lists without one)."""

    accuracy: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    parameters: list[np.ndarray] = field(default_factory=list)
    steps: list[StepResult] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)

    def record(self, right: float, cost: float, parameters: np.ndarray,
               step: StepResult, test: tuple[float, float] | None = None) -> None:
        """Append one iteration's accuracy, cost, parameters and step (and test scores)."""
        self.accuracy.append(right)
        self.loss.append(cost)
        self.parameters.append(parameters)
        self.steps.append(step)
        if test is not None:
            self.test_accuracy.append(test[0])
            self.test_loss.append(test[1])

    def __len__(self) -> int:
        return len(self.accuracy)


def check_test_fraction(fraction: object) -> float:
    """The share of points held out for testing: a number from 0 up to (not including) 1."""
    if isinstance(fraction, bool) or not isinstance(fraction, int | float | np.floating):
        raise RefusedType(f"test_fraction must be a number from 0 to 1, not {fraction!r}")
    if not 0.0 <= fraction < 1.0:
        raise RefusedValue(f"test_fraction must be from 0 up to (not including) 1, "
                           f"not {fraction!r}")
    return float(fraction)


def split(points: np.ndarray, labels: np.ndarray, fraction: float, seed: int
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(train points, train labels, test points, test labels): round(fraction·n) points picked
    at random with `seed` are held out, at least one left to train on."""
    count = round(check_test_fraction(fraction) * len(points))
    if count and count >= len(points):
        raise RefusedValue(f"test_fraction={fraction} holds out all {len(points)} points; "
                           "leave some to train on")
    order = np.random.default_rng(seed).permutation(len(points))
    test, kept = np.sort(order[:count]), np.sort(order[count:])
    return points[kept], labels[kept], points[test], labels[test]


class TrainingSession:
    """One training run of a `Trainable` model on 2-D points with ±1 labels.

    Everything is checked here, once: the model, the data, the hyperparameters (also when
    set later), each added point. `step(n)` trains with `numpy.random.default_rng(seed)`
    and records accuracy and mean hinge cost after every iteration in `history`; `reset()`
    restores the start parameters, the rng and an empty history. A step that would make a
    parameter or the cost infinite raises `TrainingDiverged` and keeps the last finite state.

    A test set is held out with `test_fraction` (a seeded split of the points) or given as
    `test_points`/`test_labels`; it never trains, and its accuracy and cost are recorded
    beside training's. `batch_size=None` lets the model take its own batch (the whole set for
    a network, one point for the guide's models); a number k gives it k points picked with the
    rng each step. The losses are means, so a batch's pull is as strong as the whole set's and
    the step size means the same at every batch size.
    """

    def __init__(
        self,
        model: Trainable,
        points: object,
        labels: object,
        step_size: float = 0.01,
        regularization: float = 1.0,
        seed: int = 0,
        test_fraction: float = 0.0,
        test_points: object = None,
        test_labels: object = None,
        batch_size: int | None = None,
    ) -> None:
        if not isinstance(model, Trainable):
            raise RefusedType(
                f"{type(model).__name__} is not trainable here: it needs scores, train_step, "
                "parameters, set_parameters and drawable_circuit (see gatekit.ml.Trainable)"
            )
        points, labels = check_data(points, labels)
        self.seed = check_whole(seed, "the seed", 0)
        if test_points is None and test_labels is None:
            self.points, self.labels, self.test_points, self.test_labels = split(
                points, labels, test_fraction, self.seed)
        elif test_fraction:
            raise RefusedValue("give either test_fraction or test_points and test_labels, "
                               "not both")
        elif test_points is None or test_labels is None:
            raise RefusedValue("give test_points and test_labels together")
        else:
            self.points, self.labels = points, labels
            self.test_points, self.test_labels = check_data(test_points, test_labels)
        self.step_size = step_size
        self.regularization = regularization
        self.batch_size = batch_size
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
    def batch_size(self) -> int | None:
        """Points per step picked with the rng, or None for the model's own batch."""
        return self._batch_size

    @batch_size.setter
    def batch_size(self, value: int | None) -> None:
        self._batch_size = None if value is None else check_whole(value, "the batch size", 1)

    @property
    def last_step(self) -> StepResult | None:
        """The latest training step, or None before the first."""
        return self.history.steps[-1] if self.history.steps else None

    def step(self, n: int = 1) -> StepResult | None:
        """Train for `n` iterations, recording each; return the last step (None when n is 0).

        On divergence the iterations before it stay recorded and the model keeps the
        parameters of the last one.
        """
        n = check_whole(n, "the number of iterations", 0)
        model, points, labels, history = self.model, self.points, self.labels, self.history
        testing = len(self.test_points) > 0
        for _ in range(n):
            result = self._train_step()
            right, cost = score_data(model, points, labels)
            if not np.isfinite(cost):  # finite parameters, yet scores beyond the floats
                model.set_parameters(history.parameters[-1] if history else self.start)
                raise diverged(f"iteration {len(history) + 1} sent the scores beyond the "
                               "floating-point numbers")
            test = score_data(model, self.test_points, self.test_labels) if testing else None
            history.record(right, cost, model.parameters(), result, test)
        return self.last_step

    def _train_step(self) -> StepResult:
        """One model step on the whole set, or on a batch picked with the rng (its indices
        then counted in the whole set)."""
        if self._batch_size is None or self._batch_size >= len(self.points):
            return self.model.train_step(self.points, self.labels, self._step_size,
                                         self._regularization, self.rng)
        batch = np.sort(self.rng.choice(len(self.points), self._batch_size, replace=False))
        result = self.model.train_step(self.points[batch], self.labels[batch],
                                       self._step_size, self._regularization, self.rng)
        return StepResult(batch[result.indices], result.pulls, result.loss)

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
        held_out = f" (+{len(self.test_points)} to test)" if len(self.test_points) else ""
        return (f"<TrainingSession {self.model!r} on {len(self.points)} points{held_out}, "
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
    iterations = check_whole(iterations, "iterations", 0)
    session = TrainingSession(model, points, labels, step_size, regularization, seed)
    session.step(iterations)
    return session.history
