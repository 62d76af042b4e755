"""What a screen reader and a keyboard get from every view (issue 16): every picture has a text
alternative that follows the state, every control has a name, Play is a named button, and the
colours of the views' text keep 4.5:1 contrast and never carry a meaning alone.

The browser side (the names reaching the page, axe-core over every notebook, the keyboard-only
walk through chapter 0) is tested in tests/browser."""

from __future__ import annotations

import re

import ipywidgets as widgets
import numpy as np
import pytest

import gatekit as gk
from gatekit.circuit import fmt
from gatekit.picture.layout import GRAD_COLOUR, VALUE_COLOUR
from gatekit.picture.svg import DARK_COLOURS
from gatekit.widgets import neurons, training
from gatekit.widgets.base import svg_text, widget_tree
from gatekit.widgets.images import Picture
from gatekit.widgets.sliders import FloatLogSlider, FloatSlider, IntSlider
from gatekit.widgets.strategies import StrategyComparison
from gatekit.widgets.theme import DARK_PAGE, LIGHT_PAGE, TEXT_COLOURS

POINTS, LABELS = gk.datasets.guide_points()
MIN_CONTRAST = 4.5  # WCAG 2.1 AA for text


def neuron() -> gk.Circuit:
    a, b, c, x, y = (gk.Unit(v, name=n) for n, v in zip("abcxy", (1, 2, -3, -1, 3), strict=True))
    return gk.Circuit(gk.sigmoid(a * x + b * y + c))


def every_view() -> list[widgets.Widget]:
    """One of each view, as the notebooks make them."""
    model = gk.layers.MLP([2, 2, 1], seed=0)
    return [
        gk.explore(neuron()),
        gk.widgets.Landscape(gk.parse("x * y", x=-2.0, y=3.0)),
        gk.widgets.BackpropStepper(neuron()),
        StrategyComparison(neuron()),
        gk.widgets.TrainingExplorer(gk.ml.SVM(), POINTS, LABELS),
        gk.widgets.TrainingExplorer(gk.ml.TwoLayerNet(seed=0), POINTS, LABELS, show_neurons=True),
        gk.widgets.TrainingExplorer.from_settings("net=3 n=20", show_neurons=True),
        gk.widgets.LossSurfaceView(gk.ml.TrainingSession(gk.ml.SVM(), POINTS, LABELS), "a", "b"),
        gk.widgets.WeightGradientView(model, model.to_circuit([0.5, -1.0])),
    ]


def tree(view: widgets.Widget) -> list[widgets.Widget]:
    return list(widget_tree(view, getattr(view, "_hidden_widgets", list)()))


# ----- names --------------------------------------------------------------------------------
@pytest.mark.parametrize("view", every_view(), ids=lambda view: type(view).__name__)
def test_every_control_has_a_name_and_every_picture_a_text(view):
    """Sliders are the named ones (their handle is named by the description in the page),
    buttons and other inputs say what they are, the Play widget's icon buttons are never shown,
    and every picture is one with an alt text."""
    kinds = set()
    for widget in tree(view):
        if isinstance(widget, widgets.FloatSlider | widgets.FloatLogSlider | widgets.IntSlider):
            assert isinstance(widget, FloatSlider | FloatLogSlider | IntSlider), widget
            assert widget._view_module == "anywidget" and widget.description.strip()
            kinds.add("slider")
        elif isinstance(widget, widgets.Play):
            assert widget.layout.display == "none"
            kinds.add("play")
        elif isinstance(widget, widgets.Button | widgets.Dropdown | widgets.FloatText
                        | widgets.Text):
            assert widget.description.strip(), widget
        elif isinstance(widget, widgets.Image):
            assert isinstance(widget, Picture)
            if widget.value:  # a picture shown (the training circuit waits for a step)
                assert widget.alt.strip(), widget
            kinds.add("picture")
    assert kinds & {"slider", "picture"}


def test_the_named_sliders_are_ipywidgets_sliders_with_their_checks():
    slider = FloatSlider(value=1.0, min=-1.0, max=3.0, step=0.001, description="a")
    assert isinstance(slider, widgets.FloatSlider) and slider._scale == "linear"
    slider.value = 7.0  # the stock slider's own check: clamped to its range
    assert slider.value == 3.0
    assert repr(slider).startswith("FloatSlider(value=3.0")
    log = FloatLogSlider(value=0.01, base=10, min=-4, max=0, description="step size")
    assert isinstance(log, widgets.FloatLogSlider) and log._scale == "log"
    whole = IntSlider(value=5, min=1, max=50, description="per frame")
    assert isinstance(whole, widgets.IntSlider) and whole._scale == "int"
    state = slider.get_state()
    assert state["_model_name"] == "AnyModel" and "aria-label" in state["_esm"]


