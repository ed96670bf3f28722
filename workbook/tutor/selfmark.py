"""Self-study marking: a learner with no tutor marks their own knowledge check exactly as a
tutor's autograde would, and gets the same feedback page and an evidence pack.

It runs nbgrader in a private course folder inside the learner's progress folder (never in the
course folder, so nothing is mixed with a tutor's gradebook): generate the assignment from
source/, put the learner's notebook in submitted/, autograde, generate feedback. The learner
sees only the feedback page (our messages, no hidden test code) and their scores.
"""

from __future__ import annotations

import getpass
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..content.records import Course
from ..progress import learner_id, progress_dir
from .cohort import item_scores
from .evidence import build_evidence, workplace_needs
from .report import evidence_pack
from .run import nbgrader


@dataclass(frozen=True)
class SelfMarkResult:
    unit: str
    score: float
    max_score: float
    """Autograded points only; reflections are for a tutor (or the learner) to judge."""
    feedback: Path
    evidence: Path


class SelfMarkError(RuntimeError):
    """Something stopped the marking; the message says what to do."""


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
    for step in (("generate_assignment", unit, "--force"), ("autograde", unit, "--force"),
                 ("generate_feedback", unit, "--force")):
        result = nbgrader(workspace, *step)
        if not result.ok:
            raise SelfMarkError(f"Marking stopped at 'nbgrader {' '.join(step)}'. Details:\n"
                                + result.output[-1500:])
    pages = sorted((workspace / "feedback" / learner / unit).glob("*.html"))
    if not pages:
        raise SelfMarkError("Marking finished but no feedback page was made.")
    learners, scores = item_scores(course, workspace)
    mine = [s for s in scores if s.learner == learner and s.unit == unit]
    checks = [s for s in mine if s.kind == "check"]
    evidence = build_evidence(mine, [learner], list(course.criteria), workplace_needs(course))
    texts = {}
    submitted = nbformat.read(target / f"{unit}.ipynb", as_version=4)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in submitted.cells}
    for reflection in assignment.reflections:
        cell = by_id.get(reflection.grade_id)
        if cell is not None:
            texts[f"{reflection.id} {reflection.title}"] = cell.source.strip()
    pack = evidence_pack(course, learner, evidence, mine, workspace / "evidence", texts)
    return SelfMarkResult(unit, sum(s.score or 0 for s in checks),
                          sum(s.max_score for s in checks), pages[0], pack)
