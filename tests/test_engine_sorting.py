"""workbook.engine.sorting: drawing a round, marking it and retrying the misses."""

from __future__ import annotations

from collections import Counter

import pytest

from workbook.content import CATEGORIES
from workbook.content.records import Statement, StatementBank
from workbook.engine.sorting import (
    SortRound,
    draw_round,
    history_entry,
    mark_sort,
    retry_round,
    round_state,
    saved_round,
    summarise_history,
)


def make(ident: str, category: str, *, passive_aggressive: bool = False,
         worked_example: bool = False) -> Statement:
    return Statement(id=ident, speaker="customer", name="Sam", internal=False,
                     channel="telephone", setting="retail", cue="", text=f"Line {ident}.",
                     category=category, passive_aggressive=passive_aggressive,
                     worked_example=worked_example, reason=f"Reason for {ident}.")


@pytest.fixture
def bank() -> StatementBank:
    """Four sortable lines per category, one passive-aggressive, plus a worked example each."""
    statements = []
    for letter, category in zip("sgp", CATEGORIES, strict=True):
        statements += [make(f"{letter}{n}", category) for n in range(1, 5)]
        statements.append(make(f"{letter}-worked", category, worked_example=True))
    statements[5] = make("g1", "aggressive", passive_aggressive=True)
    return StatementBank("unit9", tuple(statements))


@pytest.fixture
def small_round() -> SortRound:
    return SortRound("unit9", ("s1", "g1", "p1"), seed=7)


# --------------------------------------------------------------------------- draw_round


def test_fixture_bank_is_as_described(bank):
    assert len(bank.sortable) == 12
    assert [s.id for s in bank.worked_examples] == ["s-worked", "g-worked", "p-worked"]
    assert bank.by_id("g1").passive_aggressive


@pytest.mark.parametrize("size", [1, 3, 8, 12])
def test_round_has_the_size_asked_for_with_no_repeats(bank, size):
    sort_round = draw_round(bank, size, seed=1)
    assert len(sort_round.item_ids) == size
    assert len(set(sort_round.item_ids)) == size
    assert (sort_round.unit, sort_round.seed, sort_round.attempt) == ("unit9", 1, 1)


def test_default_round_has_8_lines(bank):
    assert len(draw_round(bank, seed=3).item_ids) == 8


def test_same_seed_gives_the_same_round(bank):
    assert draw_round(bank, 8, seed=42) == draw_round(bank, 8, seed=42)


def test_different_seeds_give_different_rounds(bank):
    rounds = {draw_round(bank, 8, seed=seed).item_ids for seed in range(10)}
    assert len(rounds) > 1


def test_round_without_a_seed_records_the_seed_it_used(bank):
    sort_round = draw_round(bank, 8)
    assert draw_round(bank, 8, seed=sort_round.seed) == sort_round


