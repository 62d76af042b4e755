"""Predict, then see (issue 21): the answer is computed only when the learner checks, so no
stored output or widget state holds it before; the verdict is escaped, in a live region, and
bad input or a failing answer function is one sentence that leaves the view as it was."""

from __future__ import annotations

import json
from pathlib import Path

import ipywidgets as widgets
import pytest

import gatekit as gk
from gatekit.widgets.base import widget_tree
from gatekit.widgets.predict import LIVE_TEXT_ESM, LiveText, Predict

SECRET = "-7.25"  # an answer no default state of a widget contains


class Counted:
    """An answer function that counts its calls."""

    def __init__(self, answer: str | float) -> None:
        self.answer, self.calls = answer, 0

    def __call__(self) -> str | float:
        self.calls += 1
        return self.answer


def everything_synced(view: Predict) -> str:
    """Every synced trait of every widget in the view and its display data, as one text."""
    states = [widget.get_state() for widget in widget_tree(view)]
    shown = view._repr_mimebundle_() if hasattr(view, "_repr_mimebundle_") else {}
    return json.dumps([states, shown], default=repr)


def test_the_answer_is_nowhere_until_the_learner_checks():
    answer = Counted(-7.25)
    view = Predict("What will x.grad be?", answer, why="because of -7.25")
    assert answer.calls == 0 and view.verdict == ""
    assert SECRET not in everything_synced(view) and "because" not in everything_synced(view)
    view.check(1)
    assert answer.calls == 1 and SECRET in view.said.text and "because" in view.said.text


def test_which_choice_is_right_is_nowhere_until_the_learner_checks():
    answer = Counted("second")
    view = Predict("Which one?", answer, choices=["first", "second"], why="because")
    synced = everything_synced(view)
    assert answer.calls == 0 and "because" not in synced and "Right" not in synced
    assert view.response.value is None  # no choice is picked for the learner
    view.check("first")
    assert answer.calls == 1 and view.said.text.endswith("the answer is second. because")


def test_a_number_is_right_within_the_tolerance_and_the_verdict_says_why():
    view = Predict("x.grad?", lambda: -4.0, why=lambda truth: f"it is z, {truth:g}",
                   tolerance=0.01)
    assert view.check("-3.995") == "Right: the answer is -4. it is z, -4"
    assert view.verdict == view.said.text == view.check("-4") == view.check(-4.0)
    wrong = view.check("-3")
    assert wrong == "Not quite: you said -3; the answer is -4. it is z, -4"
    assert view.response.value == "-3"  # the view shows what was checked
    assert view.check("−4").startswith("Right")  # a typographic minus is a minus


def test_a_choice_is_right_only_when_it_is_the_answer():
    view = Predict("Which input gets the largest gradient?", lambda: "z", choices=["x", "y", "z"],
                   why="z multiplies the sum")
    assert view.check("x") == "Not quite: you said x; the answer is z. z multiplies the sum"
    assert view.response.value == "x"
    assert view.check("z") == "Right: the answer is z. z multiplies the sum"


def test_the_button_checks_what_the_learner_picked():
    view = Predict("Which?", lambda: "b", choices=["a", "b"])
    view.response.value = "b"
    view.check_button.click()
    assert view.verdict == "Right: the answer is b."


@pytest.mark.parametrize(("response", "says"), [
    (None, "Type a number first"), ("", "Type a number first"),
    ("four", "'four' is not a number"), ("nan", "'nan' is not a finite number"),
])
def test_a_response_that_is_not_a_number_is_one_sentence(response, says):
    view = Predict("x.grad?", lambda: -4.0)
    view.check("-4")
    assert view.check(response) is None
    assert view.message.text.startswith(says) and "\n" not in view.message.text
    assert view.verdict == view.said.text == ""  # no verdict left over from an older check


def test_a_response_that_is_not_a_choice_is_refused():
    view = Predict("Which?", lambda: "b", choices=["a", "b"])
    assert view.check(None) is None and view.message.text.startswith("Pick one")
    assert view.check("c") is None and "'c' is not one of the answers: a, b" in view.message.text
    assert view.response.value is None


def test_an_answer_function_that_raises_is_shown_as_a_sentence():
    def broken() -> float:
        return {}["x"]  # a KeyError raised in the notebook's own code

    view = Predict("x.grad?", broken)
    assert view.check("1") is None
    assert view.message.text == "The answer could not be computed: 'x'"
    view = Predict("x.grad?", lambda: 2.0, why=lambda truth: 1 / 0)
    assert view.check("2") is None
    assert view.message.text == "The explanation could not be computed: division by zero"


@pytest.mark.parametrize(("answer", "choices", "says"), [
    (lambda: "c", ["a", "b"], "The answer 'c' is not one of the choices."),
    (lambda: "4", None, "The answer must be a finite number, not '4'."),
    (lambda: float("inf"), None, "The answer must be a finite number, not inf."),
])
def test_an_answer_of_the_wrong_kind_is_named(answer, choices, says):
    view = Predict("?", answer, choices=choices)
    assert view.check("a" if choices else "1") is None and view.message.text == says


def test_a_bug_in_gatekit_inside_the_answer_is_shown_and_raised():
    inside_gatekit: dict[str, object] = {}
    exec(compile("def bug():\n    raise KeyError('w1')\n",  # noqa: S102 - a frame in gatekit
                 str(Path(gk.__file__).parent / "made_up.py"), "exec"), inside_gatekit)
    view = Predict("?", inside_gatekit["bug"])  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        view.check("1")
    assert "bug" in view.message.text and view.verdict == ""


@pytest.mark.parametrize(("kwargs", "says"), [
    ({"answer": 3.0}, "answer must be a function"),
    ({"answer": lambda: "a", "choices": "ab"}, "at least two answers"),
    ({"answer": lambda: "a", "choices": ["a"]}, "at least two answers"),
    ({"answer": lambda: 1.0, "tolerance": -1}, "tolerance must be a finite number"),
])
def test_a_malformed_question_is_refused_at_once(kwargs, says):
    with pytest.raises((gk.errors.RefusedValue, gk.errors.RefusedType), match=says):
        Predict("?", **kwargs)


def test_every_text_is_escaped_and_the_verdict_is_plain_text_in_a_live_region():
    evil = '<img src=x onerror="alert(1)">'
    view = Predict(evil, lambda: evil, choices=[evil, "b"], why=evil)
    assert "<img" not in view.prompt.value and "&lt;img" in view.prompt.value
    view.check("b")
    assert isinstance(view.said, LiveText) and evil in view.said.text  # plain text ...
    assert "region.textContent" in LIVE_TEXT_ESM and "innerHTML" not in LIVE_TEXT_ESM  # ... so
    assert 'aria-live", "polite"' in LIVE_TEXT_ESM and 'role", "status"' in LIVE_TEXT_ESM


def test_every_control_is_named_and_close_frees_the_view():
    for view in (Predict("?", lambda: 1.0), Predict("?", lambda: "a", choices=["a", "b"])):
        for widget in widget_tree(view):
            if isinstance(widget, widgets.Button | widgets.Text | widgets.RadioButtons):
                assert widget.description.strip(), widget
        view.close()
        assert all(widget.comm is None for widget in widget_tree(view))


def test_predict_is_a_public_view():
    assert gk.widgets.Predict is Predict and "Predict" in gk.widgets.__all__
