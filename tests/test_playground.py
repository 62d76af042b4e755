"""gk.ml.Playground: a playground's settings checked once, the seeded session they make, and
the short line of text they round-trip through (issue 24)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gatekit as gk
from gatekit.errors import RefusedType, RefusedValue
from gatekit.ml import Playground
from gatekit.ml.playground import ACTIVATIONS, MAX_LAYERS, MAX_WIDTH


def test_the_default_settings_read_as_one_short_line():
    text = Playground().text()
    assert text == ("data=circle noise=0.1 n=100 seed=0 net=4-4 act=tanh step=0.03 l2=0.0 "
                    "batch=full test=0.2")
    assert Playground.from_text(text) == Playground()
    assert Playground.from_text("") == Playground()  # keys left out keep their defaults
    assert Playground.from_text("net=8 data=xor") == Playground(hidden=(8,), dataset="xor")


@settings(max_examples=60, deadline=None)
@given(dataset=st.sampled_from(list(gk.datasets.PLAYGROUND)),
       noise=st.floats(0, 2), n=st.integers(4, 1000), seed=st.integers(0, 2**32 - 1),
       hidden=st.lists(st.integers(1, MAX_WIDTH), min_size=1, max_size=MAX_LAYERS),
       activation=st.sampled_from(ACTIVATIONS), step_size=st.floats(1e-6, 10),
       regularization=st.floats(0, 10), batch=st.integers(0, 4),
       test_fraction=st.floats(0, 0.8))
def test_any_settings_round_trip_through_their_text(dataset, noise, n, seed, hidden, activation,
                                                    step_size, regularization, batch,
                                                    test_fraction):
    chosen = Playground(dataset, noise, n, seed, tuple(hidden), activation, step_size,
                        regularization, batch or None, test_fraction)
    assert Playground.from_text(chosen.text()) == chosen


def test_the_settings_make_the_seeded_session_they_describe():
    chosen = Playground(dataset="xor", noise=0.2, n=50, seed=3, hidden=(5, 3),
                        activation="relu", step_size=0.1, regularization=0.01, batch_size=10,
                        test_fraction=0.2)
    session, again = chosen.session(), chosen.session()
    assert session.model.sizes == [2, 5, 3, 1]
    assert session.model.layers[0].activation.name == "relu"
    assert (len(session.points), len(session.test_points)) == (40, 10)
    assert (session.step_size, session.regularization, session.batch_size) == (0.1, 0.01, 10)
    session.step(5)
    again.step(5)
    np.testing.assert_array_equal(session.model.parameters(), again.model.parameters())
    everything = np.vstack([session.points, session.test_points])
    points, _ = gk.datasets.xor(n=50, noise=0.2, seed=3)
    assert sorted(map(tuple, everything)) == sorted(map(tuple, points))


@pytest.mark.parametrize(("text", "error", "message"), [
    ("data=squares", RefusedValue, "unknown data set 'squares'; choose one of circle"),
    ("act=softplus", RefusedValue, "unknown activation 'softplus'"),
    ("noise=loud", RefusedValue, "'loud' is no value for noise"),
    ("noise=3", RefusedValue, "noise must be from 0 to 2"),
    ("noise=nan", RefusedValue, "noise must be a finite number"),
    ("net=4-0", RefusedValue, "width must be a whole number from 1 to 32"),
    ("net=1-1-1-1-1-1-1", RefusedValue, "1 to 6 layer widths"),
    ("net=4,4", RefusedValue, "'4,4' is no value for net"),
    ("step=0", RefusedValue, "step size must be > 0"),
    ("l2=-1", RefusedValue, "regularization must be >= 0"),
    ("batch=0", RefusedValue, "batch size must be a whole number from 1 to 100"),
    ("test=1", RefusedValue, "test_fraction must be from 0 up to"),
    ("n=10 test=0.99", RefusedValue, "holds out all 10 points"),
    ("seed=-2", RefusedValue, "seed must be a whole number"),
    ("hello", RefusedValue, "'hello' is not a setting; settings look like 'data=circle"),
    ("colour=red", RefusedValue, "'colour=red' is not a setting"),
    ("act=relu act=tanh", RefusedValue, "act is given twice"),
])
def test_a_malformed_line_is_refused_with_one_sentence(text, error, message):
    with pytest.raises(error, match=message):
        Playground.from_text(text)


def test_settings_that_are_not_text_are_refused():
    with pytest.raises(RefusedType, match="settings are a line of text"):
        Playground.from_text({"data": "xor"})
    with pytest.raises(RefusedType, match="noise must be a number"):
        Playground(noise="0.1")
