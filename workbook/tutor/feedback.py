"""The learner's feedback page in plain words: question number, mark, and (where the tutor
allows it) what was expected.

:class:`PlainFeedback` runs last in ``GenerateFeedback.preprocessors`` (nbgrader_config.py).
It decides what each cell shows and writes that into the cell's metadata and the resources;
the template ``workbook/assets/templates/workbook_feedback/index.html.j2`` only lays it out.
nbgrader's own feedback template showed "Test cell", "Grade cell: check_2_1", "In [3]:" and
the check cell's "# Marked after you hand in your work." above the score.

Whether the page gives the right answer and why is a course setting,
``c.PlainFeedback.show_expected`` (default off: the explanations are written for tutors, and a
page passed round before everyone has handed in would give the answers away).
"""

from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

KEY = "workbook_feedback"
_GRADE_ID = re.compile(r"(?P<kind>[a-z]+)_(?P<unit>\d+)_(?P<number>\d+)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _mark(score: float | None, points: float) -> str:
    if score is None:
        return "waiting to be marked"
    unit = "mark" if points == 1 else "marks"
    return f"{score:g} of {points:g} {unit}"


def _answer_text(source: str) -> str:
    """What the learner typed: the text between the quotes of ``answer_2_1 = "D"``, or the
    cell's code (without the instruction comment) when it is anything else."""
    import ast

    code = "\n".join(line for line in source.splitlines()
                     if not line.lstrip().startswith("#")).strip()
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    if (len(tree.body) == 1 and isinstance(tree.body[0], ast.Assign)
            and isinstance(tree.body[0].value, ast.Constant)
            and isinstance(tree.body[0].value.value, str)):
        return f'"{tree.body[0].value.value}"'
    return code


def _message(outputs) -> str:
    """The check's own words (``This answer did not earn the mark.``), never a traceback:
    the marking cells raise an error whose only traceback line is that message."""
    for output in outputs:
        if output.get("output_type") == "error":
            text = output.get("evalue") or "\n".join(output.get("traceback", [])[-1:])
            return _ANSI.sub("", text).strip()
        if output.get("output_type") == "stream":
            return _ANSI.sub("", output.get("text", "")).strip()
    return ""


NO_RESPONSE = "No response."
"""The comment nbgrader writes itself on an answer left as released."""


class PlainFeedback(Preprocessor):
    """Marks every cell with what the plain feedback page shows for it."""

    enabled = Bool(True, help="nbconvert runs a preprocessor only when enabled").tag(
        config=True)
    show_expected = Bool(False, help="Show the right answer and why under each question in "
                         "the learner's feedback page.").tag(config=True)
    course_root = Unicode("", help="The course folder (default: found from the working "
                          "folder).").tag(config=True)

    def preprocess(self, nb, resources):
        from ..content import load_course

        grading = resources.get("nbgrader", {})
        unit = grading.get("assignment") or grading.get("notebook", "")
        course = load_course(self.course_root) if self.course_root else load_course()
        assignment = course.assignments.get(unit)
        checks = {c.grade_id: c for c in assignment.checks} if assignment else {}
        reflections = {r.grade_id: r for r in assignment.reflections} if assignment else {}
        waiting = self.waiting(grading, list(reflections)) if reflections else set()
        summary = []
        for cell in nb.cells:
            view = self.view(cell, checks, reflections, waiting)
            cell.metadata[KEY] = view
            if view.get("anchor"):
                summary.append({"anchor": view["anchor"], "label": view["heading"],
                                "mark": view["mark"]})
        resources["workbook"] = {
            "title": assignment.title if assignment else unit,
            "score": _mark(grading.get("score", 0.0), grading.get("max_score", 0.0)),
            "late_penalty": float(grading.get("late_penalty") or 0.0),
            "summary": summary,
            "waiting": len(waiting),
            "show_expected": self.show_expected,
        }
        return nb, resources

    @staticmethod
    def waiting(grading, grade_ids: list[str]) -> set[str]:
        """The written answers the tutor has not marked yet: no manual score, and nbgrader
        still says they need one."""
        from nbgrader.api import Gradebook, MissingEntry

        found = set()
        if not grading.get("db_url"):
            return found
        with Gradebook(grading["db_url"]) as gb:
            for grade_id in grade_ids:
                try:
                    grade = gb.find_grade(grade_id, grading["notebook"], grading["assignment"],
                                          grading["student"])
                except MissingEntry:
                    continue
                if grade.needs_manual_grade and grade.manual_score is None:
                    found.add(grade_id)
        return found

    def view(self, cell, checks, reflections, waiting=frozenset()) -> dict:
        nbgrader = cell.metadata.get("nbgrader", {})
        match = _GRADE_ID.fullmatch(nbgrader.get("grade_id", ""))
        kind = match["kind"] if match else ""
        number = match["number"] if match else ""
        grade_id = nbgrader.get("grade_id", "")
        comment = (nbgrader.get("comment") or "").strip()
        comment = "" if comment == NO_RESPONSE else comment
        if kind == "format":  # the in-notebook form check: only a problem is worth repeating
            message = _message(cell.get("outputs", []))
            if message.startswith("✗"):
                return {"part": "note", "message": message.lstrip("✗ ")
                        .removeprefix("Check your answer: ")}
            return {"part": "hidden"}
        if cell.cell_type == "code" and kind not in ("answer", "check"):
            return {"part": "hidden"}
        if kind == "answer":
            return {"part": "answer", "heading": f"Your answer to question {number}",
                    "answer": _answer_text(cell.source) or "(no answer)", "comment": comment}
        if kind == "check":
            view = {"part": "mark", "anchor": f"question-{number}", "heading": f"Question {number}",
                    "mark": _mark(nbgrader.get("score"), nbgrader.get("points", 0)),
                    "message": _message(cell.get("outputs", [])), "comment": comment}
            check = checks.get(grade_id)
            if self.show_expected and check is not None:
                option = check.options.get(check.answer, "")
                view["expected"] = (f"The answer was {check.answer}: {option}" if option
                                    else f'The answer was "{check.answer}".')
                view["why"] = check.explanation
            return view
        if kind == "reflection":
            reflection = reflections.get(grade_id)
            title = f": {reflection.title}" if reflection else ""
            score = None if grade_id in waiting else nbgrader.get("score")
            blank = NO_RESPONSE == (nbgrader.get("comment") or "").strip()
            return {"part": "reflection", "anchor": f"written-answer-{number}",
                    "heading": f"Written answer {number}{title}",
                    "mark": _mark(score, nbgrader.get("points", 0)), "comment": comment,
                    "message": "You did not write an answer here." if blank else ""}
        return {"part": "text"}
