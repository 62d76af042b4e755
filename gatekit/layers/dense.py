"""One fully connected layer in matrix form (z = W @ a_prev + b, a = f(z)) with the four backward
equations, its flat parameter storage, and the all-or-nothing gradient-descent step."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..errors import RefusedNow, RefusedValue
from ..gates import check_number
from ..ml.protocol import refuse_divergence
from .activations import Activation, Identity, activation_named

__all__ = ["Dense", "descend", "check_shape", "copy_into", "as_matrix"]


def check_shape(what: str, array: np.ndarray, expected: tuple[int, ...], hint: str = "") -> None:
    """A ValueError naming the expected and the received shape when they differ."""
    if array.shape != expected:
        raise RefusedValue(f"{what} should have shape {expected}{hint} but has shape {array.shape}")


# The attributes of a Dense layer that are views into its flat storage.
_VIEWS = ("W", "b", "dW", "db")


def copy_into(what: str, view: np.ndarray, values: object) -> None:
    """Copy `values` into the parameter view in place (so views stay views), shape-checked."""
    values = np.asarray(values, dtype=np.float64)
    check_shape(what, values, view.shape)
    view[...] = values


def as_matrix(what: str, data: object, rows: int) -> np.ndarray:
    """`data` as a float64 matrix with `rows` rows (no copy when it already is one)."""
    array = np.asarray(data, dtype=np.float64)
    if array.ndim != 2 or array.shape[0] != rows:
        transposed = array.ndim == 2 and array.shape[1] == rows
        raise RefusedValue(
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
                raise RefusedValue(f"{what} must be a positive integer, not {n!r}")
        self.n_inputs, self.n_outputs = int(n_inputs), int(n_outputs)
        self.activation = activation_named(activation)
        size = self.n_outputs * (self.n_inputs + 1)
        self.flat_parameters = np.zeros(size) if flat_parameters is None else flat_parameters
        self.flat_gradients = np.zeros(size) if flat_gradients is None else flat_gradients
        check_shape("the parameter storage", self.flat_parameters, (size,))
        check_shape("the gradient storage", self.flat_gradients, (size,))
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
            copy_into(name, self.__dict__[name], value)
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
        a_prev = as_matrix("the layer's input", a_prev, self.n_inputs)
        if a_prev.shape[1] != self._batch:
            self._allocate(a_prev.shape[1])
        self.a_prev = a_prev
        z = np.matmul(self.W, a_prev, out=self.z)
        z += self.b  # z = W @ a_prev + b
        return self.activation.apply(z, out=self.a)  # a = f(z)

    def backward(self, da: np.ndarray) -> np.ndarray:
        """Fill dW and db from da = dLoss/da and return da_prev = dLoss/da_prev (a buffer)."""
        if self.a_prev is None:
            raise RefusedNow("call forward before backward: backward needs z and a_prev")
        da = np.asarray(da, dtype=np.float64)
        check_shape("da (the gradient for this layer's output)", da, self.a.shape)
        a_prev, z, a, f = self.a_prev, self.z, self.a, self.activation
        dz = np.multiply(da, f.derivative(z, a), out=self._dz)  # dz = da * f'(z)
        np.matmul(dz, a_prev.T, out=self.dW)  # dW = dz @ a_prev.T
        dz.sum(axis=1, keepdims=True, out=self.db)  # db = dz.sum(axis=1, keepdims=True)
        return np.matmul(self.W.T, dz, out=self._da_prev)  # da_prev = W.T @ dz

    def step(self, learning_rate: float) -> None:
        """Gradient descent: W -= α·dW, b -= α·db (all or nothing, see `descend`)."""
        descend(self.flat_parameters, self.flat_gradients, learning_rate, self.parameter_names())

    def parameter_names(self, number: int = 1) -> Iterator[str]:
        """The name of every entry of the flat storage in order: W{number}[i,j] row by row,
        then b{number}[i] (the text counts layers from 1)."""
        for i, j in np.ndindex(self.W.shape):
            yield f"W{number}[{i},{j}]"
        for i in range(self.n_outputs):
            yield f"b{number}[{i}]"

    def __repr__(self) -> str:
        return f"Dense({self.n_inputs} -> {self.n_outputs}, {self.activation.name})"


def descend(parameters: np.ndarray, gradients: np.ndarray, learning_rate: float,
            names: Iterator[str]) -> None:
    """parameters -= learning_rate * gradients in place, unless that makes any of them
    infinite or NaN: then TrainingDiverged names the first (from `names`) and nothing moves."""
    learning_rate = check_number(learning_rate, "the learning rate")
    with np.errstate(over="ignore", invalid="ignore"):  # refused below instead
        stepped = parameters - learning_rate * gradients
    refuse_divergence(names, stepped)
    parameters[...] = stepped