@pytest.mark.parametrize("size", [3, 6, 8, 9])
def test_round_has_at_least_a_third_of_its_size_from_each_category(bank, size):
    for seed in range(25):
        ids = draw_round(bank, size, seed=seed).item_ids
        counts = Counter(bank.by_id(i).category for i in ids)
        assert all(counts[c] >= size // 3 for c in CATEGORIES), (seed, counts)


def test_round_never_includes_a_worked_example(bank):
    for seed in range(25):
        ids = draw_round(bank, 12, seed=seed).item_ids
        assert set(ids) == {s.id for s in bank.sortable}


@pytest.mark.parametrize("size", [0, -1])
def test_round_of_no_lines_is_refused(bank, size):
    with pytest.raises(ValueError, match=rf"^a round needs at least one line \(size={size}\)$"):
        draw_round(bank, size, seed=1)


def test_round_bigger_than_the_bank_is_refused_naming_the_bank_size(bank):
    with pytest.raises(ValueError) as info:
        draw_round(bank, 13, seed=1)
    assert str(info.value) == "a round of 13 needs 13 lines; the unit9 bank has 12"


def test_rounds_from_the_real_bank_are_balanced_and_leave_out_worked_examples(course):
    bank = course.statement_bank("unit2")
    worked = {s.id for s in bank.worked_examples}
    for seed in range(50):
        sort_round = draw_round(bank, seed=seed)
        assert len(set(sort_round.item_ids)) == 8
        assert worked.isdisjoint(sort_round.item_ids)
        counts = Counter(bank.by_id(i).category for i in sort_round.item_ids)
        assert min(counts[c] for c in CATEGORIES) >= 2, (seed, counts)
    with pytest.raises(ValueError, match=f"the unit2 bank has {len(bank.sortable)}$"):
        draw_round(bank, len(bank.sortable) + 1, seed=1)


# --------------------------------------------------------------------------- mark_sort


def test_all_right_scores_the_total_and_says_so(bank, small_round):
    result = mark_sort(small_round,
                       {"s1": "assertive", "g1": "aggressive", "p1": "passive"}, bank)
    assert (result.score, result.total, result.wrong_ids) == (3, 3, ())
    assert result.summary == "You sorted all 3 lines correctly. Well done!"
    assert [item.correct for item in result.items] == [True, True, True]
    assert result.items[0].message == (
        "You chose assertive, and this line is assertive. Reason for s1.")
    assert result.attempt is small_round


def test_wrong_choices_are_listed_in_round_order(bank):
    sort_round = SortRound("unit9", ("p2", "s1", "g2", "p1"), seed=7)
    result = mark_sort(sort_round, {"p2": "assertive", "s1": "assertive", "g2": "aggressive",
                                    "p1": "aggressive"}, bank)
    assert result.wrong_ids == ("p2", "p1")
    assert result.score == 2
    assert result.summary == ("You sorted 2 out of 4 correctly. Read the reasons, then try the "
                              "2 lines you missed again.")


def test_summary_says_line_for_one_miss(bank, small_round):
    result = mark_sort(small_round,
                       {"s1": "passive", "g1": "aggressive", "p1": "passive"}, bank)
    assert result.summary == ("You sorted 2 out of 3 correctly. Read the reasons, then try the "
                              "1 line you missed again.")


def test_wrong_item_message_names_the_choice_the_category_and_the_reason(bank, small_round):
    result = mark_sort(small_round, {"s1": "passive"}, bank)
    item = result.items[0]
    assert (item.statement.id, item.chosen, item.correct) == ("s1", "passive", False)
    assert item.message == "You chose passive, but this line is assertive. Reason for s1."


def test_passive_aggressive_item_says_so(bank, small_round):
    result = mark_sort(small_round, {"g1": "passive"}, bank)
    assert result.items[1].message == ("You chose passive, but this line is aggressive "
                                       "(it is passive-aggressive). Reason for g1.")
    right = mark_sort(small_round, {"g1": "aggressive"}, bank)
    assert right.items[1].message == ("You chose aggressive, and this line is aggressive (it is "
                                      "passive-aggressive). "
                                      "Reason for g1.")


def test_missing_or_none_answer_is_blank_and_wrong(bank, small_round):
    result = mark_sort(small_round, {"s1": None}, bank)
    assert [(item.chosen, item.correct) for item in result.items] == [(None, False)] * 3
    assert result.wrong_ids == ("s1", "g1", "p1")
    assert result.items[0].message == "You did not choose. This line is assertive. Reason for s1."
    assert result.items[2].message == "You did not choose. This line is passive. Reason for p1."
    assert result.score == 0


def test_answer_for_a_line_not_in_the_round_is_refused(bank, small_round):
    with pytest.raises(ValueError, match=r"^'s2' is not in this round$"):
        mark_sort(small_round, {"s1": "assertive", "s2": "assertive"}, bank)


def test_unknown_category_is_refused(bank, small_round):
    with pytest.raises(ValueError) as info:
        mark_sort(small_round, {"s1": "rude"}, bank)
    assert str(info.value) == "'rude' is not a category (use one of assertive, aggressive, passive)"


# --------------------------------------------------------------------------- retry_round


def test_retry_round_has_only_the_wrong_lines_and_the_next_attempt(bank, small_round):
    result = mark_sort(small_round, {"s1": "assertive", "g1": "passive", "p1": None}, bank)
    retry = retry_round(result)
    assert retry == SortRound("unit9", ("g1", "p1"), seed=7, attempt=2)
    second = mark_sort(retry, {"g1": "aggressive", "p1": "assertive"}, bank)
    assert retry_round(second) == SortRound("unit9", ("p1",), seed=7, attempt=3)


def test_retry_round_is_none_when_all_are_right(bank, small_round):
    result = mark_sort(small_round,
                       {"s1": "assertive", "g1": "aggressive", "p1": "passive"}, bank)
    assert retry_round(result) is None


# --------------------------------------------------------------------------- saved progress


def test_a_round_saved_is_read_back_unless_its_lines_left_the_bank(bank, small_round):
    state = round_state(small_round)
    assert state == {"item_ids": ["s1", "g1", "p1"], "seed": 7, "attempt": 1}
    assert saved_round(state, bank) == small_round
    assert saved_round({**state, "item_ids": ["s1", "gone"]}, bank) is None
    assert saved_round({**state, "item_ids": ["s1", "s1"]}, bank) is None
    assert saved_round({**state, "item_ids": ["s1", "s-worked"]}, bank) is None


def test_history_adds_up_rounds_and_the_best_first_try(bank, small_round):
    first = mark_sort(small_round, {"s1": "assertive", "g1": "passive", "p1": "passive"}, bank)
    entry = history_entry(first, "2026-12-01T10:00:00")
    assert entry == {"item_ids": ["s1", "g1", "p1"], "seed": 7, "attempt": 1,
                     "answers": {"s1": "assertive", "g1": "passive", "p1": "passive"},
                     "score": 2, "total": 3, "checked_at": "2026-12-01T10:00:00"}
    again = retry_round(first)
    later = history_entry(mark_sort(again, {"g1": "aggressive"}, bank))
    assert later["attempt"] == 2 and later["score"] == later["total"] == 1
    progress = summarise_history([entry, later])
    assert (progress.rounds, progress.best) == (1, 2 / 3)
    assert progress.summary == ("Rounds checked so far: 1. Best first-try score: 67%. "
                                "Your progress is saved.")
    assert summarise_history([later]).summary == ""
