"""Every view's display bundle carries a static SVG of its state beside the widget, for the
places that cannot run widgets; the live frontends rank the widget first."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ElementTree

import pytest
from fresh_python import loaded_after
from matplotlib.image import imread

import gatekit as gk
from gatekit import ml
from gatekit.widgets.static import html_text

WIDGET = "application/vnd.jupyter.widget-view+json"
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
EVIL = '<img src=x onerror="alert(1)">'
POINTS, LABELS = gk.datasets.guide_points()


def product() -> gk.Circuit:
    return gk.parse("(x + y) * z", x=-2.0, y=5.0, z=-4.0)


def network_view() -> gk.widgets.WeightGradientView:
    model = gk.layers.MLP([2, 3, 1], seed=3)
    return gk.widgets.WeightGradientView(model, model.to_circuit([0.5, -1.2]))


VIEWS = {
    "CircuitExplorer": lambda: gk.explore(product()),
    "Landscape": lambda: gk.widgets.Landscape(product(), x="x", y="y"),
    "BackpropStepper": lambda: gk.widgets.BackpropStepper(product()),
    "StrategyComparison": lambda: gk.widgets.StrategyComparison(product()),
    "TrainingExplorer": lambda: gk.widgets.TrainingExplorer(ml.SVM(), POINTS, LABELS),
    "WeightGradientView": network_view,
    "Predict": lambda: gk.widgets.Predict("What is f?", lambda: -12.0),
}


def parsed(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def texts(root: ElementTree.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("name", VIEWS)
def test_every_view_shows_its_widget_and_a_titled_described_picture(name):
    view = VIEWS[name]()
    assert type(view).__name__ == name
    bundle = view._repr_mimebundle_()
    assert bundle[WIDGET]["model_id"] == view.model_id
    root = parsed(bundle["image/svg+xml"])
    assert root.find(f"{SVG}title").text == name
    description = root.find(f"{SVG}desc").text
    assert description and all(line in description for line in texts(root))


def test_the_explorers_picture_is_its_drawing_readouts_and_slider_values_as_they_are_now():
    view = gk.explore(product())
    view.pull()
    root = parsed(view.static_svg())
    lines = texts(root)
    for name, slider in view.sliders.items():
        assert f"{name}: {slider.value:.4g}" in lines
    assert html_text(view.output_line.value)[0] in lines
    images = [image.get(XLINK_HREF) for image in root.iter(f"{SVG}image")]
    assert images[0].startswith("data:image/svg+xml;base64,")
    assert view.drawing.alt in root.find(f"{SVG}desc").text
    view.sliders["x"].value = 1.5  # the picture follows the state, not the first display
    assert "x: 1.5" in texts(parsed(view.static_svg()))


def test_the_training_explorers_png_goes_in_as_an_image_of_its_own_shape():
    view = gk.widgets.TrainingExplorer(ml.SVM(), POINTS, LABELS)
    (png,) = [image for image in parsed(view.static_svg()).iter(f"{SVG}image")
              if image.get(XLINK_HREF).startswith("data:image/png;base64,")]
    shown = float(png.get("width")), float(png.get("height"))
    own = imread(io.BytesIO(bytes(view.figure.image.value))).shape[1::-1]
    assert shown[0] == float(view.figure.image.width)
    assert shown[1] == pytest.approx(shown[0] * own[1] / own[0])


def test_a_predicts_verdict_and_choice_are_in_the_picture():
    view = gk.widgets.Predict("Which way?", lambda: "up", choices=["up", "down"])
    assert "Your answer: —" in texts(parsed(view.static_svg()))
    view.response.value = "up"
    view.check("up")
    lines = texts(parsed(view.static_svg()))
    assert "Your answer: up" in lines and any(view.verdict.splitlines()[0] in line
                                              for line in lines)


def test_a_hidden_widget_is_left_out():
    view = gk.explore(product())
    view.reset_button.layout.display = "none"
    view.force.layout.display = "none"
    assert not any(line.startswith("force:") for line in texts(parsed(view.static_svg())))


def test_names_reach_the_picture_escaped():
    x, y = gk.Unit(1.0, name=EVIL), gk.Unit(2.0, name="y")
    svg = gk.explore(gk.Circuit(x * y)).static_svg()
    assert "<img" not in svg
    assert any(EVIL in line for line in texts(parsed(svg)))


def test_a_closed_view_offers_no_bundle():
    view = gk.explore(product())
    view.close()
    assert view._repr_mimebundle_ is None


def test_html_text_keeps_lines_and_cells_and_drops_styles():
    fragment = ("<style>.a{color:red}</style><b>f</b> = 1<br>"
                "<table><tr><th>name</th><th>grad</th></tr><tr><td>x</td><td>-4</td></tr></table>")
    assert html_text(fragment) == ["f = 1", "name · grad", "x · -4"]


def test_a_10000_gate_explorers_picture_stays_small():
    xs = [gk.Unit(float(i), name=f"x{i}") for i in range(5001)]
    total = xs[0]
    for unit in xs[1:]:
        total = total + unit * unit
    view = gk.explore(gk.Circuit(total))
    assert len(view.circuit.gates) == 10_000
    assert len(view.static_svg()) < 200_000


def test_the_picture_loads_no_matplotlib():
    code = ("import gatekit as gk\n"
            "gk.explore(gk.parse('x * y', x=1.0, y=2.0))._repr_mimebundle_()")
    assert loaded_after(code, ("matplotlib", "PIL")) == []
