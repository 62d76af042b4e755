"""Losses for a network's outputs: each returns the loss and its gradient for the outputs."""

from __future__ import annotations

import numpy as np

from ..errors import RefusedValue
from ..ml.losses import hinge_cost
from .dense import check_shape

__all__ = ["svm_loss", "mean_squared_error", "softmax", "softmax_cross_entropy"]


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


def softmax(scores: np.ndarray) -> np.ndarray:
    """Each column's e^score / Σ e^score: the class probabilities of every example.

    The column's largest score is subtracted first (the result is the same), so e^score never
    overflows: scores of 1000 give probabilities, not inf / inf.
    """
    scores = np.asarray(scores, dtype=np.float64)
    e = np.exp(scores - scores.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_cross_entropy(scores: np.ndarray, labels: object) -> tuple[float, np.ndarray]:
    """Mean over the batch of -log softmax(scores)[label], and its gradient (p - y) / N.

    `scores` has one row per class and one column per example (as gk.layers' outputs);
    `labels` holds each example's class index 0 … classes-1. The log of the probabilities is
    taken as shifted - log Σ e^shifted (log-sum-exp), never as log of a probability that
    rounded to 0, so the loss stays finite however confident and wrong a score is.
    """
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 2:
        raise RefusedValue(f"the scores should have shape (classes, batch), not {scores.shape}")
    classes, n = scores.shape
    labels = _check_classes(labels, classes, n)
    if not np.all(np.isfinite(scores)):
        raise RefusedValue("the scores must be finite numbers; some are infinite or NaN")
    shifted = scores - scores.max(axis=0, keepdims=True)
    log_total = np.log(np.exp(shifted).sum(axis=0))
    columns = np.arange(n)
    loss = float(np.mean(log_total - shifted[labels, columns]))
    dscores = np.exp(shifted - log_total)  # p
    dscores[labels, columns] -= 1.0  # p - y
    return loss, dscores / n


def _check_classes(labels: object, classes: int, n: int) -> np.ndarray:
    """Labels as an int array of n class indices in 0 … classes-1, or a refusal naming why."""
    array = np.asarray(labels)
    if array.shape != (n,):
        raise RefusedValue(f"the labels should be {n} class indices, one per example (a column"
                           f" of the scores), but have shape {array.shape}")
    if not np.issubdtype(array.dtype, np.integer):
        whole = np.issubdtype(array.dtype, np.floating) and np.all(array == np.round(array))
        if not whole:
            raise RefusedValue(f"the labels should be whole class numbers, not {array.dtype}"
                               " values")
        array = array.astype(np.int64)
    outside = np.flatnonzero((array < 0) | (array >= classes))
    if len(outside):
        raise RefusedValue(f"label {outside[0]} is {array[outside[0]]}, but the scores have"
                           f" {classes} classes (0 to {classes - 1})")
    return array
