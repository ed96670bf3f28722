"""Sorting activity logic: draw a round of statements, mark a learner's choices, retry the misses.

Pure functions over frozen records; no IPython. The widget in workbook.widgets.sorting is a thin
view over these.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..content.records import CATEGORIES, Statement, StatementBank
from .attempts import Result, best_first_try, first_tries

DEFAULT_ROUND_SIZE = 8


@dataclass(frozen=True)
class SortRound:
    """The statements a learner sorts in one go."""

    unit: str
    item_ids: tuple[str, ...]
    """Statement ids, in the order shown."""
    seed: int
    """Seed the round was drawn with, so it can be drawn again exactly."""
    attempt: int = 1
    """1 for a fresh round; 2 or more when retrying the lines got wrong last time."""


@dataclass(frozen=True)
class ItemFeedback:
    statement: Statement
    chosen: str | None
    """The category the learner chose, or None when they left it blank."""
    correct: bool
    message: str
    """What the learner is told: their choice if wrong, the right category and the reason."""

    @property
    def id(self) -> str:
        return self.statement.id


def draw_round(bank: StatementBank, size: int = DEFAULT_ROUND_SIZE,
               seed: int | None = None) -> SortRound:
    """Draw ``size`` sortable statements at random (worked examples are left out).

    Every category gets an equal share where the bank allows (so a round of 8 has at least two
    of each), and the same seed always gives the same round.
    """
    if size < 1:
        raise ValueError(f"a round needs at least one line (size={size})")
    pool = bank.sortable
    if size > len(pool):
        raise ValueError(
            f"a round of {size} needs {size} lines; the {bank.unit} bank has {len(pool)}")
    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    rng = random.Random(seed)
    by_category = {c: sorted((s for s in pool if s.category == c), key=lambda s: s.id)
                   for c in CATEGORIES}
    share = size // len(CATEGORIES)
    chosen: list[Statement] = []
    for category in CATEGORIES:
        candidates = by_category[category]
        chosen += rng.sample(candidates, min(share, len(candidates)))
    rest = sorted((s for s in pool if s not in chosen), key=lambda s: s.id)
    chosen += rng.sample(rest, size - len(chosen))
    rng.shuffle(chosen)
    return SortRound(bank.unit, tuple(s.id for s in chosen), seed)


def require_category(category: str | None) -> None:
    """``ValueError`` unless ``category`` is one of the categories (or None, meaning blank)."""
    if category is not None and category not in CATEGORIES:
        raise ValueError(f"{category!r} is not a category (use one of {', '.join(CATEGORIES)})")


def _message(statement: Statement, chosen: str | None, correct: bool) -> str:
    label = statement.category
    if statement.passive_aggressive:
        label = "aggressive (it is passive-aggressive)"
    if chosen is None:
        return f"You did not choose. This line is {label}. {statement.reason}"
    if correct:
        return f"You chose {chosen}, and this line is {label}. {statement.reason}"
    return f"You chose {chosen}, but this line is {label}. {statement.reason}"


def mark_sort(sort_round: SortRound, answers: Mapping[str, str | None],
              bank: StatementBank) -> Result:
    """Mark the learner's choices (statement id to category; missing or None means blank)."""
    for statement_id, category in answers.items():
        if statement_id not in sort_round.item_ids:
            raise ValueError(f"{statement_id!r} is not in this round")
        require_category(category)
    items = []
    for statement_id in sort_round.item_ids:
        statement = bank.by_id(statement_id)
        chosen = answers.get(statement_id)
        correct = chosen == statement.category
        items.append(ItemFeedback(statement, chosen, correct, _message(statement, chosen, correct)))
    return Result(sort_round, tuple(items), "line")


def retry_round(result: Result) -> SortRound | None:
    """A round of just the lines got wrong, or None when there are none."""
    if not result.wrong_ids:
        return None
    previous = result.attempt
    return SortRound(previous.unit, result.wrong_ids, previous.seed, previous.attempt + 1)


# --------------------------------------------------------------------------- saved progress


def round_state(sort_round: SortRound) -> dict[str, Any]:
    """A round as saved (``round`` in workbook/schemas/progress/sorting.json)."""
    return {"item_ids": list(sort_round.item_ids), "seed": sort_round.seed,
            "attempt": sort_round.attempt}


def saved_round(state: Mapping[str, Any], bank: StatementBank) -> SortRound | None:
    """The round a saved state (already checked against the schema) holds, or None when its
    lines are no longer all in the bank (the course has changed since it was saved)."""
    ids = tuple(state["item_ids"])
    known = {s.id for s in bank.sortable}
    if len(set(ids)) != len(ids) or not all(i in known for i in ids):
        return None
    return SortRound(bank.unit, ids, state["seed"], state["attempt"])


def history_entry(result: Result, checked_at: str | None = None) -> dict[str, Any]:
    """One checked round as saved in the learner's progress (``history`` in the schema)."""
    sort_round = result.attempt
    return {"item_ids": list(sort_round.item_ids), "seed": sort_round.seed,
            "attempt": sort_round.attempt,
            "answers": {item.id: item.chosen for item in result.items},
            "score": result.score, "total": result.total,
            "checked_at": checked_at or time.strftime("%Y-%m-%dT%H:%M:%S")}


@dataclass(frozen=True)
class SortProgress:
    """What a learner's sorting history adds up to."""

    rounds: int
    """Fresh rounds checked (retries not counted)."""
    best: float | None
    """Best first-try score as a fraction, or None before the first check."""

    @property
    def summary(self) -> str:
        if not self.rounds:
            return ""
        return (f"Rounds checked so far: {self.rounds}. Best first-try score: "
                f"{round(self.best * 100)}%. Your progress is saved.")


def summarise_history(history: Iterable[Mapping[str, Any]]) -> SortProgress:
    history = list(history)
    return SortProgress(len(first_tries(history)), best_first_try(history))
