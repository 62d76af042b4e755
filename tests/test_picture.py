"""The picture pipeline without matplotlib: the layout, the wires' looks, the SVG (escaped, with
a text alternative), the bounded notebook repr, and a palette every learner can read."""

from __future__ import annotations

import itertools
import math
import re
import tracemalloc
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from fresh_python import loaded_after
from hypothesis import given
from hypothesis import strategies as st

import gatekit as gk
from gatekit.picture import layout as picture_layout
from gatekit.picture.layout import (
    CONSTANT_COLOUR,
    GRAD_COLOUR,
    HIGHLIGHT_COLOUR,
    NAME_COLOUR,
    NEGATIVE_WIRE,
    POSITIVE_WIRE,
    VALUE_COLOUR,
    LegendLine,
    LegendText,
    compute_layout,
    layout_of,
    legend,
    wires,
)
from gatekit.picture.summary import nearest_output
from gatekit.picture.svg import (
    REPR_MAX_GATES,
    circuit_description,
    circuit_repr_svg,
    circuit_svg,
    sparkline_svg,
)

SVG = "{http://www.w3.org/2000/svg}"


def two_gates() -> gk.Circuit:
    x, y, z = gk.Unit(-2.0, name="x"), gk.Unit(5.0, name="y"), gk.Unit(-4.0, name="z")
    return gk.Circuit((x + y) * z)


def neuron() -> gk.Circuit:
    a, b, c, x, y = (gk.Unit(v, name=n) for n, v in zip("abcxy", (1, 2, -3, -1, 3), strict=True))
    return gk.Circuit(gk.sigmoid(a * x + b * y + c))


def with_constants() -> gk.Circuit:
    w = gk.Unit(2.0, name="w")
    return gk.Circuit((w * 3 + 1) / (w * w + 2))


def shared_leaves() -> gk.Circuit:
    x, y = gk.Unit(1.0, name="x"), gk.Unit(2.0, name="y")
    return gk.Circuit(x * x + x * y + y * y * x)


def chain(gates: int) -> gk.Circuit:
    total = gk.Unit(0.5, name="x")
    for _ in range(gates):
        total = total + 1
    return gk.Circuit(total)


def hinge(points: int) -> gk.Circuit:
    circuit = gk.ml.hinge_loss(*gk.datasets.two_moons(points), w=[0.1, 0.2, 0.3])
    circuit.backward(-1.0)
    return circuit


CIRCUITS = [two_gates, neuron, with_constants, shared_leaves, lambda: hinge(3)]


@st.composite
def random_topologies(draw):
    """2-5 inputs, a few constants, then 1-25 adds and muls of any earlier wires (fan-out and
    a wire used twice by one gate included), summed into one output."""
    wires_so_far = [gk.Unit(float(k), name=f"x{k}") for k in range(draw(st.integers(2, 5)))]
    for _ in range(draw(st.integers(1, 25))):
        a = draw(st.sampled_from(wires_so_far))
        b = draw(st.one_of(st.sampled_from(wires_so_far), st.just(None)))
        wires_so_far.append(a * 2.0 if b is None else draw(st.sampled_from([a + b, a * b])))
    total = wires_so_far[-1]
    for wire in draw(st.lists(st.sampled_from(wires_so_far), max_size=3)):
        total = total + wire
    return gk.Circuit(total)


def texts_of(svg: str) -> list[str]:
    """Every text the SVG shows, unescaped by a real XML parser (so the SVG must be valid)."""
    root = ET.fromstring(svg)
    return [element.text or "" for element in root.iter(f"{SVG}text")]


# ----- the layout -------------------------------------------------------------------------------
def assert_well_laid_out(circuit: gk.Circuit) -> None:
    layout = compute_layout(circuit)
    for _, (x1, _), (x2, _) in layout.segments:
        assert x1 < x2  # values flow left to right
    output = circuit.units.index(circuit.output)
    assert layout.units[output][0] == layout.columns - 1
    points = list(layout.gates) + list(layout.units)
    (left, right), (top, bottom) = layout.x_limits, layout.y_limits
    for x, y in points:  # room for the value above and the grad below every wire
        assert left < x - 0.5 and x + 0.5 < right and top < y - 0.5 and y + 0.5 < bottom
    by_column: dict[float, list[float]] = {}
    for x, y in points:
        by_column.setdefault(x, []).append(y)
    for rows in by_column.values():
        rows.sort()
        assert all(below - above > 1.0 - 1e-9 for above, below in itertools.pairwise(rows))


