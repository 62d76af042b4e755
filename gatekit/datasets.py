"""Small 2-D data sets with ±1 labels for chapter 2: the guide's six points and seeded shapes.

Every generator returns `(points, labels)`: an (n, 2) float array and an (n,) int array of
+1 and -1, made with `numpy.random.default_rng(seed)` so the same seed gives the same set.
`spiral_arms` is the one multi-class set: its labels are class indices 0, 1, 2, ….
`PLAYGROUND` names the TensorFlow Playground's sets (circle, xor, gauss, spiral) and two moons,
each taking `n`, `noise` and `seed`; `check_data` is the one place that validates a data set for
the models and the widget. Bad arguments are refused with a sentence (gatekit.errors' classes).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .errors import RefusedType, RefusedValue
from .public import public_dir as _public_dir
from .units import check_whole

__all__ = [
    "guide_points",
    "linearly_separable",
    "two_moons",
    "circles",
    "circle",
    "xor",
    "gauss",
    "spiral",
    "spiral_arms",
    "PLAYGROUND",
    "check_data",
]

# Chapter 7's six training points and their labels, in the order of the course outline.
_GUIDE_POINTS = [(1.2, 0.7), (-0.3, -0.5), (3.0, 0.1), (-0.1, -1.0), (-1.0, 1.1), (2.1, -3.0)]
_GUIDE_LABELS = [1, -1, 1, -1, -1, 1]


def guide_points() -> tuple[list[tuple[float, float]], list[int]]:
    """The six training points of chapter 7 and their ±1 labels (fresh lists on every call)."""
    return list(_GUIDE_POINTS), list(_GUIDE_LABELS)


def _check_size(n: int) -> int:
    return check_whole(n, "n", 2)


def _check_noise(noise: float) -> float:
    """The noise's standard deviation as a finite float >= 0, or refused with a sentence."""
    if isinstance(noise, bool) or not isinstance(noise, int | float | np.floating | np.integer):
        raise RefusedType(f"noise must be a number (a standard deviation), not {noise!r}")
    if not 0.0 <= noise < np.inf:
        raise RefusedValue(f"noise must be a finite number >= 0, not {noise!r}")
    return float(noise)


def _rng(seed: int) -> np.random.Generator:
    """numpy's generator for a whole-number seed >= 0, or refused with a sentence."""
    return np.random.default_rng(check_whole(seed, "a data set's seed", 0))


def _halves(n: int) -> tuple[int, int]:
    """How many negative and positive points an n-point set gets."""
    return n // 2, n - n // 2


def _labels(n_negative: int, n_positive: int) -> np.ndarray:
    return np.concatenate([-np.ones(n_negative, dtype=int), np.ones(n_positive, dtype=int)])


