"""Issue 20 item 11: every readout writes a number compactly, switching to exponent notation for
huge and tiny ones, and never says "off by nan" (`gatekit.circuit.fmt`)."""

import math

import numpy as np
import pytest

import gatekit as gk
from gatekit import ml
from gatekit.circuit import fmt
from gatekit.widgets.strategies import compare_strategies
from gatekit.widgets.training import TrainingExplorer

READOUT_LIMIT = 20  # characters a number may take in a readout


@pytest.mark.parametrize(("x", "decimals", "sign", "text"), [
    (0.8808, 4, False, "0.8808"),
    (-12.0, 4, False, "-12.0000"),
    (math.exp(700), 4, False, "1.0142e+304"),
    (-1e300, 4, False, "-1.0000e+300"),
    (5e-7, 4, False, "5.0000e-07"),
    (1e-300, 6, True, "+1.000000e-300"),
    (123456.7, 4, False, "123456.7000"),
    (1e6, 4, False, "1.0000e+06"),
    (0.25, 2, True, "+0.25"),
    (-0.0, 4, False, "0.0000"),
    (0.0, 6, True, "+0.000000"),
    (math.inf, 4, True, "+inf"),
    (-math.inf, 4, False, "-inf"),
    (math.nan, 4, False, "nan"),
    (math.exp(700), None, False, "1.014e+304"),
    (-3.0, None, False, "-3"),
    (-0.0, None, False, "0"),
])
def test_fmt_writes_huge_tiny_and_special_numbers_compactly(x, decimals, sign, text):
    assert fmt(x, decimals, sign=sign) == text


@pytest.mark.parametrize("x", [math.exp(700), 1e-320, 9.99e305, -math.pi * 1e200, 1 / 3])
def test_fmt_is_never_longer_than_a_readout(x):
    for decimals in (None, 2, 4, 6):
        assert len(fmt(x, decimals, sign=True)) <= READOUT_LIMIT


def test_the_explorer_reads_exp_700_in_exponent_notation():
    explorer = gk.explore(gk.parse("exp(x)", x=700.0))
    assert "1.0142e+304" in explorer.output_line.value
    assert len(explorer.output_line.value) < 200


def test_a_pull_to_infinity_is_never_off_by_nan():
    explorer = gk.explore(gk.parse("exp(x)", x=700.0), step_size=1.0)
    explorer.pull()
    text = explorer.prediction.value
    assert "nan" not in text
    assert "no finite difference" in text
    assert max(len(part) for part in text.split()) <= 40


def test_the_prediction_is_compact_and_signed():
    explorer = gk.explore(gk.parse("x * y", x=3e7, y=2e7), step_size=0.01)
    explorer.pull()
    assert "e+" in explorer.prediction.value
    assert "off by +" in explorer.prediction.value or "off by -" in explorer.prediction.value


def test_the_strategy_table_keeps_short_lines_for_huge_outputs():
    table = compare_strategies(gk.parse("exp(x) * y", x=700.0, y=1.0), tries=3)
    lines = str(table).splitlines()
    assert max(len(line) for line in lines) < 120
    assert "e+304" in lines[1]


def test_the_training_status_writes_a_huge_cost_in_exponent_notation():
    points, labels = gk.datasets.guide_points()
    model = ml.SVM()
    model.set_parameters(np.array([1e150, 1e150, 1e150]))
    status = TrainingExplorer(model, points, labels)._status_text()
    assert "e+149" in status
    assert len(status) < 120


def test_a_huge_input_gets_a_slider_that_reads_in_exponent_notation():
    explorer = gk.explore(gk.parse("x * y", x=3e7, y=1.0))
    assert explorer.sliders["x"].readout_format == ".4g"
    assert gk.explore(gk.parse("x * y", x=3.0, y=1.0)).sliders["x"].readout_format == ".3f"


def test_the_stepper_narrates_huge_values_compactly():
    stepper = gk.widgets.BackpropStepper(gk.parse("exp(x) * y", x=700.0, y=2.0))
    stepper.next()
    assert "1.014e+304" in stepper.sentence.value
    assert max(len(word) for word in stepper.sentence.value.split()) < 40
