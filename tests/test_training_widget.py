"""TrainingExplorer driven through its method twins and traits, as a learner's clicks would."""

import numpy as np
import pytest

import gatekit as gk
from gatekit import ml
from gatekit.widgets.training import GRID_SIZE, TrainingExplorer

POINTS, LABELS = gk.datasets.guide_points()


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
    np.testing.assert_array_equal(shown, view.model.scores(grid).reshape(GRID_SIZE, GRID_SIZE))


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
        (0.0, 0.0, 0, "label 6 is 0"),
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
    drawn_while_playing = png(view.circuit_figure.image)
    view.play.playing = False  # stopping draws the circuit of the latest step
    assert png(view.circuit_figure.image).startswith(b"\x89PNG")
    assert png(view.circuit_figure.image) != drawn_while_playing


def test_the_circuit_drawing_follows_the_model():
    view = explorer()
    assert view.circuit_figure.image.layout.display == "none"  # no step yet: no circuit
    view.step()
    assert view.circuit_figure.image.layout.display is None
    assert png(view.circuit_figure.image).startswith(b"\x89PNG")
    hinge = explorer(ml.HingeLossClassifier(), regularization=0.1)
    hinge.step()
    assert hinge.circuit_figure.image.layout.display == "none"  # too big to draw


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
