"""Predict, then see: a question the learner answers before a cell or a view shows the answer.

The true answer is a function, called only when the learner checks, so it is in no stored
output and no widget state until then. The verdict (right or not, the true answer and why) is
read aloud by screen readers: it is shown in a live region that exists before it changes.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from ..circuit import fmt
from ..errors import RefusedType, RefusedValue, blames_learner
from .base import MessageLine, View, escape, sentence, shows_errors

__all__ = ["Predict", "LiveText"]

Answer = str | float

LIVE_TEXT_ESM = r"""
function render({ model, el }) {
  // One live region for the life of the view: a screen reader announces each new text in it.
  const region = document.createElement("div");
  region.setAttribute("role", "status");
  region.setAttribute("aria-live", "polite");
  region.className = "gatekit-live-text";
  el.append(region);
  function show() {
    region.textContent = model.get("text");  // plain text: never read as HTML
  }
  model.on("change:text", show);
  show();
  return () => model.off("change:text", show);
}

export default { render };
"""


class LiveText(anywidget.AnyWidget):
    """Plain text in a polite live region (role="status"), so a screen reader hears each change."""

    _esm = LIVE_TEXT_ESM
    text = traitlets.Unicode("").tag(sync=True)

    __repr__ = widgets.Widget.__repr__


class Predict(View):
    """A question, the learner's prediction (one of `choices`, else a number) and a Check button.

    `answer()` computes the true answer when the learner checks; `why` (text, or a function of
    the true answer) explains it. A typed number is right within `tolerance` of the answer.
    `check(response)` does what the button does and returns the verdict (also in `.verdict`).
    """

    def __init__(self, question: str, answer: Callable[[], Answer],
                 choices: Sequence[str] | None = None,
                 why: str | Callable[[Answer], str] = "", tolerance: float = 1e-6) -> None:
        super().__init__()
        if not callable(answer):
            raise RefusedType("answer must be a function that computes the answer when the "
                              f"learner checks, not {type(answer).__name__}")
        if choices is not None and (isinstance(choices, str) or len(choices) < 2):
            raise RefusedValue("choices must be a list of at least two answers to pick from")
        if not (isinstance(tolerance, int | float) and math.isfinite(tolerance)
                and tolerance >= 0):
            raise RefusedValue(f"tolerance must be a finite number ≥ 0, not {tolerance!r}")
        self.question, self.why, self.tolerance = question, why, float(tolerance)
        self.choices = None if choices is None else [str(choice) for choice in choices]
        self._answer = answer
        self.verdict = ""  # the verdict shown now, as plain text ('' before a check)
        self.message = MessageLine()
        self.prompt = widgets.HTML(f"<b>Predict:</b> {escape(question)}")
        label = {"description_width": "initial"}
        if self.choices is None:
            self.response = widgets.Text(description="Your number:", placeholder="a number",
                                         style=label)
        else:
            self.response = widgets.RadioButtons(options=self.choices, value=None,
                                                 description="Your answer:", style=label)
        self.check_button = widgets.Button(description="Check", button_style="primary",
                                           tooltip="Check your prediction against the truth")
        self.check_button.on_click(lambda _: self.check(self.response.value))
        self.said = LiveText()
        answering = widgets.HBox if self.choices is None else widgets.VBox  # Check under a list
        self.children = [self.prompt, answering([self.response, self.check_button]),
                         self.said, self.message.widget]

    @shows_errors
    def check(self, response: Answer | None) -> str:
        """Compare `response` with the true answer, show and return the verdict (None, with
        the reason on the message line, when it cannot be checked)."""
        self._show_verdict("")
        prediction = self._read(response)
        truth = self._truth()
        right = (prediction == truth if self.choices is not None
                 else abs(float(prediction) - float(truth)) <= self.tolerance)
        shown = truth if isinstance(truth, str) else fmt(truth)
        if right:
            text = f"Right: the answer is {shown}."
        else:
            said = prediction if isinstance(prediction, str) else fmt(prediction)
            text = f"Not quite: you said {said}; the answer is {shown}."
        explanation = self._run("the explanation", self.why, truth) if callable(self.why) \
            else self.why
        self._show_verdict(f"{text} {explanation}".strip())
        return self.verdict

    def _read(self, response: Answer | None) -> Answer:
        """The learner's prediction, shown in the view as what was checked."""
        if self.choices is not None:
            if response is None:
                raise RefusedValue("Pick one of the answers first, then press Check.")
            if str(response) not in self.choices:
                raise RefusedValue(f"{response!r} is not one of the answers: "
                                   f"{', '.join(self.choices)}")
            self.response.value = str(response)
            return str(response)
        text = str(response if response is not None else "").strip()
        if not text:
            raise RefusedValue("Type a number first, then press Check.")
        try:
            number = float(text.replace("−", "-"))
        except ValueError:
            raise RefusedValue(f"{text!r} is not a number: type one such as -4 or 0.5") from None
        if not math.isfinite(number):
            raise RefusedValue(f"{text!r} is not a finite number")
        self.response.value = text
        return number

    def _truth(self) -> Answer:
        """The true answer, computed now."""
        truth = self._run("the answer", self._answer)
        if self.choices is not None:
            if str(truth) not in self.choices:
                raise RefusedValue(f"The answer {str(truth)!r} is not one of the choices.")
            return str(truth)
        if isinstance(truth, bool) or not isinstance(truth, numbers.Real) \
                or not math.isfinite(truth):
            raise RefusedValue(f"The answer must be a finite number, not {truth!r}.")
        return float(truth)

    @staticmethod
    def _run(what: str, function: Callable[..., Any], *args: Any) -> Any:
        """Call the notebook's function; its own error is shown as one sentence, a bug raised."""
        try:
            return function(*args)
        except Exception as error:
            if not blames_learner(error):
                raise
            raise RefusedValue(f"{what.capitalize()} could not be computed: "
                               f"{sentence(error)}") from error

    def _show_verdict(self, text: str) -> None:
        self.verdict = text
        self.said.text = text

    def __repr__(self) -> str:
        return f"Predict({self.question!r})"
