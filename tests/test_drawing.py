"""The drawing: values and grads on every wire, a layout that never moves, the SVG twin."""

from __future__ import annotations

import itertools
import re
from html import unescape

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure

import gatekit as gk
from gatekit.circuit import fmt
from gatekit.drawing import (
    CONSTANT_COLOUR,
    NEGATIVE_WIRE,
    POSITIVE_WIRE,
    circuit_png,
    compute_layout,
    layout_of,
    wires,
)
from gatekit.widgets.svg import circuit_svg


def two_gates() -> gk.Circuit:
    x, y, z = gk.Unit(-2.0, name="x"), gk.Unit(5.0, name="y"), gk.Unit(-4.0, name="z")
    return gk.Circuit((x + y) * z)


def neuron() -> gk.Circuit:
    a, b, c, x, y = (gk.Unit(v, name=n) for n, v in zip("abcxy", (1, 2, -3, -1, 3), strict=True))
    return gk.Circuit(gk.sigmoid(a * x + b * y + c))


def with_constants() -> gk.Circuit:
    w = gk.Unit(2.0, name="w")
    return gk.Circuit((w * 3 + 1) / (w * w + 2))


def small_net(hidden: int) -> gk.Circuit:
    """Two inputs shared by `hidden` ReLU neurons and a linear score (7 gates a neuron)."""
    x0, x1 = gk.Unit(1.2, name="x0"), gk.Unit(0.7, name="x1")
    terms = []
    for i in range(hidden):
        w0, w1, b, v = (gk.Unit(0.1 * (i + k) - 0.3, name=f"{n}{i}") for k, n in enumerate("wubv"))
        terms.append(v * gk.relu(w0 * x0 + w1 * x1 + b))
    score = terms[0]
    for term in terms[1:]:
        score = score + term
    return gk.Circuit(score)


CIRCUITS = [two_gates, neuron, with_constants, lambda: small_net(4), lambda: small_net(14)]


def drawn_texts(circuit: gk.Circuit) -> list[str]:
    ax = gk.draw(circuit, Figure().add_subplot())
    return [text.get_text() for text in ax.texts]


def test_every_wire_shows_its_name_value_and_grad():
    circuit = neuron()
    circuit.backward()
    texts = drawn_texts(circuit)
    for name, unit in circuit.inputs.items():
        assert name in texts
        assert fmt(unit.value) in texts and fmt(unit.grad) in texts
    for gate in circuit.gates:
        assert gate.symbol in texts
        assert fmt(gate.output.value) in texts and fmt(gate.output.grad) in texts


def test_texts_follow_the_circuit_after_a_pull():
    circuit = two_gates()
    circuit.pull(step_size=0.1)
    circuit.backward()
    texts = drawn_texts(circuit)
    assert fmt(circuit.value) in texts
    assert fmt(circuit.inputs["x"].value) in texts


def test_constants_are_drawn_grey_without_a_grad():
    circuit = with_constants()
    circuit.backward()
    ax = gk.draw(circuit, Figure().add_subplot())
    constant_texts = [t for t in ax.texts if t.get_color() == CONSTANT_COLOUR]
    assert {"3", "1", "2"} <= {t.get_text() for t in constant_texts}
    constants = [w for w in wires(circuit) if w.constant]
    assert len(constants) == 3 and all(w.grad_text == "" for w in constants)


def test_draw_without_an_axes_makes_a_figure_of_the_layouts_size():
    circuit = neuron()
    ax = gk.draw(circuit)
    try:
        width, height = ax.figure.get_size_inches()
        assert (width, height) == pytest.approx(layout_of(circuit).size_inches)
    finally:
        plt.close(ax.figure)


def test_a_circuit_shows_itself_as_a_png():
    circuit = two_gates()
    png = circuit._repr_png_()
    assert png.startswith(b"\x89PNG") and png == circuit_png(circuit)


@pytest.mark.parametrize("make", CIRCUITS)
def test_layout_runs_left_to_right_within_the_picture_without_overlaps(make):
    circuit = make()
    layout = compute_layout(circuit)
    for _, (x1, _), (x2, _) in layout.segments:
        assert x1 < x2
    output = circuit.units.index(circuit.output)
    assert layout.units[output][0] == layout.columns - 1
    points = list(layout.gates) + list(layout.units)
    (left, right), (top, bottom) = layout.x_limits, layout.y_limits
    for x, y in points:  # room for the value above and the grad below every wire
        assert left < x - 0.5 and x + 0.5 < right and top < y - 0.5 and y + 0.5 < bottom
    for (xa, ya), (xb, yb) in itertools.combinations(points, 2):
        assert xa != xb or abs(ya - yb) >= 1.0


def test_layout_is_computed_once_and_never_moves():
    circuit = neuron()
    layout = layout_of(circuit)
    circles_before = gk.draw(circuit, Figure().add_subplot()).collections[1].get_offsets().copy()
    for _ in range(5):
        circuit.pull(force=-1.0, step_size=0.5)
    assert layout_of(circuit) is layout
    assert compute_layout(circuit) == layout
    circles_after = gk.draw(circuit, Figure().add_subplot()).collections[1].get_offsets()
    assert (circles_before == circles_after).all()


def test_wire_width_grows_with_the_grad_and_colour_gives_its_sign():
    circuit = two_gates()
    circuit.backward()  # dx = -4, dz = 3
    shown = dict(zip((u.name for u in circuit.units), wires(circuit), strict=True))
    assert shown["x"].colour == NEGATIVE_WIRE and shown["z"].colour == POSITIVE_WIRE
    assert shown["x"].width > shown["z"].width > 1.0


def test_unknown_values_and_grads_show_as_such():
    circuit = two_gates()
    unknown = [None] * len(circuit.units)
    shown = wires(circuit, values=unknown, grads=unknown)
    assert {w.value_text for w in shown} == {"?"} and {w.grad_text for w in shown} == {""}


@pytest.mark.parametrize("make", CIRCUITS[:3])
def test_the_svg_view_writes_the_same_texts_as_the_drawing(make):
    circuit = make()
    circuit.backward()
    svg = circuit_svg(circuit, layout_of(circuit), wires(circuit))
    svg_texts = sorted(unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    assert svg_texts == sorted(drawn_texts(circuit))
