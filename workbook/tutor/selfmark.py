"""Self-study marking: a learner marks their own knowledge check exactly as a tutor's autograde
would, sees their marks with a plain reason for each wrong answer, and gets an evidence pack.

Used by the "Mark my work" button at the end of each knowledge check
(workbook/widgets/markmywork.py) and by ``workbook mark-my-work``; both give the same result.

It runs nbgrader in a private course folder inside the learner's progress folder (never in the
course folder, so nothing is mixed with a tutor's gradebook): generate the assignment from
source/, put a copy of the learner's notebook in submitted/, autograde. The marks are read from
that gradebook, so they are autograde's own. What each wrong answer gets as its reason is
worked out here from the answer as written (``explain``, a pure function, in the words of
workbook/marks.py, which the browser edition's marker shares); whether the right answer and the
reason are shown is the course setting in course_data/self_marking.yaml.
The learner's page is written next to their notebook (``<unit>-my-marks.html``), so JupyterLab
opens it; it shows no hidden test code and no rubric.
"""

from __future__ import annotations

import getpass
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..checks import normalise, written_answer
from ..content.records import Assignment, Course, KnowledgeCheck
from ..marks import (  # noqa: F401 - re-exported: the Mark my work button and tests use them
    MarkError,
    Marks,
    QuestionMark,
    ReflectionNote,
    marks_items,
    question_mark,
    reflection_state,
    reflection_written,
    result_lines,
)
from ..progress import learner_id, progress_dir
from ..render import render
from .cohort import item_scores
from .evidence import build_evidence, workplace_needs
from .report import evidence_pack
from .run import nbgrader


@dataclass(frozen=True)
class SelfMarkResult(Marks):
    answers_shown: bool
    feedback: Path
    """The learner's page, next to their notebook."""
    evidence: Path


class SelfMarkError(MarkError):
    """Something stopped the marking; the message says what to do."""


def show_answers(course: Course) -> bool:
    """The course setting (course_data/self_marking.yaml): show right answers and reasons?"""
    from ..content.loader import ContentError, read_yaml, validate

    root = Path(course.root)
    path = root / "course_data" / "self_marking.yaml"
    if not path.is_file():
        setting = "self-study"
    else:
        label = "course_data/self_marking.yaml"
        data = read_yaml(path, label)
        try:
            validate(data, "self_marking", label, root)
        except ContentError as error:
            raise SelfMarkError(f"Problem in the course data: {error}") from None
        setting = data["show_answers"]
    if setting == "self-study":
        from ..lab import has_exchange

        return not has_exchange(root, "challenging-customers")
    return setting == "always"


def _choices(check: KnowledgeCheck) -> tuple[list[str], str]:
    """The allowed answers and their kind ("letter" or "word"), as workbook.checks reads them."""
    if check.kind == "letter":
        return list(check.options), "letter"
    return list(check.words), "word"


def _right_answer(check: KnowledgeCheck) -> str:
    if check.kind == "letter":
        return f"{check.answer} ({check.options[check.answer].rstrip('.')})"
    return f'"{check.answer}"'


def explain(check: KnowledgeCheck, given: str | None, earned: float,
            answers_shown: bool) -> QuestionMark:
    """The learner's view of one marked question: right or not, and a plain reason."""
    choices, kind = _choices(check)
    tail = (f" The right answer is {_right_answer(check)}. {check.explanation}"
            if answers_shown else "")
    right_as_written = given is not None and normalise(given, kind) == normalise(check.answer,
                                                                                  kind)
    return question_mark(check.number, check.points, check.variable, choices, kind, given,
                         earned, right_as_written, tail)


