"""The guide's models, each with its own `train_step` (see `protocol.Trainable`): the SVM and the
2-layer net trained by pulls through their circuits, the simplified SVM update written out by
hand, and gradient descent on the whole hinge-loss circuit.

Every step is all or nothing: one that would make a parameter infinite or NaN raises
`TrainingDiverged` and leaves the model as it was.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..circuit import Circuit
from ..errors import NotWrittenYet, RefusedNow, RefusedValue
from ..functions import relu
from ..gates import Unit, check_number
from .losses import check_label, hinge_cost, hinge_loss, pull_for, squared_hinge_pull
from .protocol import (
    StepResult,
    as_points,
    check_parameters,
    check_regularization,
    check_step_size,
    diverged,
    refuse_divergence,
)

__all__ = ["PullTrainedModel", "SVM", "SimplifiedSVM", "TwoLayerNet", "HingeLossClassifier"]


class PullTrainedModel:
    """The guide's protocol over named parameter Units; a subclass builds the score gates.

    `forward(x, y)` builds the circuit from the Units, `backward(label)` pulls on its output
    and adds the spring pull `-regularization * w` on the weights (never the biases), and
    `parameter_update` steps every parameter by `value += step_size * grad`.
    """

    spring_names: tuple[str, ...] = ()  # the weights the spring pulls toward 0 (not biases)

    def __init__(self, values: dict[str, float]) -> None:
        self.units = {name: Unit(check_number(v, name), name=name) for name, v in values.items()}
        self.unit_out: Unit | None = None
        self.circuit: Circuit | None = None

    def score_unit(self, x: Unit, y: Unit) -> Unit:
        """Build the gates from inputs x, y and the parameter Units to the score Unit."""
        raise NotWrittenYet(f"{type(self).__name__} needs a score_unit() method")

    # ----- the guide's three calls, checking what a learner passes ---------------------------
    def forward(self, x: Unit | float, y: Unit | float) -> Unit:
        """Build this point's circuit from the Units, run it forward, return the score Unit.

        A number becomes a new Unit named `x` or `y`; a Unit is used as it is, name and all
        (an unnamed one is called `u0`, `u1` by the circuit, never renamed).
        """
        x_unit, y_unit = (v if isinstance(v, Unit) else Unit(check_number(v, name), name=name)
                          for v, name in ((x, "x"), (y, "y")))
        return self._forward(x_unit, y_unit)

    def backward(self, label: int, regularization: float = 1.0) -> float:
        """Pull on the score by the label, backpropagate, add the spring pull; return the pull."""
        label = check_label(label)
        regularization = check_regularization(regularization)
        if self.circuit is None:
            raise RefusedNow("call forward(x, y) before backward(label)")
        return self._backward(label, regularization)

    def parameter_update(self, step_size: float = 0.01) -> None:
        """Let every parameter respond to its tug: value += step_size * grad (all or none:
        a step that would leave the finite numbers raises TrainingDiverged and moves nothing)."""
        self._update(check_step_size(step_size))

    def learn_from(
        self, x: Unit | float, y: Unit | float, label: int,
        step_size: float = 0.01, regularization: float = 1.0,
    ) -> float:
        """Forward, backward, update on one point (the guide's learnFrom); return the pull."""
        label = check_label(label)
        step_size, regularization = check_step_size(step_size), check_regularization(regularization)
        self.forward(x, y)
        pull = self._backward(label, regularization)
        self._update(step_size)
        return pull

    def train_step(self, points: np.ndarray, labels: np.ndarray, step_size: float,
                   regularization: float, rng: np.random.Generator) -> StepResult:
        """One iteration of the guide's loop: learn from one point picked with `rng`."""
        i = int(rng.integers(len(points)))
        x, y = points[i].tolist()
        label = int(labels[i])
        score = self._forward(Unit(x, name="x"), Unit(y, name="y")).value
        pull = self._backward(label, regularization)
        self._update(step_size)
        return StepResult(np.array([i]), np.array([pull]), float(hinge_cost(label, score)))

    # ----- the same, on input already checked ------------------------------------------------
    def _forward(self, x: Unit, y: Unit) -> Unit:
        self.unit_out = self.score_unit(x, y).named("score")
        self.circuit = Circuit(self.unit_out)
        return self.unit_out

    def _backward(self, label: int, regularization: float) -> float:
        assert self.circuit is not None and self.unit_out is not None
        pull = pull_for(label, self.unit_out.value)
        self.circuit.backward(pull)  # zeroes every grad first, as the guide resets a, b, c
        for name in self.spring_names:
            unit = self.units[name]
            unit.grad += -regularization * unit.value
        return pull

    def _update(self, step_size: float) -> None:
        units = self.units.values()
        stepped = [unit.value + step_size * unit.grad for unit in units]
        if not all(map(math.isfinite, stepped)):
            refuse_divergence(self.units, np.array(stepped))
        for unit, value in zip(units, stepped, strict=True):
            unit.value = value

    # ----- the rest of the Trainable protocol ------------------------------------------------
    def parameters(self) -> np.ndarray:
        """Every parameter's value, in the order of `units`."""
        return np.array([unit.value for unit in self.units.values()])

    def set_parameters(self, values: np.ndarray) -> None:
        """Set every parameter's value (in the order of `units`) and clear the grads."""
        array = check_parameters(values, len(self.units))
        for unit, value in zip(self.units.values(), array.tolist(), strict=True):
            unit.value, unit.grad = value, 0.0

    def drawable_circuit(self) -> Circuit | None:
        """The circuit of the latest forward pass, with the latest backward's grads."""
        return self.circuit


def linear_scores(points: np.ndarray, w_x: float, w_y: float, bias: float) -> np.ndarray:
    """w_x * x + w_y * y + bias for every row of an (n, 2) array (±inf past the floats)."""
    points = np.asarray(points, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        return w_x * points[:, 0] + w_y * points[:, 1] + bias


class SVM(PullTrainedModel):
    """The guide's support vector machine: score = a*x + b*y + c, trained by pulls."""

    spring_names = ("a", "b")

    def __init__(self, a: float = 1.0, b: float = -2.0, c: float = -1.0) -> None:
        super().__init__({"a": a, "b": b, "c": c})
        self.a, self.b, self.c = self.units["a"], self.units["b"], self.units["c"]

    def score_unit(self, x: Unit, y: Unit) -> Unit:
        """a*x + b*y + c, as gates."""
        return self.a * x + self.b * y + self.c

    def scores(self, points: np.ndarray) -> np.ndarray:
        """a*x + b*y + c for every row of an (n, 2) array."""
        return linear_scores(points, self.a.value, self.b.value, self.c.value)

    def __repr__(self) -> str:
        a, b, c = (unit.value for unit in (self.a, self.b, self.c))
        return f"{type(self).__name__}(a={a:.4g}, b={b:.4g}, c={c:.4g})"


class SimplifiedSVM:
    """The guide's simplified SVM update: the same arithmetic written out, no circuits.

    Each step is `a += step_size * (x * pull - a)` (the `-a` is the spring),
    `b += step_size * (y * pull - b)`, `c += step_size * pull`, where `pull` is the loss's pull
    on the score (the hinge's: `pull_for`; a subclass may give another loss's).
    """

    pull = staticmethod(pull_for)

    def __init__(self, a: float = 1.0, b: float = -2.0, c: float = -1.0) -> None:
        self.a, self.b, self.c = check_number(a, "a"), check_number(b, "b"), check_number(c, "c")

    def _learn(
        self, x: float, y: float, label: int, step_size: float, regularization: float
    ) -> tuple[float, float]:
        x, y = float(x), float(y)
        score = self.a * x + self.b * y + self.c
        pull = self.pull(label, score)
        self.a += step_size * (x * pull - regularization * self.a)
        self.b += step_size * (y * pull - regularization * self.b)
        self.c += step_size * (1.0 * pull)
        return score, pull

    def train_step(self, points: np.ndarray, labels: np.ndarray, step_size: float,
                   regularization: float, rng: np.random.Generator) -> StepResult:
        """Learn from one point picked with `rng` by the update above (all or nothing)."""
        i = int(rng.integers(len(points)))
        label = int(labels[i])
        before = self.parameters()
        score, pull = self._learn(points[i, 0], points[i, 1], label, step_size, regularization)
        if not all(map(math.isfinite, (self.a, self.b, self.c))):
            stepped = self.parameters()
            self.a, self.b, self.c = before.tolist()
            refuse_divergence("abc", stepped)
        return StepResult(np.array([i]), np.array([pull]), float(hinge_cost(label, score)))

    def scores(self, points: np.ndarray) -> np.ndarray:
        """a*x + b*y + c for every row of an (n, 2) array."""
        return linear_scores(points, self.a, self.b, self.c)

    def parameters(self) -> np.ndarray:
        """a, b, c as an array."""
        return np.array([self.a, self.b, self.c])

    def set_parameters(self, values: np.ndarray) -> None:
        """Set a, b, c from an array."""
        self.a, self.b, self.c = check_parameters(values, 3).tolist()

    def drawable_circuit(self) -> Circuit | None:
        """None: the simplified update has no circuit, that is its point."""
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(a={self.a:.4g}, b={self.b:.4g}, c={self.c:.4g})"


class SquaredHingeSVM(SimplifiedSVM):
    """The simplified update with the squared hinge's pull: as large as the shortfall."""

    pull = staticmethod(squared_hinge_pull)


class TwoLayerNet(PullTrainedModel):
    """The guide's 2-layer net: `hidden` ReLU neurons n_k = relu(a_k*x + b_k*y + c_k) and a
    linear score w_1*n_1 + ... + d. Three hidden neurons give the guide's 13 parameters.

    Parameters start uniform in ±0.5 from `numpy.random.default_rng(seed)`; the spring pulls
    every weight (a_k, b_k, w_k), no bias (c_k, d).
    """

    def __init__(self, hidden: int = 3, seed: int = 0) -> None:
        if isinstance(hidden, bool) or not isinstance(hidden, int) or hidden < 1:
            raise RefusedValue(f"hidden must be a positive number of neurons, not {hidden!r}")
        self.hidden = hidden
        names = [f"{p}{k}" for k in range(1, hidden + 1) for p in "abc"]
        names += [f"w{k}" for k in range(1, hidden + 1)] + ["d"]
        start = np.random.default_rng(seed).uniform(-0.5, 0.5, len(names))
        super().__init__(dict(zip(names, start.tolist(), strict=True)))
        self.spring_names = tuple(name for name in names if name[0] in "abw")

    def score_unit(self, x: Unit, y: Unit) -> Unit:
        """d + Σ w_k * relu(a_k*x + b_k*y + c_k), as gates; the neurons are named n1, n2, …"""
        u = self.units
        score: Unit = u["d"]
        for k in range(self.hidden, 0, -1):
            neuron = relu(u[f"a{k}"] * x + u[f"b{k}"] * y + u[f"c{k}"]).named(f"n{k}")
            score = u[f"w{k}"] * neuron + score
        return score

    def _first_layer(self) -> np.ndarray:
        """(a_k, b_k, c_k) for every hidden neuron, one row each."""
        return self.parameters()[: 3 * self.hidden].reshape(self.hidden, 3)

    def _pre_activations(self, points: np.ndarray) -> np.ndarray:
        first = self._first_layer()
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging net scores ±inf
            return as_points(points) @ first[:, :2].T + first[:, 2]

    def hidden_activations(self, points: np.ndarray) -> list[np.ndarray]:
        """The hidden neurons' outputs for an (n, 2) array: one (n, hidden) array in a list
        (the form `gk.layers.MLP` gives, one array per hidden layer)."""
        return [np.maximum(self._pre_activations(points), 0.0)]

    def scores(self, points: np.ndarray) -> np.ndarray:
        """The net's score for every row of an (n, 2) array, in numpy."""
        values = self.parameters()
        weights, bias = values[3 * self.hidden : 4 * self.hidden], values[4 * self.hidden]
        (hidden,) = self.hidden_activations(points)
        with np.errstate(over="ignore", invalid="ignore"):
            return hidden @ weights + bias

    def dead_neurons(self, points: np.ndarray) -> list[str]:
        """The hidden neurons that output 0 on every point: no pull reaches them any more."""
        alive = (self._pre_activations(points) > 0).any(axis=0)
        return [f"n{k + 1}" for k in np.flatnonzero(~alive)]

    @property
    def hidden_names(self) -> list[list[str]]:
        """The hidden neurons' names, one list per hidden layer: [["n1", "n2", …]]."""
        return [[f"n{k}" for k in range(1, self.hidden + 1)]]

    def neuron_weight_norms(self) -> list[np.ndarray]:
        """The length of each hidden neuron's weights (a_k, b_k), what the spring shrinks."""
        return [np.hypot(*self._first_layer()[:, :2].T)]

    def __repr__(self) -> str:
        return f"TwoLayerNet(hidden={self.hidden}, {len(self.units)} parameters)"


class HingeLossClassifier:
    """A linear classifier trained by gradient descent on the whole `hinge_loss` circuit.

    Each step pulls the loss down (force -1) and moves w by `step_size * grad`; the
    regularization strength is the circuit's alpha. The circuit is rebuilt only when the
    data or alpha change.
    """

    def __init__(self, w: Sequence[float] = (0.1, 0.2, 0.3)) -> None:
        self.w = check_parameters(w, 3)
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

    def train_step(self, points: np.ndarray, labels: np.ndarray, step_size: float,
                   regularization: float, rng: np.random.Generator) -> StepResult:
        """One batch step on every point: forward, pull the loss down, step w (rng unused)."""
        weights = dict(zip(("w0", "w1", "w2"), self.w.tolist(), strict=True))
        try:  # the data are finite, so only weights grown too large make a gate fail
            circuit = self.loss_circuit(points, labels, regularization)
            loss = circuit.forward(**weights)
        except (ArithmeticError, ValueError) as error:
            raise diverged(f"the loss at w = {self.w.tolist()} is beyond the floats "
                           f"({error})") from None
        if not math.isfinite(loss):
            raise diverged(f"the loss at w = {self.w.tolist()} would be {loss}")
        grads = circuit.backward(-1.0)
        pulls = np.array([unit.grad for unit in self._score_units])
        with np.errstate(over="ignore", invalid="ignore"):  # refused below instead
            stepped = self.w + step_size * np.array([grads["w0"], grads["w1"], grads["w2"]])
        refuse_divergence(("w0", "w1", "w2"), stepped)
        self.w = stepped
        return StepResult(np.arange(len(points)), pulls, loss)

    def scores(self, points: np.ndarray) -> np.ndarray:
        """w0 * x + w1 * y + w2 for every row of an (n, 2) array."""
        return linear_scores(points, *self.w.tolist())

    def parameters(self) -> np.ndarray:
        """w0, w1, w2 as an array."""
        return self.w.copy()

    def set_parameters(self, values: np.ndarray) -> None:
        """Set w0, w1, w2 from an array."""
        self.w = check_parameters(values, 3)

    def drawable_circuit(self) -> Circuit | None:
        """None: the loss over a whole data set is too big to draw legibly."""
        return None

    def __repr__(self) -> str:
        return "HingeLossClassifier(w=[{:.4g}, {:.4g}, {:.4g}])".format(*self.w)
