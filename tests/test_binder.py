"""Binder: the files repo2docker reads, the Dockerfile it writes, and the install it performs."""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from clean_copy import tracked_copy

import gatekit

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
REPO2DOCKER = Path(sys.executable).parent / "jupyter-repo2docker"


def runtime_version() -> tuple[int, int]:
    """The Python version binder/runtime.txt asks for, as (major, minor)."""
    text = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+)\.(\d+)", text)
    assert match, f"binder/runtime.txt should read like python-3.11, not {text!r}"
    return int(match[1]), int(match[2])


def test_the_runtime_satisfies_the_packages_python_requirement():
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    minimum = re.fullmatch(r">=(\d+)\.(\d+)", requires)
    assert minimum, f"expected requires-python like >=3.11, found {requires!r}"
    assert runtime_version() >= (int(minimum[1]), int(minimum[2]))


def pins() -> dict[str, str]:
    """The exact versions constraints.txt gives every package, by name."""
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    return dict(line.split("==") for line in lines if line.strip() and not line.startswith("#"))


def test_the_requirements_install_the_repository_with_jupyterlab_at_the_pinned_versions():
    lines = (BINDER / "requirements.txt").read_text().splitlines()
    assert lines[0].startswith("#"), "a file that is exactly '.' is misread: start with a comment"
    assert [line for line in lines if line.strip() and not line.startswith("#")] == [
        "-c ../constraints.txt", ".[lab]"]


def test_every_constraint_is_one_exact_version():
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    entries = [line for line in lines if line.strip() and not line.startswith("#")]
    assert entries and all(re.fullmatch(r"[a-z0-9-]+==[0-9][\w.+!-]*", line) for line in entries)
    assert {"ipywidgets", "anywidget", "jupyterlab", "numpy", "matplotlib"} <= set(pins())


def test_repo2docker_writes_a_dockerfile_that_installs_the_repository():
    if not REPO2DOCKER.exists():
        pytest.fail(f"{REPO2DOCKER} is missing: install the test extra (pip install -e '.[test]')")
    run = subprocess.run(
        [str(REPO2DOCKER), "--no-build", "--debug", str(ROOT)],
        capture_output=True, text=True, timeout=120, check=True,
    )
    log = run.stdout + run.stderr
    major, minor = runtime_version()
    assert f"python={major}.{minor}" in log, "repo2docker did not pick up binder/runtime.txt"
    workdir = log.index("WORKDIR ${REPO_DIR}")
    # The files belong to the user repo2docker builds for: root here, uid 1000 on public Binder.
    copy_all = re.search(r"COPY --chown=\d+:\d+ src/ \$\{REPO_DIR\}/", log).start()
    install = log.index('pip install --no-cache-dir -r "binder/requirements.txt"')
    # pip reads "." relative to where it runs (the repository root, already copied in whole),
    # and the constraints relative to the requirements file.
    assert workdir < copy_all < install


def test_a_fresh_environment_installed_as_binder_does_imports_gatekit(tmp_path):
    clone = tracked_copy(tmp_path / "clone")  # like Binder's clone
    # A venv with no packages at all; this venv's pip (and its cache) installs into it.
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    python = env / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-compile", "-r", "binder/requirements.txt"],
        cwd=clone, check=True, timeout=300,
    )
    expression, values = "(x + y) * z", {"x": -2.0, "y": 5.0, "z": -4.0}
    pinned = ["ipywidgets", "anywidget", "jupyterlab", "numpy", "matplotlib", "networkx"]
    probe = (
        "import json, gatekit as gk, ipywidgets, matplotlib\n"
        "from importlib.metadata import version\n"
        f"print(gk.__file__)\n"
        f"print(json.dumps(gk.parse({expression!r}, **{values!r}).backward()))\n"
        f"print(json.dumps({{name: version(name) for name in {pinned!r}}}))"
    )
    run = subprocess.run([str(python), "-c", probe], cwd=tmp_path, capture_output=True,
                         text=True, check=True)
    installed_at, grads, versions = run.stdout.splitlines()
    assert Path(installed_at).is_relative_to(env), "gatekit was not imported from the new venv"
    assert json.loads(grads) == gatekit.parse(expression, **values).backward()
    assert json.loads(versions) == {name: pins()[name] for name in pinned}
