"""Backward passes the learner writes by hand, checked against the right gradients.

A learner writes a function that takes the inputs of an expression and the gradient arriving
from above (`dx`), and returns one gradient per input -- the guide's `da = b * dx` lines:

    def backward(a, b, dx):
        da = b * dx
        db = a * dx
        return da, db

    gk.exercises.check("a * b", backward)

`check` builds the expression as a circuit, runs it at several seeded random points with a
random force on the output, and says which gradient is wrong, where and by how much. A blank
line (`da = ...`) reads as "not written yet", so a notebook's unfilled exercise still runs.
Every rule of the guide's backprop-ninja list is in `EXERCISES`, with a blank template and a
solution. `check_gate` checks a learner's own `gk.Gate` subclass against central differences,
`check_layer_backward` a relu layer's four matrix equations (chapter 12), `check_engine` a
learner's whole autograd engine, a value class (chapter 14), and `check_gradient_checker` a
learner's own gradient checker (chapter 17, with `planted_bug`, the layer it should catch).
All answer with a `CheckResult`; the learner's code runs under a soft time limit (see
`running`).
"""

from __future__ import annotations

import importlib
from typing import Any

from .catalogue import EXERCISES, Exercise, check, get
from .engine_check import check_engine
from .gate_check import check_gate
from .verdicts import ArrayMismatch, CheckResult, Mismatch

__all__ = [
    "Exercise", "CheckResult", "Mismatch", "ArrayMismatch", "EXERCISES", "get", "check",
    "check_gate", "check_engine", "check_layer_backward", "check_gradient_checker",
    "planted_bug",
]


def __getattr__(name: str) -> Any:
    # These need numpy (and gk.layers): loaded on first use only.
    if name == "check_layer_backward":
        return importlib.import_module(".layer_check", __name__).check_layer_backward
    if name in ("check_gradient_checker", "planted_bug"):
        return getattr(importlib.import_module(".gradient_checker", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
