"""Workplace evidence: observations and witness testimonies, kept in ``observations.csv``
beside the gradebook in the course folder (out of git, like the gradebook).

A tutor records one with ``workbook observe LEARNER --criteria ...`` or many with
``workbook observe --import FILE.csv``. Every row is checked before anything is written: a bad
learner id or criterion is refused with the nearest match, and an import with any bad row
writes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import os
import re
import tempfile
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from .evidence import OBSERVATION_KINDS, Observation

FILE_NAME = "observations.csv"
COLUMNS = ("learner", "date", "kind", "observer", "context", "criteria", "note")
REQUIRED = ("learner", "date", "observer", "context", "criteria")
"""Columns an import must have; ``kind`` (default observation) and ``note`` may be left out."""
_SPLIT = re.compile(r"[,;\s]+")


class ObservationError(ValueError):
    """A bad observation, naming the column (and, in an import, the line) that is wrong."""


def store_path(course_dir: Path) -> Path:
    return Path(course_dir) / FILE_NAME


def _nearest(value: str, known: Iterable[str]) -> str:
    match = difflib.get_close_matches(value, list(known), n=1, cutoff=0.5)
    return f" Did you mean {match[0]}?" if match else ""


def check_observation(fields: Mapping[str, str], learners: Collection[str],
                      criteria: Collection[str], today: dt.date) -> Observation:
    """One observation from its fields as text, or ObservationError naming the column."""
    def text(column: str) -> str:
        return (fields.get(column) or "").strip()

    for column in REQUIRED:
        if not text(column):
            raise ObservationError(f"{column}: empty; every observation needs one")
    learner = text("learner")
    if learner not in learners:
        raise ObservationError(f"learner: no learner {learner!r} in the gradebook."
                               f"{_nearest(learner, learners)}")
    try:
        date = dt.date.fromisoformat(text("date"))
    except ValueError:
        raise ObservationError(f"date: {text('date')!r} is not a date written as YYYY-MM-DD, "
                               "such as 2026-11-30") from None
    if date > today:
        raise ObservationError(f"date: {date} is in the future (today is {today})")
    kind = text("kind") or OBSERVATION_KINDS[0]
    if kind not in OBSERVATION_KINDS:
        raise ObservationError(f"kind: {kind!r} is not observation or witness")
    named = tuple(dict.fromkeys(c for c in _SPLIT.split(text("criteria")) if c))
    if not named:
        raise ObservationError("criteria: no criterion id given")
    for criterion in named:
        if criterion not in criteria:
            raise ObservationError(f"criteria: unknown criterion {criterion!r}."
                                   f"{_nearest(criterion, criteria)}")
    return Observation(learner, date.isoformat(), kind, text("observer"), text("context"),
                       named, text("note"))


def read_observations(course_dir: Path) -> list[Observation]:
    """Every observation recorded for the course, oldest first as written."""
    path = store_path(course_dir)
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return [Observation(row["learner"], row["date"], row["kind"], row["observer"],
                            row["context"], tuple(c for c in _SPLIT.split(row["criteria"]) if c),
                            row.get("note") or "")
                for row in csv.DictReader(handle)]


def _row(observation: Observation) -> list[str]:
    return [observation.learner, observation.date, observation.kind, observation.observer,
            observation.context, ", ".join(observation.criteria), observation.note]


def add_observations(course_dir: Path, new: Iterable[Observation]) -> int:
    """Append observations to the store in one step (a new file swapped in), so a failure
    never leaves half of them written. Returns how many were added."""
    new = list(new)
    path = store_path(course_dir)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    if path.is_file():
        buffer.write(path.read_text(encoding="utf-8"))
    else:
        writer.writerow(COLUMNS)
    writer.writerows(_row(o) for o in new)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".observations-",
                                         suffix=".csv")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(buffer.getvalue())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return len(new)


def refuse_repeat(observation: Observation, recorded: Collection[Observation]) -> None:
    """ObservationError when the same observation is already recorded: importing a file twice
    must not count a customer twice."""
    if observation in recorded:
        raise ObservationError("already recorded (the same learner, date, kind, observer, "
                               "context, criteria and note)")


def read_import(path: Path, learners: Collection[str], criteria: Collection[str],
                today: dt.date, recorded: Collection[Observation] = ()) -> list[Observation]:
    """Every row of an import file, checked; ObservationError lists every bad row by line
    number and column, and nothing is returned unless all are good. A row already recorded,
    or repeated in the file, is a bad row."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ObservationError(f"cannot read {path}: {error}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ObservationError(f"{path}, line 1: the header has no {', '.join(missing)} "
                               f"column (columns: {', '.join(COLUMNS)})")
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise ObservationError(f"{path}, line 1: unknown column {', '.join(unknown)} "
                               f"(columns: {', '.join(COLUMNS)})")
    reader.fieldnames = header
    found, problems = [], []
    for row in reader:
        line = reader.line_num
        if None in row:
            problems.append(f"line {line}: more cells than the header has columns")
            continue
        try:
            observation = check_observation(row, learners, criteria, today)
            refuse_repeat(observation, [*recorded, *found])
            found.append(observation)
        except ObservationError as error:
            problems.append(f"line {line}, {error}")
    if problems:
        raise ObservationError(f"{path}: nothing imported; fix these rows and import again:\n  "
                               + "\n  ".join(problems))
    if not found:
        raise ObservationError(f"{path}: no observations under the header row")
    return found


def learner_ids(course_dir: Path) -> list[str]:
    """Every learner in the course's gradebook."""
    from .upstream import STUDENTS, read_gradebook

    (students,) = read_gradebook(course_dir, STUDENTS)
    return sorted(row[0] for row in students)
