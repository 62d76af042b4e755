"""Build the course as a static JupyterLite site (`make site`): every notebook runs in the
learner's browser on Pyodide, with no server.

The site carries its own Pyodide (npm's `pyodide` package at the version the kernel names) and
a lock file written here for the wheels the kernel loads at start-up and the chapters without
numpy or matplotlib need (ipywidgets, its small dependencies, networkx, gatekit's own wheel),
so those chapters run with no request leaving the site. Every other package of the lock points at
Pyodide's full distribution on its CDN, where the chapters that need numpy or matplotlib get it.

    build/lite-cache/  downloads kept between builds (npm's pyodide, wheels)
    build/lite/        the JupyterLite project this script writes
    build/site/lite/   the static site, under the course website (tools/book.py)

Usage: python tools/lite_site.py
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import nbformat
from jupyterlite_pyodide_kernel.constants import PYODIDE_CDN_URL, PYODIDE_VERSION
from lite_notebooks import needs_full_distribution
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CACHE = ROOT / "build" / "lite-cache"
LITE = ROOT / "build" / "lite"
SITE = ROOT / "build" / "site" / "lite"
# JupyterLab settings shared with `make lab` (no news pop-up); the site adds its own below.
LAB_OVERRIDES = ROOT / "tools" / "jupyterlab-overrides.json"

# What the kernel loads from Pyodide's lock as it starts (micropip, then ipython and jedi with
# their dependencies); taken at the lock's versions.
KERNEL_START_UP = ("micropip", "packaging", "ipython", "jedi")
# What the chapters without numpy or matplotlib need on top, with gatekit's own wheel: anywidget
# for gatekit's named sliders and pictures (with psygnal and typing-extensions), ipywidgets and
# its parts, and networkx (every circuit's picture is laid out on its networkx graph), at the
# versions constraints.txt pins for every route.
BUNDLED_NAMES = ("anywidget", "psygnal", "typing-extensions", "comm", "ipywidgets",
                 "jupyterlab-widgets", "widgetsnbextension", "networkx")
# gatekit's distribution name (the import name is gatekit).
DISTRIBUTION = "gatekit-edu"


def pinned(names: tuple[str, ...]) -> dict[str, str]:
    """The versions constraints.txt pins for `names`: the one source of versions."""
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    pins = dict(line.split("==") for line in lines if "==" in line and not line.startswith("#"))
    missing = [name for name in names if name not in pins]
    if missing:
        sys.exit(f"constraints.txt pins no version of {missing}: run tools/pin_versions.py")
    return {name: pins[name] for name in names}


BUNDLED = pinned(BUNDLED_NAMES)
# In the browser a wheel depends on what it requires and the site bundles too: gatekit there
# needs ipywidgets and networkx (pure Python, none of its extras), not numpy or matplotlib,
# which come from Pyodide's CDN if asked.
WHEEL_ENVIRONMENT = {
    "sys_platform": "emscripten", "platform_system": "Emscripten", "os_name": "posix",
    "python_version": "3.14", "python_full_version": "3.14.0", "implementation_name": "cpython",
    "platform_python_implementation": "CPython", "platform_machine": "wasm32", "extra": "",
}
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
LITE_SETTINGS = {  # the site's index opens as a rendered page, not as Markdown source
    "@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Markdown Preview"}},
}


def run(*command: str | Path, env: dict[str, str] | None = None, cwd: Path = ROOT) -> None:
    """Run a command, echoed, with `env` added to the environment; stop the build if it fails."""
    print("+", " ".join(map(str, command)), flush=True)
    subprocess.run([str(part) for part in command], check=True, cwd=cwd,
                   env=os.environ | (env or {}))


def write(path: Path, data: bytes) -> None:
    """Write a file, making its folder first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def pyodide_package() -> Path:
    """npm's `pyodide` at the kernel's version, unpacked in the cache (downloaded once)."""
    npm = CACHE / "npm"
    unpacked = npm / f"pyodide-{PYODIDE_VERSION}"
    if not (unpacked / "package" / "pyodide-lock.json").exists():
        if shutil.which("npm") is None:
            sys.exit("make site takes Pyodide from the npm registry and needs npm: install it "
                     "(apt-get install npm as root; make site does that when run as root).")
        npm.mkdir(parents=True, exist_ok=True)
        run("npm", "pack", "--silent", f"pyodide@{PYODIDE_VERSION}", "--pack-destination", npm)
        with tarfile.open(npm / f"pyodide-{PYODIDE_VERSION}.tgz") as archive:
            archive.extractall(unpacked, filter="data")
    return unpacked / "package"


