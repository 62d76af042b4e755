"""A multilayer perceptron of Dense layers: training as a `gk.ml.Trainable`, its hidden neurons,
and the same network for one example as a scalar gatekit circuit (with the trace of one dW)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ..circuit import Circuit
from ..errors import RefusedValue
from ..gates import Constant, Unit
from ..ml.protocol import StepResult, as_points, diverged
from .activations import Activation, Identity
from .dense import Dense, as_matrix, check_shape, copy_into, descend
from .losses import svm_loss

__all__ = ["MLP", "WeightGradientTrace", "trace_weight_gradient"]


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
            raise RefusedValue(f"an MLP needs at least two sizes (inputs and outputs), got {sizes}")
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
        X = as_matrix("X", X, self.sizes[0])
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
        """Gradient descent on every layer: W -= α·dW, b -= α·db, one in-place update in all
        (all or nothing: a step that would leave the finite numbers raises TrainingDiverged)."""
        descend(self.flat_parameters, self.flat_gradients, learning_rate, self.parameter_names())

    def parameter_names(self) -> Iterator[str]:
        """The name of every parameter in the order of `flat_parameters`: W1[0,0], …, b1[0], …"""
        for number, layer in enumerate(self.layers, start=1):
            yield from layer.parameter_names(number)

    def regularize(self, alpha: float) -> float:
        """Add the L2 penalty alpha·Σp² (every weight and bias): add 2·alpha·p to the gradients,
        return the penalty to add to the loss. Call it after backward, before step."""
        self.flat_gradients += (2.0 * alpha) * self.flat_parameters
        return float(alpha * (self.flat_parameters @ self.flat_parameters))

    # ----- the same network as a scalar circuit --------------------------------------------
    def parameter_units(self) -> dict[str, Unit]:
        """A new Unit per parameter, valued as now and named W1[i,j], b1[i], W2[i,j], …"""
        values = self.flat_parameters.tolist()
        return {name: Unit(value, name=name)
                for name, value in zip(self.parameter_names(), values, strict=True)}

    def scalar_forward(self, x: Sequence[float], units: dict[str, Unit]) -> list[Unit]:
        """The network on one example x, built from gates over `units`: its output Units.

        Each z[i] sums W[i,0]·a[0] + W[i,1]·a[1] + … from the left and adds b[i] last, the order
        of the matrix form, so values and gradients agree with it to rounding.
        """
        x = np.asarray(x, dtype=np.float64).reshape(-1)
        check_shape("the example x", x, (self.sizes[0],))
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
            raise RefusedValue(
                f"to_circuit needs a network with one output, this one has {self.sizes[-1]}"
            )
        (output,) = self.scalar_forward(x, self.parameter_units())
        return Circuit(output)

    # ----- the Trainable protocol of gk.ml (train, TrainingExplorer) ------------------------
    def scores(self, points: np.ndarray) -> np.ndarray:
        """The single output for every row of an (n, inputs) array: examples as rows, as gk.ml."""
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging net scores ±inf
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
        point (+1, -1 or 0, as the guide's) and the loss before the step. Scores beyond the
        floats, or a step that would make a parameter so, raise TrainingDiverged and move
        nothing.
        """
        with np.errstate(over="ignore", invalid="ignore"):  # checked below instead
            scores = self.forward(points.T)
            if not np.all(np.isfinite(scores)):
                raise diverged("the network's scores went beyond the floating-point numbers")
            loss, dscores = svm_loss(scores, labels)
            self.backward(dscores)
            loss += self.regularize(regularization / 2.0)
            self.step(step_size)
        return StepResult(np.arange(len(points)), -dscores[0] * len(points), loss)

    def parameters(self) -> np.ndarray:
        """A copy of every weight and bias, layer by layer (each W row by row, then b)."""
        return self.flat_parameters.copy()

    def set_parameters(self, values: np.ndarray) -> None:
        """Restore every weight and bias from an array made by `parameters()`."""
        copy_into("the parameters", self.flat_parameters, values)

    def drawable_circuit(self) -> Circuit | None:
        """None: a whole batch through a network is too big to draw (see to_circuit)."""
        return None

    # ----- looking at the hidden neurons ----------------------------------------------------
    def _hidden(self, points: np.ndarray) -> Iterator[tuple[Dense, np.ndarray, np.ndarray]]:
        """Each hidden layer with its z and a for the rows of `points` (examples as columns),
        in new arrays: the layers' own buffers, which backward needs, stay untouched."""
        a = as_points(points, self.sizes[0]).T
        with np.errstate(over="ignore", invalid="ignore"):
            for layer in self.layers[:-1]:
                z = layer.W @ a + layer.b
                a = layer.activation.apply(z, out=np.empty_like(z))
                yield layer, z, a

    def hidden_activations(self, points: np.ndarray) -> list[np.ndarray]:
        """What every hidden neuron outputs for the rows of an (n, inputs) array: one
        (n, width) array per hidden layer."""
        return [a.T for _, _, a in self._hidden(points)]

    def dead_neurons(self, points: np.ndarray) -> list[str]:
        """The hidden neurons whose slope f'(z) is 0 on every point (a relu never switched
        on): no gradient flows through them, so training can not bring them back."""
        names = [name for layer in self.hidden_names for name in layer]
        dead = [np.all(np.broadcast_to(layer.activation.derivative(z, a), z.shape) == 0, axis=1)
                for layer, z, a in self._hidden(points)]  # (identity's slope is a plain 1)
        flags = np.concatenate(dead) if dead else []  # no hidden layer: no neuron to be dead
        return [name for name, flag in zip(names, flags, strict=True) if flag]

    @property
    def hidden_names(self) -> list[list[str]]:
        """The hidden neurons' names as in `to_circuit`, one list per layer: a1[0], a1[1], …"""
        return [[f"{'z' if isinstance(layer.activation, Identity) else 'a'}{number}[{i}]"
                 for i in range(layer.n_outputs)]
                for number, layer in enumerate(self.layers[:-1], start=1)]

    def neuron_weight_norms(self) -> list[np.ndarray]:
        """The length of each hidden neuron's incoming weights (a row of W), per hidden layer:
        what the regularization's spring shrinks."""
        return [np.linalg.norm(layer.W, axis=1) for layer in self.layers[:-1]]

    def __repr__(self) -> str:
        return f"MLP({self.sizes}, {', '.join(layer.activation.name for layer in self.layers)})"


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
        raise RefusedValue(f"layer must be 1 to {len(model.layers)} (counted from 1), not {layer}")
    dense = model.layers[layer - 1]
    if not (0 <= i < dense.n_outputs and 0 <= j < dense.n_inputs):
        raise RefusedValue(f"dW{layer} has shape {dense.W.shape}; there is no entry [{i},{j}]")
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
