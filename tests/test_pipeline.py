"""End to end with nbgrader: generate, five simulated learners submit, autograde, feedback,
export. Asserts exact scores, that rigged answers score nothing, that tutors see rubrics and
that learners' feedback reveals no hidden test or solution."""

from __future__ import annotations

import csv
import re
import shutil

import nbformat
import pytest

from tests.conftest import nbgrader
from workbook.tutor.simulate import fill, right_answers, wrong_answers

pytestmark = pytest.mark.slow

UNITS = [f"unit{n}" for n in range(1, 9)]

# An answer object whose comparisons always say "equal", plus code that tries to defeat the
# checks: it replaces the visible check helper and shadows the builtins `type` and `str`.
RIGGED = '''class Always:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __hash__(self): return 0
    def strip(self): return self
    def upper(self): return self
    def lower(self): return self
import workbook.checks
workbook.checks.check_letter = workbook.checks.check_word = lambda *args: None
type = lambda value: str
str = Always
{var} = Always()'''

STR_SUBCLASS = '''class Sly(str):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __hash__ = str.__hash__
{var} = Sly("Z")'''


@pytest.fixture(scope="module", params=UNITS)
def graded(request, generated_course, course):
    """Submit six learners' notebooks for one unit, autograde, make feedback and export."""
    unit = request.param
    assignment = course.assignment(unit)
    released = nbformat.read(generated_course / "release" / unit / f"{unit}.ipynb", as_version=4)
    right, wrong = right_answers(assignment), wrong_answers(assignment)
    variables = [c.variable for c in assignment.checks]
    half = {v: (right if i < len(variables) // 2 else wrong)[v] for i, v in enumerate(variables)}
    rigged = {v: (RIGGED if i % 2 == 0 else STR_SUBCLASS).format(var=v)
              for i, v in enumerate(variables)}
    reflection_ids = [r.grade_id for r in assignment.reflections]
    learners = {
        "amara_right": fill(released, right, {g: "I stayed calm and said what I could do."
                                               for g in reflection_ids}),
        "ben_wrong": fill(released, wrong),
        "chloe_blank": fill(released, {}),
        "dev_half": fill(released, half),
        "eve_rigged": fill(released, rigged),
        # An honest slip: the first answer line deleted, the rest right.
        "fay_deleted_line": fill(released, {**right, variables[0]: "# oops\n"}),
    }
    submitted = generated_course / "submitted"
    shutil.rmtree(submitted, ignore_errors=True)
    for learner, nb in learners.items():
        folder = submitted / learner / unit
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{unit}.ipynb")
        (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    nbgrader(generated_course, "autograde", unit, "--force")
    nbgrader(generated_course, "generate_feedback", unit, "--force")
    nbgrader(generated_course, "export", "--to", "grades.csv")
    with open(generated_course / "grades.csv", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)
                if row["assignment"] == unit}
    return generated_course, assignment, rows


def test_each_learner_gets_the_exact_autograded_score(graded):
    _, assignment, rows = graded
    total = assignment.autograded_points
    expected = {"amara_right": total, "ben_wrong": 0, "chloe_blank": 0,
                "dev_half": len(assignment.checks) // 2, "eve_rigged": 0,
                "fay_deleted_line": total - assignment.checks[0].points}
    assert {learner: float(rows[learner]["raw_score"]) for learner in expected} == expected
    assert all(float(rows[learner]["max_score"]) == assignment.total_points for learner in expected)


def test_tutor_sees_rubrics_and_answers_in_the_autograded_copy(graded):
    course_dir, assignment, _ = graded
    unit = assignment.unit
    text = (course_dir / "autograded" / "amara_right" / unit / f"{unit}.ipynb").read_text()
    assert "Rubric for the tutor" in text
    assert "BEGIN HIDDEN TESTS" in text
    for reflection in assignment.reflections:
        assert reflection.rubric[0].look_for in text


@pytest.mark.parametrize("learner", ["amara_right", "ben_wrong", "chloe_blank", "dev_half",
                                     "eve_rigged", "fay_deleted_line"])
def test_feedback_reveals_no_hidden_test_or_solution(graded, learner):
    course_dir, assignment, _ = graded
    unit = assignment.unit
    pages = list((course_dir / "feedback" / learner / unit).glob("*.html"))
    assert len(pages) == 1
    html = pages[0].read_text()
    for secret in ("HIDDEN TESTS", "_NotMarkedRight", "__class__", "MARK SCHEME",
                   "For the tutor", "Rubric for the tutor", "BEGIN SOLUTION"):
        assert secret not in html, f"{secret!r} leaked into {learner}'s feedback"
    for check in assignment.checks:
        # The hidden comparison (`!= "B"`) and the tutor's explanation never appear.
        assert re.search(rf'!=\s*(&quot;|"){re.escape(check.answer)}', html, re.I) is None
        assert check.explanation[:60] not in html
    for reflection in assignment.reflections:
        assert reflection.rubric[0].look_for not in html


def test_wrong_answers_are_told_in_our_words_without_a_traceback(graded):
    course_dir, assignment, _ = graded
    unit = assignment.unit
    html = next((course_dir / "feedback" / "ben_wrong" / unit).glob("*.html")).read_text()
    assert "This answer did not earn the mark." in html
    assert "most recent call last" not in html and "Cell In[" not in html
    blank = next((course_dir / "feedback" / "chloe_blank" / unit).glob("*.html")).read_text()
    assert "You have not answered yet." in blank
    deleted = next((course_dir / "feedback" / "fay_deleted_line" / unit).glob("*.html")).read_text()
    assert "The answer line is missing." in deleted
    assert "most recent call last" not in deleted and "Cell In[" not in deleted
