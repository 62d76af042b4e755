"""A chapter that needs numpy and matplotlib says so in one sentence when the browser is
offline: its install cell raises NeedsTheInternet, which Jupyter shows with no traceback."""

from gatekit.errors import NeedsTheInternet, Refusal


def test_the_sentence_names_the_packages_and_what_to_do():
    error = NeedsTheInternet("numpy", "matplotlib")
    assert str(error).startswith("This chapter needs numpy and matplotlib, which load from the")
    assert "connect, then run this cell again" in str(error)
    assert str(NeedsTheInternet("numpy")).startswith("This chapter needs numpy, which")
    assert str(NeedsTheInternet("a", "b", "c")).startswith("This chapter needs a, b and c,")


def test_jupyter_shows_only_the_sentence_and_it_is_a_refusal():
    error = NeedsTheInternet("numpy", "matplotlib")
    assert error._render_traceback_() == [str(error)]
    assert isinstance(error, Refusal) and isinstance(error, ImportError)
