"""The guide's pull rule and the hinge cost max(0, 1 - label * score) it is the slope of: per
point in numpy (`hinge_cost`, `measure`) and as a circuit over a whole data set (`hinge_loss`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..circuit import Circuit
from ..datasets import check_data
from ..errors import RefusedValue
from ..functions import max as max_gate
from ..gates import Unit
from .protocol import Trainable, check_parameters, check_regularization

__all__ = [
    "check_label",
    "pull_for",
    "hinge_cost",
    "hinge_loss",
    "hinge_loss_parts",
    "score_data",
    "measure",
    "accuracy",
    "mean_hinge_cost",
]


def check_label(label: object) -> int:
    """A label as the int +1 or -1, or a ValueError naming what it is instead."""
    if isinstance(label, bool) or label not in (1, -1):
        raise RefusedValue(f"a label must be +1 or -1, not {label!r}")
    return int(label)  # type: ignore[call-overload]


def pull_for(label: int, score: float) -> float:
    """The guide's pull on the score: up for a positive point below 1, down for a negative
    point above -1, none for a point already on the right side of its margin."""
    if label == 1 and score < 1.0:
        return 1.0
    if label == -1 and score > -1.0:
        return -1.0
    return 0.0


def squared_hinge_pull(label: int, score: float) -> float:
    """The squared hinge's pull, max(0, 1 - label·score)² halved and differentiated: as large as
    the shortfall from the margin, so a far-off outlier pulls far harder than the hinge's ±1."""
    return label * max(0.0, 1.0 - label * score)


def hinge_cost(labels: np.ndarray | float, scores: np.ndarray | float) -> np.ndarray:
    """max(0, 1 - label * score) for each point: 0 past the margin, growing linearly inside it
    (an overflowing score gives an infinite cost, without a warning)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.maximum(0.0, 1.0 - np.multiply(labels, scores))


def hinge_loss(
    points: Sequence[Sequence[float]] | np.ndarray,
    labels: Sequence[int] | np.ndarray,
    w: Sequence[float] | np.ndarray,
    alpha: float = 0.1,
) -> Circuit:
    """L = Σ max(0, -y_i * (w0*x_i0 + w1*x_i1 + w2) + 1) + alpha * (w0² + w1²) as a circuit.

    Inputs `w0, w1, w2`; wires `score{i}`, `cost{i}`, `regularization` and the output `loss`.
    Pulled down (force -1), each score's grad is the guide's pull and the weights get -2αw.
    """
    point_array, label_array = check_data(points, labels)
    weights = check_parameters(w, 3).tolist()
    alpha = check_regularization(alpha)
    w0, w1, w2 = (Unit(value, name=f"w{k}") for k, value in enumerate(weights))
    total: Unit | None = None
    for i, ((x0, x1), label) in enumerate(zip(point_array.tolist(), label_array.tolist(),
                                                strict=True)):
        score = (w0 * x0 + w1 * x1 + w2).named(f"score{i}")
        cost = max_gate(0.0, -label * score + 1.0).named(f"cost{i}")  # tie: no pull at 1
        total = cost if total is None else total + cost
    regularization = (alpha * (w0**2 + w1**2)).named("regularization")
    assert total is not None
    return Circuit((total + regularization).named("loss"))


def hinge_loss_parts(circuit: Circuit) -> dict[str, float]:
    """The values of a hinge-loss circuit's named parts: cost per example,
    regularization, loss."""
    wanted = [u for u in circuit.units if u.name and u.name.startswith(("cost", "regul"))]
    return {u.name: u.value for u in wanted} | {"loss": circuit.value}  # type: ignore[misc]


def score_data(model: Trainable, points: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Accuracy and mean hinge cost of data already checked (the session's per-step record)."""
    scores = model.scores(points)
    right = np.where(scores > 0, 1, -1) == labels
    with np.errstate(over="ignore"):  # huge costs sum to infinity, not to a warning
        return float(np.mean(right)), float(np.mean(hinge_cost(labels, scores)))


def measure(model: Trainable, points: object, labels: object) -> tuple[float, float]:
    """`accuracy` and `mean_hinge_cost` together, from one pass of the model's scores."""
    return score_data(model, *check_data(points, labels))


def accuracy(model: Trainable, points: object, labels: object) -> float:
    """The fraction of points the model classifies right (score > 0 means +1, as the guide)."""
    return measure(model, points, labels)[0]


def mean_hinge_cost(model: Trainable, points: object, labels: object) -> float:
    """The mean of max(0, 1 - y * score) over the data set: 0 once every point is past its
    margin (no regularization, so it compares across models)."""
    return measure(model, points, labels)[1]
