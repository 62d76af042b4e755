"""Which libraries a piece of gatekit loads, seen from a fresh interpreter (the test process has
loaded them all already)."""

import subprocess
import sys


def loaded_after(code: str, libraries: tuple[str, ...]) -> list[str]:
    """The `libraries` (top-level module names) loaded once `code` has run in a new Python."""
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {libraries!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    return result.stdout.split()
