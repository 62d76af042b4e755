"""`gk.draw`: the matplotlib figure of a circuit, drawn from the same layout, texts, legend and
palette as the SVG pictures (tests/test_picture.py tests those)."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import networkx as nx
import pytest
from learner_gates import Times
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


def calls_to(monkeypatch: pytest.MonkeyPatch, name: str) -> list[tuple[tuple, dict, object]]:
    """The calls of networkx's function `name` (args, kwargs, what it returned) from now on."""
    calls = []
    real = getattr(nx, name)

    def recorded(*args, **kwargs):
        result = real(*args, **kwargs)
        calls.append((args, kwargs, result))
        return result

    monkeypatch.setattr(nx, name, recorded)
    return calls


def test_the_drawing_is_networkxs_own_of_the_circuits_graph(monkeypatch):
    """gk.draw hands the circuit's DiGraph and the layout's positions to networkx's drawing
    functions: every wire piece to draw_networkx_edges, every gate to draw_networkx_nodes, and
    every text on a node to draw_networkx_labels; the artists they return are the drawing."""
    circuit = gk.parse("a * a + sigmoid(a * b)", a=1.0, b=2.0)
    circuit.backward()
    layout = layout_of(circuit)
    edges, nodes, labels = (calls_to(monkeypatch, f"draw_networkx_{name}")
                            for name in ("edges", "nodes", "labels"))
    ax = drawn(circuit)
    [((graph, positions), edge_style, lines)] = edges
    [(_, node_style, circles)] = nodes
    assert set(graph.edges) == set(circuit.to_networkx().edges)
    assert positions == layout.positions and edge_style["edgelist"] == list(layout.edges)
    assert node_style["nodelist"] == [("gate", j) for j in range(len(circuit.gates))]
    assert list(ax.collections) == [lines, circles]
    by_networkx = [text for _, _, texts in labels for text in texts.values()]
    assert len(by_networkx) == len(circuit.gates) + 3 * len(circuit.units)  # symbol; name,
    # value and grad
    assert set(by_networkx) <= set(ax.texts)
    assert {"a", "b", "*", "σ", "∇ 2.21"} <= {text.get_text() for text in by_networkx}


def test_a_wire_used_twice_is_drawn_as_two_pieces_into_the_gate():
    circuit = gk.parse("a * a", a=3.0)
    lines = drawn(circuit).collections[0].get_segments()
    from_a = [segment for segment in lines if tuple(segment[0]) == layout_of(circuit).units[0]]
    assert len(from_a) == 2 and tuple(from_a[0][1]) != tuple(from_a[1][1])


def test_a_learners_own_gate_is_laid_out_and_drawn_like_any_other():
    """A learner's gate is a node of the graph like gatekit's: the SVG and the drawing place it
    at the same point, show its symbol, and write the same texts."""
    x, y = gk.Unit(2.0, name="x"), gk.Unit(-3.0, name="y")
    circuit = gk.Circuit(Times().forward(x, y) + x)
    circuit.backward()
    ax = drawn(circuit)
    svg = circuit_svg(circuit, layout_of(circuit), wires(circuit))
    assert "times" in texts_of(svg) and sorted(texts_of(svg)) == sorted(drawn_texts(circuit))
    symbol = next(text for text in ax.texts if text.get_text() == "times")
    assert symbol.get_position() == layout_of(circuit).gates[0]