def closure(lock: dict, names: tuple[str, ...]) -> set[str]:
    """The names and everything they depend on in Pyodide's lock."""
    found: set[str] = set()
    todo = [canonicalize_name(name) for name in names]
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += [canonicalize_name(dep) for dep in lock["packages"][name]["depends"]]
    return found


def download_wheels(pins: dict[str, str]) -> dict[str, Path]:
    """PyPI's wheel of each pinned name, for Python in the browser (downloaded once)."""
    folder = CACHE / "wheels"
    folder.mkdir(parents=True, exist_ok=True)

    def cached(name: str, version: str) -> Path | None:
        stem = f"{name.replace('-', '_')}-{version}-".lower()
        return next((p for p in folder.glob("*.whl") if p.name.lower().startswith(stem)), None)

    missing = [f"{name}=={version}" for name, version in pins.items() if not cached(name, version)]
    if missing:
        run(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
            "--only-binary=:all:", "--python-version", "3.14", "--platform", "any",
            "--dest", folder, *missing)
    wheels = {name: cached(name, version) for name, version in pins.items()}
    absent = sorted(name for name, wheel in wheels.items() if wheel is None)
    if absent:
        sys.exit(f"no pure-Python wheel was downloaded for {absent}")
    return wheels  # type: ignore[return-value]


def gatekit_wheel() -> Path:
    """A wheel of gatekit built from a clean copy of this checkout (setuptools would otherwise
    reuse what an earlier build left in build/lib)."""
    folder, source = CACHE / "gatekit", CACHE / "gatekit-source"
    for stale in (folder, source):
        shutil.rmtree(stale, ignore_errors=True)
    shutil.copytree(ROOT / "gatekit", source / "gatekit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    (source / "notebooks").mkdir()  # the site serves the notebooks itself, not in the wheel
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", folder, source,
        env={"SOURCE_DATE_EPOCH": "315532800"})  # the same sources make the same wheel
    (wheel,) = folder.glob(f"{DISTRIBUTION.replace('-', '_')}-*.whl")
    return wheel


def wheel_metadata(wheel: Path) -> tuple[str, str, list[str], list[str]]:
    """Name, version, requirements and top-level import names written in a wheel."""
    with zipfile.ZipFile(wheel) as archive:
        files = archive.namelist()
        (metadata,) = [name for name in files if name.endswith(".dist-info/METADATA")]
        lines = archive.read(metadata).decode().split("\n\n", 1)[0].splitlines()
    field = {key: value for key, _, value in (line.partition(": ") for line in lines)}
    requires = [line.split(": ", 1)[1] for line in lines if line.startswith("Requires-Dist: ")]
    tops = {name.split("/")[0].removesuffix(".py") for name in files}
    imports = sorted(top for top in tops if top.isidentifier())
    return field["Name"], field["Version"], requires, imports


def lock_entry(wheel: Path, bundled: set[str], base: dict | None) -> dict:
    """The lock's entry for a wheel this site serves itself."""
    name, version, requires, imports = wheel_metadata(wheel)
    depends = sorted({
        canonicalize_name(req.name) for req in map(Requirement, requires)
        if (req.marker is None or req.marker.evaluate(WHEEL_ENVIRONMENT))
        and canonicalize_name(req.name) in bundled
    })
    return {
        **(base or {"install_dir": "site", "package_type": "package", "unvendored_tests": False}),
        "name": name, "version": version, "file_name": wheel.name, "imports": imports,
        "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
        "depends": base["depends"] if base else depends,
    }


def write_lock(pyodide_lock: dict, wheels: dict[str, Path]) -> bytes:
    """Pyodide's lock with the site's own wheels served from beside it and every other package
    taken from Pyodide's CDN. Start-up wheels keep Pyodide's dependencies; the others get those
    of their own metadata that the site bundles."""
    packages = {}
    start_up = closure(pyodide_lock, KERNEL_START_UP)
    for name, entry in pyodide_lock["packages"].items():
        if name not in wheels:
            packages[name] = {**entry, "file_name": f"{PYODIDE_CDN_URL}/{entry['file_name']}"}
    for name, wheel in wheels.items():
        base = pyodide_lock["packages"][name] if name in start_up else None
        packages[name] = lock_entry(wheel, set(wheels), base)
    return (json.dumps({**pyodide_lock, "packages": packages}, indent=1) + "\n").encode()


