"""gatekit: learn backpropagation by touching it.

Units carry a value forward and a grad backward; gates own their local rule; a Circuit runs
them in order. Drawing (`gk.draw`) and widgets (`gk.explore`, `gk.widgets`) load matplotlib and
ipywidgets only when first used, so `import gatekit` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

from .circuit import BackwardStep, Circuit, CircuitError
from .functions import add, div, exp, log, max, mul, neg, power, relu, sigmoid, sub, tanh
from .gates import (
    AddGate,
    Constant,
    DivGate,
    ExpGate,
    Gate,
    LogGate,
    MaxGate,
    MulGate,
    NegGate,
    PowGate,
    ReLUGate,
    SigmoidGate,
    SubGate,
    TanhGate,
    Unit,
)
from .numerical import GradientCheck
from .parse import parse
from .pathsum import count_paths, paths

__version__ = "0.1.0"

__all__ = [
    "Unit", "Constant", "Gate", "AddGate", "SubGate", "MulGate", "DivGate", "NegGate", "PowGate",
    "MaxGate", "ReLUGate", "SigmoidGate", "TanhGate", "ExpGate", "LogGate",
    "add", "sub", "mul", "div", "neg", "power", "max", "relu", "sigmoid", "exp", "log", "tanh",
    "Circuit", "CircuitError", "GradientCheck", "BackwardStep", "parse", "paths",
    "count_paths",
    "draw", "explore", "widgets", "datasets", "ml", "layers", "exercises",
]

# Submodules that pull in heavy libraries (matplotlib, ipywidgets) or are not needed by the
# core load on first use: `gk.widgets`, `gk.draw(...)`, `gk.explore(...)`.
_LAZY_MODULES = {"widgets", "drawing", "datasets", "ml", "layers", "exercises"}
_LAZY_FUNCTIONS = {"draw": ("drawing", "draw"), "explore": ("widgets", "explore")}


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY_FUNCTIONS:
        module, attribute = _LAZY_FUNCTIONS[name]
        return getattr(importlib.import_module(f".{module}", __name__), attribute)
    raise AttributeError(f"module 'gatekit' has no attribute {name!r}")
