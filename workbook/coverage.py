"""Where each syllabus criterion is taught and where it is assessed.

Taught: a lesson cell tagged with the criterion in its metadata
(``"workbook": {"criteria": [...]}``), or an activity cell whose data (a quiz bank, authority
requests, law situations or a scenario) carries it. Assessed: an autograded knowledge check or a
rubric-marked reflection in a unit's assignment. Built from course_data and the notebooks, so a
tutor can see the whole syllabus at a glance (``workbook coverage``) and a test can insist on
every criterion being both.

Depth (``workbook coverage --depth``): the kinds of evidence each criterion gets (knowledge
checks, written reflections, workplace observation), flagging a criterion whose only assessed
evidence is one-word answers or a single multiple-choice item.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .content.records import Course
from .tutor.evidence import LEVEL_SHARES, MET, ItemScore, knowledge_state, level

_CALL = re.compile(r'(\w+)\("([^"]*)"\)')


@dataclass(frozen=True)
class Coverage:
    taught: dict[str, list[str]]
    """Criterion id to where it is taught, e.g. ``unit4 lesson: Your limits of authority``."""
    assessed: dict[str, list[str]]
    """Criterion id to the checks and reflections that assess it, e.g. ``unit4 check 4.2``."""
    criteria: tuple[str, ...]

    @property
    def untaught(self) -> list[str]:
        return [c for c in self.criteria if not self.taught.get(c)]

    @property
    def unassessed(self) -> list[str]:
        return [c for c in self.criteria if not self.assessed.get(c)]

    @property
    def summary(self) -> str:
        total = len(self.criteria)
        return (f"Taught: {total - len(self.untaught)} of {total} criteria. "
                f"Assessed: {total - len(self.unassessed)} of {total} criteria.")


def _heading(source: str) -> str:
    for line in source.splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()
    return source.strip().splitlines()[0][:60] if source.strip() else "(empty cell)"


def activity_criteria(course: Course, source: str) -> tuple[str, list[str]]:
    """What an activity cell shows, and the criteria its data carries."""
    match = _CALL.search(source)
    if not match:
        return "activity", []
    call, argument = match.groups()
    if call == "quiz_activity" and argument in course.question_banks:
        bank = course.question_banks[argument]
        return "quiz", sorted({c for q in bank.questions for c in q.criteria})
    if call == "authority_activity" and argument in course.authority_sets:
        requests = course.authority_sets[argument].requests
        return "inside my authority or refer?", sorted({c for r in requests for c in r.criteria})
    if call == "law_activity" and course.laws is not None:
        return "which law applies?", sorted({c for s in course.laws.situations
                                             for c in s.criteria})
    if call == "reply_activity" and argument in course.rewrite_sets:
        tasks = course.rewrite_sets[argument].tasks
        return "rewrite a reply", sorted({c for t in tasks for c in t.criteria})
    if call in ("scenario_player", "scenario_analysis") and argument in course.scenarios:
        name = "scenario" if call == "scenario_player" else "scenario analysis"
        return f"{name} {argument}", list(course.scenarios[argument].criteria)
    return call, []


def _cells(path: Path) -> list[tuple[str, str, dict]]:
    """A lesson's cells as (type, source, metadata), read as plain JSON: importing nbformat
    imports jsonschema, which took most of this command's start-up (benchmarks/README.md)."""
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    return [(c.get("cell_type", ""), "".join(c.get("source", "")), c.get("metadata", {}))
            for c in cells]


def build_coverage(course: Course) -> Coverage:
    taught: dict[str, list[str]] = defaultdict(list)
    assessed: dict[str, list[str]] = defaultdict(list)
    for unit in course.units:
        path = Path(course.root) / unit.lesson
        if path.is_file():
            heading = unit.title
            for kind, source, metadata in _cells(path):
                if kind == "markdown" and source.lstrip().startswith("#"):
                    heading = _heading(source)
                tagged = metadata.get("workbook", {}).get("criteria", [])
                for criterion in tagged:
                    taught[criterion].append(f"{unit.id} lesson: {heading}")
                if kind == "code":
                    name, from_data = activity_criteria(course, source)
                    for criterion in from_data:
                        taught[criterion].append(f"{unit.id} lesson activity: {name}")
        assignment = course.assignments.get(unit.assignment)
        if assignment is not None:
            for check in assignment.checks:
                for criterion in check.criteria:
                    assessed[criterion].append(f"{unit.id} check {check.id}")
            for reflection in assignment.reflections:
                for criterion in reflection.criteria:
                    assessed[criterion].append(f"{unit.id} reflection {reflection.id}")
    return Coverage(dict(taught), dict(assessed), tuple(course.criteria))