def linearly_separable(
    n: int = 40, margin: float = 0.5, noise: float = 0.4, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two blobs either side of the line x + y = 0, at least `margin` away from it."""
    n, noise = _check_size(n), _check_noise(noise)
    rng = _rng(seed)
    n_negative, n_positive = _halves(n)
    along = rng.uniform(-2.0, 2.0, n)
    away = margin + np.abs(rng.normal(0.0, noise + 0.5, n))
    side = _labels(n_negative, n_positive)
    normal = np.array([1.0, 1.0]) / np.sqrt(2.0)
    direction = np.array([1.0, -1.0]) / np.sqrt(2.0)
    points = along[:, None] * direction + (side * away)[:, None] * normal
    return points, side


def two_moons(n: int = 60, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles (upper: -1, lower: +1) with Gaussian noise."""
    n, noise = _check_size(n), _check_noise(noise)
    rng = _rng(seed)
    n_negative, n_positive = _halves(n)
    upper = np.linspace(0.0, np.pi, n_negative)
    lower = np.linspace(0.0, np.pi, n_positive)
    points = np.concatenate([
        np.column_stack([np.cos(upper), np.sin(upper)]),
        np.column_stack([1.0 - np.cos(lower), 0.5 - np.sin(lower)]),
    ])
    points += rng.normal(0.0, noise, points.shape)
    return points, _labels(n_negative, n_positive)


def circles(n: int = 60, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A ring of radius 2 (-1) around a disc of radius 1 (+1): no line separates them."""
    n, noise = _check_size(n), _check_noise(noise)
    rng = _rng(seed)
    n_negative, n_positive = _halves(n)
    angles = rng.uniform(0.0, 2.0 * np.pi, n)
    radii = np.concatenate([np.full(n_negative, 2.0), np.sqrt(rng.uniform(0, 1, n_positive))])
    points = radii[:, None] * np.column_stack([np.cos(angles), np.sin(angles)])
    points += rng.normal(0.0, noise, points.shape)
    return points, _labels(n_negative, n_positive)


def xor(n: int = 60, noise: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Four clusters at (±1, ±1): +1 where x and y have the same sign, -1 where they differ."""
    n, noise = _check_size(n), _check_noise(noise)
    rng = _rng(seed)
    corners = rng.choice(np.array([-1.0, 1.0]), size=(n, 2))
    labels = np.where(corners[:, 0] == corners[:, 1], 1, -1)
    return corners + rng.normal(0.0, noise, (n, 2)), labels


circle = circles  # the TensorFlow Playground's name for it


def gauss(n: int = 60, noise: float = 0.5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs, -1 around (-1, -1) and +1 around (1, 1), `noise` their spread: apart
    at small noise, overlapping (no model can get them all) at large."""
    n, noise = _check_size(n), _check_noise(noise)
    rng = _rng(seed)
    n_negative, n_positive = _halves(n)
    labels = _labels(n_negative, n_positive)
    return labels[:, None] * np.ones((n, 2)) + rng.normal(0.0, noise, (n, 2)), labels


def spiral(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spiral arms, -1 and +1, each turning 1.75 times as its radius grows
    from 0 to 2, with Gaussian noise on the points."""
    n, noise = _check_size(n), _check_noise(noise)
    rng = _rng(seed)
    n_negative, n_positive = _halves(n)
    labels = _labels(n_negative, n_positive)
    along = np.concatenate([np.linspace(0.0, 1.0, n_negative), np.linspace(0.0, 1.0, n_positive)])
    angle = 1.75 * 2.0 * np.pi * along + np.where(labels > 0, np.pi, 0.0)
    points = 2.0 * along[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return points + rng.normal(0.0, noise, points.shape), labels


def check_data(points: object, labels: object) -> tuple[np.ndarray, np.ndarray]:
    """Points as an (n, 2) float array and labels as an (n,) int array of ±1, or a ValueError
    that names the problem (shape, a label that is not ±1, NaN or infinity)."""
    try:
        point_array = np.asarray(points, dtype=float)
        label_array = np.asarray(labels, dtype=float)
    except (TypeError, ValueError) as error:
        raise RefusedValue(f"points and labels must be numbers: {error}") from None
    if point_array.ndim != 2 or point_array.shape[1] != 2:
        raise RefusedValue(f"points must have shape (n, 2), not {point_array.shape}")
    if len(point_array) == 0:
        raise RefusedValue("the data set is empty: give at least one point")
    if label_array.shape != (len(point_array),):
        raise RefusedValue(
            f"labels must have shape ({len(point_array)},), one per point, "
            f"not {label_array.shape}"
        )
    if not np.all(np.isfinite(point_array)):
        row = int(np.flatnonzero(~np.isfinite(point_array).all(axis=1))[0])
        raise RefusedValue(f"point {row} is not finite: {point_array[row].tolist()}")
    bad = np.flatnonzero((label_array != 1) & (label_array != -1))
    if len(bad):
        raise RefusedValue(f"labels must be +1 or -1; label {bad[0]} is {label_array[bad[0]]:g}")
    return point_array, label_array.astype(int)


def spiral_arms(
    n: int = 150, arms: int = 3, noise: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """`arms` spiral arms around the origin, one class each: labels are class indices 0 … arms-1
    (not ±1), for softmax classifiers. Each arm turns once as its radius grows from 0 to 1."""
    n, noise = _check_size(n), _check_noise(noise)
    arms = check_whole(arms, "arms", 2, n)
    rng = _rng(seed)
    labels = np.arange(n) % arms
    radius = rng.uniform(0.05, 1.0, n)
    angle = 2.0 * np.pi * (labels / arms + radius) + rng.normal(0.0, noise, n)
    return radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]), labels


Generator = Callable[..., tuple[np.ndarray, np.ndarray]]
# The playground's data sets by name: each takes n, noise and seed and labels its points ±1.
PLAYGROUND: dict[str, Generator] = {
    "circle": circles, "xor": xor, "gauss": gauss, "spiral": spiral, "moons": two_moons,
}


def __dir__() -> list[str]:
    return _public_dir(__all__, globals())
