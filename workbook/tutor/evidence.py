"""The evidence tracker: which learner has evidence for which criterion, and an OCR Unit 7 grade
estimate. Pure rules over item scores and workplace observations, so they can be tested by hand.

The rules (also in the README and ``workbook evidence --help``):

- An item is a knowledge check or a reflection (a written answer a tutor marks against its
  rubric). It is **achieved** when a check earns full marks, or a reflection earns at least
  half its points. An unmarked reflection is **pending**. A submitted item that is neither is
  **missed**.
- Knowledge evidence for a Pass or knowledge criterion is enough with **one achieved reflection
  or two achieved checks**, when no more than half of the learner's marked items for it are
  missed. One right answer is never enough on its own.
- A Merit or Distinction criterion (OCR7-M, OCR7-D) is met only by a reflection that assesses
  it, marked **at that level**: at least two thirds of its points for Merit, full points for
  Distinction (the shares the level-labelled rubrics of unit 8 use). Checks never meet them.
- A criterion whose awarding body requires workplace evidence (``workplace_evidence`` in
  course_data/criteria.yaml) also needs an **observation** naming it (``workbook observe``); a
  **witness** testimony may stand in where it says ``observation or witness``.
- A criterion is **met** when every part it needs is; **working towards** when it has some
  evidence but is not met (including when the only items are pending); **not yet** when it has
  none.
- OCR Unit 7 estimate: **Pass** when every OCR7-P criterion is met, **Merit** when every
  OCR7-M criterion is met as well, **Distinction** when every OCR7-D criterion is met as well;
  otherwise **Not yet Pass**.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType

NOT_YET, WORKING, MET = "not yet", "working towards", "met"
STATES = (NOT_YET, WORKING, MET)
GRADES = ("Not yet Pass", "Pass", "Merit", "Distinction")

LEVEL_SHARES = MappingProxyType({"M": Fraction(2, 3), "D": Fraction(1)})
"""The share of a reflection's points that evidences a Merit or Distinction criterion it
assesses. Unit 8's rubrics label their lines Pass, Merit and Distinction, and these shares give
the same points (tests/test_evidence.py checks that against the course data)."""

OBSERVATION, WITNESS = "observation", "witness"
OBSERVATION_KINDS = (OBSERVATION, WITNESS)


@dataclass(frozen=True)
class ItemScore:
    """One learner's result on one graded item."""

    learner: str
    unit: str
    item: str
    """``2.3`` for a check, ``2.r1`` for a reflection."""
    kind: str
    """``check`` or ``reflection``."""
    score: float | None
    """None while a reflection is waiting to be marked."""
    max_score: float
    criteria: tuple[str, ...]

    @property
    def status(self) -> str:
        if self.score is None:
            return "pending"
        if self.kind == "check":
            return "achieved" if self.score >= self.max_score else "missed"
        return "achieved" if self.score >= self.max_score / 2 else "missed"


@dataclass(frozen=True)
class Observation:
    """Workplace evidence: an assessor's observation, or a witness testimony, of one learner
    dealing with one customer, naming the criteria it shows."""

    learner: str
    date: str
    """ISO date, e.g. ``2026-11-30``."""
    kind: str
    """``observation`` or ``witness``."""
    observer: str
    """Who observed (or, for a witness testimony, who gave it)."""
    context: str
    """Where and what, e.g. ``Returns desk, customer with a faulty kettle``."""
    criteria: tuple[str, ...]
    note: str = ""


def level(criterion: str) -> str | None:
    """``P``, ``M`` or ``D`` for an OCR Unit 7 grading criterion, else None."""
    match = re.fullmatch(r"OCR7-([PMD])\d+", criterion)
    return match.group(1) if match else None


def knowledge_state(criterion: str, items: Sequence[ItemScore]) -> str:
    """The state of the knowledge part of one criterion from the learner's items for it."""
    if not items:
        return NOT_YET
    share = LEVEL_SHARES.get(level(criterion) or "")
    if share is not None:
        at_level = any(i.kind == "reflection" and i.score is not None
                       and Fraction(i.score) >= share * Fraction(i.max_score) for i in items)
        return MET if at_level else WORKING
    achieved = [i for i in items if i.status == "achieved"]
    missed = sum(i.status == "missed" for i in items)
    enough = any(i.kind == "reflection" for i in achieved) or len(achieved) >= 2
    if enough and missed <= (len(achieved) + missed) / 2:
        return MET
    return WORKING


def workplace_state(needs: str | None, observations: Sequence[Observation]) -> str:
    """The state of the workplace part: met when nothing is needed, or an observation (or a
    witness testimony, where that may stand in) names the criterion."""
    if needs is None:
        return MET
    kinds = {o.kind for o in observations}
    if OBSERVATION in kinds or (WITNESS in kinds and needs != OBSERVATION):
        return MET
    return WORKING if kinds else NOT_YET


def criterion_state(items: Sequence[ItemScore], criterion: str = "",
                    needs: str | None = None,
                    observations: Sequence[Observation] = ()) -> str:
    """The state of one criterion for one learner: met when both its knowledge part and (if
    its awarding body needs one) its workplace part are met."""
    knowledge = knowledge_state(criterion, items)
    if needs is None:
        return knowledge
    workplace = workplace_state(needs, observations)
    if knowledge == workplace == MET:
        return MET
    return NOT_YET if knowledge == workplace == NOT_YET else WORKING


def _empty() -> Mapping:
    return MappingProxyType({})


