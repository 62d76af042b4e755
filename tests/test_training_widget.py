"""TrainingExplorer driven through its method twins and traits, as a learner's clicks would:
a view of a gk.ml.TrainingSession, which holds every number it shows."""

import ast
import base64
import gc
import io
from pathlib import Path

import numpy as np
import pytest
from ipywidgets.widgets.widget import _instances
from matplotlib.image import imread

import gatekit as gk
from gatekit import ml
from gatekit.circuit import fmt
from gatekit.picture.layout import layout_of
from gatekit.widgets import neurons as neuron_view
from gatekit.widgets.training import GRID_SIZE, TrainingExplorer

POINTS, LABELS = gk.datasets.guide_points()
EVIL = '<img src=x onerror="alert(1)">'


def png(image) -> bytes:
    return bytes(image.value)


def explorer(model=None, **options):
    return TrainingExplorer(model if model is not None else ml.SVM(), POINTS, LABELS, **options)


def test_it_is_the_lazy_widget_and_renders_a_png_at_once():
    view = gk.widgets.TrainingExplorer(ml.SVM(), POINTS, LABELS)
    assert isinstance(view, TrainingExplorer)
    assert png(view.figure.image).startswith(b"\x89PNG")
    assert len(view.history) == 0 and view.last_step is None


def test_step_trains_the_model_as_the_loop_does():
    view = explorer(iterations_per_frame=3, seed=4)
    view.step()
    view.step(iterations=2)
    expected = ml.train(ml.SVM(), POINTS, LABELS, iterations=5, seed=4)
    assert len(view.history) == 5
    np.testing.assert_array_equal(view.model.parameters(), expected.parameters[-1])
    assert view.history.accuracy == expected.accuracy
    assert "iteration 5" in view.status.value


def test_step_uses_the_sliders():
    view = explorer(seed=1)
    view.step_size.value = 0.1
    view.regularization.value = 0.0
    view.iterations_per_frame.value = 4
    view.step()
    svm = ml.SVM()
    expected = ml.train(svm, POINTS, LABELS, iterations=4, step_size=view.step_size.value,
                        regularization=0.0, seed=1)
    np.testing.assert_array_equal(view.model.parameters(), expected.parameters[-1])


def test_the_current_point_is_highlighted_with_its_pull():
    view = explorer(seed=2)
    step = view.step()
    (index,) = step.indices
    np.testing.assert_array_equal(view._current.get_offsets(), [view.points[index]])
    pull = float(step.pulls[0])
    shown = view._pull_text.get_text()
    assert shown.startswith(f"point {index}:")
    assert (f"pull {pull:+g}" in shown) if pull else ("no pull" in shown)


def test_the_boundary_image_shows_the_model_scores():
    view = explorer()
    view.step(10)
    grid = view._grid
    assert grid.shape == (GRID_SIZE * GRID_SIZE, 2)
    shown = view._scores_image.get_array()
    scores = view.model.scores(grid).reshape(GRID_SIZE, GRID_SIZE)
    np.testing.assert_array_equal(shown, np.clip(scores, -2.0, 2.0))  # the bands end at ±1
    assert np.all(np.sign(shown) == np.sign(scores))


def test_reset_restores_parameters_history_and_the_picking_order():
    view = explorer(seed=3)
    first = view.step(7)
    view.reset()
    assert len(view.history) == 0 and view.last_step is None
    np.testing.assert_array_equal(view.model.parameters(), [1.0, -2.0, -1.0])
    again = view.step(7)
    np.testing.assert_array_equal(first.indices, again.indices)


def test_adding_a_point_changes_the_data_set_and_the_plane():
    view = explorer()
    view.new_label.value = -1
    view.add_point(10.0, -8.0)
    assert view.points.shape == (7, 2) and view.points[-1].tolist() == [10.0, -8.0]
    assert view.labels[-1] == -1
    assert view.plane.get_xlim()[1] > 10.0 and view.plane.get_ylim()[0] < -8.0
    view.add_point(0.5, 0.5, label=1)
    assert view.labels.tolist()[-2:] == [-1, 1]
    view.step(3)
    assert "accuracy" in view.status.value and "/8" in view.status.value


