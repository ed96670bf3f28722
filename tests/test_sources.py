"""source/ notebooks are generated from course_data and have the shapes docs/architecture.md
sets out ("Knowledge-check notebooks")."""

from __future__ import annotations

import json

import nbformat
import pytest

from tests.conftest import ROOT
from workbook.tutor.sources import build_source_notebook, build_sources, hidden_check_source


def test_source_is_up_to_date_with_course_data(course):
    stale = build_sources(course, check_only=True)
    assert stale == [], (f"{[str(p) for p in stale]} out of date: run `workbook build-sources` "
                         "then `nbgrader generate_assignment <unit> --force`")


@pytest.mark.parametrize("unit", ["unit2"])
def test_each_built_unit_has_enough_checks_and_a_rubric_marked_reflection(course, unit):
    assignment = course.assignment(unit)
    assert len(assignment.checks) >= 8 and len(assignment.reflections) >= 1
    nb = build_source_notebook(course, assignment)
    graded = [c for c in nb.cells if c.metadata["nbgrader"].get("grade")]
    assert len(graded) == len(assignment.checks) + len(assignment.reflections)
    for cell in graded:
        criteria = cell.metadata["workbook"]["criteria"]
        assert criteria and all(c in course.criteria for c in criteria)
    for reflection in assignment.reflections:
        prompt = next(c for c in nb.cells
                      if c.metadata["nbgrader"]["grade_id"] == f"prompt_{reflection.grade_id}")
        assert "### BEGIN MARK SCHEME" in prompt.source
        assert reflection.rubric[0].look_for in prompt.source


def released(unit: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "release" / unit / f"{unit}.ipynb", as_version=4)


@pytest.mark.parametrize("unit", ["unit2"])
def test_released_answer_cells_say_what_to_type_and_hold_an_empty_answer(course, unit):
    text = (ROOT / "release" / unit / f"{unit}.ipynb").read_text()
    for secret in ("NotImplementedError", "YOUR CODE HERE", "BEGIN SOLUTION", "HIDDEN TESTS",
                   "MARK SCHEME", "For the tutor", "__class__"):
        assert secret not in text
    nb = released(unit)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
               if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"}
    for check in course.assignment(unit).checks:
        lines = [line for line in answers[check.variable].splitlines() if line.strip()]
        assert lines[0].startswith(f"# Question {check.number}: type one ")
        assert lines[1:] == [f'{check.variable} = ""']


def run_hidden(check, namespace: dict) -> BaseException | None:
    try:
        exec(compile(hidden_check_source(check), "<hidden>", "exec"), namespace)
    except BaseException as error:  # noqa: BLE001 - the hidden check raises a BaseException
        return error
    return None


RIGGED_SETUP = """
class Always:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def strip(self): return self
    def upper(self): return self
    def lower(self): return self
class Sly(str):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
"""


def test_hidden_check_passes_only_the_exact_right_answer(course):
    check = course.assignment("unit2").checks[0]
    wrong = next(x for x in check.choices if x != check.answer)
    assert run_hidden(check, {check.variable: check.answer}) is None
    assert run_hidden(check, {check.variable: f"  {check.answer.lower()} "}) is None
    failures = [{check.variable: wrong}, {check.variable: ""}, {}, {check.variable: 2}]
    setup: dict = {}
    exec(RIGGED_SETUP, setup)
    failures += [{check.variable: setup["Always"]()}, {check.variable: setup["Sly"](wrong)},
                 # shadowed builtins cannot help a rigged answer through
                 {check.variable: setup["Always"](), "type": lambda v: str, "str": setup["Always"],
                  "Exception": None, "BaseException": None}]
    for namespace in failures:
        error = run_hidden(check, namespace)
        assert error is not None, namespace
        assert error._render_traceback_() == ["This answer did not earn the mark."]


@pytest.mark.slow
def test_release_is_what_nbgrader_generates_from_source(generated_course, course):
    for unit in course.assignments:
        committed = json.loads((ROOT / "release" / unit / f"{unit}.ipynb").read_text())
        fresh = json.loads((generated_course / "release" / unit / f"{unit}.ipynb").read_text())
        assert committed == fresh, (f"release/{unit} is stale: run `nbgrader generate_assignment "
                                    f"{unit} --force` and commit it")


def test_every_criterion_an_assignment_assesses_is_taught_in_its_unit(course):
    for unit_id, assignment in course.assignments.items():
        taught = set(course.unit(unit_id).criteria)
        for item in (*assignment.checks, *assignment.reflections):
            assert set(item.criteria) <= taught, (unit_id, item.id, set(item.criteria) - taught)