@dataclass(frozen=True)
class Evidence:
    learners: tuple[str, ...]
    criteria: tuple[str, ...]
    states: Mapping[str, Mapping[str, str]]
    """Learner to criterion to state."""
    items: Mapping[str, Mapping[str, tuple[ItemScore, ...]]]
    """Learner to criterion to the items behind the state."""
    knowledge: Mapping[str, Mapping[str, str]] = field(default_factory=_empty)
    """Learner to criterion to the state of its knowledge evidence alone."""
    observed: Mapping[str, Mapping[str, tuple[Observation, ...]]] = field(default_factory=_empty)
    """Learner to criterion to the observations and witness testimonies naming it."""
    needs: Mapping[str, str | None] = field(default_factory=_empty)
    """Criterion to the workplace evidence it needs (None or absent: none)."""

    def state(self, learner: str, criterion: str) -> str:
        return self.states[learner][criterion]

    def counts(self, learner: str, prefix: str = "") -> dict[str, int]:
        """How many of the learner's criteria (optionally of one framework) are in each state."""
        chosen = [c for c in self.criteria if c.startswith(prefix)]
        return {s: sum(self.states[learner][c] == s for c in chosen) for s in STATES}

    def knowledge_met(self, learner: str, prefix: str = "") -> int:
        """How many criteria (optionally of one framework) have enough knowledge evidence."""
        return sum(self.knowledge[learner][c] == MET for c in self.criteria
                   if c.startswith(prefix))

    def workplace_counts(self, learner: str, prefix: str = "") -> tuple[int, int]:
        """(criteria with the workplace evidence they need, criteria needing it), optionally of
        one framework."""
        needing = [c for c in self.criteria if c.startswith(prefix) and self.needs.get(c)]
        done = sum(workplace_state(self.needs[c], self.observed[learner].get(c, ())) == MET
                   for c in needing)
        return done, len(needing)

    def still_to_evidence(self, learner: str) -> dict[str, list[str]]:
        """Criteria not yet met, by state: working towards (closest to done), then not yet."""
        return {state: [c for c in self.criteria if self.states[learner][c] == state]
                for state in (WORKING, NOT_YET)}

    def needs_next(self, learner: str) -> list[str]:
        """Criteria still to evidence, working-towards first (closest to done)."""
        return [c for chosen in self.still_to_evidence(learner).values() for c in chosen]


def build_evidence(scores: Iterable[ItemScore], learners: Sequence[str],
                   criteria: Sequence[str], needs: Mapping[str, str | None] | None = None,
                   observations: Iterable[Observation] = ()) -> Evidence:
    """Every learner's state on every criterion. ``needs`` gives the workplace evidence each
    criterion needs (:func:`workplace_needs` reads it from the course)."""
    needs = dict(needs or {})
    by_learner: dict[str, dict[str, list[ItemScore]]] = defaultdict(lambda: defaultdict(list))
    for score in scores:
        for criterion in score.criteria:
            by_learner[score.learner][criterion].append(score)
    seen: dict[str, dict[str, list[Observation]]] = defaultdict(lambda: defaultdict(list))
    for observation in observations:
        for criterion in observation.criteria:
            seen[observation.learner][criterion].append(observation)
    states, items, knowledge, observed = {}, {}, {}, {}
    for learner in learners:
        mine, watched = by_learner[learner], seen[learner]
        items[learner] = {c: tuple(mine.get(c, ())) for c in criteria}
        observed[learner] = {c: tuple(watched.get(c, ())) for c in criteria}
        knowledge[learner] = {c: knowledge_state(c, items[learner][c]) for c in criteria}
        states[learner] = {c: criterion_state(items[learner][c], c, needs.get(c),
                                              observed[learner][c]) for c in criteria}
    return Evidence(tuple(learners), tuple(criteria), states, items, knowledge, observed, needs)


def workplace_needs(course) -> dict[str, str | None]:
    """Criterion id to the workplace evidence course_data says it needs."""
    return {c.id: c.workplace_evidence for c in course.criteria.values()}


@dataclass(frozen=True)
class RequirementCount:
    framework: str
    label: str
    done: int
    at_least: int

    def __str__(self) -> str:
        return f"{self.framework}: {self.done} of {self.at_least} {self.label}"


def requirement_counts(course, observations: Iterable[Observation],
                       learner: str) -> list[RequirementCount]:
    """Each unit-wide observation requirement (e.g. three challenging customers observed for
    City & Guilds 216) and how far one learner's observations go towards it. Only observations
    by an assessor count here, not witness testimonies."""
    watched = [o for o in observations if o.learner == learner and o.kind == OBSERVATION]
    counts = []
    for framework in course.frameworks:
        for rule in framework.observation_requirements:
            wanted = set(rule.criteria)
            if rule.counts == "interactions":
                done = sum(1 for o in watched if wanted & set(o.criteria))
            else:
                done = len(wanted & {c for o in watched for c in o.criteria})
            counts.append(RequirementCount(framework.id, rule.label, done, rule.at_least))
    return counts


def ocr_grade(states: Mapping[str, str]) -> str:
    """The OCR Unit 7 grade estimate from one learner's criterion states."""
    levels: dict[str, list[str]] = {"P": [], "M": [], "D": []}
    for criterion, state in states.items():
        grade_level = level(criterion)
        if grade_level:
            levels[grade_level].append(state)
    grade = GRADES[0]
    for name, grade_level in (("Pass", "P"), ("Merit", "M"), ("Distinction", "D")):
        if levels[grade_level] and all(s == MET for s in levels[grade_level]):
            grade = name
        else:
            break
    return grade
