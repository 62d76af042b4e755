"""Losses for a network's outputs: each returns the loss and its gradient for the outputs."""

from __future__ import annotations

import numpy as np

from ..errors import RefusedValue
from ..ml.losses import hinge_cost
from .dense import check_shape

__all__ = ["svm_loss", "mean_squared_error"]


def _check_targets(what: str, targets: object, outputs: np.ndarray) -> np.ndarray:
    """Targets as an array shaped like the outputs (a flat vector is fine for one output)."""
    targets = np.asarray(targets, dtype=np.float64)
    if targets.ndim == 1 and outputs.shape[0] == 1:
        targets = targets.reshape(1, -1)
    check_shape(what, targets, outputs.shape, " (like the network's outputs)")
    return targets


def svm_loss(scores: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Max-margin loss mean(relu(1 - y·score)) over the batch and its gradient for the scores.

    Labels are ±1. An example scored on the right side by a margin of at least 1 costs nothing
    and pulls on nothing; every other one pulls its score towards its label with force 1/N.
    """
    scores = np.asarray(scores, dtype=np.float64)
    labels = _check_targets("the labels", labels, scores)
    if np.any(np.abs(labels) != 1.0):
        raise RefusedValue(f"SVM labels must be -1 or +1, got the values {np.unique(labels)}")
    n = scores.shape[1]
    costs = hinge_cost(labels, scores)
    violated = costs > 0.0
    dscores = np.where(violated, labels * (-1.0 / n), 0.0)
    return float(np.sum(costs, where=violated) / n), dscores


def mean_squared_error(
    predictions: np.ndarray, targets: np.ndarray
) -> tuple[float, np.ndarray]:
    """mean((prediction - target)²) over every entry, and its gradient 2·(p - t)/count."""
    predictions = np.asarray(predictions, dtype=np.float64)
    targets = _check_targets("the targets", targets, predictions)
    error = predictions - targets
    return float(np.mean(error * error)), error * (2.0 / error.size)
