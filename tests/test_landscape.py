"""The gradient landscape, driven through its trait values and method twins."""

from __future__ import annotations

import re

import pytest

import gatekit as gk
from gatekit.picture.surface import TRAIL_LENGTH, Frame, contour_segments, sample_surface
from gatekit.widgets.landscape import SIZE, finest_resolution


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


# ----- issue 20: the Landscape survives anything --------------------------------------------
NUMBER = re.compile(r'(?:x|y|cx|cy|x1|y1|x2|y2|width|height|points|d)="([^"]*)"')


def drawn_numbers(svg: str) -> list[float]:
    """Every number in the picture's geometry attributes."""
    return [float(n) for value in NUMBER.findall(svg)
            for n in re.findall(r"-?[\d.]+(?:e[-+]?\d+)?|nan|inf", value)]


def assert_true_picture(view) -> None:
    """The picture is drawable (finite coordinates, inside the image) and shows the circuit's
    real point; the sliders span the window and hold the inputs' values."""
    svg = svg_of(view)
    numbers = drawn_numbers(svg)
    assert numbers and all(-50 <= n <= 500 for n in numbers), "a coordinate off the picture"
    x, y = view.point
    surface = view._surface
    assert surface.contains(x, y)
    for name, axis, value in (("x", surface.xs, x), ("y", surface.ys, y)):
        slider = view.sliders[name]
        assert (slider.min, slider.max, slider.value) == (axis[0], axis[-1], value)
    assert view.drawing.alt.startswith(view.describe().split(";")[0])


class Square(gk.Gate):
    """Chapter 13's gate."""

    arity = 1
    symbol = "sq"

    def compute(self):
        (a,) = self.inputs
        return a.value * a.value

    def backward(self):
        (a,) = self.inputs
        a.grad += 2 * a.value * self.output.grad


def play_ticks(view, ticks: int, press_every: int = 100) -> int:
    """Tick Play as its timer does, pressing Play again every `press_every` ticks when it
    stopped (a tick while stopped changes nothing); returns how many times it had stopped."""
    stops = 0
    view.play_button.toggle()
    for tick in range(1, ticks + 1):
        if not view.play.playing and tick % press_every == 0:
            stops += 1
            view.play_button.toggle()
        view.play.value = tick
    return stops


def test_play_on_chapter_13s_landscape_runs_10000_ticks_until_the_numbers_overflow():
    circuit = gk.parse("sq(x) * y", gates={"sq": Square}, x=1.5, y=2.0)
    view = gk.widgets.Landscape(circuit)
    stops = play_ticks(view, 10_000)
    assert stops > 0 and "must be a finite number" in view.message.text
    assert not view.play.playing and view.play_button.button.description == "Play"
    assert max(map(abs, view.point)) > 1e200  # it followed the point far out
    assert_true_picture(view)
    view.reset()
    assert circuit.values() == view.start and not view.message.text
    assert_true_picture(view)


def test_a_play_running_away_is_followed_by_the_window():
    circuit = gk.parse("x*x + y*y", x=1.0, y=0.5)  # the point passed 4e16 at tick 210
    view = gk.widgets.Landscape(circuit, resolution=11)
    play_ticks(view, 400)
    assert view.play.playing and not view.message.text
    assert circuit.inputs["x"].value == pytest.approx(1.2 ** 400)
    assert_true_picture(view)
    view.reset()
    assert circuit.values() == view.start
    assert_true_picture(view)


def test_the_path_shows_its_latest_steps_only():
    view = gk.widgets.Landscape(gk.parse("x + y + 0 * z", x=0.0, y=0.0, z=0.0),
                                step_size=1e-3)
    for _ in range(TRAIL_LENGTH + 20):
        view.pull()
    view.circuit.forward(z=1.0)
    view.pull()  # a new surface: its drawing starts afresh, from the latest steps
    assert len(view.path) == TRAIL_LENGTH + 22 and f"pulls: {TRAIL_LENGTH + 21}" in \
        view.readout.value
    drawn = re.search(r'<path d="([^"]+)" fill="none" stroke="#c2185b"', svg_of(view))[1]
    first = re.match(r"M([\d.]+),", drawn)[1]
    frame = Frame(view._surface, *SIZE)
    assert float(first) == pytest.approx(frame.px(view.path[21])[0], abs=0.05)
    assert float(first) > frame.px(view.path[0])[0] + 0.5


