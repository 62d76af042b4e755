"""Backpropagation in matrix form (chapter 12): dense layers and multilayer perceptrons in numpy.

Examples are columns: an input batch `X` has one row per input and one column per example.
Each layer computes, for the whole batch at once,

    z = W @ a_prev + b          a = f(z)

and backward, given `da` (the loss's gradient with respect to its output `a`), the four
equations of the text, one line each:

    dz = da * f'(z)
    dW = dz @ a_prev.T
    db = dz.sum(axis=1, keepdims=True)
    da_prev = W.T @ dz

Gradient descent then moves every parameter against its gradient: `W -= α·dW`, `b -= α·db`.

Initialisation, seeded by `numpy.random.default_rng(seed)`: weights uniform in ±sqrt(6 / n_in)
(He uniform) for relu layers and in ±sqrt(6 / (n_in + n_out)) (Glorot uniform) for sigmoid,
tanh and identity layers; biases zero.

Speed: all parameters of a network live in one flat float64 array, every `W` and `b` being a
view into it, and so do the gradients; so the L2 penalty is one dot product and a step is one
in-place update. The per-batch arrays (z, a, dz, da_prev) are allocated once per batch size and
reused, so a training loop allocates almost nothing.

`to_circuit(x)` builds the same network for one example out of gatekit Units and gates, with
the same summation order, so its gradients equal `dW` and `db` entry by entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .circuit import Circuit
from .datasets import check_data
from .functions import relu, sigmoid, tanh
from .gates import Constant, Unit
from .ml import StepResult

__all__ = [
    "Activation",
    "ACTIVATIONS",
    "Dense",
    "MLP",
    "svm_loss",
    "mean_squared_error",
    "LOSSES",
    "WeightGradientTrace",
    "trace_weight_gradient",
    "check_layer_backward",
]


# ----- activations -----------------------------------------------------------------------------
class Activation:
    """An elementwise f with f' for the matrix form and the same f as a gate for circuits."""

    name = "?"

    def apply(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Write f(z) into `out` and return it."""
        raise NotImplementedError

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray | float:
        """f'(z), where `a` is f(z) already computed (several derivatives are cheaper from a)."""
        raise NotImplementedError

    def gate(self, z: Unit) -> Unit:
        """f(z) built from gatekit gates, for the scalar circuit."""
        raise NotImplementedError

    def init_bound(self, n_inputs: int, n_outputs: int) -> float:
        """Half-width of the uniform initial weights: Glorot, sqrt(6 / (n_in + n_out))."""
        return float(np.sqrt(6.0 / (n_inputs + n_outputs)))

    def __repr__(self) -> str:
        return f"<activation {self.name}>"


class ReLU(Activation):
    """relu(z) = max(z, 0); f'(z) is 1 where z > 0 and 0 elsewhere (also at 0, like the gate)."""

    name = "relu"

    def apply(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        return np.maximum(z, 0.0, out=out)

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return z > 0.0

    def gate(self, z: Unit) -> Unit:
        return relu(z)

    def init_bound(self, n_inputs: int, n_outputs: int) -> float:
        """He uniform, sqrt(6 / n_in): keeps the signal's size through relu layers."""
        return float(np.sqrt(6.0 / n_inputs))


class Sigmoid(Activation):
    """sigmoid(z) = 1 / (1 + e^-z), computed without overflow; f'(z) = a * (1 - a)."""

    name = "sigmoid"

    def apply(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        # The gate's two forms in one: e = e^-|z| never overflows; 1/(1+e) for z >= 0, e/(1+e) else.
        e = np.exp(-np.abs(z))
        return np.divide(np.where(z >= 0.0, 1.0, e), 1.0 + e, out=out)

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return a * (1.0 - a)

    def gate(self, z: Unit) -> Unit:
        return sigmoid(z)


class Tanh(Activation):
    """tanh(z); f'(z) = 1 - a²."""

    name = "tanh"

    def apply(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        return np.tanh(z, out=out)

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return 1.0 - a * a

    def gate(self, z: Unit) -> Unit:
        return tanh(z)


class Identity(Activation):
    """f(z) = z (a linear layer, the default last layer); f'(z) = 1."""

    name = "identity"

    def apply(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        return z  # no copy: a is z itself

    def derivative(self, z: np.ndarray, a: np.ndarray) -> float:
        return 1.0

    def gate(self, z: Unit) -> Unit:
        return z


# Every activation by the name the constructors accept.
ACTIVATIONS: dict[str, Activation] = {f.name: f for f in (ReLU(), Sigmoid(), Tanh(), Identity())}


def _activation(name: str | Activation) -> Activation:
    """The Activation called `name` (or `name` itself), or a ValueError listing the choices."""
    if isinstance(name, Activation):
        return name
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]


def _check_shape(what: str, array: np.ndarray, expected: tuple[int, ...], hint: str = "") -> None:
    """A ValueError naming the expected and the received shape when they differ."""
    if array.shape != expected:
        raise ValueError(f"{what} should have shape {expected}{hint} but has shape {array.shape}")


# The attributes of a Dense layer that are views into its flat storage.
_VIEWS = ("W", "b", "dW", "db")


def _copy_into(what: str, view: np.ndarray, values: object) -> None:
    """Copy `values` into the parameter view in place (so views stay views), shape-checked."""
    values = np.asarray(values, dtype=np.float64)
    _check_shape(what, values, view.shape)
    view[...] = values


def _as_matrix(what: str, data: object, rows: int) -> np.ndarray:
    """`data` as a float64 matrix with `rows` rows (no copy when it already is one)."""
    array = np.asarray(data, dtype=np.float64)
    if array.ndim != 2 or array.shape[0] != rows:
        transposed = array.ndim == 2 and array.shape[1] == rows
        raise ValueError(
            f"{what} should have shape ({rows}, batch), one column per example, but has shape"
            f" {array.shape}" + (" (transpose it?)" if transposed else "")
        )
    return array


# ----- one layer -------------------------------------------------------------------------------
class Dense:
    """A fully connected layer: z = W @ a_prev + b, a = f(z), with the four backward equations.

    `W` has shape (n_outputs, n_inputs) and `b` (n_outputs, 1). After `backward`, `dW` and `db`
    hold the loss's gradients for them. `flat_parameters` and `flat_gradients` are the flat
    arrays that `W`, `b` and `dW`, `db` are views of (an MLP hands each layer a slice of its own).
    """

    def __init__(
        self,
        n_inputs: int,
        n_outputs: int,
        activation: str | Activation = "relu",
        seed: int | np.random.Generator = 0,
        flat_parameters: np.ndarray | None = None,
        flat_gradients: np.ndarray | None = None,
    ) -> None:
        for what, n in (("n_inputs", n_inputs), ("n_outputs", n_outputs)):
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
                raise ValueError(f"{what} must be a positive integer, not {n!r}")
        self.n_inputs, self.n_outputs = int(n_inputs), int(n_outputs)
        self.activation = _activation(activation)
        size = self.n_outputs * (self.n_inputs + 1)
        self.flat_parameters = np.zeros(size) if flat_parameters is None else flat_parameters
        self.flat_gradients = np.zeros(size) if flat_gradients is None else flat_gradients
        _check_shape("the parameter storage", self.flat_parameters, (size,))
        _check_shape("the gradient storage", self.flat_gradients, (size,))
        n_weights = self.n_outputs * self.n_inputs
        shape = (self.n_outputs, self.n_inputs)
        self.W = self.flat_parameters[:n_weights].reshape(shape)  # weights, (n_outputs, n_inputs)
        self.b = self.flat_parameters[n_weights:].reshape(self.n_outputs, 1)  # biases
        self.dW = self.flat_gradients[:n_weights].reshape(shape)  # dLoss/dW after backward
        self.db = self.flat_gradients[n_weights:].reshape(self.n_outputs, 1)  # summed over batch
        bound = self.activation.init_bound(self.n_inputs, self.n_outputs)
        self.W[...] = np.random.default_rng(seed).uniform(-bound, bound, size=shape)
        self.b[...] = 0.0
        self._batch = -1  # the batch size the buffers below are allocated for
        self.a_prev: np.ndarray | None = None

    def __setattr__(self, name: str, value: object) -> None:
        """Assigning to W, b, dW or db copies into the flat storage (shape-checked), so they
        stay views of it and the network's one-array step and L2 keep seeing them."""
        if name in _VIEWS and name in self.__dict__:
            _copy_into(name, self.__dict__[name], value)
        else:
            super().__setattr__(name, value)

    def _allocate(self, batch: int) -> None:
        """Buffers for z, a, dz and da_prev, made once per batch size and reused."""
        self.z = np.empty((self.n_outputs, batch))
        self.a = self.z if isinstance(self.activation, Identity) else np.empty_like(self.z)
        self._dz = np.empty_like(self.z)
        self._da_prev = np.empty((self.n_inputs, batch))
        self._batch = batch

    def forward(self, a_prev: np.ndarray) -> np.ndarray:
        """a = f(W @ a_prev + b) for a batch (one column per example).

        Returns the layer's own buffer `a`, which the next forward of the same batch size
        overwrites: copy it to keep it.
        """
        a_prev = _as_matrix("the layer's input", a_prev, self.n_inputs)
        if a_prev.shape[1] != self._batch:
            self._allocate(a_prev.shape[1])
        self.a_prev = a_prev
        z = np.matmul(self.W, a_prev, out=self.z)
        z += self.b  # z = W @ a_prev + b
        return self.activation.apply(z, out=self.a)  # a = f(z)

    def backward(self, da: np.ndarray) -> np.ndarray:
        """Fill dW and db from da = dLoss/da and return da_prev = dLoss/da_prev (a buffer)."""
        if self.a_prev is None:
            raise RuntimeError("call forward before backward: backward needs z and a_prev")
        da = np.asarray(da, dtype=np.float64)
        _check_shape("da (the gradient for this layer's output)", da, self.a.shape)
        a_prev, z, a, f = self.a_prev, self.z, self.a, self.activation
        dz = np.multiply(da, f.derivative(z, a), out=self._dz)  # dz = da * f'(z)
        np.matmul(dz, a_prev.T, out=self.dW)  # dW = dz @ a_prev.T
        dz.sum(axis=1, keepdims=True, out=self.db)  # db = dz.sum(axis=1, keepdims=True)
        return np.matmul(self.W.T, dz, out=self._da_prev)  # da_prev = W.T @ dz

    def step(self, learning_rate: float) -> None:
        """Gradient descent: W -= α·dW, b -= α·db (one in-place update of the flat storage)."""
        self.flat_parameters -= learning_rate * self.flat_gradients

    def __repr__(self) -> str:
        return f"Dense({self.n_inputs} -> {self.n_outputs}, {self.activation.name})"


# ----- a network -------------------------------------------------------------------------------
class MLP:
    """A multilayer perceptron: Dense layers in a row, sizes like [2, 16, 16, 1].

    Hidden layers use `activation`, the last `output_activation` (linear by default). One seed
    fixes every initial weight. `layers[l]` is the text's layer l + 1 (the text counts from 1).
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str | Activation = "relu",
        seed: int | np.random.Generator = 0,
        output_activation: str | Activation = "identity",
    ) -> None:
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"an MLP needs at least two sizes (inputs and outputs), got {sizes}")
        self.sizes = sizes
        counts = [n_out * (n_in + 1) for n_in, n_out in zip(sizes, sizes[1:], strict=False)]
        self.flat_parameters = np.zeros(sum(counts))
        self.flat_gradients = np.zeros(sum(counts))
        rng = np.random.default_rng(seed)
        self.layers: list[Dense] = []
        start = 0
        for index, (n_in, n_out) in enumerate(zip(sizes, sizes[1:], strict=False)):
            last = index == len(sizes) - 2
            end = start + counts[index]
            self.layers.append(
                Dense(n_in, n_out, output_activation if last else activation, rng,
                      self.flat_parameters[start:end], self.flat_gradients[start:end])
            )
            start = end

    def forward(self, X: np.ndarray) -> np.ndarray:
        """The network's outputs for a batch X of shape (inputs, batch): a new array."""
        X = _as_matrix("X", X, self.sizes[0])
        a = X
        for layer in self.layers:
            a = layer.forward(a)
        return a.copy()

    def backward(self, dA: np.ndarray) -> np.ndarray:
        """Backpropagate dA = dLoss/d(outputs): fill every dW, db; return dLoss/dX (a new array)."""
        da = dA
        for layer in reversed(self.layers):
            da = layer.backward(da)
        return da.copy()

    def step(self, learning_rate: float) -> None:
        """Gradient descent on every layer: W -= α·dW, b -= α·db, one in-place update in all."""
        self.flat_parameters -= learning_rate * self.flat_gradients

    def regularize(self, alpha: float) -> float:
        """Add the L2 penalty alpha·Σp² (every weight and bias): add 2·alpha·p to the gradients,
        return the penalty to add to the loss. Call it after backward, before step."""
        self.flat_gradients += (2.0 * alpha) * self.flat_parameters
        return float(alpha * (self.flat_parameters @ self.flat_parameters))

    # ----- the same network as a scalar circuit --------------------------------------------
    def parameter_units(self) -> dict[str, Unit]:
        """A new Unit per parameter, valued as now and named W1[i,j], b1[i], W2[i,j], …"""
        units: dict[str, Unit] = {}
        for number, layer in enumerate(self.layers, start=1):
            for (i, j), w in np.ndenumerate(layer.W):
                units[f"W{number}[{i},{j}]"] = Unit(float(w), name=f"W{number}[{i},{j}]")
            for i in range(layer.n_outputs):
                units[f"b{number}[{i}]"] = Unit(float(layer.b[i, 0]), name=f"b{number}[{i}]")
        return units

    def scalar_forward(self, x: Sequence[float], units: dict[str, Unit]) -> list[Unit]:
        """The network on one example x, built from gates over `units`: its output Units.

        Each z[i] sums W[i,0]·a[0] + W[i,1]·a[1] + … from the left and adds b[i] last, the order
        of the matrix form, so values and gradients agree with it to rounding.
        """
        x = np.asarray(x, dtype=np.float64).reshape(-1)
        _check_shape("the example x", x, (self.sizes[0],))
        a: list[Unit] = [Constant(float(v), name=f"x[{j}]") for j, v in enumerate(x)]
        for number, layer in enumerate(self.layers, start=1):
            outputs = []
            for i in range(layer.n_outputs):
                total = units[f"W{number}[{i},0]"] * a[0]
                for j in range(1, layer.n_inputs):
                    total = total + units[f"W{number}[{i},{j}]"] * a[j]
                z = (total + units[f"b{number}[{i}]"]).named(f"z{number}[{i}]")
                activated = layer.activation.gate(z)
                outputs.append(z if activated is z else activated.named(f"a{number}[{i}]"))
            a = outputs
        return a

    def to_circuit(self, x: Sequence[float]) -> Circuit:
        """This network for one example as a gatekit circuit over its parameters (one output)."""
        if self.sizes[-1] != 1:
            raise ValueError(
                f"to_circuit needs a network with one output, this one has {self.sizes[-1]}"
            )
        (output,) = self.scalar_forward(x, self.parameter_units())
        return Circuit(output)

    # ----- the Trainable protocol of gk.ml (train, TrainingExplorer) ------------------------
    def scores(self, points: np.ndarray) -> np.ndarray:
        """The single output for every row of an (n, inputs) array: examples as rows, as gk.ml."""
        return self.forward(np.asarray(points, dtype=np.float64).T)[0]

    def train_step(
        self,
        points: np.ndarray,
        labels: np.ndarray,
        step_size: float,
        regularization: float,
        rng: np.random.Generator,
    ) -> StepResult:
        """One full-batch step on the SVM loss (rng unused): forward, backward, step.

        `regularization` is gk.ml's spring: every parameter p is pulled toward 0 with force
        regularization·p, the L2 penalty (regularization / 2)·Σp². Returns the pull on each
        point (+1, -1 or 0, as the guide's) and the loss before the step.
        """
        points, labels = check_data(points, labels)
        loss, dscores = svm_loss(self.forward(points.T), labels)
        self.backward(dscores)
        loss += self.regularize(regularization / 2.0)
        self.step(step_size)
        return StepResult(np.arange(len(points)), -dscores[0] * len(points), loss)

    def parameters(self) -> np.ndarray:
        """A copy of every weight and bias, layer by layer (each W row by row, then b)."""
        return self.flat_parameters.copy()

    def set_parameters(self, values: np.ndarray) -> None:
        """Restore every weight and bias from an array made by `parameters()`."""
        _copy_into("the parameters", self.flat_parameters, values)

    def drawable_circuit(self) -> Circuit | None:
        """None: a whole batch through a network is too big to draw (see to_circuit)."""
        return None

    def __repr__(self) -> str:
        return f"MLP({self.sizes}, {', '.join(layer.activation.name for layer in self.layers)})"


# ----- losses: each returns the loss and its gradient for the network's outputs ----------------
def _check_targets(what: str, targets: object, outputs: np.ndarray) -> np.ndarray:
    """Targets as an array shaped like the outputs (a flat vector is fine for one output)."""
    targets = np.asarray(targets, dtype=np.float64)
    if targets.ndim == 1 and outputs.shape[0] == 1:
        targets = targets.reshape(1, -1)
    _check_shape(what, targets, outputs.shape, " (like the network's outputs)")
    return targets


def svm_loss(scores: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Max-margin loss mean(relu(1 - y·score)) over the batch and its gradient for the scores.

    Labels are ±1. An example scored on the right side by a margin of at least 1 costs nothing
    and pulls on nothing; every other one pulls its score towards its label with force 1/N.
    """
    scores = np.asarray(scores, dtype=np.float64)
    labels = _check_targets("the labels", labels, scores)
    if np.any(np.abs(labels) != 1.0):
        raise ValueError(f"SVM labels must be -1 or +1, got the values {np.unique(labels)}")
    n = scores.shape[1]
    margins = 1.0 - labels * scores
    violated = margins > 0.0
    loss = float(np.sum(margins, where=violated) / n)
    dscores = np.where(violated, labels * (-1.0 / n), 0.0)
    return loss, dscores


def mean_squared_error(
    predictions: np.ndarray, targets: np.ndarray
) -> tuple[float, np.ndarray]:
    """mean((prediction - target)²) over every entry, and its gradient 2·(p - t)/count."""
    predictions = np.asarray(predictions, dtype=np.float64)
    targets = _check_targets("the targets", targets, predictions)
    error = predictions - targets
    return float(np.mean(error * error)), error * (2.0 / error.size)


# Every loss by name.
LOSSES = {"svm": svm_loss, "mse": mean_squared_error}


# ----- looking inside: one entry of dW in the scalar circuit -----------------------------------
@dataclass(frozen=True)
class WeightGradientTrace:
    """How a circuit makes one entry of dW for one example: the Units it uses and the
    chain-rule lines, with their numbers."""

    units: tuple[Unit, ...]
    lines: tuple[str, ...]


def trace_weight_gradient(
    model: MLP, circuit: Circuit, layer: int, i: int, j: int
) -> WeightGradientTrace:
    """The Units and sums behind dW{layer}[i,j] in `model.to_circuit(x)` after its backward.

    dW[i,j] = dz[i] · a_prev[j]; dz[i] = da[i] · f'(z[i]); and da[i] is the sum of products
    W_next[k,i] · dz_next[k] over the next layer (the force itself for the last layer). The
    Units: the weight, a_prev[j], z[i] and a[i], and each W_next[k,i] and z_next[k].
    """
    if not 1 <= layer <= len(model.layers):
        raise ValueError(f"layer must be 1 to {len(model.layers)} (counted from 1), not {layer}")
    dense = model.layers[layer - 1]
    if not (0 <= i < dense.n_outputs and 0 <= j < dense.n_inputs):
        raise ValueError(f"dW{layer} has shape {dense.W.shape}; there is no entry [{i},{j}]")
    by_name = {unit.name: unit for unit in circuit.units}
    weight = by_name[f"W{layer}[{i},{j}]"]
    product = next(gate for gate in circuit.gates if weight in gate.inputs)
    a_prev = next(unit for unit in product.inputs if unit is not weight)
    z = by_name[f"z{layer}[{i}]"]
    a = by_name.get(f"a{layer}[{i}]", z)
    units = [weight, a_prev, z] + ([] if a is z else [a])
    lines = [
        f"dW{layer}[{i},{j}] = dz{layer}[{i}] · {a_prev.name} = {z.grad:.5g} · {a_prev.value:.5g}"
        f" = {weight.grad:.5g}"
    ]
    if a is not z:
        slope = float(dense.activation.derivative(np.array(z.value), np.array(a.value)))
        lines.append(f"dz{layer}[{i}] = da{layer}[{i}] · {dense.activation.name}'(z{layer}[{i}])"
                     f" = {a.grad:.5g} · {slope:.5g} = {z.grad:.5g}")
    if layer == len(model.layers):
        lines.append(f"da{layer}[{i}] = {a.grad:.5g}: the force on the output")
    else:
        following = range(model.layers[layer].n_outputs)
        pairs = [(by_name[f"W{layer + 1}[{k},{i}]"], by_name[f"z{layer + 1}[{k}]"])
                 for k in following]
        units += [unit for pair in pairs for unit in pair]
        symbols = " + ".join(f"W{layer + 1}[{k},{i}] · dz{layer + 1}[{k}]" for k in following)
        numbers = " + ".join(f"{w.value:.5g} · {zk.grad:.5g}" for w, zk in pairs)
        lines.append(f"da{layer}[{i}] = {symbols} = {numbers} = {a.grad:.5g}")
    return WeightGradientTrace(tuple(units), tuple(lines))


# ----- try it: the four equations by hand ------------------------------------------------------
def check_layer_backward(backward: Callable[..., object], trials: int = 5, seed: int = 0) -> str:
    """Check a hand-written relu layer `backward(da, z, a_prev, W) -> (dW, db, da_prev)`
    against Dense.backward on seeded random layers and batches; say what is wrong, or that
    all is right. A blank line (`dW = ...`) reads as not written yet."""
    rng = np.random.default_rng(seed)
    for _ in range(trials):
        n_inputs, n_outputs, batch = (int(n) for n in rng.integers(1, 6, size=3))
        layer = Dense(n_inputs, n_outputs, "relu", seed=rng)
        layer.b = rng.normal(size=(n_outputs, 1))
        a_prev, da = rng.normal(size=(n_inputs, batch)), rng.normal(size=(n_outputs, batch))
        layer.forward(a_prev)
        da_prev = layer.backward(da)
        expected = (layer.dW, layer.db, da_prev)
        where = f"a {n_inputs}→{n_outputs} layer on a batch of {batch}"
        try:
            given = backward(da.copy(), layer.z.copy(), a_prev.copy(), layer.W.copy())
        except Exception as error:  # the learner's code: report, never raise
            return f"✗ backward raised {type(error).__name__} on {where}: {error}"
        if not isinstance(given, tuple) or len(given) != 3:
            return "✗ backward should return three arrays: dW, db, da_prev"
        for name, mine, right in zip(("dW", "db", "da_prev"), given, expected, strict=True):
            if mine is Ellipsis:
                return f"{name} is not written yet (it is still ...)"
            mine = np.asarray(mine, dtype=np.float64)
            if mine.shape != right.shape:
                return f"✗ {name} has shape {mine.shape} on {where}; it should be {right.shape}"
            if not np.allclose(mine, right, rtol=1e-9, atol=1e-12):
                error = float(np.max(np.abs(mine - right)))
                return f"✗ {name} is wrong on {where}: off by up to {error:.3g}"
    return f"✓ dW, db and da_prev match the matrix form on all {trials} random layers."
