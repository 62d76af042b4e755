"""The package as a new user meets it: light to import, four runtime dependencies."""

import tomllib
from pathlib import Path

from fresh_python import loaded_after

ROOT = Path(__file__).resolve().parents[1]


def test_import_gatekit_does_not_load_matplotlib_or_ipywidgets():
    code = "import gatekit as gk\ngk.parse('x * y', x=1, y=2).backward()"
    assert loaded_after(code, ("matplotlib", "ipywidgets", "networkx", "numpy")) == []


CORE = ("units", "gates", "collector", "circuit", "numerical", "serialise", "parse", "functions",
        "narration", "numbers", "pathsum", "strategies", "stepping")


def test_core_modules_never_import_drawing_widget_or_array_libraries():
    for module in (*CORE, "__init__"):
        source = (ROOT / "gatekit" / f"{module}.py").read_text()
        imports = [
            line for line in source.splitlines() if line.lstrip().startswith(("import", "from"))
        ]
        heavy = ("matplotlib", "ipywidgets") + (() if module == "__init__" else ("numpy",))
        assert not any(name in line for line in imports for name in heavy), module


def test_every_core_module_stays_small():
    for module in CORE:
        lines = (ROOT / "gatekit" / f"{module}.py").read_text().count("\n")
        limit = 480 if module == "gates" else 450  # gates: one class per kind, twelve kinds
        assert lines <= limit, (module, lines)


def test_runtime_dependencies_are_exactly_these_five():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = sorted(dep.split(">")[0].split("=")[0].split("<")[0] for dep in project["dependencies"])
    assert names == ["anywidget", "ipywidgets", "matplotlib", "networkx", "numpy"]


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


def test_the_strategy_table_and_the_step_plan_need_no_widgets():
    """Issue 27: computations live beside the core; the widgets only show them."""
    code = ("import gatekit as gk\nfrom gatekit.strategies import compare_strategies\n"
            "from gatekit.stepping import plan_steps\nc = gk.parse('x * y', x=-2, y=3)\n"
            "str(compare_strategies(c))\nplan_steps(c)[-1]")
    assert loaded_after(code, ("ipywidgets", "matplotlib", "numpy")) == []
