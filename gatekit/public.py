"""What Tab offers on a gatekit package: its public names, lazily loaded ones included."""

from collections.abc import Iterable


def public_dir(public: Iterable[str], namespace: dict[str, object]) -> list[str]:
    """A package's `__dir__`: its `__all__` and its dunders (`__version__`, `__doc__`, ...),
    without the helpers and submodules it imports."""
    return sorted({*public, *(name for name in namespace if name.startswith("__"))})
