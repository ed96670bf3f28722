"""Running a cohort with nbgrader: the roster, and the scores behind the evidence tracker.

Thin helpers over nbgrader's gradebook; the commands in :mod:`workbook.cli` call them. Writes
go through nbgrader's API; the scores are read with plain SQL (see ``GRADES``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ..content.records import Course
from .evidence import ItemScore
from .status import not_graded
from .upstream import GRADES, STUDENTS, read_gradebook

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class RosterError(ValueError):
    """A problem in a roster file, naming the line."""


@dataclass(frozen=True)
class Learner:
    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""


def read_roster(path: str | Path) -> list[Learner]:
    """Learners from a CSV with a header row: ``id`` (required), ``first_name``,
    ``last_name``, ``email``. Ids are letters, digits, dots, hyphens and underscores."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RosterError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise RosterError(f"{path}: not UTF-8 text; save it as CSV UTF-8") from None
    rows = list(csv.DictReader(text.splitlines()))
    if not rows:
        raise RosterError(f"{path}: no learners (the first line must be a header such as "
                          "id,first_name,last_name,email)")
    header = [h.strip() for h in (rows[0].keys())]
    if "id" not in header:
        raise RosterError(f"{path}: the header has no 'id' column (it has: {', '.join(header)})")
    learners, seen = [], set()
    for line, row in enumerate(rows, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        ident = row.get("id", "")
        if not _ID.fullmatch(ident):
            raise RosterError(f"{path}, line {line}: id {ident!r} must be 1 to 64 letters, "
                              "digits, dots, hyphens or underscores, starting with a letter "
                              "or digit")
        if ident in seen:
            raise RosterError(f"{path}, line {line}: id {ident!r} appears twice")
        seen.add(ident)
        learners.append(Learner(ident, row.get("first_name", ""), row.get("last_name", ""),
                                row.get("email", "")))
    return learners


def gradebook_url(course_dir: Path) -> str:
    return f"sqlite:///{Path(course_dir).resolve() / 'gradebook.db'}"


def add_learners(course_dir: Path, learners: list[Learner]) -> tuple[int, int]:
    """Add or update learners in the gradebook; returns (added, updated)."""
    from nbgrader.api import Gradebook, MissingEntry

    added = updated = 0
    with Gradebook(gradebook_url(course_dir)) as gb:
        for learner in learners:
            try:
                gb.find_student(learner.id)
                updated += 1
            except MissingEntry:
                added += 1
            gb.update_or_create_student(learner.id, first_name=learner.first_name,
                                        last_name=learner.last_name,
                                        email=learner.email or None)
    return added, updated


def item_scores(course: Course, course_dir: Path) -> tuple[list[str], list[ItemScore]]:
    """Every learner in the gradebook, and every graded item they have submitted. A unit whose
    latest hand-in autograde could not grade (:func:`not_graded`) is left out: its rows in the
    gradebook are not marks."""
    students, rows = read_gradebook(course_dir, STUDENTS, GRADES)
    learners = sorted(row[0] for row in students)
    submitted = _grades(rows)
    left_out = not_graded(course_dir)
    scores: list[ItemScore] = []
    for unit, assignment in course.assignments.items():
        for learner in learners:
            grades = submitted.get((unit, learner))
            if grades is None or (unit, learner) in left_out:
                continue
            for check in assignment.checks:
                grade = grades.get(check.grade_id)
                if grade is not None:
                    scores.append(ItemScore(learner, unit, check.id, "check", grade[0],
                                            grade[1], check.criteria))
            for reflection in assignment.reflections:
                grade = grades.get(reflection.grade_id)
                if grade is None:
                    continue
                scores.append(ItemScore(learner, unit, reflection.id, "reflection",
                                        grade[2], grade[1], reflection.criteria))
    return learners, scores


_Grades = dict[tuple[str, str], dict[str, tuple[float, float, float | None]]]


def _grades(rows: list[tuple]) -> _Grades:
    """(unit, learner) to grade cell name to (score, max score, manual score), for each
    unit's notebook of the same name, from every grade in one query: asking the gradebook
    learner by learner was far slower for a large cohort (benchmarks/report_scale.py)."""
    found: _Grades = {}
    for unit, learner, cell, score, max_score, manual in rows:
        found.setdefault((unit, learner), {})[cell] = (
            float(score), float(max_score), None if manual is None else float(manual))
    return found


def export_csv(course: Course, course_dir: Path, out: Path) -> list[Path]:
    """grades.csv and criteria.csv for a college gradebook import."""
    from .evidence import build_evidence, ocr_grade, workplace_needs
    from .observations import read_observations

    learners, scores = item_scores(course, course_dir)
    units = list(course.assignments)
    out.mkdir(parents=True, exist_ok=True)
    (students,) = read_gradebook(course_dir, STUDENTS)
    people = {row[0]: row[1:] for row in students}
    points: dict[tuple[str, str], float] = {}
    for score in scores:
        key = (score.learner, score.unit)
        points[key] = points.get(key, 0.0) + (score.score or 0.0)
    totals = {u: float(course.assignments[u].total_points) for u in units}
    left_out = not_graded(course_dir)
    status = {learner: _status(learner, units, left_out, points) for learner in learners}
    grades = out / "grades.csv"
    # UTF-8 with a byte order mark: Excel reads "Siân" as "SiÃ¢n" without it; Moodle's CSV
    # import (csv_import_reader::load_csv_content) and Canvas's take the mark off.
    with grades.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "first_name", "last_name", "email",
                         *[f"{u} (out of {totals[u]:g})" for u in units], "total", "status"])
        for learner in learners:
            first_name, last_name, email = people[learner]
            row = [points[(learner, u)] if (learner, u) in points else "" for u in units]
            whole = not any((u, learner) in left_out for u in units)
            writer.writerow([learner, first_name or "", last_name or "", email or "",
                             *[f"{v:g}" if v != "" else "" for v in row],
                             f"{sum(v for v in row if v != ''):g}" if whole else "",
                             status[learner]])
    evidence = build_evidence(scores, learners, list(course.criteria), workplace_needs(course),
                              read_observations(course_dir))
    criteria = out / "criteria.csv"
    with criteria.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "OCR Unit 7 estimate", *course.criteria, "status"])
        for learner in learners:
            states = evidence.states[learner]
            writer.writerow([learner, ocr_grade(states), *[states[c] for c in course.criteria],
                             status[learner]])
    return [grades, criteria]


