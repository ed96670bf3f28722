"""Build each unit's nbgrader source notebook from course_data/assignments/<unit>.yaml.

Questions are data, not hand-edited cells: a tutor edits the YAML and runs
``workbook build-sources``; then ``nbgrader generate_assignment`` makes release/. The test suite
fails when source/ or release/ is out of date.

The cell shapes (docs/architecture.md, "Knowledge-check notebooks"):
- an answer cell per check, released as ``answer_2_3 = ""`` under a comment saying what to type,
  tagged ``raises-exception`` so a typing slip in it never stops Run All;
- below it a read-only, ungraded cell with the visible, friendly format check, then the graded
  cell holding only the hidden check of exact type and value (read by the one rule of
  workbook/checks.py, so ``"B."`` and ``"Option B"`` are B), which shows no code or answer
  when it fails (a separate cell, so no error elsewhere can print its lines in a traceback);
- reflections are manually graded markdown cells; the rubric sits in a mark-scheme region of
  the read-only prompt cell above, so formgrader shows it to the tutor but release/ and the
  learner's feedback do not.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat

from ..checks import normalise, rule_source
from ..content.records import Assignment, Course, KnowledgeCheck, Reflection

NBGRADER_SCHEMA = 3


def _nbgrader(grade_id: str, *, grade: bool = False, solution: bool = False,
              locked: bool = False, points: int | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"grade": grade, "grade_id": grade_id, "locked": locked,
                            "schema_version": NBGRADER_SCHEMA, "solution": solution,
                            "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def _markdown(cell_id: str, source: str, **nbgrader: Any) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(source, id=cell_id.replace("_", "-"))
    cell.metadata["nbgrader"] = _nbgrader(cell_id, **nbgrader)
    return cell


def _code(cell_id: str, source: str, **nbgrader: Any) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source, id=cell_id.replace("_", "-"))
    cell.metadata["nbgrader"] = _nbgrader(cell_id, **nbgrader)
    return cell


def _evidence(cell: nbformat.NotebookNode, item: str, criteria: tuple[str, ...]) -> None:
    """Name the criteria a graded cell evidences, so the gradebook becomes an evidence matrix."""
    cell.metadata["workbook"] = {"item": item, "criteria": list(criteria)}


def _either(choices: list[str]) -> str:
    return ", ".join(choices[:-1]) + " or " + choices[-1]


def question_markdown(check: KnowledgeCheck) -> str:
    lines = [f"### Question {check.number}", "", check.question, ""]
    if check.kind == "letter":
        lines += [f"- **{letter}.** {text}" for letter, text in check.options.items()]
        how = f"Type one letter, {_either(list(check.options))}, in the answer cell below."
    else:
        how = f"Type one word, {_either(list(check.words))}, in the answer cell below."
    lines += ["", f"*{how}*", "", "### BEGIN MARK SCHEME",
              f"**For the tutor:** the answer is **{check.answer}**. {check.explanation}",
              "### END MARK SCHEME"]
    return "\n".join(lines)


def solution_line(check: KnowledgeCheck) -> str:
    """The right answer as the source notebook's solution writes it (never released)."""
    return f"{check.variable} = {json.dumps(check.answer)}"


def answer_source(check: KnowledgeCheck) -> str:
    if check.kind == "letter":
        what = f"one letter ({_either(list(check.options))})"
    else:
        what = f"one word ({_either(list(check.words))})"
    return "\n".join([
        f"# Question {check.number}: type {what} between the quotes, then press Shift+Enter.",
        f'{check.variable} = ""',
        "### BEGIN SOLUTION",
        solution_line(check),
        "### END SOLUTION",
    ])


def format_check_source(check: KnowledgeCheck) -> str:
    """The visible check: read-only and ungraded, it prints whether the answer's form is right."""
    if check.kind == "letter":
        return ("from workbook.checks import check_letter\n"
                f"check_letter({json.dumps(check.variable)}, {json.dumps(''.join(check.options))})")
    return ("from workbook.checks import check_word\n"
            f"check_word({json.dumps(check.variable)}, {json.dumps(list(check.words))})")


