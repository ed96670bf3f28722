"""Shared fixtures. Nothing a test does touches the real user's progress folder."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = str(Path(sys.executable).parent)

# nbgrader runs `alembic` by name to create a gradebook: the interpreter's own bin folder must be
# on PATH even when the venv is not activated.
if BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = BIN + os.pathsep + os.environ.get("PATH", "")


@pytest.fixture(autouse=True)
def alembic_head_asked_once():
    """nbgrader asks the `alembic` command for its newest migration each time it creates a
    gradebook: a new Python process, 1 to 4 seconds. The answer depends only on the installed
    nbgrader, so once a test in this process has had it from the command, later tests reuse
    it. (nbgrader run as a command, as the slow tests run it, still asks every time.)"""
    api = sys.modules.get("nbgrader.api")
    if api is not None and not hasattr(api.get_alembic_version, "cache_info"):
        api.get_alembic_version = functools.cache(api.get_alembic_version)


@pytest.fixture(autouse=True)
def private_progress(tmp_path_factory, monkeypatch):
    """Each test gets its own progress folder and learner name."""
    folder = tmp_path_factory.mktemp("progress")
    monkeypatch.setenv("WORKBOOK_PROGRESS_DIR", str(folder))
    monkeypatch.setenv("WORKBOOK_LEARNER", "test-learner")
    monkeypatch.delenv("WORKBOOK_COURSE_DIR", raising=False)
    return folder / "test-learner"


@pytest.fixture(scope="session")
def course():
    from workbook.content import load_course

    return load_course(ROOT)


def copy_course(destination: Path) -> Path:
    """A copy of the course folder's tracked parts, for tests that run nbgrader or change data."""
    for name in ("course_data", "source", "notebooks"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, destination / name)
    shutil.copy2(ROOT / "nbgrader_config.py", destination / "nbgrader_config.py")
    return destination


def nbgrader(course_dir: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run an nbgrader command in a course folder; fail the test with its output if it fails."""
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=course_dir, capture_output=True,
        text=True, timeout=timeout, env={**os.environ, "PATH": os.environ["PATH"]})
    if result.returncode != 0:
        pytest.fail(f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def hand_in(folder: Path, learner: str, nb) -> None:
    """Put a learner's unit 1 notebook in submitted/, as collect (or a tutor's copy) does."""
    import nbformat

    target = folder / "submitted" / learner / "unit1"
    target.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target / "unit1.ipynb")


def fresh_course(generated_course: Path, folder: Path, units: str = "all") -> Path:
    """A copy of the generated course in ``folder`` with no submissions or grades, and its
    gradebook as generating the release left it: with unit 1 only (``units="unit1"``, as
    `nbgrader generate_assignment unit1` leaves a new course) or with every unit ("all")."""
    shutil.copytree(generated_course, folder, ignore=shutil.ignore_patterns(
        "submitted", "autograded", "feedback", "exports", "gradebook.db"))
    shutil.copy2(RELEASED_GRADEBOOKS[units], folder / "gradebook.db")
    return folder


def fresh_unit1(generated_course: Path, tmp_path: Path):
    """A copy of the generated course with no submissions or grades and only unit 1 in its
    gradebook, for a test that hands in its own notebooks; returns (folder, released
    notebook)."""
    import nbformat

    folder = fresh_course(generated_course, tmp_path / "course", "unit1")
    return folder, nbformat.read(folder / "release" / "unit1" / "unit1.ipynb", as_version=4)


RELEASED_GRADEBOOKS: dict[str, Path] = {}
"""The generated course's gradebook.db just after unit 1 was generated ("unit1") and after
every unit was ("all"), kept by ``generated_course`` for ``fresh_course``."""


@pytest.fixture(scope="session")
def generated_course(tmp_path_factory):
    """One temporary course folder with every unit's release/ generated, shared by the
    pipeline tests. nbgrader runs twice, for unit 1 and then for every unit (each run costs
    seconds to start; the release is the same as one run per unit), and the gradebook is kept
    after each run for ``fresh_course``."""
    from workbook.content import load_course

    folder = copy_course(tmp_path_factory.mktemp("course"))
    kept = tmp_path_factory.mktemp("released-gradebooks")
    nbgrader(folder, "generate_assignment", "unit1", "--force")
    RELEASED_GRADEBOOKS["unit1"] = shutil.copy2(folder / "gradebook.db", kept / "unit1.db")
    nbgrader(folder, "generate_assignment", "*", "--force")  # a glob over source/'s folders
    RELEASED_GRADEBOOKS["all"] = shutil.copy2(folder / "gradebook.db", kept / "all.db")
    units = sorted(load_course(ROOT).assignments)
    assert sorted(p.name for p in (folder / "release").iterdir()) == units
    return folder
