"""Mark my work (workbook/tutor/selfmark.py and its button, workbook/widgets/markmywork.py):
the same marks as a tutor's autograde, a plain reason for each wrong answer, reflections left
for the tutor and never counted as 0, and the course setting for showing right answers."""

from __future__ import annotations

import html
import os
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from tests.conftest import ROOT, copy_course, fresh_course
from workbook import cli
from workbook.tutor.cohort import item_scores
from workbook.tutor.selfmark import (
    SelfMarkError,
    SelfMarkResult,
    explain,
    explain_all,
    page_html,
    show_answers,
)
from workbook.tutor.simulate import fill, right_answers, wrong_answers
from workbook.widgets.markmywork import MarkMyWork


def _check(course, kind="letter"):
    return next(c for a in course.assignments.values() for c in a.checks if c.kind == kind)


def test_a_right_answer_has_no_reason(course):
    check = _check(course)
    mark = explain(check, f" {check.answer.lower()} ", check.points, True)
    assert (mark.status, mark.reason, mark.earned) == ("right", "", check.points)


def test_a_wrong_answer_says_why_and_the_right_answer_when_the_course_shows_answers(course):
    check = _check(course)
    wrong = next(x for x in check.options if x != check.answer)
    shown = explain(check, wrong, 0, True)
    assert shown.status == "wrong"
    assert shown.reason.startswith(f'You answered "{wrong}". That is not the right answer.')
    option = check.options[check.answer].rstrip(".")
    assert f"The right answer is {check.answer} ({option})." in shown.reason
    assert check.explanation in shown.reason
    hidden = explain(check, wrong, 0, False)
    assert check.explanation not in hidden.reason
    assert "right answer is" not in hidden.reason
    assert "ask your tutor" in hidden.reason


@pytest.mark.parametrize("given, status, words", [
    ("maybe", "not-a-choice", 'Your answer "maybe" is not one of the choices'),
    ("", "not-answered", "You did not answer this question."),
    (None, "not-a-choice", "does not hold a plain answer line"),
])
def test_a_badly_formed_answer_says_what_is_wrong_with_its_form(course, given, status, words):
    check = _check(course, "word")
    mark = explain(check, given, 0, False)
    assert mark.status == status and words in mark.reason, mark.reason
    assert "right answer is" not in mark.reason


def test_reflections_are_listed_for_the_tutor_and_never_counted(course):
    assignment = course.assignment("unit2")
    released = nbformat.read(ROOT / "release" / "unit2" / "unit2.ipynb", as_version=4)
    nb = fill(released, right_answers(assignment),
              {assignment.reflections[0].grade_id: "I stayed calm and listened."})
    questions, notes = explain_all(assignment, nb, {c.id: 1.0 for c in assignment.checks},
                                   True)
    assert all(q.status == "right" for q in questions)
    assert [n.written for n in notes] == [True] + [False] * (len(notes) - 1)
    result = SelfMarkResult("unit2", assignment.title, sum(q.earned for q in questions),
                            float(assignment.autograded_points), questions, notes, True,
                            Path("unit2-my-marks.html"), Path("pack.html"))
    page = page_html(result)
    n = len(assignment.checks)
    assert f"You scored {n} out of {n}</strong>" in page
    assert "for your tutor to mark." in page and "not written yet" in page
    for note in notes:  # a reflection is never shown as a zero mark
        assert f"0 of {note.points}" not in page and f"0/{note.points}" not in page


def test_the_marks_page_shows_a_typed_answer_as_text(course):
    """What the learner typed reaches the page inside a question's reason: it is escaped."""
    from workbook.tutor.selfmark import QuestionMark, ReflectionNote

    typed = "<script>alert(1)</script> & <b>x</b>"
    result = SelfMarkResult("unit1", "Unit 1", 0, 1.0, (QuestionMark(
        "1.1", 1.0, 0.0, typed, "not-a-choice", f"Your answer {typed} is not a letter."),),
        (ReflectionNote("1", "Calm", 4, True),), False, Path("a.html"), Path("b.html"))
    page = page_html(result)
    assert "<script>" not in page and "<b>x" not in page
    assert f"Your answer {html.escape(typed)} is not a letter." in page
    assert "Reflection 1</strong> (Calm, up to 4 marks): for your tutor to mark." in page