def test_the_add_button_reads_the_boxes():
    view = explorer()
    view.new_x.value, view.new_y.value = 1.5, -0.5
    view.add_button.click()
    assert view.points[-1].tolist() == [1.5, -0.5] and view.labels[-1] == 1


def test_a_pixel_of_the_picture_becomes_a_point_where_it_is_drawn():
    view = explorer()
    height = view.figure.figure.bbox.height
    column, row_from_bottom = view.plane.transData.transform((1.0, -0.5))
    view.add_point_at_pixel(column, height - row_from_bottom, label=-1)
    np.testing.assert_allclose(view.points[-1], [1.0, -0.5], atol=1e-9)
    view.add_point_at_pixel(2.0, 2.0)  # the top-left corner: outside the plane
    assert "outside the plane" in view.message.text
    assert len(view.points) == 7


@pytest.mark.parametrize(
    ("x", "y", "label", "message"),
    [
        (float("nan"), 0.0, 1, "x must be a finite number"),
        (0.0, "a", 1, "y must be a real number"),
        (0.0, 0.0, 0, r"label must be +1 or -1, not 0"),
    ],
)
def test_a_bad_point_is_shown_not_raised_and_changes_nothing(x, y, label, message):
    view = explorer()
    view.add_point(x, y, label)
    assert message in view.message.text
    assert len(view.points) == 6 and len(view.labels) == 6
    view.add_point(0.0, 0.0, 1)
    assert view.message.text == ""


def test_bad_iterations_are_shown_and_do_not_train():
    view = explorer()
    view.step(iterations=0)
    assert "iterations must be a whole number" in view.message.text
    assert len(view.history) == 0
    np.testing.assert_array_equal(view.model.parameters(), [1.0, -2.0, -1.0])


def test_play_ticks_train_only_while_playing():
    view = explorer(iterations_per_frame=2)
    view.play.value += 1  # a tick while stopped (e.g. the slider moved): nothing happens
    assert len(view.history) == 0
    view.play.playing = True
    view.play.value += 1
    view.play.value += 1
    assert len(view.history) == 4
    drawn_while_playing = png(view.circuit_picture.image)
    view.play.playing = False  # stopping draws the circuit of the latest step
    assert png(view.circuit_picture.image).startswith(b"<svg")
    assert png(view.circuit_picture.image) != drawn_while_playing


def test_the_circuit_drawing_is_the_svg_of_the_latest_step():
    view = explorer()
    assert view.circuit_picture.widget.layout.display == "none"  # no step yet: no circuit
    view.step()
    assert view.circuit_picture.widget.layout.display is None
    svg = png(view.circuit_picture.image).decode()
    assert svg.startswith("<svg")
    circuit = view.model.drawable_circuit()
    for name in ("score", "a", "b", "c", "x", "y"):
        assert f">{name}<" in svg
    assert f">{fmt(circuit.output.value)}<" in svg
    width, height = layout_of(circuit).size_pixels
    assert view.circuit_picture.image.width == str(width)
    hinge = explorer(ml.HingeLossClassifier(), regularization=0.1)
    hinge.step()
    assert hinge.circuit_picture.widget.layout.display == "none"  # too big to draw


def test_batch_models_highlight_every_point_that_pulls():
    view = explorer(ml.HingeLossClassifier([0.1, 0.2, 0.3]), regularization=0.1)
    step = view.step()
    pulling = int(np.count_nonzero(step.pulls))
    assert len(view._current.get_offsets()) == pulling
    assert view._pull_text.get_text() == f"{pulling} of 6 points pull"


