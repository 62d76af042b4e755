"""`gk.draw`: the matplotlib figure of a circuit, drawn from the same layout, texts, legend and
palette as the SVG pictures (tests/test_picture.py tests those)."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure
from test_picture import CIRCUITS, neuron, texts_of, two_gates, with_constants

import gatekit as gk
from gatekit.circuit import fmt
from gatekit.drawing import MAX_FIGURE_INCHES
from gatekit.picture.layout import (
    CONSTANT_COLOUR,
    GRAD_COLOUR,
    NEGATIVE_WIRE,
    VALUE_COLOUR,
    LegendText,
    layout_of,
    legend,
    wires,
)
from gatekit.picture.svg import circuit_svg


def drawn(circuit: gk.Circuit):
    return gk.draw(circuit, Figure().add_subplot())


def drawn_texts(circuit: gk.Circuit) -> list[str]:
    return [text.get_text() for text in drawn(circuit).texts]


def test_every_wire_shows_its_name_value_and_grad():
    circuit = neuron()
    circuit.backward()
    texts = drawn_texts(circuit)
    for name, unit in circuit.inputs.items():
        assert name in texts
        assert fmt(unit.value) in texts and f"∇ {fmt(unit.grad)}" in texts
    for gate in circuit.gates:
        assert gate.symbol in texts
        assert fmt(gate.output.value) in texts and f"∇ {fmt(gate.output.grad)}" in texts


def test_texts_follow_the_circuit_after_a_pull():
    circuit = two_gates()
    circuit.pull(step_size=0.1)
    circuit.backward()
    texts = drawn_texts(circuit)
    assert fmt(circuit.value) in texts
    assert fmt(circuit.inputs["x"].value) in texts


def test_values_and_grads_differ_by_position_marker_and_colour():
    circuit = two_gates()
    circuit.backward()  # x = -2, dx = -4
    by_text = {text.get_text(): text for text in drawn(circuit).texts}
    value, name, grad = by_text["-2"], by_text["x"], by_text["∇ -4"]
    assert value.get_position()[1] < name.get_position()[1] < grad.get_position()[1]  # y down
    assert value.get_color() == VALUE_COLOUR and grad.get_color() == GRAD_COLOUR


def test_constants_are_drawn_grey_without_a_grad():
    circuit = with_constants()
    circuit.backward()
    constant_texts = [t for t in drawn(circuit).texts if t.get_color() == CONSTANT_COLOUR]
    assert {"3", "1", "2"} <= {t.get_text() for t in constant_texts}


def test_negative_grads_are_dashed_wires():
    circuit = two_gates()
    circuit.backward()  # dx = -4: x's wire is dashed, z's solid
    lines = drawn(circuit).collections[0]
    looks = [wires(circuit)[unit] for unit, _, _ in layout_of(circuit).segments]
    for wire, (_, dashes) in zip(looks, lines.get_linestyles(), strict=True):
        assert (dashes is not None) == (wire.colour == NEGATIVE_WIRE), wire


@pytest.mark.parametrize("make", CIRCUITS[:3])
def test_the_svg_writes_the_same_texts_and_legend_as_the_drawing(make):
    circuit = make()
    circuit.backward()
    svg = circuit_svg(circuit, layout_of(circuit), wires(circuit))
    assert sorted(texts_of(svg)) == sorted(drawn_texts(circuit))
    legend_texts = [item.text for item in legend(layout_of(circuit))
                    if isinstance(item, LegendText)]
    assert set(legend_texts) <= set(drawn_texts(circuit))


def test_names_are_drawn_literally_even_when_they_look_like_mathtext():
    x = gk.Unit(1.0, name=r"$\frac{1}{$")
    circuit = gk.Circuit((x * 2).named("cost $5 & $x^2$"))
    figure = Figure()
    ax = gk.draw(circuit, figure.add_subplot())
    figure.savefig(io.BytesIO(), format="png")  # renders every text: bad mathtext would raise
    texts = [text.get_text() for text in ax.texts]
    assert r"$\frac{1}{$" in texts and "cost $5 & $x^2$" in texts


def test_draw_without_an_axes_makes_a_figure_of_the_layouts_size():
    circuit = neuron()
    ax = gk.draw(circuit)
    try:
        assert tuple(ax.figure.get_size_inches()) == pytest.approx(layout_of(circuit).size_inches)
    finally:
        plt.close(ax.figure)


def test_a_huge_circuit_gets_a_figure_of_bounded_size():
    total = gk.Unit(0.5, name="x")
    for _ in range(80):
        total = total + 1
    circuit = gk.Circuit(total)
    assert max(layout_of(circuit).size_inches) > MAX_FIGURE_INCHES
    ax = gk.draw(circuit)
    try:
        assert max(ax.figure.get_size_inches()) == pytest.approx(MAX_FIGURE_INCHES)
        assert len(ax.texts) > 3 * 80  # still every name, value and grad
    finally:
        plt.close(ax.figure)


def test_layout_never_moves_in_the_drawing():
    circuit = neuron()
    circles_before = drawn(circuit).collections[1].get_offsets().copy()
    for _ in range(5):
        circuit.pull(force=-1.0, step_size=0.5)
    circles_after = drawn(circuit).collections[1].get_offsets()
    assert (circles_before == circles_after).all()
