"""Learning with circuits (chapter 2): the guide's SVM, a small neural net, the hinge loss, and
training as a session you can step, reset and watch.

Every model here follows the guide's protocol: pick a point, run it forward through the
model's circuit, pull on the output (+1 for a positive point scoring below 1, -1 for a
negative point scoring above -1, 0 otherwise), run the circuit backward, add a spring pull
`-regularization * w` to every weight (never to a bias), and step every parameter by
`value += step_size * grad`. All gradients come from `gk.Circuit.backward`; the only
hand-derived update is `SimplifiedSVM`, the guide's "simplified SVM update", kept next to
`SVM` to show it gives the very same numbers.

- `protocol`: `Trainable` (what a model offers the loop), `StepResult`, `TrainingDiverged`
  and the checks made once where numbers enter;
- `losses`: the pull rule, the hinge cost, the hinge loss as a circuit, accuracy;
- `models`: `SVM`, `SimplifiedSVM`, `TwoLayerNet`, `HingeLossClassifier`;
- `session`: `TrainingSession`, its `History`, and `train`, the loop over a session.

Needs numpy only (no matplotlib, no ipywidgets).
"""

from ..public import public_dir as _public_dir
from .losses import (
    accuracy,
    check_label,
    hinge_cost,
    hinge_loss,
    hinge_loss_parts,
    mean_hinge_cost,
    measure,
    pull_for,
    squared_hinge_pull,
)
from .models import (
    SVM,
    HingeLossClassifier,
    PullTrainedModel,
    SimplifiedSVM,
    SquaredHingeSVM,
    TwoLayerNet,
)
from .playground import Playground
from .protocol import StepResult, Trainable, TrainingDiverged
from .session import History, TrainingSession, train

__all__ = [
    "Trainable",
    "StepResult",
    "TrainingDiverged",
    "History",
    "TrainingSession",
    "train",
    "Playground",
    "pull_for",
    "squared_hinge_pull",
    "check_label",
    "hinge_cost",
    "PullTrainedModel",
    "SVM",
    "SimplifiedSVM",
    "SquaredHingeSVM",
    "TwoLayerNet",
    "HingeLossClassifier",
    "hinge_loss",
    "hinge_loss_parts",
    "accuracy",
    "mean_hinge_cost",
    "measure",
]


def __dir__() -> list[str]:
    return _public_dir(__all__, globals())
