"""workbook.engine.attempts: the one result record of a checked quiz or sorting round, and
what a history of checks adds up to."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from workbook.engine.attempts import Result, best_first_try, first_tries


@dataclass(frozen=True)
class Item:
    id: str
    correct: bool


def result(thing: str, *marks: bool) -> Result:
    return Result("the attempt", tuple(Item(f"i{n}", m) for n, m in enumerate(marks)), thing)


def test_score_total_and_wrong_ids_in_the_order_shown():
    checked = result("line", True, False, True, False)
    assert (checked.score, checked.total, checked.wrong_ids) == (2, 4, ("i1", "i3"))
    assert checked.attempt == "the attempt"


@pytest.mark.parametrize("thing, marks, summary", [
    ("line", (True, True), "You sorted all 2 lines correctly. Well done!"),
    ("line", (True, False, True), "You sorted 2 out of 3 correctly. Read the reasons, then try "
                                  "the 1 line you missed again."),
    ("question", (True,) * 10, "You got all 10 questions right. Well done!"),
    ("question", (False, False, True), "You got 1 out of 3 right. Read the feedback under "
                                       "each question, then try the 2 questions you missed "
                                       "again."),
])
def test_the_summary_says_what_was_checked_and_what_to_do(thing, marks, summary):
    assert result(thing, *marks).summary == summary


def test_first_tries_leave_out_retries_and_scores_that_make_no_sense():
    history = [{"attempt": 1, "score": 3, "total": 4}, {"attempt": 2, "score": 1, "total": 1},
               {"attempt": 1, "score": 9, "total": 4}, {"attempt": 1, "score": 0, "total": 0},
               {"attempt": 1, "score": -1, "total": 4}, {"attempt": 1, "score": True,
                                                          "total": 4},
               {"attempt": 1, "score": "3", "total": 4}, {"attempt": 1, "score": 1,
                                                          "total": 2.0},
               {"attempt": 1, "score": 1}, {"attempt": 1, "score": 1, "total": 2}]
    assert first_tries(history) == [history[0], history[-1]]
    assert best_first_try(history) == 0.75
    assert best_first_try([]) is None and best_first_try(history[1:2]) is None
