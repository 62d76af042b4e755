"""Issue 20 items 19-20 and issue 27 item 6, in the kernel and in node: a value typed into a
slider's number box is applied, moved to an end or refused with a sentence in the view's
message line; readout formats the browser cannot write are refused in Python; the browser side
lives in .js files that parse, ship as package data and format as ipywidgets' d3-format does."""

import fnmatch
import html
import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

import gatekit as gk
from gatekit.errors import RefusedValue
from gatekit.widgets.sliders import FloatLogSlider, FloatSlider, IntSlider
from gatekit.widgets.strategies import StrategyComparison

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gatekit"
SHIPPED_JS = sorted(PACKAGE.rglob("*.js"))
NODE = shutil.which("node")


def typed(slider, text: str) -> None:
    """What the browser sends when Enter is pressed in the slider's number box."""
    slider._handle_custom_msg({"typed": text}, [])


@pytest.mark.parametrize("text", ["abc", "1,5", "1e999", "nan", "-inf", ""])
def test_a_refused_typed_value_is_said_and_changes_nothing(text):
    explorer = gk.explore(gk.parse("x * y", x=1.0, y=2.0))
    typed(explorer.sliders["x"], text)
    assert explorer.circuit.values() == {"x": 1.0, "y": 2.0}
    assert explorer.sliders["x"].value == 1.0
    assert "is not a finite number, so x stays 1" in explorer.message.text
    assert html.escape(explorer.message.text) in explorer.message.widget.value


def test_a_typed_value_past_the_end_is_set_to_the_end_and_said():
    explorer = gk.explore(gk.parse("x * y", x=1.0, y=2.0))
    typed(explorer.sliders["x"], "99")
    assert explorer.circuit.values()["x"] == 3.0 == explorer.sliders["x"].value
    assert explorer.message.text == ("99 is past the end of x's slider (-1 to 3), "
                                     "so x is set to 3.")


def test_a_typed_value_in_range_is_applied_silently():
    explorer = gk.explore(gk.parse("x * y", x=1.0, y=2.0))
    typed(explorer.sliders["y"], " \u22120.5 ")  # ipywidgets' minus sign, spaces around
    assert explorer.circuit.values()["y"] == -0.5
    assert explorer.circuit.value == -0.5
    assert explorer.message.text == ""


def test_the_force_and_step_size_boxes_report_too():
    explorer = gk.explore(gk.parse("x * y", x=1.0, y=2.0))
    typed(explorer.step_size, "5")
    assert explorer.step_size.value == 1.0
    assert "so step size is set to 1." in explorer.message.text
    typed(explorer.force, "abc")
    assert "so force stays 1." in explorer.message.text


def test_an_int_slider_rounds_and_a_strategy_view_reports():
    view = StrategyComparison(gk.parse("x * y", x=1.0, y=2.0), tries=5)
    typed(view.tries, "7.6")
    assert view.tries.value == 8
    assert view.message.text == ""
    typed(view.tries, "5000")
    assert view.tries.value == 1000
    assert "so random tries is set to 1000." in view.message.text


def test_messages_other_than_a_typed_text_are_ignored():
    slider = FloatSlider(value=0.5, min=0, max=1, description="a")
    notes = []
    slider.on_note(notes.append)
    for content in ({"typed": 3}, ["typed"], {"other": "1"}):
        slider._handle_custom_msg(content, [])
    assert slider.value == 0.5 and notes == []


@pytest.mark.parametrize("spec", [".101f", ".21g", ".2s", "$.2f", "08.2f", "x"])
def test_a_readout_format_the_browser_cannot_write_is_refused(spec):
    for kind in (FloatSlider, FloatLogSlider, IntSlider):
        slider = kind(description="a")
        before = slider.readout_format
        with pytest.raises(RefusedValue, match="readout_format"):
            slider.readout_format = spec
        assert slider.readout_format == before
    with pytest.raises(RefusedValue, match="readout_format"):
        FloatSlider(readout_format=spec)


@pytest.mark.parametrize("spec", ["", ".3f", ".4g", "d", "+.2f", ",d", "+,.2f", ".1%", " .2e",
                                  ".20f"])
def test_the_formats_the_browser_writes_are_accepted(spec):
    assert FloatSlider(readout_format=spec).readout_format == spec


def test_the_javascript_ships_as_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["gatekit"]
    assert SHIPPED_JS, "no .js files found in gatekit/"
    for path in SHIPPED_JS:
        inside = path.relative_to(PACKAGE).as_posix()
        assert any(fnmatch.fnmatch(inside, pattern) for pattern in patterns), inside


def test_the_views_load_their_javascript_from_the_files():
    assert FloatSlider()._esm == (PACKAGE / "widgets" / "sliders.js").read_text()
    picture = gk.widgets.base.Picture()
    assert picture._esm == (PACKAGE / "widgets" / "images.js").read_text()


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.parametrize("path", SHIPPED_JS, ids=lambda path: path.name)
def test_every_shipped_javascript_file_parses(path):
    # As an ES module (anywidget imports it as one).
    result = subprocess.run([NODE, "--input-type=module", "--check"], input=path.read_text(),
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


FORMATS = [
    ("+,.2f", 1234567.891, "+1,234,567.89"),
    (",d", -1234567.4, "-1,234,567"),
    (",.3f", 999.5, "999.500"),
    ("+.3f", 0.0, "+0.000"),
    (" .1f", 2.25, " 2.3"),
    (".3f", -0.0001, "0.000"),
    (".1%", 0.256, "25.6%"),
    ("+.2e", -12345, "-1.23e+4"),
    (",.2e", 12345, "1.23e+4"),
    (".4g", 1.0142e304, "1.014e+304"),
    ("", 0.5, "0.500000"),
    ("d", 2.6, "3"),
]


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_browser_format_honours_grouping_and_sign():
    module = json.dumps((PACKAGE / "widgets" / "sliders.js").as_uri())
    script = (f"import {{ format }} from {module};"
              f"console.log(JSON.stringify({json.dumps([[s, x] for s, x, _ in FORMATS])}"
              ".map(([spec, x]) => format(spec, x))));")
    result = subprocess.run([NODE, "--input-type=module", "-e", script], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [text for _, _, text in FORMATS]