def explain_all(assignment: Assignment, notebook: nbformat.NotebookNode,
                earned: dict[str, float], answers_shown: bool
                ) -> tuple[tuple[QuestionMark, ...], tuple[ReflectionNote, ...]]:
    """Every question and reflection of a marked notebook. ``earned`` maps check ids to
    autograde's points (a missing id earned nothing)."""
    sources = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    by_id = {cell.get("metadata", {}).get("nbgrader", {}).get("grade_id"): cell
             for cell in notebook.cells}
    questions = tuple(explain(check, written_answer(sources, check.variable),
                              earned.get(check.id, 0.0), answers_shown)
                      for check in assignment.checks)
    reflections = []
    for reflection in assignment.reflections:
        cell = by_id.get(reflection.grade_id)
        reflections.append(ReflectionNote(reflection.number, reflection.title,
                                          reflection.points,
                                          reflection_written(cell.source if cell else "")))
    return questions, tuple(reflections)


def page_html(result: SelfMarkResult) -> str:
    """The learner's marks page: plain HTML, no scripts, readable in any browser."""
    items = marks_items(result)
    return render("selfmark/page.html.j2", result=result,
                  questions=items[:len(result.questions)],
                  notes=items[len(result.questions):]) + "\n"


def _nbgrader_id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", name) or "learner"


def mark_my_work(course: Course, unit: str, notebook: Path | None = None,
                 workspace: Path | None = None) -> SelfMarkResult:
    assignment = course.assignment(unit)
    root = Path(course.root)
    notebook = Path(notebook) if notebook else root / "release" / unit / f"{unit}.ipynb"
    if not notebook.is_file():
        raise SelfMarkError(f"Cannot find your knowledge check at {notebook}. Open it from "
                            f"release/{unit}/, answer it, save it, then try again.")
    try:
        nbformat.read(notebook, as_version=4)
    except Exception as error:  # a damaged file: say so, never lose it
        raise SelfMarkError(f"{notebook} could not be read as a notebook ({error}). Your "
                            "file has not been changed.") from None
    answers_shown = show_answers(course)
    workspace = Path(workspace) if workspace else progress_dir() / "self-marking"
    if workspace.exists():
        shutil.rmtree(workspace)
    (workspace / "source").mkdir(parents=True)
    shutil.copytree(root / "source" / unit, workspace / "source" / unit)
    shutil.copytree(root / "course_data", workspace / "course_data")
    shutil.copy2(root / "nbgrader_config.py", workspace / "nbgrader_config.py")
    learner = _nbgrader_id(learner_id() or getpass.getuser())
    target = workspace / "submitted" / learner / unit
    target.mkdir(parents=True)
    shutil.copy2(notebook, target / f"{unit}.ipynb")  # a copy: the learner's file is untouched
    for step in (("generate_assignment", unit, "--force"), ("autograde", unit, "--force")):
        result = nbgrader(workspace, *step)
        if not result.ok:
            raise SelfMarkError(f"Marking stopped at 'nbgrader {' '.join(step)}'. Details:\n"
                                + result.output[-1500:])
    _learners, scores = item_scores(course, workspace)
    mine = [s for s in scores if s.learner == learner and s.unit == unit]
    earned = {s.item: s.score or 0.0 for s in mine if s.kind == "check"}
    submitted = nbformat.read(target / f"{unit}.ipynb", as_version=4)
    questions, reflections = explain_all(assignment, submitted, earned, answers_shown)
    evidence = build_evidence(mine, [learner], list(course.criteria), workplace_needs(course))
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in submitted.cells}
    texts = {}
    for reflection in assignment.reflections:
        cell = by_id.get(reflection.grade_id)
        if cell is not None:
            texts[f"{reflection.id} {reflection.title}"] = cell.source.strip()
    pack = evidence_pack(course, learner, evidence, mine, workspace / "evidence", texts)
    page = notebook.parent / f"{unit}-my-marks.html"
    result = SelfMarkResult(unit, assignment.title, sum(q.earned for q in questions),
                            float(assignment.autograded_points), questions, reflections,
                            answers_shown, page, pack)
    page.write_text(page_html(result), encoding="utf-8")
    return result
