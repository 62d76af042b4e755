"""One check for every count, size and index a caller gives: numpy integers are whole numbers;
floats, bools and negatives are refused with the same sentence (RefusedType for what is no whole
number, RefusedValue for one out of range), and nothing is changed."""

import numpy as np
import pytest

import gatekit as gk
from gatekit.errors import RefusedType, RefusedValue
from gatekit.units import check_whole


def test_numpy_integers_are_whole_numbers():
    net = gk.ml.TwoLayerNet(hidden=np.int64(3))
    assert net.hidden == 3 and type(net.hidden) is int
    points, labels = gk.datasets.xor(n=np.int64(60))
    assert len(points) == len(labels) == 60
    assert gk.layers.Dense(np.int32(2), np.uint8(3)).n_outputs == 3


@pytest.mark.parametrize("bad", [2.5, True, -1, "3", None, np.float64(4.0)])
def test_anything_else_is_refused_with_one_sentence(bad):
    kind = RefusedValue if bad == -1 else RefusedType
    with pytest.raises(kind) as refused:
        gk.datasets.xor(n=bad)
    assert str(refused.value) == f"n must be a whole number >= 2, not {bad!r}"
    with pytest.raises(kind, match=r"^hidden must be a whole number >= 1, not "):
        gk.ml.TwoLayerNet(hidden=bad)


def test_a_range_names_both_ends_and_the_caller_picks_the_refusal():
    assert check_whole(np.int16(4), "k", 0, 4) == 4
    with pytest.raises(RefusedValue, match="^k must be a whole number from 0 to 4, not 5: why$"):
        check_whole(5, "k", 0, 4, "why")
    with pytest.raises(KeyError, match="k must be a whole number from 0 to 4, not -1"):
        check_whole(-1, "k", 0, 4, "why", refusal=KeyError)  # (why: only past the top)


def test_a_refused_count_leaves_the_session_as_it_was():
    session = gk.ml.TrainingSession(gk.ml.SVM(), *gk.datasets.guide_points())
    session.step(2)
    before = session.model.parameters().copy()
    with pytest.raises(RefusedType, match="^the number of iterations must be a whole number"):
        session.step(2.5)
    assert len(session.history.accuracy) == 2
    assert np.array_equal(session.model.parameters(), before)