def test_the_course_setting_decides_whether_answers_are_shown(tmp_path, monkeypatch, course):
    from workbook.content import load_course

    folder = copy_course(tmp_path / "course")
    monkeypatch.setenv("WORKBOOK_EXCHANGE", str(tmp_path / "exchange"))
    mine = load_course(folder)
    assert show_answers(mine) is True  # self-study: no exchange holds the course
    (tmp_path / "exchange" / "challenging-customers").mkdir(parents=True)
    assert show_answers(mine) is False  # a tutor collects: answers stay hidden
    setting = folder / "course_data" / "self_marking.yaml"
    setting.write_text("schema_version: 1\nshow_answers: always\n")
    assert show_answers(mine) is True
    setting.write_text("schema_version: 1\nshow_answers: sometimes\n")
    with pytest.raises(SelfMarkError) as error:
        show_answers(mine)
    assert "course_data/self_marking.yaml" in str(error.value)
    assert "show_answers" in str(error.value) and "sometimes" in str(error.value)


def _result(assignment, notebook: Path) -> SelfMarkResult:
    released = nbformat.read(notebook, as_version=4)
    earned = {c.id: 1.0 for c in assignment.checks[1:]}
    questions, notes = explain_all(assignment, released, earned, True)
    return SelfMarkResult(assignment.unit, assignment.title, sum(earned.values()),
                          float(assignment.autograded_points), questions, notes, True,
                          notebook.parent / "unit2-my-marks.html", notebook)


def test_the_button_marks_the_saved_notebook_and_shows_the_marks(course, tmp_path):
    assignment = course.assignment("unit2")
    notebook = tmp_path / "unit2.ipynb"
    shutil.copy2(ROOT / "release" / "unit2" / "unit2.ipynb", notebook)
    seen = []

    def marker(course_, unit, path):
        seen.append((unit, path))
        return _result(assignment, path)

    button = MarkMyWork(course, "unit2", path=lambda: notebook, marker=marker,
                        wait_for_save=0.2)
    notebook.touch()  # saved just now
    button.button.click()
    assert seen == [("unit2", notebook)]
    n = len(assignment.checks)
    assert button.message == ("Marked. Your marks are below, and in unit2-my-marks.html next "
                              "to this notebook.")
    shown = button._marks.value
    assert f"You scored {n - 1} out of {n} on the questions." in shown
    assert "Question 1: ✗ Not right" in shown and "Question 2: ✓ Right" in shown
    assert "Reflection 1</strong>" in shown and "not written yet" in shown
    assert f"0 of {assignment.reflections[0].points}" not in shown
    assert not button.button.disabled


def test_the_button_says_save_first_when_cells_ran_after_the_last_save(course, tmp_path):
    notebook = tmp_path / "unit2.ipynb"
    shutil.copy2(ROOT / "release" / "unit2" / "unit2.ipynb", notebook)
    old = time.time() - 600
    os.utime(notebook, (old, old))  # saved ten minutes ago
    called = []
    button = MarkMyWork(course, "unit2", path=lambda: notebook,
                        marker=lambda *a: called.append(a), wait_for_save=0.2)
    button.last_run.at = time.time() - 60  # a cell ran a minute ago: the file is older
    button.mark()
    assert called == []
    assert button.message.startswith("Save your notebook first")


