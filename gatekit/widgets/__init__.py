"""Thin ipywidgets views over gatekit objects: state lives in the circuit or model.

Each view loads on first use, so importing one does not import the others.
"""

from importlib import import_module as _import_module

from ..public import public_dir as _public_dir

# Which submodule holds each public widget.
_WHERE = {
    "CircuitExplorer": "explorer",
    "Landscape": "landscape",
    "explore": "explorer",
    "BackpropStepper": "stepper",
    "TrainingExplorer": "training",
    "StrategyComparison": "strategies",
    "compare_strategies": "strategies",
    "WeightGradientView": "weights",
    "Predict": "predict",
    "LossSurfaceView": "loss_surface",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> object:
    if name in _WHERE:
        return getattr(_import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module 'gatekit.widgets' has no attribute {name!r}")


def __dir__() -> list[str]:
    return _public_dir(__all__, globals())
