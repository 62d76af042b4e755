"""Notebook 12's view of one dW entry, and the live views' imports (no matplotlib, no PIL)."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
from fresh_python import loaded_after

import gatekit as gk
from gatekit.widgets.base import escape
from gatekit.widgets.weights import LIT_WIRE_COLOUR, NOTEBOOK_WIDTH


@pytest.fixture
def network():
    model = gk.layers.MLP([2, 3, 1], seed=3)
    return model, model.to_circuit([0.5, -1.2])


def svg_of(view) -> str:
    return bytes(view.picture.image.value).decode()


def test_the_view_offers_every_entry_and_writes_out_the_chosen_ones_chain_rule(network):
    model, circuit = network
    view = gk.widgets.WeightGradientView(model, circuit, entry=(1, 1, 1))
    assert len(view.entry.options) == sum(layer.W.size for layer in model.layers)
    trace = gk.layers.trace_weight_gradient(model, circuit, 1, 1, 1)
    assert view.trace == trace
    for line in trace.lines:
        assert escape(line) in view.lines.value and line in repr(view)
    for unit in trace.units:
        assert f"<b>{circuit.name_of(unit)}</b>" in view.units_table.value


def test_its_numbers_are_the_matrix_forms(network):
    model, circuit = network
    view = gk.widgets.WeightGradientView(model, circuit, entry=(1, 0, 1))
    model.forward(np.array([[0.5], [-1.2]]))
    model.backward(np.ones((1, 1)))
    weight = view.trace.units[0]
    assert circuit.name_of(weight) == "W1[0,1]"
    assert weight.grad == pytest.approx(model.layers[0].dW[0, 1])


def test_choosing_another_entry_lights_other_units(network):
    model, circuit = network
    view = gk.widgets.WeightGradientView(model, circuit, entry=(1, 1, 1))
    first = svg_of(view)
    assert f'stroke="{LIT_WIRE_COLOUR}"' in first
    view.entry.value = (2, 0, 2)
    assert view.trace.lines[0].startswith("dW2[0,2]") and svg_of(view) != first
    assert "dW2[0,2]" in view.lines.value and view.message.text == ""


def test_the_picture_fits_the_notebook_or_shows_full_size(network):
    model, circuit = network
    view = gk.widgets.WeightGradientView(model, circuit, zoom="fit width")
    width = int(view.picture.image.width)
    assert width == NOTEBOOK_WIDTH
    view.zoom.value = "full size"
    assert int(view.picture.image.width) > NOTEBOOK_WIDTH


def test_by_default_a_picture_too_wide_to_read_when_fitted_shows_full_size(network):
    model, circuit = network
    natural = gk.widgets.WeightGradientView(model, circuit, zoom="full size")
    readable = NOTEBOOK_WIDTH / int(natural.picture.image.width) >= 0.75
    view = gk.widgets.WeightGradientView(model, circuit)
    assert view.zoom.value == ("fit width" if readable else "full size")
    small = gk.layers.MLP([1, 1, 1], seed=0)
    fitted = gk.widgets.WeightGradientView(small, small.to_circuit([0.5]))
    assert fitted.zoom.value == "fit width"
    with pytest.raises(ValueError, match="zoom must be"):
        gk.widgets.WeightGradientView(model, circuit, zoom="huge")


def test_a_circuit_of_another_network_or_a_missing_entry_is_refused(network):
    model, circuit = network
    with pytest.raises(ValueError, match="no input W1\\[0,0\\]"):
        gk.widgets.WeightGradientView(model, gk.parse("x * y"))
    with pytest.raises(ValueError, match="no entry dW3\\[0,0\\]"):
        gk.widgets.WeightGradientView(model, circuit, entry=(3, 0, 0))
    for entry in ("W1", (1, 0), None, (1.0, 0, 0)):
        with pytest.raises(ValueError, match=r"^entry must be \(layer, i, j\)"):
            gk.widgets.WeightGradientView(model, circuit, entry=entry)
    view = gk.widgets.WeightGradientView(model, circuit, entry=[1, 2, 1])
    assert view.entry.value == (1, 2, 1)


def test_the_live_views_load_neither_matplotlib_nor_pil():
    script = textwrap.dedent("""
        import gatekit as gk
        from gatekit.widgets.strategies import StrategyComparison

        circuit = gk.parse("sigmoid(a*x + b*y + c)", a=1, b=2, c=-3, x=-1, y=3)
        gk.explore(circuit).pull()
        gk.widgets.BackpropStepper(circuit).next()
        StrategyComparison(circuit)
        model = gk.layers.MLP([2, 3, 1], seed=3)
        gk.widgets.WeightGradientView(model, model.to_circuit([0.5, -1.2]))
    """)
    assert loaded_after(script, ("matplotlib", "PIL")) == []
