"""The learner's pre-submit check and restore: plain words about what would stop marking."""

from __future__ import annotations

import nbformat
import pytest

from tests.conftest import ROOT
from workbook import cli
from workbook.presubmit import check_notebook, restore
from workbook.tutor.simulate import fill, right_answers

RELEASED = ROOT / "release" / "unit1" / "unit1.ipynb"


@pytest.fixture
def answered(course, tmp_path):
    assignment = course.assignment("unit1")
    written = {r.grade_id: f"I listened first ({r.id})." for r in assignment.reflections}
    nb = fill(nbformat.read(RELEASED, as_version=4), right_answers(assignment), written)
    path = tmp_path / "unit1.ipynb"
    nbformat.write(nb, path)
    return path


def edit(path, change):
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)


def index(nb, grade_id):
    return next(i for i, c in enumerate(nb.cells)
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def test_a_complete_notebook_is_ready(answered, capsys):
    report = check_notebook(answered, ROOT)
    assert report.ready and report.unit == "unit1"
    assert cli.main(["--course-dir", str(ROOT), "check", str(answered)]) == 0
    assert "You can hand it in." in capsys.readouterr().out


def test_the_released_copy_lists_every_gap():
    report = check_notebook(RELEASED, ROOT)
    assert report.problems == []
    assert report.reminders[0] == "Question 1.1 is not answered yet."
    assert report.reminders[-2:] == ["Written answer 1.r1 is empty.",
                                     "Written answer 1.r2 is empty."]
    assert len(report.reminders) == 10


def test_deleted_duplicated_and_retyped_cells_are_named(answered):
    def damage(nb):
        twin = nbformat.from_dict(dict(nb.cells[index(nb, "answer_1_2")]))
        twin["id"] = "answer-1-2-copy"
        nb.cells.insert(index(nb, "answer_1_2"), twin)
        del nb.cells[index(nb, "check_1_3")]
        nb.cells[index(nb, "answer_1_4")].cell_type = "markdown"
        nb.cells[index(nb, "check_1_5")].source = "pass"
    edit(answered, damage)
    problems = check_notebook(answered, ROOT).problems
    assert problems == [
        "The answer cell for question 1.2 appears 2 times; keep only one.",
        "The marking cell for question 1.3 has been deleted (or has lost its label).",
        "The answer cell for question 1.4 has been changed into another kind of cell; it must "
        "be a code cell.",
        "The marking cell for question 1.5 has been edited; it must stay exactly as it was "
        "given to you."]


def test_restore_puts_cells_back_and_keeps_answers(answered, course, capsys):
    def damage(nb):
        del nb.cells[index(nb, "answer_1_5")]
        del nb.cells[index(nb, "check_1_6")]
    edit(answered, damage)
    before = answered.read_bytes()
    assert cli.main(["--course-dir", str(ROOT), "check", str(answered), "--restore"]) == 1
    out = capsys.readouterr().out
    assert "Wrote " in out
    assert out.endswith("Check these in the repaired copy:\n  - Question 1.5 has no answer "
                        "anywhere in your file; type it in again.\n")
    assert answered.read_bytes() == before
    restored = answered.with_name("unit1-restored.ipynb")
    report = check_notebook(restored, ROOT)
    assert report.problems == []
    assert report.reminders == ["Question 1.5 is not answered yet."]  # its answer was deleted
    nb = nbformat.read(restored, as_version=4)
    assert "I listened first (1.r1)." in nb.cells[index(nb, "reflection_1_1")].source
    assert "I listened first (1.r2)." in nb.cells[index(nb, "reflection_1_2")].source
    assert restore(answered, ROOT)[0] == restored


def test_a_file_that_is_not_a_notebook_is_explained(tmp_path, capsys):
    bad = tmp_path / "unit1.ipynb"
    bad.write_text("not json")
    assert cli.main(["--course-dir", str(ROOT), "check", str(bad)]) == 1
    assert "could not be read as a notebook" in capsys.readouterr().err


def test_answers_not_in_an_allowed_form_are_flagged_with_what_to_type(answered, course):
    checks = course.assignment("unit1").checks
    letter = next(c for c in checks if c.kind == "letter")

    def slips(nb):
        for n, text in ((0, "The customer was rude"), (1, '"passive-aggressive"'),
                        (2, f'"{checks[2].answer.lower()}."')):
            cell = nb.cells[index(nb, checks[n].variable)]
            cell.source = cell.source.replace(f'"{checks[n].answer}"', text)
        cell = nb.cells[index(nb, letter.variable)]
        cell.source = cell.source.replace(f'"{letter.answer}"', f'"Option {letter.answer}"')
    edit(answered, slips)
    report = check_notebook(answered, ROOT)
    assert report.problems == [] and not report.ready
    assert report.forms[0] == (
        "Question 1.1: The answer line is not written the right way. Type one "
        f"{checks[0].kind} between two quotes, for example answer_1_1 = "
        f'"{checks[0].choices[0]}", then run that cell again. Your answer should be '
        + ", ".join(f'"{c}"' for c in checks[0].choices[:-1])
        + f' or "{checks[0].choices[-1]}".')
    assert report.forms[1].startswith('Question 1.2: "passive-aggressive" is not one of the '
                                      "choices. Type just one ")
    assert len(report.forms) == 2  # "b." and "Option B" are the answers they plainly are
    assert "Please fix these before you hand it in:" in report.text()
