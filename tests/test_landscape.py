"""The gradient landscape, driven through its trait values and method twins."""

from __future__ import annotations

import re

import pytest

import gatekit as gk
from gatekit.picture.surface import contour_segments, sample_surface


def product() -> gk.Circuit:
    return gk.parse("x * y", x=-2.0, y=3.0)


def svg_of(view) -> str:
    return bytes(view.drawing.image.value).decode()


def marked_point(svg: str) -> tuple[float, float]:
    """The pixel centre of the current point's dot (the one with a white ring)."""
    match = re.search(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="5"', svg)
    assert match, "no point drawn"
    return float(match[1]), float(match[2])


def test_a_landscape_shows_the_point_the_gradient_and_says_so():
    view = gk.widgets.Landscape(product(), x="x", y="y")
    svg = svg_of(view)
    assert 'role="img"' in svg and "<polygon" in svg  # the arrow's head
    assert view.describe().startswith("f = -6 at x = -2, y = 3; the gradient (3, -2)")
    assert "toward larger x and toward smaller y" in view.describe()
    assert "f</b> = -6" in view.readout.value and "= 3," in view.readout.value


def test_a_slider_moves_the_input_and_the_point():
    circuit = product()
    view = gk.widgets.Landscape(circuit)
    before = marked_point(svg_of(view))
    view.sliders["x"].value = -1.0
    assert circuit.inputs["x"].value == -1.0 and circuit.value == -3.0
    after = marked_point(svg_of(view))
    assert after[0] > before[0] and after[1] == pytest.approx(before[1])


def test_pulls_follow_the_gradient_and_leave_a_path_until_reset():
    circuit = product()
    view = gk.widgets.Landscape(circuit, step_size=0.1)
    out = view.pull()
    assert out == pytest.approx((-2.0 + 0.1 * 3.0) * (3.0 - 0.1 * 2.0))
    view.pull()
    assert len(view.path) == 3 and "pulls: 2" in view.readout.value
    assert 'stroke-dasharray="4 2"' in svg_of(view)  # the path
    view.reset()
    assert circuit.values() == {"x": -2.0, "y": 3.0} and view.path == [(-2.0, 3.0)]


def test_the_surface_is_sampled_again_only_when_the_other_inputs_change():
    circuit = gk.parse("x * y + z", x=1.0, y=1.0, z=0.0)
    view = gk.widgets.Landscape(circuit)
    surface = view._surface
    view.sliders["y"].value = 1.5
    view.pull()
    assert view._surface is surface  # an event redraws the marks, not the surface
    circuit.forward(z=10.0)
    view.pull()
    assert view._surface is not surface and view._surface.low >= 10.0 - 1e-9 - 100


def test_a_pull_leaving_the_window_recentres_it_and_the_sliders_follow():
    circuit = gk.parse("10 * x + y", x=0.0, y=0.0)
    view = gk.widgets.Landscape(circuit, half_width=1.0, step_size=0.5)
    view.pull()  # x moves by 5, out of the window
    assert circuit.values() == {"x": 5.0, "y": 0.5} and not view.message.text
    assert view._surface.contains(5.0, 0.5)
    assert (view.sliders["x"].min, view.sliders["x"].max) == (view._surface.xs[0],
                                                              view._surface.xs[-1])


def test_an_undefined_point_is_refused_and_the_view_stays_true():
    circuit = gk.parse("x / y", x=1.0, y=1.0)
    view = gk.widgets.Landscape(circuit)
    view.sliders["y"].value = 0.0
    assert "division by zero" in view.message.text
    assert circuit.inputs["y"].value == 1.0 and view.sliders["y"].value == 1.0


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda: gk.widgets.Landscape(gk.parse("x * 2", x=1.0)), "two inputs"),
        (lambda: gk.widgets.Landscape(product(), x="w"), "unknown input name 'w'"),
        (lambda: gk.widgets.Landscape(product(), x="y", y="y"), "two different inputs"),
        (lambda: gk.widgets.Landscape("x * y"), "not str"),
        (lambda: gk.widgets.Landscape(product(), half_width=-1), "positive"),
    ],
)
def test_bad_input_is_a_sentence(make, problem):
    with pytest.raises((ValueError, TypeError), match=problem):
        make()


def test_a_unit_is_enough():
    x, y = gk.Unit(1.0, name="x"), gk.Unit(2.0, name="y")
    view = gk.widgets.Landscape(x * y)
    assert view.circuit.value == 2.0


def test_the_overlays_show_the_searchs_tries_and_the_probes():
    circuit = product()
    view = gk.widgets.Landscape(circuit, show_tries=True, show_probes=True, tries=30)
    svg = svg_of(view)
    assert svg.count('r="2" fill="none"') == 30  # one ring per random try
    assert svg.count("h8M") == 2  # two probe crosses, at x + h and y + h
    assert circuit.values() == {"x": -2.0, "y": 3.0}


def test_contour_lines_lie_where_the_output_equals_the_level():
    circuit = gk.parse("x + 2 * y", x=0.0, y=0.0)
    surface = sample_surface(circuit, "x", "y", (0.0, 0.0), 2.0, 11)
    segments = contour_segments(surface, 1.0)
    assert segments
    for (x1, y1), (x2, y2) in segments:
        assert x1 + 2 * y1 == pytest.approx(1.0) and x2 + 2 * y2 == pytest.approx(1.0)
    assert circuit.values() == {"x": 0.0, "y": 0.0}


def test_sampling_marks_undefined_points():
    circuit = gk.parse("1 / x + y", x=1.0, y=0.0)
    surface = sample_surface(circuit, "x", "y", (0.0, 0.0), 1.0, 5)
    assert surface.values[2][2] is None  # x = 0 in the middle of the grid
    assert all(v is not None for v in surface.values[0][:2])


def test_the_arrow_stops_at_the_windows_edge():
    circuit = product()
    view = gk.widgets.Landscape(circuit, half_width=1.0)
    view.sliders["x"].value = -1.05  # near the right edge; the gradient (3, -2) points right
    svg = svg_of(view)
    tip = re.search(r'<polygon points="([\d.]+),', svg)
    frame = re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+" '
                       r'fill="none"', svg)
    assert tip and frame
    left, width = map(float, frame[0])
    assert float(tip[1]) <= left + width + 0.5