HIDDEN_CHECK = """\
# Marked after you hand in your work.
### BEGIN HIDDEN TESTS
# Exact type, then the answer read as workbook/checks.py reads it (str methods only).
# `().__class__.__class__` is `type`, `"".__class__` is `str` and the exception's base is
# found from `object`, all reached through literals: nothing a learner's cell defines (a rigged
# __eq__, a str subclass, a shadowed `type`, `str` or `Exception`) can pass this, and a failure
# shows one sentence of ours, never this code or the answer.
try:
    _right = (().__class__.__class__({var}) is "".__class__
              and {comparison})
except:  # noqa: E722 - a bare except names nothing a learner could replace
    _right = False
if _right is not True:
    raise ().__class__.__class__("NotMarkedRight", (
        [k for k in ().__class__.__mro__[-1].__subclasses__() if k.__name__ == "BaseException"][0],
    ), {{"_render_traceback_": lambda self: ["This answer did not earn the mark."]}})()
### END HIDDEN TESTS"""


def _fold_and_expected(check: KnowledgeCheck) -> tuple[str, str]:
    """How an answer is compared: the chain of str methods of checks.FORMS for the check's
    kind, as source, and the right answer read the same way."""
    return rule_source(check.kind), normalise(check.answer, check.kind)


def hidden_comparison(check: KnowledgeCheck) -> str:
    """The hidden check's comparison, which names the right answer: the answer read as
    checks.FORMS reads it, against the right answer read the same way."""
    rule, expected = _fold_and_expected(check)
    return f"{check.variable}{rule} == {json.dumps(expected)}"


def hidden_check_source(check: KnowledgeCheck) -> str:
    """The graded cell: only the hidden check, so no error elsewhere can print its lines."""
    return HIDDEN_CHECK.format(var=check.variable, comparison=hidden_comparison(check))


def is_right(check: KnowledgeCheck, value: object) -> bool:
    """The hidden check's rule in plain Python, for marking outside the learner's kernel."""
    return normalise(value, check.kind) == normalise(check.answer, check.kind)


def reflection_prompt_markdown(reflection: Reflection) -> str:
    lines = [f"### Reflection {reflection.number}: {reflection.title}", "",
             reflection.prompt, ""]
    if reflection.hints:
        lines += ["To help you write:", ""] + [f"- {hint}" for hint in reflection.hints] + [""]
    lines += [f"*Write your answer in the box below: click the box, press Enter, then type "
              f"your answer in place of the line that is there. Press Shift+Enter when you have "
              f"finished. Your tutor marks it (up to {reflection.points} marks).*", "",
              "### BEGIN MARK SCHEME",
              f"**Rubric for the tutor** ({reflection.points} marks; criteria: "
              f"{', '.join(reflection.criteria)}):", ""]
    lines += [f"- **{line.points} mark{'s' if line.points > 1 else ''}:** {line.look_for}"
              for line in reflection.rubric]
    lines += ["### END MARK SCHEME"]
    return "\n".join(lines)


