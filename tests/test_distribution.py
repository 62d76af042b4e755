"""The package as the index would carry it: gatekit-edu's metadata, a wheel with the chapter
notebooks, `python -m gatekit notebooks DIR` in a fresh environment, and the README read on a
page outside the repository."""

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from clean_copy import tracked_copy

from gatekit.__main__ import copy_notebooks, main

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_distribution_has_its_own_name_and_says_what_it_is():
    project = PROJECT["project"]
    assert project["name"] == "gatekit-edu"  # "gatekit" on the index is an unrelated project
    assert project["authors"] and len(project["keywords"]) >= 5
    assert "Intended Audience :: Education" in project["classifiers"]
    assert {"Homepage", "Repository", "Issues"} <= set(project["urls"])


def test_every_subpackage_is_listed_for_the_wheel():
    folders = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "gatekit").rglob("__init__.py")
    }
    listed = set(PROJECT["tool"]["setuptools"]["packages"])
    assert folders | {"gatekit.notebooks"} == listed


def test_the_readme_links_only_absolute_addresses_so_it_reads_on_the_index():
    readme = (ROOT / "README.md").read_text()
    targets = re.findall(r"\]\(([^)]+)\)", readme)
    assert targets and all(target.startswith("https://") for target in targets), [
        target for target in targets if not target.startswith("https://")]


def test_the_readme_leads_with_pip_under_the_new_name():
    readme = (ROOT / "README.md").read_text()
    first_command = re.search(r"```sh\n(.+?)\n", readme)[1]
    assert first_command.startswith("pip install") and "gatekit-edu" in first_command


def test_the_notebooks_command_copies_every_chapter_and_keeps_the_learners_work(tmp_path):
    chapters = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    target = tmp_path / "course"
    assert main(["notebooks", str(target)]) == 0
    assert sorted(p.name for p in target.iterdir()) == chapters

    mine = target / chapters[0]
    mine.write_text("my own work")
    copied, kept = copy_notebooks(target)
    assert copied == [] and kept == [target / name for name in chapters]
    assert mine.read_text() == "my own work"


def test_the_notebooks_command_refuses_a_file_for_a_folder(tmp_path):
    afile = tmp_path / "course"
    afile.write_text("")
    with pytest.raises(SystemExit, match="is a file, not a folder"):
        main(["notebooks", str(afile)])


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The sdist and wheel built from a clean copy of the repository, as a release would."""
    work = tmp_path_factory.mktemp("dist")
    source = tracked_copy(work / "source")
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(work / "out"), str(source)],
                   check=True, capture_output=True, timeout=600)
    return work / "out"


def test_twine_finds_the_distribution_fit_for_the_index(built):
    files = sorted(str(path) for path in built.iterdir())
    run = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *files],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_wheel_carries_the_chapter_notebooks(built):
    (wheel,) = built.glob("gatekit_edu-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(name.split("/")[-1] for name in names if name.startswith("gatekit/notebooks/"))
    chapters = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert shipped == chapters


def test_a_fresh_environment_installs_the_wheel_copies_the_notebooks_and_runs_one(built, tmp_path):
    (wheel,) = built.glob("gatekit_edu-*.whl")
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    python = env / "bin" / "python"
    subprocess.run(  # this venv's pip (and its cache) installs into the new one
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-compile", "-c", str(ROOT / "constraints.txt"), str(wheel),
         "nbval", "pytest", "ipykernel"],
        check=True, timeout=600,
    )
    course = tmp_path / "my course"
    environment = {"PATH": f"{env / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)}
    run = subprocess.run([str(python), "-m", "gatekit", "notebooks", str(course)],
                         cwd=tmp_path, capture_output=True, text=True, env=environment)
    assert run.returncode == 0, run.stderr
    assert (course / "00_welcome.ipynb").exists()
    run = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
         "--nbval-current-env", "--nbval-sanitize-with", str(ROOT / "notebooks" / "sanitize.cfg"),
         str(course / "00_welcome.ipynb")],
        cwd=tmp_path, capture_output=True, text=True, env=environment, timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "passed" in run.stdout
