"""What a marked sorting round and a marked quiz attempt have in common: items each right or
wrong, a score out of a total, the ids got wrong (for a retry) and one sentence for the
learner."""

from __future__ import annotations

from typing import Any


class MarkedItems:
    """Mixed into a frozen result that has ``items``, each with ``item_id`` and ``correct``.

    A result class sets the three sentences as class attributes: :attr:`ALL_RIGHT` (with
    ``{total}``), :attr:`SOME_WRONG` (with ``{score}``, ``{total}``, ``{missed}`` and
    ``{noun}``) and :attr:`NOUNS`, the singular and plural of what is counted.
    """

    items: tuple[Any, ...]
    ALL_RIGHT = ""
    SOME_WRONG = ""
    NOUNS = ("item", "items")

    @property
    def score(self) -> int:
        return sum(item.correct for item in self.items)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def wrong_ids(self) -> tuple[str, ...]:
        return tuple(item.item_id for item in self.items if not item.correct)

    @property
    def summary(self) -> str:
        missed = self.total - self.score
        if not missed:
            return self.ALL_RIGHT.format(total=self.total)
        return self.SOME_WRONG.format(score=self.score, total=self.total, missed=missed,
                                      noun=self.NOUNS[missed != 1])
