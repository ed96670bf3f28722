"""The evidence tracker: which learner has evidence for which criterion, and an OCR Unit 7 grade
estimate. Pure rules over item scores, so they can be tested by hand.

The rules (also in the README):

- An item is a knowledge check or a reflection. It is **achieved** when a check earns full
  marks, or a reflection earns at least half its points once a tutor has marked it. An
  unmarked reflection is **pending**. A submitted item that is neither is **missed**.
- A criterion is **met** when at least one of the learner's items for it is achieved and no
  more than half of their marked items for it are missed.
- It is **working towards** when the learner has submitted at least one item for it but it is
  not met (including when the only items are pending).
- It is **not yet** when the learner has submitted no item that assesses it.
- OCR Unit 7 estimate: **Pass** when every OCR7-P criterion is met, **Merit** when every
  OCR7-M criterion is met as well, **Distinction** when every OCR7-D criterion is met as well;
  otherwise **Not yet Pass**.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

NOT_YET, WORKING, MET = "not yet", "working towards", "met"
STATES = (NOT_YET, WORKING, MET)
GRADES = ("Not yet Pass", "Pass", "Merit", "Distinction")


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


def criterion_state(items: Sequence[ItemScore]) -> str:
    """The state of one criterion for one learner from their items that assess it."""
    if not items:
        return NOT_YET
    statuses = [i.status for i in items]
    achieved, missed = statuses.count("achieved"), statuses.count("missed")
    marked = achieved + missed
    if achieved and missed <= marked / 2:
        return MET
    return WORKING


@dataclass(frozen=True)
class Evidence:
    learners: tuple[str, ...]
    criteria: tuple[str, ...]
    states: Mapping[str, Mapping[str, str]]
    """Learner to criterion to state."""
    items: Mapping[str, Mapping[str, tuple[ItemScore, ...]]]
    """Learner to criterion to the items behind the state."""

    def state(self, learner: str, criterion: str) -> str:
        return self.states[learner][criterion]

    def counts(self, learner: str, prefix: str = "") -> dict[str, int]:
        """How many of the learner's criteria (optionally of one framework) are in each state."""
        chosen = [c for c in self.criteria if c.startswith(prefix)]
        return {s: sum(self.states[learner][c] == s for c in chosen) for s in STATES}

    def still_to_evidence(self, learner: str) -> dict[str, list[str]]:
        """Criteria not yet met, by state: working towards (closest to done), then not yet."""
        return {state: [c for c in self.criteria if self.states[learner][c] == state]
                for state in (WORKING, NOT_YET)}

    def needs_next(self, learner: str) -> list[str]:
        """Criteria still to evidence, working-towards first (closest to done)."""
        return [c for chosen in self.still_to_evidence(learner).values() for c in chosen]


def build_evidence(scores: Iterable[ItemScore], learners: Sequence[str],
                   criteria: Sequence[str]) -> Evidence:
    by_learner: dict[str, dict[str, list[ItemScore]]] = defaultdict(lambda: defaultdict(list))
    for score in scores:
        for criterion in score.criteria:
            by_learner[score.learner][criterion].append(score)
    states = {learner: {c: criterion_state(by_learner[learner].get(c, [])) for c in criteria}
              for learner in learners}
    items = {learner: {c: tuple(by_learner[learner].get(c, [])) for c in criteria}
             for learner in learners}
    return Evidence(tuple(learners), tuple(criteria), states, items)


def _level(criterion: str) -> str | None:
    match = re.fullmatch(r"OCR7-([PMD])\d+", criterion)
    return match.group(1) if match else None


def ocr_grade(states: Mapping[str, str]) -> str:
    """The OCR Unit 7 grade estimate from one learner's criterion states."""
    levels: dict[str, list[str]] = {"P": [], "M": [], "D": []}
    for criterion, state in states.items():
        level = _level(criterion)
        if level:
            levels[level].append(state)
    grade = GRADES[0]
    for name, level in (("Pass", "P"), ("Merit", "M"), ("Distinction", "D")):
        if levels[level] and all(s == MET for s in levels[level]):
            grade = name
        else:
            break
    return grade