def _status(learner: str, units: list[str], left_out: dict[tuple[str, str], str],
            points: dict[tuple[str, str], float]) -> str:
    """grades.csv's status column: "graded", "not graded: unit2 (reason)", or "nothing
    handed in". A unit not graded has an empty cell and the total is left empty, so a
    college system never records a zero for it."""
    missing = [f"{u} ({left_out[(u, learner)]})" for u in units if (u, learner) in left_out]
    if missing:
        return "not graded: " + "; ".join(missing)
    return "graded" if any((learner, u) in points for u in units) else "nothing handed in"


def learner_names(course_dir: Path) -> dict[str, str]:
    """Each learner's name from the roster ("Siân Jones"), for titles; '' when it has none."""
    (students,) = read_gradebook(course_dir, STUDENTS)
    return {row[0]: " ".join(part for part in (row[1], row[2]) if part) for row in students}


def reflection_texts(course: Course, course_dir: Path, learner: str) -> dict[str, str]:
    """A learner's reflections as submitted (from autograded/), titled by unit and item."""
    import nbformat

    texts = {}
    for unit, assignment in course.assignments.items():
        path = Path(course_dir) / "autograded" / learner / unit / f"{unit}.ipynb"
        if not path.is_file():
            continue
        cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c
                 for c in nbformat.read(path, as_version=4).cells}
        for reflection in assignment.reflections:
            cell = cells.get(reflection.grade_id)
            if cell is not None and cell.source.strip():
                texts[f"{reflection.id} {reflection.title}"] = cell.source.strip()
    return texts