@pytest.mark.slow
def test_mark_my_work_gives_every_unit_the_marks_autograde_gives(generated_course, course,
                                                                 tmp_path, monkeypatch,
                                                                 capsys):
    """One learner's notebooks for all eight units, each with a right, a wrong, a sentence
    and an unquoted answer (the rest right): Mark my work's marks equal `workbook
    autograde`'s for every question of every unit."""
    folder = fresh_course(generated_course, tmp_path / "course")
    monkeypatch.setenv("WORKBOOK_PROGRESS_DIR", str(tmp_path / "progress"))
    monkeypatch.setenv("WORKBOOK_EXCHANGE", str(tmp_path / "no-exchange"))
    mine = tmp_path / "mine"
    for unit, assignment in course.assignments.items():
        answers = right_answers(assignment)
        checks = assignment.checks
        answers[checks[1].variable] = wrong_answers(assignment)[checks[1].variable]
        answers[checks[2].variable] = '"I think it is the second one"'
        answers[checks[3].variable] = checks[3].answer  # quotes deleted: a NameError
        released = nbformat.read(folder / "release" / unit / f"{unit}.ipynb", as_version=4)
        nb = fill(released, answers, {assignment.reflections[0].grade_id: "I listened."})
        for target in (mine / unit / f"{unit}.ipynb",
                       folder / "submitted" / "amara" / unit / f"{unit}.ipynb"):
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, target)
    assert cli.main(["--course-dir", str(folder), "autograde", "all"]) == 0
    _learners, scores = item_scores(course, folder)
    tutor = {(s.unit, s.item): s.score for s in scores if s.kind == "check"}
    for unit, assignment in course.assignments.items():
        assert cli.main(["--course-dir", str(folder), "mark-my-work", unit, "--notebook",
                         str(mine / unit / f"{unit}.ipynb")]) == 0
        out = capsys.readouterr().out
        total = sum(tutor[(unit, c.id)] for c in assignment.checks)
        assert f"You scored {total:g} out of {assignment.autograded_points}" in out
        assert total == assignment.autograded_points - 3
        page = html.unescape((mine / unit / f"{unit}-my-marks.html").read_text())
        for check in assignment.checks:
            earned = tutor[(unit, check.id)]
            assert f"Question {check.number}: {'✓ Right' if earned else '✗ Not right'}" \
                   f"</strong> ({earned:g} of {check.points}" in page, (unit, check.id)
        assert "Question 3: ✗ Not right</strong> (0 of 1 mark)<br>Your answer \"I think" in page
        assert "Question 4: ✗ Not right</strong> (0 of 1 mark)<br>Your answer cell does not" \
            in page
        assert "for your tutor to mark" in page


def test_the_button_cell_says_one_line_where_the_course_cannot_be_found(tmp_path,
                                                                         monkeypatch):
    from workbook import mark_my_work

    monkeypatch.setenv("WORKBOOK_COURSE_DIR", str(tmp_path))  # no course_data there
    shown = mark_my_work("unit2")
    assert "Mark my work cannot start here" in shown.value
    assert "WORKBOOK_COURSE_DIR" in shown.value
    monkeypatch.delenv("WORKBOOK_COURSE_DIR")
    monkeypatch.chdir(ROOT)
    assert "Mark my work cannot start here" in mark_my_work("unit99").value
    assert isinstance(mark_my_work("unit2"), MarkMyWork)


def test_under_nbgrader_the_button_cell_does_nothing_and_imports_nothing(monkeypatch):
    """Autograde and Validate run every cell: there the Mark my work cell must cost nothing
    (no ipywidgets, no course loading) and show nothing."""
    import subprocess
    import sys

    code = ("import sys; from workbook import mark_my_work; print(mark_my_work('unit2')); "
            "print('ipywidgets' in sys.modules, 'workbook.content.loader' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "NBGRADER_EXECUTION": "autograde"}, cwd=ROOT,
                         check=True)
    assert run.stdout.split() == ["None", "False", "False"]
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    from workbook import mark_my_work

    monkeypatch.chdir(ROOT)
    assert isinstance(mark_my_work("unit2"), MarkMyWork)


def test_in_the_browser_edition_the_button_marks_without_nbgrader_and_says_how_to_hand_in():
    """JupyterLite runs Python in the page with no nbgrader: the cell shows the same button,
    marking against the site's hashed key (tests/test_lite_marking.py), with the download steps
    to hand in, and imports none of the nbgrader marking code."""
    import subprocess
    import sys

    code = ("import sys; sys.platform = 'emscripten'; from workbook import mark_my_work; "
            "shown = mark_my_work('unit2'); print(type(shown.children[0]).__name__); "
            "print(shown.children[1].value.replace(chr(10), ' ')); "
            "print('workbook.tutor.selfmark' in sys.modules, 'nbgrader' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if k != "NBGRADER_EXECUTION"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, cwd=ROOT, check=True)
    kind, text, flags = run.stdout.strip().split("\n")
    assert kind == "MarkMyWork" and "File → Download" in text and "unit2.ipynb" in text
    assert flags == "False False"
