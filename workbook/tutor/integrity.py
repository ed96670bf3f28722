"""Checking submissions before autograde, so one bad file never stops a run or costs work.

Each submission in submitted/<learner>/<unit>/ is looked at before nbgrader runs. Problems get
one line for the tutor (learner, unit, what is wrong, what was done) and:

- a file that cannot be graded at all (empty, not a notebook, not UTF-8, missing) is left
  exactly as it is and that learner is left out of this run, so everyone else is graded;
- a notebook saved under another name is graded as if it had the right name (a copy is made;
  the learner's file stays);
- extra notebooks are left alone and not graded;
- deleted, doubled or retyped answer, marking or written-answer cells are put back from the
  released version with the learner's answers kept; the learner's own file is kept beside it
  as <unit>.original.ipynb.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..presubmit import check_notebook, restore


@dataclass(frozen=True)
class Finding:
    learner: str
    unit: str
    problem: str
    action: str

    @property
    def line(self) -> str:
        return f"{self.learner}, {self.unit}: {self.problem}. {self.action}."


def prepare(course_dir: Path, unit: str) -> tuple[list[Finding], list[str]]:
    """Look at every submission of a unit; return the findings and the learners to leave out."""
    findings: list[Finding] = []
    skip: list[str] = []
    submitted = Path(course_dir) / "submitted"
    if not submitted.is_dir():
        return findings, skip
    for learner_dir in sorted(p for p in submitted.iterdir() if (p / unit).is_dir()):
        learner, folder = learner_dir.name, learner_dir / unit
        expected = folder / f"{unit}.ipynb"
        notebooks = sorted(p for p in folder.glob("*.ipynb")
                           if not p.name.endswith((".original.ipynb", "-restored.ipynb")))

        def note(problem: str, action: str, learner: str = learner) -> None:
            findings.append(Finding(learner, unit, problem, action))

        renamed = None
        if not expected.exists():
            if len(notebooks) == 1:
                renamed = notebooks[0]
                shutil.copy2(renamed, expected)
                note(f"the notebook was saved as {renamed.name}",
                     f"Graded it as {expected.name} (a copy; their file is kept)")
            else:
                names = ", ".join(p.name for p in notebooks) or "no notebook at all"
                note(f"there is no {expected.name} ({names})",
                     "Not graded; ask the learner to hand in the right file")
                skip.append(learner)
                continue
        extra = [p.name for p in notebooks if p.name != expected.name and p != renamed]
        if extra:
            note(f"extra notebooks were handed in ({', '.join(extra)})",
                 f"Only {expected.name} was graded; the others are kept")
        data = expected.read_bytes()
        if not data.strip():
            note("the notebook file is empty", "Not graded; the file is kept as it was")
            skip.append(learner)
            continue
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            note(f"the file is not UTF-8 text (byte {error.start})",
                 "Not graded; the file is kept as it was")
            skip.append(learner)
            continue
        try:
            nbformat.reads(data.decode("utf-8"), as_version=4)
        except Exception:
            note("the file is not a readable notebook (it is not valid notebook JSON)",
                 "Not graded; the file is kept as it was")
            skip.append(learner)
            continue
        try:
            report = check_notebook(expected, Path(course_dir), unit)
        except ValueError as error:
            note(str(error), "Not graded; the file is kept as it was")
            skip.append(learner)
            continue
        if report.problems:
            original = folder / f"{unit}.original.ipynb"
            shutil.copy2(expected, original)
            repaired = restore(expected, Path(course_dir), unit)
            repaired.replace(expected)
            for problem in report.problems:
                note(problem[0].lower() + problem[1:].rstrip("."),
                     f"Put back from the release with their answers kept; their own file is "
                     f"kept as {original.name}")
    return findings, skip


HUGE_OUTPUT = 1_000_000
"""Characters of output in one graded notebook above which the tutor is told."""


def after(course_dir: Path, unit: str, learners: list[str]) -> list[Finding]:
    """What autograde met in each learner's notebook: cells stopped by the timeout, and very
    large output. Marks stand as autograde gave them; the tutor is told where to look."""
    findings = []
    for learner in learners:
        path = Path(course_dir) / "autograded" / learner / unit / f"{unit}.ipynb"
        if not path.is_file():
            continue
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:
            continue
        size = 0
        for cell in nb.cells:
            outputs = cell.get("outputs", [])
            size += sum(len(str(o.get("text", ""))) + len(str(o.get("data", ""))) for o in outputs)
            if any(o.get("ename") == "CellTimeoutError" for o in outputs):
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "a cell")
                where = (f"the answer cell for question {grade_id[7:].replace('_', '.')}"
                         if grade_id.startswith("answer_") else grade_id)
                findings.append(Finding(
                    learner, unit, f"{where} ran for longer than the time limit and was stopped",
                    "It is marked as it stood when stopped; look at it if the mark seems wrong"))
        if size > HUGE_OUTPUT:
            findings.append(Finding(
                learner, unit, f"the notebook printed {size / 1_000_000:.1f} million characters "
                "of output", "It was marked as usual; its feedback page may be slow to open"))
    return findings
