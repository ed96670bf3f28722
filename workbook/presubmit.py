"""The learner's check before handing in a knowledge check: `workbook check <notebook>`.

It compares the learner's notebook with the released version of the same unit and says, in
plain words, what would stop it being marked properly: answer, check or reflection cells that
were deleted, duplicated or changed into another kind of cell, marking cells that were edited,
questions not answered yet and reflections left empty. With ``--restore`` it writes a repaired
copy next to the notebook: the released cells put back where they belong, every answer the
learner wrote kept. The learner's own file is never changed.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

STUB = "Write your answer here, in your own words. (Replace this line.)"
_UNIT = re.compile(r"^(?:answer|check|reflection)_(\d+)_")


@dataclass
class CheckReport:
    notebook: Path
    unit: str
    problems: list[str] = field(default_factory=list)
    """Things that would stop the work being marked properly."""
    reminders: list[str] = field(default_factory=list)
    """Things still to do: unanswered questions, empty reflections."""

    @property
    def ready(self) -> bool:
        return not self.problems and not self.reminders

    def text(self) -> str:
        lines = [f"Checked {self.notebook.name} ({self.unit})."]
        if self.ready:
            lines.append("Everything is in place and answered. You can hand it in.")
            return "\n".join(lines)
        if self.problems:
            lines.append("Please fix these before you hand it in:")
            lines += [f"  - {p}" for p in self.problems]
        if self.reminders:
            lines.append("Still to do:")
            lines += [f"  - {r}" for r in self.reminders]
        if self.problems:
            lines.append("To put missing or changed cells back without losing your answers, "
                         f"run: workbook check {self.notebook} --restore")
        return "\n".join(lines)


def _grade_id(cell) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def describe(grade_id: str) -> str:
    kind, _, rest = grade_id.partition("_")
    number = rest.replace("_", ".")
    if kind == "answer":
        return f"the answer cell for question {number}"
    if kind == "check":
        return f"the marking cell for question {number}"
    if kind == "reflection":
        unit, _, item = rest.partition("_")
        return f"the box for written answer {unit}.r{item}"
    return f"the cell {grade_id!r}"


def guess_unit(nb) -> str | None:
    for cell in nb.cells:
        match = _UNIT.match(_grade_id(cell))
        if match:
            return f"unit{match.group(1)}"
    return None


def check_notebook(path: Path, course_root: Path, unit: str | None = None) -> CheckReport:
    """Compare a learner's notebook with release/<unit>/<unit>.ipynb."""
    path = Path(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise ValueError(f"there is no file at {path}") from None
    except Exception as error:
        raise ValueError(f"{path.name} could not be read as a notebook ({error}). Ask your tutor "
                         "for help; do not hand in this file.") from None
    unit = unit or guess_unit(nb)
    if unit is None:
        raise ValueError(f"{path.name} does not look like a knowledge check (it has no answer "
                         "cells). Check you chose the right file.")
    released_path = Path(course_root) / "release" / unit / f"{unit}.ipynb"
    released = nbformat.read(released_path, as_version=4)
    report = CheckReport(path, unit)
    expected = {_grade_id(c): c for c in released.cells if _grade_id(c)}
    counts = Counter(_grade_id(c) for c in nb.cells if _grade_id(c))
    mine = {_grade_id(c): c for c in nb.cells if _grade_id(c)}
    important = [g for g in expected if g.split("_")[0] in ("answer", "check", "reflection")]
    for grade_id in important:
        if grade_id not in mine:
            report.problems.append(f"{describe(grade_id).capitalize()} has been deleted.")
        elif counts[grade_id] > 1:
            report.problems.append(f"{describe(grade_id).capitalize()} appears "
                                   f"{counts[grade_id]} times; keep only one.")
        elif mine[grade_id].cell_type != expected[grade_id].cell_type:
            was = "a code cell" if expected[grade_id].cell_type == "code" else "a text cell"
            report.problems.append(f"{describe(grade_id).capitalize()} has been changed into "
                                   f"another kind of cell; it must be {was}.")
        elif grade_id.startswith("check_") and mine[grade_id].source != expected[grade_id].source:
            report.problems.append(f"{describe(grade_id).capitalize()} has been edited; it "
                                   "must stay exactly as it was given to you.")
    for grade_id in important:
        cell = mine.get(grade_id)
        if cell is None or counts[grade_id] > 1:
            continue
        if grade_id.startswith("answer_"):
            variable = grade_id
            if re.search(rf'^\s*{variable}\s*=\s*""\s*$', cell.source, re.M) or \
                    variable not in cell.source:
                report.reminders.append(f"Question {grade_id[7:].replace('_', '.')} is not "
                                        "answered yet.")
        elif grade_id.startswith("reflection_") and cell.cell_type == "markdown":
            text = cell.source.strip()
            if not text or text == STUB or text.startswith("*The learner writes"):
                number, _, item = grade_id.removeprefix("reflection_").partition("_")
                report.reminders.append(f"Written answer {number}.r{item} is empty.")
    return report


def restore(path: Path, course_root: Path, unit: str | None = None) -> Path:
    """Write <name>-restored.ipynb: the released notebook with the learner's answers and
    reflections copied in wherever the learner's cell still exists (the first one if there are
    two, and only if it is still the right kind of cell)."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    unit = unit or guess_unit(nb)
    released = nbformat.read(Path(course_root) / "release" / unit / f"{unit}.ipynb",
                             as_version=4)
    mine: dict[str, object] = {}
    for cell in nb.cells:
        grade_id = _grade_id(cell)
        if grade_id and grade_id not in mine:
            mine[grade_id] = cell
    repaired = copy.deepcopy(released)
    for cell in repaired.cells:
        grade_id = _grade_id(cell)
        learner = mine.get(grade_id)
        if learner is None or learner.cell_type != cell.cell_type:
            continue
        if grade_id.startswith(("answer_", "reflection_")):
            cell.source = learner.source
    target = path.with_name(f"{path.stem}-restored.ipynb")
    nbformat.write(repaired, target)
    return target
