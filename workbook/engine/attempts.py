"""What the quiz and the sorting activity share: the result of a checked attempt, and the
history of checked attempts a learner's progress keeps.

Pure functions over frozen records; no IPython. A history is a list of JSON objects as saved
(see :func:`workbook.engine.sorting.history_entry` and :func:`workbook.engine.quiz.history_entry`);
the schemas in ``workbook/schemas/progress/`` say what a saved entry holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

SUMMARIES = {
    "line": ("You sorted all {total} lines correctly. Well done!",
             "You sorted {score} out of {total} correctly. Read the reasons, then try the "
             "{missed} {things} you missed again."),
    "question": ("You got all {total} questions right. Well done!",
                 "You got {score} out of {total} right. Read the feedback under each question, "
                 "then try the {missed} {things} you missed again."),
}
"""What a learner is told after a check, by what was checked: all right, or some missed."""


class Marked(Protocol):
    """One marked line or question: its id and whether the learner got it right."""

    @property
    def id(self) -> str: ...

    correct: bool


@dataclass(frozen=True)
class Result:
    """A checked attempt: a sorting round's lines or a quiz's questions, each marked."""

    attempt: Any
    """What was checked: a :class:`~workbook.engine.sorting.SortRound` or a
    :class:`~workbook.engine.quiz.QuizAttempt`."""
    items: tuple[Any, ...]
    """One marked item per line or question, in the order shown (each is :class:`Marked`)."""
    thing: str
    """What the items are called in the summary: ``line`` or ``question``."""

    @property
    def score(self) -> int:
        return sum(item.correct for item in self.items)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def wrong_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items if not item.correct)

    @property
    def summary(self) -> str:
        all_right, some_missed = SUMMARIES[self.thing]
        missed = self.total - self.score
        return (all_right if not missed else some_missed).format(
            score=self.score, total=self.total, missed=missed,
            things=self.thing if missed == 1 else f"{self.thing}s")


def first_tries(history: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The checks of fresh attempts (not retries) whose score makes sense: a whole number from
    0 to the total, and a total of at least 1."""
    return [entry for entry in history
            if entry.get("attempt") == 1 and _whole(entry.get("total")) and entry["total"] >= 1
            and _whole(entry.get("score")) and 0 <= entry["score"] <= entry["total"]]


def best_first_try(history: Iterable[Mapping[str, Any]]) -> float | None:
    """The best first-try score as a fraction, or None before the first check."""
    return max((entry["score"] / entry["total"] for entry in first_tries(history)),
               default=None)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