# ----- text alternatives that follow the state --------------------------------------------
def test_the_explorers_drawing_says_the_output_the_largest_gradient_and_the_pulls():
    circuit = neuron()
    explorer = gk.explore(circuit)
    alt = explorer.drawing.alt
    assert alt.startswith("Circuit computing f: f = 0.8808")
    assert "the largest gradient is on b, 0.315" in alt and alt.endswith("0 pulls so far.")
    explorer.pull()
    explorer.pull()
    assert f"f = {fmt(circuit.value)}" in explorer.drawing.alt
    assert explorer.drawing.alt.endswith("2 pulls so far.")
    explorer.sliders["b"].value = -1.0
    assert f"f = {fmt(circuit.value)}" in explorer.drawing.alt
    explorer.reset()
    assert explorer.drawing.alt == alt
    assert explorer.history_plot.alt.startswith("History of the output: 1 value,")


def test_the_explorers_drawing_says_when_the_grads_are_not_known(monkeypatch):
    circuit = gk.parse("x * y", x=2.0, y=3.0)
    explorer = gk.explore(circuit)

    def refuse(force=1.0):
        raise ValueError("the gate q1 has no slope here")

    monkeypatch.setattr(circuit, "backward", refuse)
    explorer.sliders["x"].value = 4.0
    assert explorer.message.text
    assert "f = 12" in explorer.drawing.alt
    assert "2 of 2 input gradients not known yet" in explorer.drawing.alt


def test_the_steppers_drawing_reads_the_step_it_shows():
    stepper = gk.widgets.BackpropStepper(gk.parse("(x + y) * z", x=-2.0, y=5.0, z=-4.0))
    assert "Step 0 of" in stepper.drawing.alt and "nothing is computed yet" in stepper.drawing.alt
    stepper.next()
    assert stepper.step.sentence in stepper.drawing.alt
    assert stepper.drawing.alt.startswith("Circuit computing f: Step 1 of 7, forward: ")


def test_the_landscape_says_what_its_picture_shows():
    view = gk.widgets.Landscape(gk.parse("x * y", x=-2.0, y=3.0))
    assert view.drawing.alt == view.describe() and view.describe().endswith("0 pulls so far")
    view.pull()
    assert view.drawing.alt == view.describe() and view.describe().endswith("1 pull so far")


def test_the_training_plot_says_accuracy_cost_and_the_last_pull():
    view = gk.widgets.TrainingExplorer(gk.ml.SVM(), POINTS, LABELS)
    alt = view.figure.image.alt
    assert "+1 as plus signs, -1 as minus signs" in alt and "press Step or Play" in alt
    assert "iteration 0 · accuracy" in alt
    view.step()
    assert "iteration 1 · accuracy" in view.figure.image.alt
    assert f"point {int(view.last_step.indices[0])}:" in view.figure.image.alt


def test_the_neuron_view_names_its_dead_neurons():
    net = gk.ml.TwoLayerNet(seed=0)
    values = net.parameters()
    values[0:3] = [0.0, 0.0, -1.0]  # n1 = relu(-1): off everywhere
    net.set_parameters(values)
    view = gk.widgets.TrainingExplorer(net, POINTS, LABELS, show_neurons=True)
    assert view.neurons.dead == ["n1"]
    assert "dead neurons 1 (n1)" in view.figure.image.alt
    tiles = view.neurons.widget.value
    assert "role='img' aria-label='n1: weight length 0, dead'" in tiles
    assert re.search(r"role='img' aria-label='n2: weight length [\d.]+'", tiles)


def test_the_weight_view_names_the_units_it_lights():
    model = gk.layers.MLP([2, 2, 1], seed=0)
    view = gk.widgets.WeightGradientView(model, model.to_circuit([0.5, -1.0]))
    assert "the Units dW1[0,0] is made of: W1[0,0]" in view.picture.alt
    view.entry.value = (2, 0, 1)
    assert "the Units dW2[0,1] is made of: W2[0,1]" in view.picture.alt


def test_a_names_text_reaches_the_alt_as_typed():
    """The alt is set as text in the page (not as HTML), so it holds the name unescaped."""
    name = "<b>x</b> & y"
    explorer = gk.explore(gk.Circuit(gk.Unit(1.0, name=name) * gk.Unit(2.0, name="z")))
    assert f"from {name}, z" in explorer.drawing.alt


@pytest.mark.parametrize("svg, text", [
    ("<svg><title>T &amp; U</title><desc>D &lt;1</desc></svg>", "T & U: D <1"),
    ("<svg><title>Same</title><desc>Same</desc></svg>", "Same"),
    ("<svg><title>Only a title</title></svg>", "Only a title"),
    ("<svg><desc>Only a desc</desc></svg>", "Only a desc"),
    ("<svg></svg>", ""),
])
def test_svg_text_reads_an_svgs_title_and_description(svg, text):
    assert svg_text(svg) == text