@pytest.mark.parametrize("make", CIRCUITS)
def test_layout_runs_left_to_right_within_the_picture_without_overlaps(make):
    assert_well_laid_out(make())


@given(random_topologies())
def test_any_circuit_is_laid_out_left_to_right_without_overlaps(circuit):
    assert_well_laid_out(circuit)


def half_row_steps_around(target: float, count: int) -> list[float]:
    """target, target + 0.5, target - 0.5, target + 1, … (ties go to the larger row)."""
    return [target + (k + 1) // 2 * 0.5 * (1 if k % 2 else -1) for k in range(count)]


@given(st.lists(st.floats(-50, 50).map(lambda r: round(r * 4) / 4), max_size=30),
       st.lists(st.floats(-60, 60).map(lambda r: round(r * 4) / 4), min_size=1, max_size=8))
def test_the_nearest_free_row_is_the_one_a_full_scan_finds(taken, targets):
    rows = sorted(taken)
    spread = [rows[0]] if rows else []
    for row in rows[1:]:  # rows in a column are at least one apart
        spread.append(max(row, spread[-1] + 1.0))
    blocked = picture_layout._Blocked(spread)
    placed = list(spread)
    for target in targets:
        expected = next(
            candidate for candidate in half_row_steps_around(target, 4 * len(placed) + 4)
            if all(abs(candidate - t) >= 1.0 for t in placed)
        )
        assert blocked.nearest_free(target) == expected
        placed.append(expected)


def test_layout_is_computed_once_per_circuit_and_never_moves():
    circuit = neuron()
    layout = layout_of(circuit)
    for _ in range(5):
        circuit.pull(force=-1.0, step_size=0.5)
    assert layout_of(circuit) is layout
    assert compute_layout(circuit) == layout


@pytest.mark.parametrize("make", [*CIRCUITS, lambda: gk.parse("a * a + a", a=2.0)])
def test_the_layout_places_every_node_and_edge_of_the_circuits_networkx_graph(make):
    """The layout is of `Circuit.to_networkx`'s graph: each node has a place, each edge a wire
    piece from its tail's place to its head's (a wire a gate uses twice: one per use)."""
    circuit = make()
    graph, layout = circuit.to_networkx(), layout_of(circuit)
    assert set(graph) <= set(layout.positions)
    assert {(tail, ("gate", head[1]) if head[0] == "entry" else head)
            for tail, head in layout.edges} == set(graph.edges)
    at = layout.positions
    for (tail, head), (_, start, end) in zip(layout.edges, layout.segments, strict=True):
        assert (at[tail], at[head]) == (start, end)
    for depth, generation in enumerate(nx.topological_generations(graph)):
        for node in generation:  # a gate's column is its longest path from a leaf
            assert node[0] != "gate" or at[node][0] == depth


def test_a_slider_event_only_restyles_the_picture_laid_out_once(monkeypatch):
    """After the first view, moving an input lays nothing out again (networkx is not asked)."""
    circuit = neuron()
    explorer = gk.explore(circuit)
    before = bytes(explorer.drawing.image.value)

    def refused(*args, **kwargs):
        raise AssertionError("laid out again")

    monkeypatch.setattr(nx, "topological_generations", refused)
    explorer.sliders["a"].value = 0.25
    after = bytes(explorer.drawing.image.value)
    assert after != before and b">0.25<" in after
    assert circuit._repr_svg_() == circuit_svg(circuit, layout_of(circuit), wires(circuit))


def test_names_come_from_the_circuit_and_units_keep_theirs():
    s = gk.Unit(2.0) * gk.Unit(3.0)
    circuit = gk.Circuit(s + 1)
    assert [w.name for w in wires(circuit)] == circuit.names
    assert s.name is None and "q1" in circuit_repr_svg(circuit)


def test_the_live_picture_loads_networkx_but_no_drawing_widget_or_array_library():
    """networkx lays the circuit out; matplotlib, PIL and numpy (which a JupyterLite site
    would fetch from Pyodide's CDN) stay unloaded."""
    code = (
        "import gatekit as gk\n"
        "from gatekit.picture.svg import circuit_svg, sparkline_svg\n"
        "from gatekit.picture.layout import layout_of, wires\n"
        "c = gk.parse('sigmoid(a * x + b)', a=1, x=2, b=3)\n"
        "c.backward(); c._repr_svg_(); sparkline_svg([1.0, 2.0], 100, 40)"
    )
    libraries = ("matplotlib", "ipywidgets", "PIL", "numpy", "networkx")
    assert loaded_after(code, libraries) == ["networkx"]


# ----- the wires --------------------------------------------------------------------------------
def test_wire_width_grows_with_the_grad_and_colour_and_dashes_give_its_sign():
    circuit = two_gates()
    circuit.backward()  # dx = -4, dz = 3
    shown = dict(zip(circuit.names, wires(circuit), strict=True))
    assert shown["x"].colour == NEGATIVE_WIRE and shown["x"].dashed
    assert shown["z"].colour == POSITIVE_WIRE and not shown["z"].dashed
    assert shown["x"].width > shown["z"].width > 1.0
    assert shown["x"].grad_text == "∇ -4" and shown["x"].value_text == "-2"


def test_unknown_values_and_grads_show_as_such():
    circuit = two_gates()
    unknown = [None] * len(circuit.units)
    shown = wires(circuit, values=unknown, grads=unknown)
    assert {w.value_text for w in shown} == {"?"} and {w.grad_text for w in shown} == {""}


def test_constants_show_their_value_without_a_grad():
    circuit = with_constants()
    circuit.backward()
    constants = [w for w in wires(circuit) if w.constant]
    assert sorted(w.value_text for w in constants) == ["1", "2", "3"]
    assert all(w.grad_text == "" for w in constants)


def test_grads_that_are_not_finite_never_put_nan_into_the_picture():
    circuit = gk.parse("exp(x) + y", x=1000.0, y=1.0)  # exp overflows: value and grad inf
    circuit.backward()
    grads = [math.nan, math.inf, -math.inf, 2.0][: len(circuit.units)]
    grads += [1.0] * (len(circuit.units) - len(grads))
    svg = circuit_svg(circuit, layout_of(circuit), wires(circuit, grads=grads))
    attributes = re.findall(r'="([^"]*)"', svg)
    assert not [a for a in attributes if "nan" in a.lower() or "inf" in a.lower()]


# ----- the SVG ----------------------------------------------------------------------------------
@pytest.mark.parametrize("make", CIRCUITS)
def test_the_svg_shows_every_name_value_and_grad(make):
    circuit = make()
    circuit.backward()
    texts = texts_of(circuit_svg(circuit, layout_of(circuit), wires(circuit)))
    for wire in wires(circuit):
        assert wire.value_text in texts
        assert wire.constant or (wire.name in texts and wire.grad_text in texts)
    assert all(gate.symbol in texts for gate in circuit.gates)


def test_values_sit_above_their_wire_and_marked_grads_below():
    circuit = two_gates()
    circuit.backward()
    root = ET.fromstring(circuit_svg(circuit, layout_of(circuit), wires(circuit)))
    y_of = {element.text: float(element.get("y")) for element in root.iter(f"{SVG}text")}
    fills = {element.text: element.get("fill") for element in root.iter(f"{SVG}text")}
    assert y_of["-2"] < y_of["x"] < y_of["∇ -4"]  # x = -2, dx = -4
    assert fills["-2"] == VALUE_COLOUR and fills["∇ -4"] == GRAD_COLOUR


def test_the_picture_is_an_image_with_a_title_and_a_sentence_of_its_state():
    circuit = neuron()
    circuit.backward()
    root = ET.fromstring(circuit_svg(circuit, layout_of(circuit), wires(circuit)))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Circuit computing f"
    assert root.find(f"{SVG}desc").text == (
        "f = 0.8808, computed by 5 gates from a, x, b, y, c; the largest gradient is on b, 0.315."
    )


def test_the_description_follows_the_state_and_can_be_given():
    circuit = neuron()
    assert circuit_description(circuit).endswith("; every input's gradient is 0.")
    circuit.backward(-2.0)
    assert "the largest gradient is on b, -0.63" in circuit_description(circuit)
    unknown = wires(circuit, grads=[None] * len(circuit.units))
    assert "5 of 5 input gradients not known yet" in circuit_description(circuit, unknown)
    svg = circuit_svg(circuit, layout_of(circuit), wires(circuit), description="3 pulls & <b>")
    assert ET.fromstring(svg).find(f"{SVG}desc").text == "3 pulls & <b>"


def test_the_description_says_what_is_not_known_or_not_finite():
    circuit = neuron()
    circuit.backward()
    grads = [unit.grad for unit in circuit.units]
    grads[0], grads[1] = None, math.inf  # a and x
    text = circuit_description(circuit, wires(circuit, grads=grads))
    assert "1 of 5 input gradients not known yet; 1 not finite" in text
    assert text.endswith("of the rest the largest is on b, 0.315.")
    assert circuit_description(gk.Circuit(gk.Unit(2.0, name="x"))) == (
        "x = 2, an input with no gates; every input's gradient is 0."
    )
    assert ET.fromstring(gk.Circuit(gk.Constant(2.0))._repr_svg_()).find(
        f"{SVG}desc").text == "the constant 2."


def test_every_name_and_symbol_is_escaped():
    class Angle(gk.Gate):
        arity, symbol = 1, "<&>"

        def compute(self) -> float:
            return self.inputs[0].value

        def backward(self) -> None:
            self.inputs[0].grad += self.output.grad

    name = '<img src=x onerror="alert(1)">'
    x = gk.Unit(1.0, name=name)
    circuit = gk.Circuit(Angle().forward(x).named("a & b"))
    for svg in (circuit_repr_svg(circuit),
                circuit_svg(circuit, layout_of(circuit), wires(circuit), description=name)):
        assert "<img" not in svg
        texts = texts_of(svg)
        assert name in texts and "<&>" in texts and "a & b" in texts


def test_highlight_marks_exactly_the_gate_and_the_unit():
    circuit = neuron()
    layout, shown = layout_of(circuit), wires(circuit)
    assert HIGHLIGHT_COLOUR not in circuit_svg(circuit, layout, shown)
    lit = circuit_svg(circuit, layout, shown, highlight_gate=0, highlight_unit=2)
    assert lit.count(HIGHLIGHT_COLOUR) == 2


def test_the_legend_shows_value_above_and_marked_grad_below_a_sample_wire():
    items = legend(layout_of(neuron()))
    line = next(item for item in items if isinstance(item, LegendLine))
    texts = {item.text: item for item in items if isinstance(item, LegendText)}
    assert texts["value"].y < line.start[1] < texts["∇ grad"].y
    assert texts["value"].colour == VALUE_COLOUR and texts["∇ grad"].colour == GRAD_COLOUR
    dashed = [item for item in items if isinstance(item, LegendLine) and item.dashed]
    assert [item.colour for item in dashed] == [NEGATIVE_WIRE]


def test_the_history_plot_leaves_out_what_is_not_finite_and_says_so():
    svg = sparkline_svg([1.0, math.inf, 2.0, math.nan, 3.0], 300, 80)
    assert "nan" not in svg.lower().replace("inf/nan", "")
    points = re.search(r'<polyline points="([^"]*)"', svg).group(1).split()
    assert len(points) == 3
    assert "2 inf/NaN" in texts_of(svg)
    nothing_finite = sparkline_svg([math.inf, -math.inf], 300, 80)
    assert "<polyline" not in nothing_finite and "2 inf/NaN" in texts_of(nothing_finite)


# ----- the notebook repr ------------------------------------------------------------------------
def test_a_small_circuit_shows_itself_whole():
    circuit = neuron()
    circuit.backward()
    assert circuit._repr_svg_() == circuit_svg(circuit, layout_of(circuit), wires(circuit))


def test_a_large_circuit_shows_the_gates_nearest_the_output_and_how_to_draw_it_all():
    circuit = hinge(30)  # 244 gates
    assert len(circuit.gates) > REPR_MAX_GATES
    svg = circuit._repr_svg_()
    texts = texts_of(svg)
    assert any("gk.draw(circuit) draws all 244 gates" in text for text in texts)
    assert any("Shown: the 40 gates nearest the output" in text for text in texts)
    assert "loss" in texts and "⋯" in texts
    assert "computed by 244 gates" in ET.fromstring(svg).find(f"{SVG}desc").text


def test_the_gates_a_summary_shows_all_feed_the_output_through_each_other():
    circuit = hinge(30)
    units, gates = nearest_output(circuit)
    assert len(gates) == 40 and gates[-1] is circuit.output.gate
    for k, gate in enumerate(gates[:-1]):  # each one's output goes into a later one shown
        assert any(gate.output is unit for later in gates[k + 1:] for unit in later.inputs)
    assert {id(u) for g in gates for u in (*g.inputs, g.output)} == {id(u) for u in units}


@pytest.mark.parametrize("points", [300, 1000])  # 2,404 and 8,004 gates
def test_showing_a_huge_circuit_takes_under_100_mb(points):  # its time: bench/picture.py
    circuit = hinge(points)
    tracemalloc.start()
    svg = circuit._repr_svg_()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 100e6
    assert f"{len(circuit.gates):,} gates" in svg and len(svg) < 200_000


# ----- colours every learner can tell apart and read -------------------------------------------
# Machado, Oliveira and Fernandes (2009), severity 1.0, on linear RGB.
CVD = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}