def test_the_two_layer_net_trains_in_the_explorer():
    view = explorer(ml.TwoLayerNet(seed=1), iterations_per_frame=20, regularization=0.1)
    for _ in range(10):
        view.step()
    assert len(view.history) == 200
    assert view.message.text == ""


def test_the_mlp_divergence_of_the_issue_stops_play_and_shows_the_sentence():
    points, labels = gk.datasets.two_moons(100)
    view = TrainingExplorer(gk.layers.MLP([2, 16, 16, 1]), points, labels, step_size=1.0,
                            regularization=2.0, iterations_per_frame=10)
    view.play.playing = True
    for _ in range(30):
        view.play.value += 1
        if not view.play.playing:
            break
    assert not view.play.playing
    assert view.message.text.startswith("training diverged")
    assert "Lower the step size or the regularization" in view.message.text
    assert np.all(np.isfinite(view.model.parameters()))
    np.testing.assert_array_equal(view.model.parameters(), view.history.parameters[-1])
    assert f"iteration {len(view.history)} " in view.status.value  # shows the state it kept
    assert np.isfinite(view.loss_axes.get_ylim()).all()


def test_a_model_that_is_not_trainable_is_refused():
    with pytest.raises(TypeError, match="not trainable here"):
        TrainingExplorer(object(), POINTS, LABELS)


def test_bad_data_is_refused_at_once():
    with pytest.raises(ValueError, match="label 0 is 3"):
        TrainingExplorer(ml.SVM(), POINTS, [3, 1, 1, 1, 1, 1])


def test_divergence_is_shown_stops_play_and_keeps_the_last_finite_parameters():
    view = explorer(ml.TwoLayerNet(seed=0), step_size=1.0, regularization=2.0,
                    iterations_per_frame=50)
    view.play.playing = True
    for _ in range(200):
        view.play.value += 1
        if not view.play.playing:
            break
    assert "training diverged" in view.message.text
    assert not view.play.playing
    assert np.all(np.isfinite(view.model.parameters()))
    np.testing.assert_array_equal(view.model.parameters(), view.history.parameters[-1])


# ----- a view of a session ---------------------------------------------------------------------
def test_it_shows_a_given_session_and_steps_it():
    session = ml.TrainingSession(ml.SVM(), POINTS, LABELS, step_size=0.05, seed=3)
    session.step(4)
    view = TrainingExplorer(session, iterations_per_frame=2)
    assert view.session is session and view.history is session.history
    assert "iteration 4" in view.status.value
    assert view.step_size.value == 0.05
    view.step()
    assert len(session.history) == 6
    expected = ml.train(ml.SVM(), POINTS, LABELS, iterations=6, step_size=0.05, seed=3)
    np.testing.assert_array_equal(session.model.parameters(), expected.parameters[-1])


def test_a_session_brings_its_own_data_and_settings():
    session = ml.TrainingSession(ml.SVM(), POINTS, LABELS)
    with pytest.raises(TypeError, match="leave out points, labels, step_size"):
        TrainingExplorer(session, POINTS, LABELS, step_size=0.1)
    with pytest.raises(TypeError, match="give the points and labels"):
        TrainingExplorer(ml.SVM())


def test_the_sliders_set_the_session_and_follow_it():
    view = explorer()
    view.step_size.value = 0.1
    view.regularization.value = 0.25
    assert (view.session.step_size, view.session.regularization) == (0.1, 0.25)
    view.session.step_size, view.session.regularization = 3.0, 4.0  # set in code
    view.refresh()
    assert (view.step_size.value, view.regularization.value) == (3.0, 4.0)
    assert view.step_size.max >= 1 and view.regularization.max >= 4.0
    assert (view.session.step_size, view.session.regularization) == (3.0, 4.0)


def test_a_bad_setting_is_refused_at_once():
    with pytest.raises(ValueError, match="step size must be > 0"):
        explorer(step_size=0.0)
    with pytest.raises(ValueError, match="iterations_per_frame must be a whole number"):
        explorer(iterations_per_frame=0)