# ----- Play as a named button ---------------------------------------------------------------
# The views with Play, Step and a step size: explorer, Landscape, TrainingExplorer.
stepping_views = pytest.mark.parametrize("make", [
    lambda: gk.explore(neuron()),
    lambda: gk.widgets.Landscape(gk.parse("x * y", x=-2.0, y=3.0)),
    lambda: gk.widgets.TrainingExplorer(gk.ml.SVM(), POINTS, LABELS),
], ids=["explorer", "landscape", "training"])


@stepping_views
def test_the_play_button_starts_and_stops_the_play_and_says_which(make):
    view = make()
    button = view.play_button.button
    # no icon: its glyph would be read as part of the name ("\uf04b Play")
    assert (button.description, button.icon, view.play.playing) == ("Play", "", False)
    button.click()
    assert (button.description, button.icon, view.play.playing) == ("Stop", "", True)
    button.click()
    assert (button.description, view.play.playing) == ("Play", False)
    button.click()
    view._stop()  # what every error does
    assert (button.description, view.play.playing) == ("Play", False)


def test_an_error_while_playing_turns_the_button_back_to_play():
    circuit = gk.Circuit(gk.Unit(0.01, name="x") ** 0.5)
    explorer = gk.explore(circuit, force=-1.0, step_size=1.0)
    explorer.play_button.button.click()
    explorer.play.value = 1  # the pull would step x below 0
    assert explorer.message.text and explorer.play_button.button.description == "Play"