def test_a_huge_gradient_pull_is_followed():
    view = gk.widgets.Landscape(gk.parse("1e20*x + y"))
    view.pull()
    assert not view.message.text and view.point[0] == pytest.approx(1e19)
    assert_true_picture(view)


def test_a_window_too_narrow_for_its_floats_is_drawn_a_little_wider():
    view = gk.widgets.Landscape(gk.parse("x*x + y*y", x=1.0, y=0.5), half_width=1e-20)
    assert view._surface.xs[0] < view._surface.xs[-1] < 1.0 + 1e-6
    view.pull()
    assert not view.message.text
    assert_true_picture(view)


@pytest.mark.parametrize(("text", "values"), [
    ("x*1e308 + y", {}),  # outputs from -inf to inf across the window
    ("x + y", {"x": 1.7e308, "y": -1.7e308}),  # inputs at the ends of the floats
    ("x * y", {"x": 1e300, "y": 1e-300}),
])
def test_numbers_at_the_ends_of_the_floats_draw_finite_coordinates(text, values):
    view = gk.widgets.Landscape(gk.parse(text, **values))
    assert_true_picture(view)
    view.pull()  # moves, or is refused with a sentence
    assert_true_picture(view)


def test_reset_restores_the_first_window_and_the_sliders_ranges():
    view = gk.widgets.Landscape(gk.parse("10 * x + y", x=0.0, y=0.0), half_width=1.0,
                                step_size=0.5)
    first = {name: (s.min, s.max) for name, s in view.sliders.items()}
    view.pull()
    view.pull()
    assert {name: (s.min, s.max) for name, s in view.sliders.items()} != first
    view.reset()
    assert {name: (s.min, s.max) for name, s in view.sliders.items()} == first


def test_the_sliders_span_the_window_only():
    view = gk.widgets.Landscape(product())  # window: x and y within 4.5 of (-2, 3)
    surface = view._surface
    assert (view.sliders["x"].min, view.sliders["x"].max) == (surface.xs[0], surface.xs[-1])
    assert (view.sliders["y"].min, view.sliders["y"].max) == (surface.ys[0], surface.ys[-1])
    view.sliders["x"].value = 100.0  # the slider's end: still inside the picture
    assert view._surface is surface and view.point[0] == surface.xs[-1]


class SquareWithATypo(Square):
    """A backward that divides by the input: it cannot run at 0."""

    def backward(self):
        (a,) = self.inputs
        a.grad += 2 * a.value * a.value / a.value * self.output.grad


def test_where_backward_cannot_run_the_grads_show_as_unknown():
    circuit = gk.parse("sq(x) + 3 * y", gates={"sq": SquareWithATypo}, x=1.0, y=1.0)
    view = gk.widgets.Landscape(circuit)
    view.sliders["x"].value = 0.0
    assert circuit.inputs["x"].value == 0.0  # the forward pass runs: the move is kept
    assert view.message.text.startswith("the backward pass cannot run here: ")
    assert "∂f/∂x = unknown, ∂f/∂y = unknown" in view.readout.value
    assert "the gradient is unknown here" in view.describe()
    assert "the gradient is unknown here" in view.drawing.alt
    assert "<polygon" not in svg_of(view)  # no arrow
    view.sliders["x"].value = 1.0
    assert not view.message.text and "∂f/∂x = 2," in view.readout.value


