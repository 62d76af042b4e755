"""Tab completion shows the package: `dir()` of each public module is its `__all__` (lazily
loaded names included) and the dunders, never the helpers it imports."""

import importlib
import types

import pytest

PUBLIC_MODULES = ["gatekit", "gatekit.widgets", "gatekit.ml", "gatekit.layers",
                  "gatekit.exercises", "gatekit.datasets"]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_dir_lists_exactly_the_public_names(name):
    module = importlib.import_module(name)
    shown = [entry for entry in dir(module) if not entry.startswith("__")]
    assert shown == sorted(module.__all__)


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_every_public_name_is_there(name):
    module = importlib.import_module(name)
    for entry in module.__all__:
        assert getattr(module, entry) is not None, entry


def test_the_lazy_names_show_before_they_load():
    import gatekit as gk

    assert {"draw", "explore", "widgets", "ml", "layers", "datasets", "exercises"} <= set(dir(gk))
    assert "__version__" in dir(gk)


@pytest.mark.parametrize("name", [n for n in PUBLIC_MODULES if n != "gatekit.datasets"])
def test_packages_keep_helper_imports_private(name):
    module = importlib.import_module(name)
    helpers = [entry for entry, value in vars(module).items()
               if not entry.startswith("_") and entry not in module.__all__
               and not isinstance(value, types.ModuleType)]
    assert helpers == []