def build_source_notebook(course: Course, assignment: Assignment) -> nbformat.NotebookNode:
    """The instructor version of a unit's knowledge check, as an nbformat notebook."""
    unit = course.unit(assignment.unit)
    number = unit.number
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                       "name": "python3"},
        "language_info": {"name": "python"},
        "workbook": {"unit": unit.id,
                     "generated_from": f"course_data/assignments/{unit.id}.yaml"},
    }
    cells = [_markdown(f"intro_{number}", "\n".join([
        f"# {assignment.title}", "", assignment.intro, "",
        f"There are {len(assignment.checks)} questions worth one mark each"
        + (f" and {len(assignment.reflections)} written reflection"
           f"{'s' if len(assignment.reflections) != 1 else ''} your tutor marks."
           if assignment.reflections else "."),
    ]), locked=True)]
    for check in assignment.checks:
        suffix = check.id.replace(".", "_")
        cells.append(_markdown(f"question_{suffix}", question_markdown(check), locked=True))
        answer = _code(f"answer_{suffix}", answer_source(check), solution=True)
        # A typing slip here (quotes deleted) must not stop Run All before the other checks;
        # autograde removes the tag (marking.ExecutionTags) and runs every cell anyway.
        answer.metadata["tags"] = ["raises-exception"]
        cells.append(answer)
        visible = _code(f"format_{suffix}", format_check_source(check), locked=True)
        hidden = _code(check.grade_id, hidden_check_source(check), grade=True, locked=True,
                       points=check.points)
        for cell in (visible, hidden):
            cell.metadata["jupyter"] = {"source_hidden": True}
        _evidence(hidden, check.id, check.criteria)
        cells += [visible, hidden]
    for reflection in assignment.reflections:
        grade_id = reflection.grade_id
        cells.append(_markdown(f"prompt_{grade_id}", reflection_prompt_markdown(reflection),
                               locked=True))
        answer = _markdown(grade_id, "*The learner writes their reflection here; the rubric is "
                           "in the cell above.*", grade=True, solution=True,
                           points=reflection.points)
        _evidence(answer, reflection.id, reflection.criteria)
        cells.append(answer)
    cells += finish_cells(assignment, number)
    nb.cells = cells
    return nb


MARK_MY_WORK = 'from workbook import mark_my_work; mark_my_work("{unit}")'


def finish_cells(assignment: Assignment, number: int) -> list[nbformat.NotebookNode]:
    """The end of a knowledge check: how to hand it in, and the Mark my work activity (a
    read-only, ungraded cell; under nbgrader's autograde and Validate it does nothing)."""
    unit = assignment.unit
    finish = _markdown(f"finish_{number}", "\n".join([
        "## Before you hand it in", "",
        "1. Run every cell (Run menu → Run All Cells) and read any message under your answers.",
        "2. Save the notebook: File → Save Notebook, or Ctrl+S (Cmd+S on a Mac).",
        "3. Check nothing is missing: open a terminal (File → New → Terminal) and type "
        f"`workbook check release/{unit}/{unit}.ipynb` (your notebook's file). It tells you "
        "about missing or changed cells, questions not answered yet and empty written "
        "answers, and how to put a deleted cell back without losing your answers.",
        "4. With a tutor: open **Nbgrader → Assignment List**, press **Validate** to check for "
        "problems, then **Submit** next to this unit.",
        "",
        "The checks under each answer only tell you whether your answer is in the right form.",
        "",
        "## Mark my work",
        "",
        "Press **Mark my work** below to see your marks now. It saves this notebook, then "
        "marks your answers exactly as a tutor's computer would (it takes about half a "
        "minute). For each question you see whether it earned the mark and, for a wrong "
        "answer, why. Your written answers are not marked by the computer: they are listed "
        "for your tutor to mark. Your marks are also saved as a page next to this notebook "
        f"(`{unit}-my-marks.html`). Your notebook is not changed, and you can change your "
        "answers and mark again.",
        "",
        "If the button is not there, run the cell below (click it and press Shift+Enter).",
    ]), locked=True)
    button = _code(f"mark_{number}", MARK_MY_WORK.format(unit=unit), locked=True)
    button.metadata["jupyter"] = {"source_hidden": True}
    return [finish, button]


def source_path(course: Course, unit_id: str) -> Path:
    assignment = course.unit(unit_id).assignment
    return course.root / "source" / assignment / f"{assignment}.ipynb"


def render(nb: nbformat.NotebookNode) -> str:
    """The notebook as it is written to disk (stable, so re-running changes nothing)."""
    return nbformat.writes(nb, version=4) + "\n"


def build_sources(course: Course, check_only: bool = False) -> list[Path]:
    """Write (or with ``check_only``, just compare) every unit's source notebook.

    Returns the paths that were out of date.
    """
    stale = []
    for unit_id, assignment in course.assignments.items():
        path = source_path(course, unit_id)
        text = render(build_source_notebook(course, assignment))
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != text:
            stale.append(path)
            if not check_only:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return stale
