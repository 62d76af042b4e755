"""Learning with circuits (chapter 2): the guide's SVM, a small neural net, the hinge loss.

Design
------
Every model here follows the guide's protocol: pick a point, run it forward through the
model's circuit, pull on the output (+1 for a positive point scoring below 1, -1 for a
negative point scoring above -1, 0 otherwise), run the circuit backward, add a spring pull
`-regularization * w` to every weight (never to a bias), and step every parameter by
`value += step_size * grad`. All gradients come from `gk.Circuit.backward`; the only
hand-derived update is `SimplifiedSVM`, the guide's "simplified SVM update", kept next to
`SVM` to show it gives the very same numbers.

The `Trainable` protocol is what `train` and `gk.widgets.TrainingExplorer` need from a model,
kept small so any model (the numpy MLP of `gk.layers` too) can satisfy it:

- `scores(points)`: decision values for an (n, 2) array at once (positive means class +1);
  used for accuracy and the boundary image.
- `train_step(points, labels, step_size, regularization, rng)`: one training iteration on a
  point or a batch the model picks with the numpy Generator `rng`; returns a `StepResult`
  (which points it used, the pull on each, the loss it measured before stepping).
- `parameters()` / `set_parameters(values)`: a flat float array snapshot and its restore
  (the widget's Reset, the history).
- `drawable_circuit()`: the circuit of the latest step with its values and grads, for a
  drawing, or None when there is none yet or it is too big to draw.

`train` is the one loop for all of them: seeded, it returns a `History` with the accuracy,
the mean hinge cost over the data set and the parameters after every iteration.

This module needs numpy only (no matplotlib, no ipywidgets).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from .circuit import Circuit
from .datasets import check_data
from .functions import max as max_gate
from .functions import relu
from .gates import Unit, check_number

__all__ = [
    "Trainable",
    "StepResult",
    "History",
    "pull_for",
    "check_label",
    "PullTrainedModel",
    "SVM",
    "SimplifiedSVM",
    "TwoLayerNet",
    "HingeLossClassifier",
    "hinge_loss",
    "hinge_loss_parts",
    "accuracy",
    "mean_hinge_cost",
    "measure",
    "train",
]


@dataclass(frozen=True)
class StepResult:
    """What one training iteration did: the points it used, the pull on each, its loss."""

    indices: np.ndarray
    pulls: np.ndarray
    loss: float


@runtime_checkable
class Trainable(Protocol):
    """What `train` and the TrainingExplorer need from a model (see the module docstring)."""

    def scores(self, points: np.ndarray) -> np.ndarray:
        """Decision values for an (n, 2) array of points, one per point."""
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


# ----- the pull rule -------------------------------------------------------------------------
def check_label(label: object) -> int:
    """A label as the int +1 or -1, or a ValueError naming what it is instead."""
    if isinstance(label, bool) or label not in (1, -1):
        raise ValueError(f"a label must be +1 or -1, not {label!r}")
    return int(label)  # type: ignore[call-overload]


def pull_for(label: int, score: float) -> float:
    """The guide's pull on the score: up for a positive point below 1, down for a negative
    point above -1, none for a point already on the right side of its margin."""
    if label == 1 and score < 1.0:
        return 1.0
    if label == -1 and score > -1.0:
        return -1.0
    return 0.0


def _checked_hyperparameters(step_size: float, regularization: float) -> tuple[float, float]:
    step_size = check_number(step_size, "the step size")
    regularization = check_number(regularization, "the regularization strength")
    if regularization < 0:
        raise ValueError(f"the regularization strength must be >= 0, not {regularization}")
    return step_size, regularization


def _checked_step(stepped: dict[str, float]) -> dict[str, float]:
    """The stepped parameters, or an OverflowError naming one that left the finite numbers."""
    for name, value in stepped.items():
        if not np.isfinite(value):
            raise OverflowError(
                f"training diverged: {name} would become {value}; "
                "try a smaller step size or a weaker regularization"
            )
    return stepped


def _checked_parameters(values: object, size: int) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.shape != (size,):
        raise ValueError(f"parameters must have shape ({size},), not {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"parameters must be finite, got {array.tolist()}")
    return array


# ----- models trained one point at a time ----------------------------------------------------
class _CheckedTraining:
    """`train_step` that checks the data and hyperparameters once, for every model here."""

    def _train_on(self, points: np.ndarray, labels: np.ndarray, step_size: float,
                  regularization: float, rng: np.random.Generator) -> StepResult:
        """One training iteration on data already checked."""
        raise NotImplementedError

    def train_step(self, points: np.ndarray, labels: np.ndarray, step_size: float,
                   regularization: float, rng: np.random.Generator) -> StepResult:
        """One training iteration (see the subclass), after refusing bad data or settings."""
        points, labels = check_data(points, labels)
        step_size, regularization = _checked_hyperparameters(step_size, regularization)
        return self._train_on(points, labels, step_size, regularization, rng)


class _OnePointAtATime(_CheckedTraining):
    """Training for models that learn from one random point per iteration."""

    def _learn(
        self, x: float, y: float, label: int, step_size: float, regularization: float
    ) -> tuple[float, float]:
        """Learn from one point; return its score before the step and the pull on it."""
        raise NotImplementedError

    def _train_on(self, points: np.ndarray, labels: np.ndarray, step_size: float,
                  regularization: float, rng: np.random.Generator) -> StepResult:
        """Pick one point with `rng`, learn from it, report its pull and hinge cost."""
        i = int(rng.integers(len(points)))
        label = int(labels[i])
        score, pull = self._learn(points[i, 0], points[i, 1], label, step_size, regularization)
        return StepResult(np.array([i]), np.array([pull]), max(0.0, 1.0 - label * score))


class _LinearScores:
    """`scores` for models whose `parameters()` are (weight on x, weight on y, bias)."""

    def scores(self, points: np.ndarray) -> np.ndarray:
        """w_x * x + w_y * y + bias for every row of an (n, 2) array."""
        w_x, w_y, bias = self.parameters()  # type: ignore[attr-defined]
        points = np.asarray(points, dtype=float)
        return w_x * points[:, 0] + w_y * points[:, 1] + bias


class PullTrainedModel(_OnePointAtATime):
    """The guide's protocol over named parameter Units; a subclass builds the score gates.

    `forward(x, y)` builds the circuit from the Units, `backward(label)` pulls on its output
    and adds the spring pull on the weights, `parameter_update` steps every parameter.
    """

    spring_names: tuple[str, ...] = ()  # the weights the spring pulls toward 0 (not biases)

    def __init__(self, values: dict[str, float]) -> None:
        self.units = {name: Unit(check_number(v, name), name=name) for name, v in values.items()}
        self.unit_out: Unit | None = None
        self.circuit: Circuit | None = None

    def _score(self, x: Unit, y: Unit) -> Unit:
        """Build the gates from inputs x, y and the parameter Units to the score Unit."""
        raise NotImplementedError

    def forward(self, x: Unit | float, y: Unit | float) -> Unit:
        """Build this point's circuit from the Units, run it forward, return the score Unit.

        Numbers become new Units; an unnamed input Unit is named `x` or `y` for the drawing.
        """
        x_unit, y_unit = (_as_named_unit(v, name) for v, name in ((x, "x"), (y, "y")))
        self.unit_out = self._score(x_unit, y_unit).named("score")
        self.circuit = Circuit(self.unit_out)
        return self.unit_out

    def backward(self, label: int, regularization: float = 1.0) -> float:
        """Pull on the score by the label, backpropagate, add the spring pull; return the pull."""
        label = check_label(label)
        regularization = _checked_hyperparameters(0.0, regularization)[1]
        if self.circuit is None or self.unit_out is None:
            raise RuntimeError("call forward(x, y) before backward(label)")
        pull = pull_for(label, self.unit_out.value)
        self.circuit.backward(pull)  # zeroes every grad first, as the guide resets a, b, c
        for name in self.spring_names:
            unit = self.units[name]
            unit.grad += -regularization * unit.value
        return pull

    def parameter_update(self, step_size: float = 0.01) -> None:
        """Let every parameter respond to its tug: value += step_size * grad (all or none:
        a step that would overflow raises and moves nothing)."""
        step_size = check_number(step_size, "the step size")
        stepped = _checked_step(
            {name: unit.value + step_size * unit.grad for name, unit in self.units.items()}
        )
        for name, value in stepped.items():
            self.units[name].value = value

    def learn_from(
        self, x: Unit | float, y: Unit | float, label: int,
        step_size: float = 0.01, regularization: float = 1.0,
    ) -> float:
        """Forward, backward, update on one point (the guide's learnFrom); return the pull."""
        check_label(label)
        _checked_hyperparameters(step_size, regularization)
        self.forward(x, y)
        pull = self.backward(label, regularization)
        self.parameter_update(step_size)
        return pull

    def _learn(
        self, x: float, y: float, label: int, step_size: float, regularization: float
    ) -> tuple[float, float]:
        pull = self.learn_from(float(x), float(y), label, step_size, regularization)
        assert self.unit_out is not None
        return self.unit_out.value, pull

    def parameters(self) -> np.ndarray:
        """Every parameter's value, in the order of `units`."""
        return np.array([unit.value for unit in self.units.values()])

    def set_parameters(self, values: np.ndarray) -> None:
        """Set every parameter's value (in the order of `units`) and clear the grads."""
        array = _checked_parameters(values, len(self.units))
        for unit, value in zip(self.units.values(), array.tolist(), strict=True):
            unit.value, unit.grad = value, 0.0

    def drawable_circuit(self) -> Circuit | None:
        """The circuit of the latest forward pass, with the latest backward's grads."""
        return self.circuit


def _as_named_unit(value: Unit | float, name: str) -> Unit:
    if isinstance(value, Unit):
        if value.name is None:
            value.name = name
        return value
    return Unit(check_number(value, name), name=name)


class SVM(PullTrainedModel, _LinearScores):
    """The guide's support vector machine: score = a*x + b*y + c, trained by pulls."""

    spring_names = ("a", "b")

    def __init__(self, a: float = 1.0, b: float = -2.0, c: float = -1.0) -> None:
        super().__init__({"a": a, "b": b, "c": c})
        self.a, self.b, self.c = self.units["a"], self.units["b"], self.units["c"]

    def _score(self, x: Unit, y: Unit) -> Unit:
        return self.a * x + self.b * y + self.c

    def __repr__(self) -> str:
        return f"SVM(a={self.a.value:.4g}, b={self.b.value:.4g}, c={self.c.value:.4g})"


class SimplifiedSVM(_LinearScores, _OnePointAtATime):
    """The guide's simplified SVM update: the same arithmetic written out, no circuits.

    Each step is `a += step_size * (x * pull - a)` (the `-a` is the spring),
    `b += step_size * (y * pull - b)`, `c += step_size * pull`.
    """

    def __init__(self, a: float = 1.0, b: float = -2.0, c: float = -1.0) -> None:
        self.a, self.b, self.c = check_number(a, "a"), check_number(b, "b"), check_number(c, "c")

    def _learn(
        self, x: float, y: float, label: int, step_size: float, regularization: float
    ) -> tuple[float, float]:
        x, y = float(x), float(y)
        score = self.a * x + self.b * y + self.c
        pull = pull_for(label, score)
        self.a += step_size * (x * pull - regularization * self.a)
        self.b += step_size * (y * pull - regularization * self.b)
        self.c += step_size * (1.0 * pull)
        return score, pull

    def parameters(self) -> np.ndarray:
        """a, b, c as an array."""
        return np.array([self.a, self.b, self.c])

    def set_parameters(self, values: np.ndarray) -> None:
        """Set a, b, c from an array."""
        self.a, self.b, self.c = _checked_parameters(values, 3).tolist()

    def drawable_circuit(self) -> Circuit | None:
        """None: the simplified update has no circuit, that is its point."""
        return None


class TwoLayerNet(PullTrainedModel):
    """The guide's 2-layer net: `hidden` ReLU neurons n_k = relu(a_k*x + b_k*y + c_k) and a
    linear score w_1*n_1 + ... + d. Three hidden neurons give the guide's 13 parameters.

    Parameters start uniform in ±0.5 from `numpy.random.default_rng(seed)`; the spring pulls
    every weight (a_k, b_k, w_k), no bias (c_k, d).
    """

    def __init__(self, hidden: int = 3, seed: int = 0) -> None:
        if isinstance(hidden, bool) or not isinstance(hidden, int) or hidden < 1:
            raise ValueError(f"hidden must be a positive number of neurons, not {hidden!r}")
        self.hidden = hidden
        names = [f"{p}{k}" for k in range(1, hidden + 1) for p in "abc"]
        names += [f"w{k}" for k in range(1, hidden + 1)] + ["d"]
        start = np.random.default_rng(seed).uniform(-0.5, 0.5, len(names))
        super().__init__(dict(zip(names, start.tolist(), strict=True)))
        self.spring_names = tuple(name for name in names if name[0] in "abw")

    def _score(self, x: Unit, y: Unit) -> Unit:
        u = self.units
        score: Unit = u["d"]
        for k in range(self.hidden, 0, -1):
            neuron = relu(u[f"a{k}"] * x + u[f"b{k}"] * y + u[f"c{k}"]).named(f"n{k}")
            score = u[f"w{k}"] * neuron + score
        return score

    def scores(self, points: np.ndarray) -> np.ndarray:
        """The net's score for every row of an (n, 2) array, in numpy."""
        values = self.parameters()
        h = self.hidden
        first = values[: 3 * h].reshape(h, 3)
        weights, bias = values[3 * h : 4 * h], values[4 * h]
        points = np.asarray(points, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging net scores ±inf
            hidden = np.maximum(points @ first[:, :2].T + first[:, 2], 0.0)
            return hidden @ weights + bias

    def dead_neurons(self, points: np.ndarray) -> list[str]:
        """The hidden neurons that output 0 on every point: no pull reaches them any more."""
        values = self.parameters()[: 3 * self.hidden].reshape(self.hidden, 3)
        points = np.asarray(points, dtype=float)
        alive = (points @ values[:, :2].T + values[:, 2] > 0).any(axis=0)
        return [f"n{k + 1}" for k in np.flatnonzero(~alive)]

    def __repr__(self) -> str:
        return f"TwoLayerNet(hidden={self.hidden}, {len(self.units)} parameters)"


# ----- the hinge loss as a circuit -----------------------------------------------------------
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
    weights = _checked_parameters(w, 3).tolist()
    alpha = _checked_hyperparameters(0.0, alpha)[1]
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


class HingeLossClassifier(_LinearScores, _CheckedTraining):
    """A linear classifier trained by gradient descent on the whole `hinge_loss` circuit.

    Each step pulls the loss down (force -1) and moves w by `step_size * grad`; the
    regularization strength is the circuit's alpha. The circuit is rebuilt only when the
    data or alpha change.
    """

    def __init__(self, w: Sequence[float] = (0.1, 0.2, 0.3)) -> None:
        self.w = _checked_parameters(w, 3)
        self._circuit: Circuit | None = None
        self._built_for: tuple[bytes, bytes, float] | None = None
        self._score_units: list[Unit] = []

    def loss_circuit(self, points: np.ndarray, labels: np.ndarray, alpha: float) -> Circuit:
        """The hinge-loss circuit for this data set (kept while the data and alpha stay)."""
        key = (np.asarray(points, float).tobytes(), np.asarray(labels, float).tobytes(), alpha)
        if self._circuit is None or key != self._built_for:
            self._circuit = hinge_loss(points, labels, self.w, alpha)
            by_name = {unit.name: unit for unit in self._circuit.units}
            self._score_units = [by_name[f"score{i}"] for i in range(len(points))]
            self._built_for = key
        return self._circuit

    def _train_on(self, points: np.ndarray, labels: np.ndarray, step_size: float,
                  regularization: float, rng: np.random.Generator) -> StepResult:
        """One batch step on every point: forward, pull the loss down, step w (rng unused)."""
        circuit = self.loss_circuit(points, labels, regularization)
        loss = circuit.forward(**{f"w{k}": value for k, value in enumerate(self.w.tolist())})
        grads = circuit.backward(-1.0)
        pulls = np.array([unit.grad for unit in self._score_units])
        stepped = _checked_step({name: self.w[k] + step_size * grads[name]
                                 for k, name in enumerate(("w0", "w1", "w2"))})
        self.w = np.array(list(stepped.values()))
        return StepResult(np.arange(len(points)), pulls, loss)

    def parameters(self) -> np.ndarray:
        """w0, w1, w2 as an array."""
        return self.w.copy()

    def set_parameters(self, values: np.ndarray) -> None:
        """Set w0, w1, w2 from an array."""
        self.w = _checked_parameters(values, 3)

    def drawable_circuit(self) -> Circuit | None:
        """None: the loss over a whole data set is too big to draw legibly."""
        return None

    def __repr__(self) -> str:
        return "HingeLossClassifier(w=[{:.4g}, {:.4g}, {:.4g}])".format(*self.w)


# ----- measuring and training ----------------------------------------------------------------
def measure(model: Trainable, points: object, labels: object) -> tuple[float, float]:
    """`accuracy` and `mean_hinge_cost` together, from one pass of the model's scores."""
    point_array, label_array = check_data(points, labels)
    scores = model.scores(point_array)
    right = np.where(scores > 0, 1, -1) == label_array
    with np.errstate(over="ignore"):  # huge scores give an infinite cost, not a warning
        cost = float(np.mean(np.maximum(0.0, 1.0 - label_array * scores)))
    return float(np.mean(right)), cost


def accuracy(model: Trainable, points: object, labels: object) -> float:
    """The fraction of points the model classifies right (score > 0 means +1, as the guide)."""
    return measure(model, points, labels)[0]


def mean_hinge_cost(model: Trainable, points: object, labels: object) -> float:
    """The mean of max(0, 1 - y * score) over the data set: 0 once every point is past its
    margin (no regularization, so it compares across models)."""
    return measure(model, points, labels)[1]


@dataclass
class History:
    """What `train` saw, one entry per iteration: accuracy, mean hinge cost, parameters,
    and the step itself (which points, which pulls)."""

    accuracy: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    parameters: list[np.ndarray] = field(default_factory=list)
    steps: list[StepResult] = field(default_factory=list)

    def record(self, model: Trainable, points: np.ndarray, labels: np.ndarray,
               step: StepResult) -> None:
        """Append the state of `model` after `step`."""
        right, cost = measure(model, points, labels)
        self.accuracy.append(right)
        self.loss.append(cost)
        self.parameters.append(model.parameters())
        self.steps.append(step)

    def __len__(self) -> int:
        return len(self.accuracy)


def train(
    model: Trainable,
    points: object,
    labels: object,
    iterations: int = 400,
    step_size: float = 0.01,
    regularization: float = 1.0,
    seed: int = 0,
) -> History:
    """Train any `Trainable` for `iterations` steps with `numpy.random.default_rng(seed)`."""
    point_array, label_array = check_data(points, labels)
    step_size, regularization = _checked_hyperparameters(step_size, regularization)
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 0:
        raise ValueError(f"iterations must be a whole number >= 0, not {iterations!r}")
    rng = np.random.default_rng(seed)
    history = History()
    for _ in range(iterations):
        step = model.train_step(point_array, label_array, step_size, regularization, rng)
        history.record(model, point_array, label_array, step)
    return history