def test_the_training_view_encodes_pngs_through_matplotlib_not_pil():
    for module in ("training.py", "neurons.py"):
        source = (Path(gk.widgets.__file__).parent / module).read_text()
        imported = {alias.name.split(".")[0] for node in ast.walk(ast.parse(source))
                    if isinstance(node, ast.Import | ast.ImportFrom)
                    for alias in getattr(node, "names", [])} | {
            (node.module or "").split(".")[0] for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.ImportFrom)}
        assert "PIL" not in imported, module


# ----- the neurons ------------------------------------------------------------------------------
def tile_images(view) -> list[np.ndarray]:
    """Every heatmap tile of the neuron panel (each layer's image cut at the offsets its
    tiles show), decoded to RGBA floats."""
    html = view.neurons.widget.value
    tiles = []
    for part in html.split("background-image:url(data:image/png;base64,")[1:]:
        sprite = imread(io.BytesIO(base64.b64decode(part.split(")", 1)[0])), format="png")
        offsets = [int(p.split("px", 1)[0]) for p in part.split("background-position:-")[1:]]
        pixels = neuron_view.NEURON_GRID / neuron_view.TILE_PIXELS  # image pixels per CSS px
        tiles += [sprite[:, round(x * pixels):round(x * pixels) + neuron_view.NEURON_GRID]
                  for x in offsets]
    return tiles


def test_every_hidden_neuron_gets_a_heatmap_of_its_output_over_the_plane():
    net = ml.TwoLayerNet(hidden=3, seed=1)
    view = explorer(net, show_neurons=True)
    tiles = tile_images(view)
    assert len(tiles) == 3 and view.neurons.drawn == ["n1", "n2", "n3"]
    left, right = view.plane.get_xlim()
    bottom, top = view.plane.get_ylim()
    corners = np.array([[left, top], [right, bottom]])  # the first and last pixel of a tile
    (outputs,) = net.hidden_activations(corners)
    (grid,) = net.hidden_activations(view.neurons._grid)
    scale = np.abs(grid).max()
    for k, tile in enumerate(tiles):
        assert tile.shape[:2] == (neuron_view.NEURON_GRID, neuron_view.NEURON_GRID)
        expected = neuron_view.heatmap_rgba(outputs[:, k].reshape(1, 2), scale)[0] / 255
        np.testing.assert_allclose(tile[0, 0], expected[0], atol=1 / 255)
        np.testing.assert_allclose(tile[-1, -1], expected[1], atol=1 / 255)
        whole = grid[:, k].reshape(neuron_view.NEURON_GRID, neuron_view.NEURON_GRID)
        np.testing.assert_allclose(tile, neuron_view.heatmap_rgba(whole, scale) / 255,
                                   atol=1 / 255)


def test_the_heatmaps_follow_training():
    view = explorer(ml.TwoLayerNet(seed=1), show_neurons=True, step_size=0.1)
    before = view.neurons.widget.value
    view.step(20)
    assert view.neurons.widget.value != before
    view.play.playing = True
    shown = view.neurons.widget.value
    view.play.value += 1
    assert view.neurons.widget.value != shown


def test_dead_neurons_are_marked_and_counted():
    net = ml.TwoLayerNet(seed=0)
    values = net.parameters()
    values[0:3] = [0.0, 0.0, -1.0]  # n1 = relu(-1): off everywhere
    net.set_parameters(values)
    view = explorer(net, show_neurons=True)
    assert view.neurons.dead == ["n1"]
    html = view.neurons.widget.value
    assert "3 neurons, 1 dead" in html
    assert html.count(">dead</div>") == 1 and "n1: weight length 0, dead" in html
    assert "dead neurons 1" in view.status.value