def coverage_table(coverage: Coverage, course: Course, depth: bool = False):
    """One row per criterion: its framework, summary, where taught and where assessed (and,
    with ``depth``, the kinds of evidence it gets and any depth flag)."""
    import pandas as pd

    depths = {d.criterion: d for d in build_depth(course)} if depth else {}
    rows = []
    for criterion_id in coverage.criteria:
        criterion = course.criteria[criterion_id]
        taught = sorted(set(coverage.taught.get(criterion_id, [])))
        assessed = sorted(set(coverage.assessed.get(criterion_id, [])))
        rows.append({"Criterion": criterion_id, "Framework": criterion.framework,
                     "Summary": criterion.summary,
                     "Taught in": "; ".join(taught) or "NOT YET TAUGHT",
                     "Assessed in": "; ".join(assessed) or "NOT YET ASSESSED"})
        if depth:
            rows[-1].update({"Evidence kinds": depths[criterion_id].kinds,
                             "Depth flag": depths[criterion_id].flag})
    return pd.DataFrame(rows).set_index("Criterion")


@dataclass(frozen=True)
class Depth:
    """The kinds of evidence one criterion gets, and why it is thin if it is."""

    criterion: str
    multiple_choice: tuple[str, ...]
    """Letter checks that assess it, e.g. ``3.7``."""
    one_word: tuple[str, ...]
    """Word checks that assess it."""
    reflections: tuple[str, ...]
    workplace: str | None
    """The workplace evidence it needs (``observation`` or ``observation or witness``)."""

    @property
    def kinds(self) -> str:
        parts = []
        checks = len(self.multiple_choice) + len(self.one_word)
        if checks:
            detail = [f"{len(self.multiple_choice)} multiple-choice"] if self.multiple_choice \
                else []
            detail += [f"{len(self.one_word)} one-word"] if self.one_word else []
            parts.append(f"knowledge check x{checks} ({', '.join(detail)})")
        if self.reflections:
            parts.append(f"written reflection x{len(self.reflections)}")
        if self.workplace:
            parts.append(self.workplace)
        return "; ".join(parts) or "none"

    def best_scores(self) -> list[ItemScore]:
        """A learner's scores with full marks on every item that assesses the criterion."""
        items = [(i, "check") for i in (*self.multiple_choice, *self.one_word)]
        items += [(i, "reflection") for i in self.reflections]
        return [ItemScore("", "", item, kind, 1, 1, (self.criterion,)) for item, kind in items]

    @property
    def can_be_met(self) -> bool:
        """Whether full marks on every item that assesses it meet the evidence rules
        (tutor/evidence.py). Only the knowledge part can stop it: an observation or witness
        testimony can always be added for the workplace part."""
        return knowledge_state(self.criterion, self.best_scores()) == MET

    @property
    def flag(self) -> str:
        """Empty, or why the assessed evidence is too thin to judge the criterion."""
        if self.reflections:
            return ""
        if level(self.criterion) in LEVEL_SHARES:
            return "a Merit or Distinction criterion with no written reflection: cannot be met"
        unmeetable = ("" if self.can_be_met
                      else ": cannot be met (the rules need two items or a reflection)")
        if self.workplace:
            return f"too few knowledge items beside the {self.workplace}{unmeetable}" \
                if unmeetable else ""
        if not self.multiple_choice and self.one_word:
            return "only one-word answers" + unmeetable
        if len(self.multiple_choice) == 1:
            return ("only one multiple-choice item" + (" and one-word answers"
                                                       if self.one_word else "") + unmeetable)
        return ""


def build_depth(course: Course) -> list[Depth]:
    """One :class:`Depth` per criterion, in criteria.yaml order."""
    letters: dict[str, list[str]] = defaultdict(list)
    words: dict[str, list[str]] = defaultdict(list)
    written: dict[str, list[str]] = defaultdict(list)
    for assignment in course.assignments.values():
        for check in assignment.checks:
            for criterion in check.criteria:
                (words if check.kind == "word" else letters)[criterion].append(check.id)
        for reflection in assignment.reflections:
            for criterion in reflection.criteria:
                written[criterion].append(reflection.id)
    return [Depth(c, tuple(letters[c]), tuple(words[c]), tuple(written[c]),
                  course.criteria[c].workplace_evidence) for c in course.criteria]
