"""A playground's settings, as TensorFlow Playground's URL holds them: the data set, its noise
and size, the seed, the hidden layers, the activation, the step size, the regularization, the
batch size and the share held out for testing. `Playground` checks them once, makes the
seeded `TrainingSession` they describe, and round-trips through one short line of text
(`text()` / `Playground.from_text`) that a learner can paste into a cell."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

from ..datasets import PLAYGROUND
from ..errors import RefusedType, RefusedValue
from .session import TrainingSession, check_test_fraction, split

__all__ = ["Playground", "ACTIVATIONS", "MAX_LAYERS", "MAX_WIDTH"]

ACTIVATIONS = ("tanh", "relu", "sigmoid", "identity")
MAX_LAYERS = 6  # hidden layers at most
MAX_WIDTH = 32  # neurons in a hidden layer at most
# The short names the text uses for the fields, in the text's order.
_KEYS = {"dataset": "data", "noise": "noise", "n": "n", "seed": "seed", "hidden": "net",
         "activation": "act", "step_size": "step", "regularization": "l2",
         "batch_size": "batch", "test_fraction": "test"}
_FIELDS = {key: name for name, key in _KEYS.items()}


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RefusedType(f"{what} must be a number, not {value!r}")
    if not math.isfinite(value):
        raise RefusedValue(f"{what} must be a finite number, not {value!r}")
    return float(value)


def _whole(value: object, what: str, least: int, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
        raise RefusedValue(f"{what} must be a whole number from {least} to {most}, "
                           f"not {value!r}")
    return value


@dataclass(frozen=True)
class Playground:
    """The settings of one playground run; every field checked when made (or replaced)."""

    dataset: str = "circle"
    noise: float = 0.1
    n: int = 100
    seed: int = 0
    hidden: tuple[int, ...] = (4, 4)
    activation: str = "tanh"
    step_size: float = 0.03
    regularization: float = 0.0
    batch_size: int | None = None
    test_fraction: float = 0.2

    def __post_init__(self) -> None:
        if self.dataset not in PLAYGROUND:
            raise RefusedValue(f"unknown data set {self.dataset!r}; choose one of "
                               f"{', '.join(PLAYGROUND)}")
        if self.activation not in ACTIVATIONS:
            raise RefusedValue(f"unknown activation {self.activation!r}; choose one of "
                               f"{', '.join(ACTIVATIONS)}")
        if not 0 <= _number(self.noise, "noise") <= 2:
            raise RefusedValue(f"noise must be from 0 to 2, not {self.noise!r}")
        _whole(self.n, "n (the number of points)", 4, 1000)
        _whole(self.seed, "the seed", 0, 2**32 - 1)
        if not isinstance(self.hidden, tuple) or not 1 <= len(self.hidden) <= MAX_LAYERS:
            raise RefusedValue(f"hidden must be 1 to {MAX_LAYERS} layer widths, "
                               f"not {self.hidden!r}")
        for width in self.hidden:
            _whole(width, "a hidden layer's width", 1, MAX_WIDTH)
        if _number(self.step_size, "the step size") <= 0:
            raise RefusedValue(f"the step size must be > 0, not {self.step_size!r}")
        if _number(self.regularization, "the regularization") < 0:
            raise RefusedValue(f"the regularization must be >= 0, not {self.regularization!r}")
        if self.batch_size is not None:
            _whole(self.batch_size, "the batch size", 1, self.n)
        if round(check_test_fraction(self.test_fraction) * self.n) >= self.n:
            raise RefusedValue(f"test={self.test_fraction} holds out all {self.n} points; "
                               "leave some to train on")

    @property
    def sizes(self) -> list[int]:
        """The network's layer sizes: 2 inputs, the hidden widths, 1 output."""
        return [2, *self.hidden, 1]

    def session(self) -> TrainingSession:
        """The seeded session these settings describe: the data set, an MLP of these sizes
        with its seeded start, the split and the hyperparameters."""
        from ..layers import MLP  # the layers import gk.ml: import them when first needed

        points, labels = PLAYGROUND[self.dataset](n=self.n, noise=self.noise, seed=self.seed)
        train_points, train_labels, test_points, test_labels = split(
            points, labels, self.test_fraction, self.seed)
        model = MLP(self.sizes, activation=self.activation, seed=self.seed)
        return TrainingSession(
            model, train_points, train_labels, self.step_size, self.regularization, self.seed,
            test_points=test_points if len(test_points) else None,
            test_labels=test_labels if len(test_labels) else None, batch_size=self.batch_size)

    def changed(self, **changes: object) -> Playground:
        """These settings with some changed (checked as new ones are)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def text(self) -> str:
        """The settings as one short line, `key=value` pairs: what `from_text` reads back."""
        return " ".join(f"{key}={_write(getattr(self, name))}" for name, key in _KEYS.items())

    @classmethod
    def from_text(cls, text: str) -> Playground:
        """Settings from a line made by `text()` (keys left out keep their defaults), or
        refused with a sentence naming what in it is wrong."""
        if not isinstance(text, str):
            raise RefusedType(f"settings are a line of text like {cls().text()!r}, "
                              f"not {type(text).__name__}")
        given: dict[str, object] = {}
        for part in text.split():
            key, equals, value = part.partition("=")
            if not equals or key not in _FIELDS:
                raise RefusedValue(f"{part!r} is not a setting; settings look like "
                                   f"{cls().text()!r}")
            if _FIELDS[key] in given:
                raise RefusedValue(f"{key} is given twice in the settings")
            given[_FIELDS[key]] = _read(_FIELDS[key], value)
        return cls(**given)  # type: ignore[arg-type]


def _write(value: object) -> str:
    """One setting's value as text: widths joined by '-', a full batch as 'full', numbers
    as repr writes them (so they read back exactly)."""
    if isinstance(value, tuple):
        return "-".join(map(str, value))
    return "full" if value is None else repr(value) if isinstance(value, float) else str(value)


def _read(name: str, value: str) -> object:
    """One setting's text as its value (a number, a tuple of widths, None for a full batch)."""
    kind = {field.name: field.type for field in fields(Playground)}[name]
    try:
        if name == "hidden":
            return tuple(int(width) for width in value.split("-"))
        if name == "batch_size":
            return None if value == "full" else int(value)
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
    except ValueError:
        raise RefusedValue(f"{value!r} is no value for {_KEYS[name]}") from None
    return value