def test_a_shrunk_neuron_shows_a_short_weight_bar_and_is_not_called_dead():
    net = ml.TwoLayerNet(seed=0)
    values = net.parameters()
    values[0:3] = [0.01, 0.0, 0.5]  # n1: alive everywhere, tiny weights
    values[3:6] = [1.0, 0.0, 5.0]  # n2: the layer's longest weights
    net.set_parameters(values)
    view = explorer(net, show_neurons=True)
    html = view.neurons.widget.value
    assert "n1" not in view.neurons.dead
    assert "width:1%" in html and "width:100%;background" in html


def test_an_mlp_shows_every_layer_and_counts_what_it_does_not_draw():
    points, labels = gk.datasets.two_moons(40)
    view = TrainingExplorer(gk.layers.MLP([2, 8, 8, 1]), points, labels, show_neurons=True)
    assert len(view.neurons.drawn) == 16 and view.neurons.drawn[8] == "a2[0]"
    assert "hidden layer 2: 8 neurons" in view.neurons.widget.value
    wide = TrainingExplorer(gk.layers.MLP([2, 40, 40, 1]), points, labels, show_neurons=True)
    assert len(wide.neurons.drawn) == neuron_view.MAX_TILES
    assert "and 16 more (not drawn)" in wide.neurons.widget.value
    full = TrainingExplorer(gk.layers.MLP([2, 64, 8, 1]), points, labels, show_neurons=True)
    html = full.neurons.widget.value
    assert "hidden layer 2: 8 neurons" in html and "and 8 more (not drawn)" in html
    assert html.count("<style>") == 1  # no image for a layer with no tile drawn


def test_a_model_without_hidden_neurons_is_refused():
    with pytest.raises(TypeError, match="show_neurons needs a model with hidden neurons"):
        explorer(ml.SVM(), show_neurons=True)


def test_heatmap_colours():
    rgba = neuron_view.heatmap_rgba(np.array([[0.0, 2.0, -2.0, np.nan, 9.0]]), scale=2.0)[0]
    assert rgba[0].tolist() == [255, 255, 255, 255]
    assert rgba[1].tolist() == [230, 85, 13, 255] == rgba[4].tolist()  # clipped past the scale
    assert rgba[2].tolist() == [49, 130, 189, 255]
    assert rgba[3].tolist() == [150, 150, 150, 255]


# ----- closing and escaping ---------------------------------------------------------------------
def test_close_frees_the_whole_widget_tree():
    gc.collect()
    before = len(_instances)
    view = explorer(ml.TwoLayerNet(seed=0), show_neurons=True)
    view.step(3)
    assert len(_instances) > before + 15
    view.close()
    assert len(_instances) == before


class NamedNet(ml.TwoLayerNet):
    """A two-layer net whose first neuron has a name that is markup."""

    @property
    def hidden_names(self):
        return [[EVIL, "n2", "n3"]]

    def dead_neurons(self, points):
        return [EVIL]


def test_neuron_names_reach_the_page_as_text():
    view = explorer(NamedNet(seed=0), show_neurons=True)
    html = view.neurons.widget.value
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "<img" not in html and 'onerror="' not in html
    assert view.neurons.dead == [EVIL]


def test_a_model_whose_pulls_are_not_plus_or_minus_one_is_drawn_by_the_pulls_sign():
    view = explorer(gk.ml.SquaredHingeSVM())
    for _ in range(20):
        view.step()
        assert view.message.text == ""
    assert any(abs(float(p)) not in (0.0, 1.0) for s in view.session.history.steps for p in s.pulls)


def test_a_network_without_a_hidden_layer_has_no_neurons_to_show():
    points, labels = gk.datasets.guide_points()
    with pytest.raises(TypeError, match=r"^show_neurons needs a model with hidden neurons"
                                        r".*MLP\(\[2, 1\].* has none to show$"):
        TrainingExplorer(gk.layers.MLP([2, 1]), points, labels, show_neurons=True)
