"""The package as a new user meets it: light to import, four runtime dependencies."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_gatekit_does_not_load_matplotlib_or_ipywidgets():
    code = (
        "import sys, gatekit as gk\n"
        "gk.parse('x * y', x=1, y=2).backward()\n"
        "heavy = ('matplotlib', 'ipywidgets', 'networkx', 'numpy')\n"
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_core_modules_never_import_drawing_or_widget_libraries():
    for module in ("gates", "circuit", "parse", "functions", "__init__"):
        source = (ROOT / "gatekit" / f"{module}.py").read_text()
        imports = [
            line for line in source.splitlines() if line.lstrip().startswith(("import", "from"))
        ]
        assert not any("matplotlib" in line or "ipywidgets" in line for line in imports), module


def test_runtime_dependencies_are_exactly_the_four():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = sorted(dep.split(">")[0].split("=")[0].split("<")[0] for dep in project["dependencies"])
    assert names == ["ipywidgets", "matplotlib", "networkx", "numpy"]


def test_every_api_name_is_there():
    import gatekit as gk

    for name in ["Unit", "AddGate", "MulGate", "MaxGate", "ReLUGate", "SigmoidGate", "add", "mul",
                 "max", "relu", "sigmoid", "exp", "tanh", "Circuit", "parse"]:
        assert hasattr(gk, name), name
    assert gk.MulGate().forward(gk.Unit(-2.0), gk.Unit(3.0)).value == -6.0


def test_ci_runs_make_test_and_nothing_else():
    lines = [
        line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert lines[-1] == "make test"
    assert all(line.startswith(("set ", "cd ")) for line in lines[:-1])
