"""Set-up files agree with each other, and the environment has what tutors and learners need."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import tomllib
import yaml

from tests.conftest import ROOT

CONDA_NAMES = {"python-fastjsonschema": "fastjsonschema"}


def normalise(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    name = CONDA_NAMES.get(name.lower(), name.lower())
    return name, spec.replace(" ", "")


def test_environment_yml_has_the_same_dependencies_as_pyproject_and_its_lite_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    conda = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    pip_part = next(d for d in conda if isinstance(d, dict))["pip"]
    conda_deps = dict(normalise(d) for d in conda if isinstance(d, str))
    python = conda_deps.pop("python")
    conda_deps.pop("pip")
    wanted = [*project["dependencies"], *project["optional-dependencies"]["lite"]]
    assert dict(normalise(d) for d in wanted) == conda_deps
    assert python == project["requires-python"]
    assert pip_part == ["-e ."]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## The two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```\n(python3 -m venv[^\n]+)\n```", section)


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one():
    commands = readme_commands()
    assert len(commands) == 2
    open_command, test_command = commands
    assert open_command.endswith("workbook open") and "pytest" in test_command
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_command in ci_lines


def test_gitignore_keeps_learner_work_and_grades_out_of_git():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    for entry in ("submitted/", "feedback/", "autograded/*", "gradebook.db"):
        assert entry in ignored


def jupyter(*args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "jupyter", *args], capture_output=True,
                            text=True, check=True)
    return re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)


@pytest.mark.slow
def test_nbgrader_extensions_are_enabled_in_jupyterlab():
    labextensions = jupyter("labextension", "list")
    assert re.search(r"@jupyter/nbgrader v0\.9\.\d+ enabled\s+OK", labextensions)
    assert re.search(r"@jupyter-widgets/jupyterlab-manager v\S+ enabled\s+OK", labextensions)
    server = jupyter("server", "extension", "list")
    for name in ("formgrader", "assignment_list", "course_list", "validate_assignment"):
        assert re.search(rf"nbgrader\.server_extensions\.{name} enabled", server), name


def test_nbgrader_config_sets_course_timeout_and_safe_feedback(monkeypatch):
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.delenv("WORKBOOK_EXCHANGE", raising=False)
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert config.CourseDirectory.course_id == "challenging-customers"
    assert config.CourseDirectory.root == str(ROOT)
    assert 0 < config.Execute.timeout <= 60
    assert config.Exchange.root == str(ROOT / "exchange")
    assert config.ClearSolutions.code_stub == {"python": ""}
    feedback = config.GenerateFeedback.preprocessors
    assert "nbgrader.preprocessors.ClearHiddenTests" in feedback
    assert "nbgrader.preprocessors.ClearMarkScheme" in feedback