def arrow_head(svg: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """The arrow head's tip and the middle of its base, in pixels."""
    points = re.search(r'<polygon points="([^"]+)"', svg)
    assert points, "no arrow"
    (tx, ty), (ax, ay), (bx, by) = (tuple(map(float, p.split(","))) for p in points[1].split())
    return (tx, ty), ((ax + bx) / 2, (ay + by) / 2)


def test_at_the_windows_edge_the_arrow_head_points_the_gradients_way():
    circuit = gk.parse("-x * y", x=-2.0, y=3.0)  # gradient (-y, -x) = (-3, 2): left and up
    view = gk.widgets.Landscape(circuit, half_width=1.0)
    view.sliders["x"].value = -3.0  # the window's left edge
    (tip_x, tip_y), (base_x, base_y) = arrow_head(svg_of(view))
    assert tip_x < base_x and tip_y < base_y  # left, and up (pixels grow downward)
    slope = 3 / 3 * 332 / 372  # the gradient (-3, 3) now, in pixels of the 372 x 332 plot
    assert (base_y - tip_y) / (base_x - tip_x) == pytest.approx(slope, rel=2e-2)


def test_the_pull_path_is_clipped_to_the_plot():
    view = gk.widgets.Landscape(gk.parse("10 * x + y", x=0.0, y=0.0), half_width=1.0,
                                step_size=0.5)
    view.pull()
    view.pull()  # the window now follows the point: the path's start lies outside it
    path = re.search(r'<path d="([^"]+)" fill="none" stroke="#c2185b"', svg_of(view))
    assert path
    pixels = [tuple(map(float, p.split(","))) for p in re.findall(r"[\d.]+,[\d.]+", path[1])]
    assert len(pixels) >= 2
    assert all(44 - 0.1 <= x <= 416 + 0.1 and 44 - 0.1 <= y <= 376 + 0.1 for x, y in pixels)


def test_a_step_size_beyond_the_sliders_first_range_is_honoured():
    view = gk.widgets.Landscape(product(), step_size=5)
    assert view.step_size.value == 5
    x, y = view.point
    view.pull()
    assert view.point == pytest.approx((x + 5 * y, y + 5 * x))


@pytest.mark.parametrize(("settings", "kind", "problem"), [
    ({"step_size": 0}, gk.errors.RefusedValue, "step_size must be a positive finite number"),
    ({"step_size": -1}, gk.errors.RefusedValue, "step_size must be a positive finite number"),
    ({"step_size": float("nan")}, gk.errors.RefusedValue, "positive finite number, not nan"),
    ({"step_size": "a"}, gk.errors.RefusedType, "step_size must be a positive number, not str"),
    ({"force": float("nan")}, gk.errors.RefusedValue, "force must be a finite number"),
    ({"force": "a"}, gk.errors.RefusedType, "force must be a number, not str"),
    ({"x": ["x"]}, gk.errors.RefusedType, "x and y name inputs of the circuit"),
    ({"half_width": float("inf")}, gk.errors.RefusedValue, "half_width must be a positive"),
    ({"resolution": 301}, gk.errors.RefusedValue,
     "resolution must be from 5 to 51, not 301: a finer grid over this circuit of 1 gate(s)"),
    ({"resolution": 4.5}, gk.errors.RefusedType, "resolution must be a whole number"),
    ({"tries": 100_000}, gk.errors.RefusedValue, "tries must be from 1 to 1000, not 100000: "),
])
def test_settings_are_honoured_or_refused_at_construction(settings, kind, problem):
    with pytest.raises(kind, match=re.escape(problem)):
        gk.widgets.Landscape(product(), **settings)


def test_a_large_circuit_gets_a_coarser_grid_that_stays_within_an_events_budget():
    terms = " + ".join(f"w{i} * x * y" for i in range(750))  # 2,249 gates
    circuit = gk.parse(terms)
    assert finest_resolution(circuit) == 5
    view = gk.widgets.Landscape(circuit)
    assert view.resolution == 5 and len(view._surface.xs) == 5
    with pytest.raises(gk.errors.RefusedValue, match="resolution must be from 5 to 5, not 41"):
        gk.widgets.Landscape(circuit, resolution=41)
    assert gk.widgets.Landscape(product()).resolution == 41  # the chapters' circuits keep 41
