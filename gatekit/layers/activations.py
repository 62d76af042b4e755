"""The elementwise functions of a layer: f for the matrix form, f' for backward, and the same f
as gates for the scalar circuit; each picks the initial weights' range that suits it."""

from __future__ import annotations

import numpy as np

from ..errors import NotWrittenYet, RefusedValue
from ..functions import relu, sigmoid, tanh
from ..gates import Unit

__all__ = ["Activation", "ReLU", "Sigmoid", "Tanh", "Identity", "ACTIVATIONS", "activation_named"]


class Activation:
    """An elementwise f with f' for the matrix form and the same f as a gate for circuits."""

    name = "?"

    def apply(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Write f(z) into `out` and return it."""
        raise NotWrittenYet(f"{type(self).__name__} needs an apply() method")

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray | float:
        """f'(z), where `a` is f(z) already computed (several derivatives are cheaper from a)."""
        raise NotWrittenYet(f"{type(self).__name__} needs a derivative() method")

    def gate(self, z: Unit) -> Unit:
        """f(z) built from gatekit gates, for the scalar circuit."""
        raise NotWrittenYet(f"{type(self).__name__} needs a gate() method")

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


def activation_named(name: str | Activation) -> Activation:
    """The Activation called `name` (or `name` itself), or a ValueError listing the choices."""
    if isinstance(name, Activation):
        return name
    if name not in ACTIVATIONS:
        raise RefusedValue(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]
