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
vector update. The per-batch arrays (z, a, dz, da_prev) are allocated once per batch size and
reused, so a training loop allocates almost nothing.

`to_circuit(x)` builds the same network for one example out of gatekit Units and gates, with
the same summation order, so its gradients equal `dW` and `db` entry by entry.

Modules: `activations` (f, f' and the gate of each), `dense` (one layer), `network` (the MLP,
its hidden neurons, its scalar circuit), `losses` (svm_loss, mean_squared_error, softmax and
softmax_cross_entropy).
"""

from __future__ import annotations

from .activations import ACTIVATIONS, Activation
from .dense import Dense
from .losses import mean_squared_error, softmax, softmax_cross_entropy, svm_loss
from .network import MLP, WeightGradientTrace, trace_weight_gradient

__all__ = [
    "Activation",
    "ACTIVATIONS",
    "Dense",
    "MLP",
    "svm_loss",
    "mean_squared_error",
    "softmax",
    "softmax_cross_entropy",
    "WeightGradientTrace",
    "trace_weight_gradient",
]