def linear_rgb(colour: str) -> list[float]:
    channels = [int(colour[k:k + 2], 16) / 255 for k in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def lab(rgb: list[float]) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of a linear RGB colour, clipped to the gamut."""
    r, g, b = (min(1.0, max(0.0, c)) for c in rgb)
    xyz = (
        (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
        0.2126 * r + 0.7152 * g + 0.0722 * b,
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
    )
    fx, fy, fz = (t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def seen_with(deficiency: str, colour: str) -> tuple[float, float, float]:
    rgb = linear_rgb(colour)
    return lab([sum(m * c for m, c in zip(row, rgb, strict=True)) for row in CVD[deficiency]])


@pytest.mark.parametrize("deficiency", sorted(CVD))
def test_values_grads_and_both_signs_stay_apart_under_colour_vision_deficiencies(deficiency):
    colours = {"value": VALUE_COLOUR, "grad": GRAD_COLOUR, "+": POSITIVE_WIRE, "-": NEGATIVE_WIRE}
    seen = {name: seen_with(deficiency, colour) for name, colour in colours.items()}
    for (a, lab_a), (b, lab_b) in itertools.combinations(seen.items(), 2):
        minimum = 30.0 if {a, b} in ({"value", "grad"}, {"+", "-"}) else 20.0
        assert math.dist(lab_a, lab_b) >= minimum, (deficiency, a, b)
    red, green = seen_with(deficiency, "#c62828"), seen_with(deficiency, "#2e7d32")
    if deficiency != "tritanopia":  # the old pair, to show the simulation is not vacuous
        assert math.dist(red, green) < 30.0


def contrast_on_white(colour: str) -> float:
    luminance = sum(w * c for w, c in zip((0.2126, 0.7152, 0.0722), linear_rgb(colour),
                                          strict=True))
    return 1.05 / (luminance + 0.05)


@pytest.mark.parametrize("colour", [VALUE_COLOUR, GRAD_COLOUR, NAME_COLOUR, CONSTANT_COLOUR])
def test_every_text_colour_has_a_contrast_of_at_least_4_5_on_white(colour):
    assert contrast_on_white(colour) >= 4.5


def test_a_highlighted_name_keeps_its_contrast():
    name, box = contrast_on_white(NAME_COLOUR), contrast_on_white(HIGHLIGHT_COLOUR)
    assert (name / box) >= 4.5  # both ratios are against white, so theirs is name vs box


def test_a_wire_used_twice_by_one_gate_is_drawn_as_two_wires():
    from gatekit.picture.layout import layout_of

    circuit = gk.parse("a * a", a=3.0)
    into_gate = [(start, end) for unit, start, end in layout_of(circuit).segments if unit == 0]
    assert len(into_gate) == 2 and into_gate[0][1] != into_gate[1][1]
    assert into_gate[0][0] == into_gate[1][0]  # both leave the one wire a