# ----- colour -------------------------------------------------------------------------------
def luminance(colour: str) -> float:
    """WCAG relative luminance of #rrggbb."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def html_texts(view) -> list[str]:
    return [w.value for w in tree(view) if isinstance(w, widgets.HTML)]


def test_every_text_colour_in_the_views_html_reads_on_both_themes(monkeypatch):
    """Issue 28: a view's HTML (readouts, badges, messages) names a theme class, never a colour
    (the neuron tiles' own label aside); each class is 4.5:1 on JupyterLab's light page and on
    its dark one, in states that show each of them."""
    views = every_view()
    circuit = gk.parse("x * y", x=2.0, y=3.0)
    no_backward = gk.explore(circuit)

    def refuse(force=1.0):
        raise ValueError("the gate q1 has no slope here")

    monkeypatch.setattr(circuit, "backward", refuse)
    no_backward.sliders["x"].value = 4.0  # the message line and the grey badge
    dead = gk.ml.TwoLayerNet(seed=0)
    dead.set_parameters([0.0, 0.0, -1.0, *dead.parameters()[3:]])  # n1 off everywhere
    classes, colours = set(), set()
    for view in [*views, no_backward, gk.widgets.TrainingExplorer(dead, POINTS, LABELS,
                                                                   show_neurons=True)]:
        for text in html_texts(view):
            classes |= set(re.findall(r'class="(gk-[a-z]+)"', text))
            colours |= set(re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", text))
    assert {"gk-value", "gk-error", "gk-muted"} <= classes
    assert colours == {neurons.DEAD_COLOUR}  # on its tile, whatever the theme
    assert contrast(neurons.DEAD_COLOUR, "#ffffff") >= MIN_CONTRAST
    for name in (classes - {"gk-num"}) | {"gk-grad"}:  # gk-grad: the badge when backward is wrong
        light, dark = TEXT_COLOURS[name]
        assert contrast(light, LIGHT_PAGE) >= MIN_CONTRAST, name
        assert contrast(dark, DARK_PAGE) >= MIN_CONTRAST, name


@pytest.mark.parametrize("light", [VALUE_COLOUR, GRAD_COLOUR, "#212121", "#6b6b6b"])
def test_the_pictures_texts_read_on_the_dark_page_too(light):
    """The dark theme repaints a picture's texts (DARK_COLOURS): each 4.5:1 on the dark page."""
    assert contrast(DARK_COLOURS[light], DARK_PAGE) >= MIN_CONTRAST


def test_a_picture_carries_its_dark_repaint_and_keeps_dark_ink_on_a_lit_gate():
    stepper = gk.widgets.BackpropStepper(gk.parse("(x + y) * z", x=-2.0, y=5.0, z=-4.0))
    stepper.next()
    svg = bytes(stepper.drawing.image.value).decode()
    assert '.gk-dark [fill="white"]' in svg and f'fill="{VALUE_COLOUR}"' in svg
    assert svg.count('class="gk-lit"') == 2  # the lit gate and its wire's name: dark on yellow


def test_every_value_and_grad_is_drawn_over_a_halo_no_wire_runs_through():
    """Issue 28: wires ran through the numbers (chapters 09, 12); each number now sits on a ring
    of the background's colour, drawn after the wires (the dark theme repaints the ring)."""
    circuit = neuron()
    circuit.backward()
    svg = bytes(gk.explore(circuit).drawing.image.value).decode()
    numbers = re.findall(r'<text [^>]*fill="(?:#0b5d4e|#b3400a)"([^>]*)>[^<]*\d', svg)
    assert len(numbers) == 2 * len(circuit.units)  # (the legend's "value" and "∇ grad" aside)
    assert all('class="gk-halo"' in rest and 'paint-order="stroke"' in rest for rest in numbers)
    assert svg.rindex("<line") < svg.index('class="gk-halo"')  # over every wire
    assert ".gk-dark .gk-halo{stroke:var(--gk-paper" in svg


def test_a_sliders_description_width_reaches_the_browser_side():
    """Issue 28: chapter 03's "largest random tweak" was cut short: the width is synced."""
    from gatekit.widgets.sliders import FloatSlider

    slider = FloatSlider(description="largest random tweak", style={"description_width": "initial"})
    assert slider.get_state()["_label_width"] == "initial"
    slider.style.description_width = "12em"
    assert slider.get_state()["_label_width"] == "12em"


def test_the_badge_and_the_message_say_in_words_and_marks_what_their_colour_says():
    explorer = gk.explore(neuron())
    assert "✔ backward agrees" in explorer.badge.value
    ratio = gk.explore(gk.Circuit(gk.Unit(1.0, name="x") / gk.Unit(2.0, name="y")))
    ratio.sliders["y"].value = 0.0
    assert "⚠ " in ratio.message.widget.value


def test_the_dead_label_reads_on_any_tile_colour():
    """The "dead" label sits on white at 80% over the heatmap: 4.5:1 on its darkest mix."""
    opacity = 0.8
    for tile in (neurons.POSITIVE, neurons.NEGATIVE, neurons.NOT_A_NUMBER, neurons.WHITE):
        mix = opacity * neurons.WHITE + (1 - opacity) * tile
        background = "#" + "".join(f"{round(c):02x}" for c in mix)
        assert contrast(neurons.DEAD_COLOUR, background) >= MIN_CONTRAST, background
    assert "rgba(255,255,255,0.8)" in neurons._tile_html("n", 0, "h1", 1.0, 1.0, dead=True)


def test_training_points_differ_by_shape_as_well_as_colour():
    view = gk.widgets.TrainingExplorer(gk.ml.SVM(), POINTS, LABELS)
    plus, minus = view.plane.collections[:2]  # drawn in this order, the ring after them
    labels = np.asarray(LABELS)
    assert len(plus.get_offsets()) == int((labels == 1).sum())
    assert len(minus.get_offsets()) == int((labels == -1).sum())
    shape = [collection.get_paths()[0].vertices.tolist() for collection in (plus, minus)]
    assert shape[0] != shape[1]


def test_training_points_stand_out_on_every_band():
    """WCAG's 3:1 for the graphics a reader needs: the points' outline against every band."""
    for band in training.BAND_COLOURS.colors:
        assert contrast(training.POINT_EDGE, band) >= 3.0, band


def test_the_dead_neurons_are_counted_and_the_first_few_named():
    panel = neurons.NeuronPanel(gk.ml.TwoLayerNet(seed=0))
    assert panel.dead_text() == "dead neurons 0"
    panel.dead = [f"n{k}" for k in range(1, 8)]
    assert panel.dead_text() == "dead neurons 7 (n1, n2, n3, n4, n5 and 2 more)"


def test_the_theme_stylesheet_reaches_the_page_with_every_view():
    """Issue 28: the classes the views' HTML names are defined in the sheet that sliders and
    pictures load (anywidget's `_css`), light and dark."""
    from gatekit.widgets.images import Picture
    from gatekit.widgets.sliders import FloatSlider
    from gatekit.widgets.theme import STYLESHEET

    assert Picture._css == FloatSlider._css == STYLESHEET
    for name, (light, dark) in TEXT_COLOURS.items():
        assert f".{name} {{ color: {light}; }}" in STYLESHEET
        assert f'body[data-jp-theme-light="false"] .{name} {{ color: {dark}; }}' in STYLESHEET


@stepping_views
def test_a_views_rows_wrap_instead_of_clipping(make):
    """Issue 28: drawing and controls side by side while they fit, stacked when not."""
    rows = [w for w in tree(make()) if isinstance(w, widgets.HBox)]
    assert rows and all(row.layout.flex_flow == "row wrap" for row in rows)
    assert all("gatekit-row" in row._dom_classes for row in rows)