def notebook_title(notebook: nbformat.NotebookNode) -> str:
    """The first Markdown heading of a notebook."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return ""


def index_page(paths: list[Path]) -> bytes:
    """README.md of the site: each chapter and whether it runs offline."""
    rows = []
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        where = ("needs the internet: numpy and matplotlib come from Pyodide's CDN"
                 if needs_full_distribution(notebook) else "runs offline, from this site alone")
        rows.append(f"| [{path.stem}]({path.name}) | {notebook_title(notebook)} | {where} |")
    return "\n".join([
        "# gatekit in your browser",
        "",
        "Every notebook here runs in your own browser: Python is [Pyodide](https://pyodide.org),",
        "and no server is involved. Open a chapter and run its cells from the top (the first",
        "cell installs gatekit). The first start of Python takes a few seconds. What you",
        "change stays in this browser only; *File > Download* keeps a copy.",
        "",
        "| notebook | chapter | in the browser |",
        "| --- | --- | --- |",
        *rows,
        "",
    ]).encode()


def write_project(pyodide: Path, wheels: dict[str, Path], extensions: list[Path]) -> None:
    """The JupyterLite project: config, settings, Pyodide with its lock and wheels, notebooks."""
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    static = LITE / "static" / "pyodide"
    for path in [*(pyodide / name for name in PYODIDE_FILES), *wheels.values()]:
        write(static / path.name, path.read_bytes())
    write(static / "pyodide-lock.json", write_lock(lock, wheels))

    notebooks = sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
    for path in notebooks:
        write(LITE / "files" / path.name, path.read_bytes())
    write(LITE / "files" / "README.md", index_page(notebooks))

    config = {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {"appName": "gatekit", "exposeAppInBrowser": "true"},
    }
    overrides = json.loads(LAB_OVERRIDES.read_text()) | LITE_SETTINGS
    write(LITE / "jupyter-lite.json", json.dumps(config, indent=2).encode())
    write(LITE / "overrides.json", json.dumps(overrides, indent=2).encode())
    build_config = {"LiteBuildConfig": {
        "output_dir": str(SITE),
        "cache_dir": str(CACHE / "jupyterlite"),
        "ignore_sys_prefix": True,  # only the extensions below, whatever this venv holds
        "federated_extensions": [str(path) for path in extensions],
        "no_libarchive": True,  # Python's zipfile and tarfile do; no C library to install
        "no_sourcemaps": True,
    }}
    write(LITE / "jupyter_lite_config.json", json.dumps(build_config, indent=2).encode())


def federated_extensions() -> list[Path]:
    """The lab extensions the site needs (the Pyodide kernel's and ipywidgets'), from their
    wheels, so the site does not depend on what else this environment has installed."""
    from importlib.metadata import version

    pins = {"jupyterlite-pyodide-kernel": version("jupyterlite-pyodide-kernel")}
    pins["jupyterlab-widgets"] = BUNDLED["jupyterlab-widgets"]
    pins["anywidget"] = BUNDLED["anywidget"]
    return list(download_wheels(pins).values())


def build() -> None:
    """Download what is missing, write the project and build the site into build/site/lite."""
    pyodide = pyodide_package()
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    start_up = closure(lock, KERNEL_START_UP)
    pins = {name: lock["packages"][name]["version"] for name in sorted(start_up)} | BUNDLED
    wheels = download_wheels(pins) | {DISTRIBUTION: gatekit_wheel()}
    extensions = federated_extensions()
    # Afresh every time (seconds): `jupyter lite build` never removes a file, and its record
    # of what is done, kept in its working directory, can leave a patched file unpatched.
    for folder in (LITE, SITE):
        shutil.rmtree(folder, ignore_errors=True)
    write_project(pyodide, wheels, extensions)
    run(sys.executable, "-m", "jupyter", "lite", "build", "--lite-dir", LITE, cwd=LITE)
    print(f"built {SITE.relative_to(ROOT)} (Pyodide {PYODIDE_VERSION}, "
          f"{len(wheels)} wheels of its own, {len(list(NOTEBOOKS.glob('[0-9]*.ipynb')))} "
          "notebooks)")


if __name__ == "__main__":
    build()
