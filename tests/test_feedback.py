"""The learner's feedback page, from the workbook's own template (issue 17 row 15)."""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest

from tests.conftest import fresh_unit1, nbgrader
from workbook.tutor.simulate import fill, right_answers, wrong_answers

JARGON = ("Test cell", "Grade cell", "check_1_", "answer_1_", "In&nbsp;[", "In [", "Out[",
          "Marked after you hand in", "Student's answer", "Traceback", "most recent call last",
          "HIDDEN TESTS", "BEGIN SOLUTION", "Rubric for the tutor")


def _text(html: str) -> str:
    """The page's words, tags taken out."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.slow
def test_feedback_page_gives_question_numbers_and_marks_in_plain_words(
        generated_course, course, tmp_path):
    """Real feedback from the generated course: a learner with the first half right, the rest
    wrong and one left blank, a marked reflection with a comment. The page names each question
    by number with its mark, keeps the check's own message, and shows none of nbgrader's words;
    the right answer and why appear only when the course setting allows it."""
    from nbgrader.api import Gradebook

    from workbook.tutor.cohort import gradebook_url

    folder, released = fresh_unit1(generated_course, tmp_path)
    assignment = course.assignment("unit1")
    right, wrong = right_answers(assignment), wrong_answers(assignment)
    variables = list(right)
    half = {v: (right if i < len(variables) // 2 else wrong)[v] for i, v in enumerate(variables)}
    half[variables[-1]] = '""'
    target = folder / "submitted" / "dev" / "unit1"
    target.mkdir(parents=True)
    reflection = assignment.reflections[0]
    nbformat.write(fill(released, half, {reflection.grade_id: "I kept calm and listened."}),
                   target / "unit1.ipynb")
    nbgrader(folder, "autograde", "unit1", "--force")
    with Gradebook(gradebook_url(folder)) as gb:
        gb.find_grade(reflection.grade_id, "unit1", "unit1", "dev").manual_score = 3
        gb.find_comment(reflection.grade_id, "unit1", "unit1", "dev").manual_comment = \
            "Good: you named the feeling."
        gb.db.commit()
    nbgrader(folder, "generate_feedback", "unit1", "--force")
    html = (folder / "feedback" / "dev" / "unit1" / "unit1.html").read_text()
    words = _text(html)
    for jargon in JARGON:
        assert jargon not in html, jargon
    earned = len(variables) // 2
    assert f"Your mark: {earned + 3:g} of {assignment.total_points:g} marks" in words
    for number, check in enumerate(assignment.checks, start=1):
        mark = "1 of 1 mark" if number <= len(variables) // 2 else "0 of 1 mark"
        assert f"Question {check.number}: {mark}" in words
        assert f"Your answer to question {check.number}:" in words
        assert check.explanation[:60] not in html
    assert "This answer did not earn the mark." in words
    assert "You have not answered yet." in words
    assert f"Written answer 1: {reflection.title}: 3 of {reflection.points} marks" in words
    assert "I kept calm and listened." in words
    assert "Your tutor says: Good: you named the feeling." in words

    shutil.rmtree(folder / "feedback")
    nbgrader(folder, "generate_feedback", "unit1", "--force",
             "--PlainFeedback.show_expected=True")
    shown = _text((folder / "feedback" / "dev" / "unit1" / "unit1.html").read_text())
    first = assignment.checks[0]
    expected = (f"The answer was {first.answer}: {first.options[first.answer]}"
                if first.kind == "letter" else f'The answer was "{first.answer}".')
    assert _text(expected.replace('"', "&quot;")) in shown or _text(expected) in shown
    assert "Why: " + first.explanation[:40] in shown


def test_each_cell_is_shown_in_plain_words(course):
    """PlainFeedback's choice per cell, without nbgrader: the answer as typed, the check's
    message taken from its one-line traceback, a form problem kept, a right form dropped."""
    from nbformat.v4 import new_code_cell

    from workbook.tutor.feedback import PlainFeedback

    assignment = course.assignment("unit1")
    checks = {c.grade_id: c for c in assignment.checks}
    plain = PlainFeedback()

    def cell(grade_id, source="", outputs=(), **nbgrader):
        made = new_code_cell(source, metadata={"nbgrader": {"grade_id": grade_id, **nbgrader}})
        made.outputs = [nbformat.from_dict(o) for o in outputs]
        return made

    answer = plain.view(cell("answer_1_2", '# Question 2: type one letter\nanswer_1_2 = "C"',
                             comment="No response."), checks, {})
    assert answer == {"part": "answer", "heading": "Your answer to question 2",
                      "answer": '"C"', "comment": ""}
    odd = plain.view(cell("answer_1_2", "answer_1_2 = str('C')"), checks, {})
    assert odd["answer"] == "answer_1_2 = str('C')"
    wrong = plain.view(cell("check_1_2", "# Marked after you hand in your work.", [
        {"output_type": "error", "ename": "NotMarkedRight", "evalue": "",
         "traceback": ["This answer did not earn the mark."]}], score=0.0, points=1),
        checks, {})
    assert (wrong["heading"], wrong["mark"], wrong["message"]) == (
        "Question 2", "0 of 1 mark", "This answer did not earn the mark.")
    assert "expected" not in wrong
    plain.show_expected = True
    shown = plain.view(cell("check_1_2", score=0.0, points=1), checks, {})
    check = checks["check_1_2"]
    assert shown["why"] == check.explanation and check.answer in shown["expected"]
    form = [{"output_type": "stream", "name": "stdout", "text": text} for text in (
        "✗ Check your answer: You have not answered yet. Type one letter.\n",
        '✓ Your answer "B" is in the right form. It will be marked after you hand in.\n')]
    assert plain.view(cell("format_1_2", outputs=form[:1]), checks, {}) == {
        "part": "note", "message": "You have not answered yet. Type one letter."}
    assert plain.view(cell("format_1_2", outputs=form[1:]), checks, {}) == {"part": "hidden"}
    assert plain.view(cell("", "import os"), checks, {}) == {"part": "hidden"}


def test_the_feedback_page_escapes_what_the_learner_typed(course):
    """The page from the workbook's template (as nbgrader renders it, without nbgrader): a
    reflection and an answer holding markup show as the text typed, never as markup."""
    import importlib.util
    from pathlib import Path

    from nbconvert import HTMLExporter
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from workbook.tutor.feedback import KEY, PlainFeedback

    typed = "<script>alert(1)</script> & <img src=x onerror=alert(2)>"
    assignment = course.assignment("unit1")
    reflection = assignment.reflections[0]
    plain = PlainFeedback()
    cells = [new_markdown_cell(f"I kept calm {typed}", metadata={"nbgrader": {
                 "grade_id": reflection.grade_id, "points": reflection.points, "score": 2}}),
             new_code_cell(f'answer_1_2 = "{typed}"', metadata={"nbgrader": {
                 "grade_id": "answer_1_2"}})]
    for cell in cells:
        cell.metadata[KEY] = plain.view(cell, {}, {r.grade_id: r for r in assignment.reflections})
    templates = Path(importlib.util.find_spec("workbook").origin).parent / "assets" / "templates"
    exporter = HTMLExporter(template_name="workbook_feedback",
                            extra_template_basedirs=[str(templates)])
    html, _ = exporter.from_notebook_node(new_notebook(cells=cells), resources={"workbook": {
        "title": "Unit 1", "score": "2 of 4 marks", "late_penalty": 0.0, "summary": [],
        "waiting": 0, "show_expected": False}})
    safe = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt;"
    assert "<script>alert" not in html and "<img src=x" not in html
    assert f"I kept calm {safe}" in html and html.count(safe) == 2
