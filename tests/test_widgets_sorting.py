"""The sorting widget, driven through its Python twins (no browser)."""

from __future__ import annotations

import json

import pytest

from workbook.progress import ProgressStore
from workbook.widgets.sorting import SortingActivity


@pytest.fixture
def bank(course):
    return course.statement_bank("unit2")


def answer_all(activity: SortingActivity, bank, right: bool) -> None:
    for statement_id in activity.round_ids:
        category = bank.by_id(statement_id).category
        if not right:
            category = "passive" if category != "passive" else "assertive"
        activity.select(statement_id, category)


def test_a_round_shows_each_line_with_a_labelled_keyboard_choice(bank):
    activity = SortingActivity(bank, seed=1)
    assert activity.total == 8 and len(activity.round_ids) == 8
    radios = list(activity._radios.values())
    assert [r.description for r in radios] == [f"Line {n}:" for n in range(1, 9)]
    assert all(r.value is None and r.options == (("Assertive", "assertive"),
                                                  ("Aggressive", "aggressive"),
                                                  ("Passive", "passive")) for r in radios)
    assert activity.check_button.description == "Check my answers"
    assert activity.retry_button.disabled


def test_check_asks_for_missing_choices_first(bank):
    activity = SortingActivity(bank, seed=2)
    activity.select(1, "assertive")
    assert activity.check() is None
    assert activity.message == ("Choose a category for every line first. "
                                "Still to do: lines 2, 3, 4, 5, 6, 7, 8.")
    assert not activity.checked


def test_all_right_scores_full_marks_and_nothing_to_retry(bank):
    activity = SortingActivity(bank, seed=3)
    answer_all(activity, bank, right=True)
    result = activity.check()
    assert (result.score, result.total, activity.score) == (8, 8, 8)
    assert activity.message == "You sorted all 8 lines correctly. Well done!"
    assert activity.retry_button.disabled
    assert activity.retry() is None


def test_feedback_gives_the_reason_and_is_not_colour_alone(bank):
    activity = SortingActivity(bank, seed=4)
    answer_all(activity, bank, right=True)
    first = activity.round_ids[0]
    activity._radios[first].value = None  # un-choose one, then choose it wrongly
    wrong = "assertive" if bank.by_id(first).category != "assertive" else "passive"
    activity.select(first, wrong)
    result = activity.check()
    assert result.score == 7
    html = activity._feedback[first].value
    assert "✗ Not quite." in html and bank.by_id(first).reason.replace("'", "&#x27;") in html
    right_html = activity._feedback[activity.round_ids[1]].value
    assert "✓ Right." in right_html
    assert all(radio.disabled for radio in activity._radios.values())


def test_retry_offers_only_the_lines_got_wrong(bank):
    activity = SortingActivity(bank, seed=5)
    answer_all(activity, bank, right=True)
    wrong_ids = activity.round_ids[2:5]
    for statement_id in wrong_ids:
        activity._radios[statement_id].value = None
        category = bank.by_id(statement_id).category
        activity.select(statement_id, "passive" if category != "passive" else "aggressive")
    activity.check()
    again = activity.retry_button.click() or activity._round
    assert list(again.item_ids) == list(wrong_ids) and again.attempt == 2
    assert activity.round_ids == list(wrong_ids) and not activity.checked


def test_buttons_call_the_same_twins(bank):
    activity = SortingActivity(bank, seed=6)
    answer_all(activity, bank, right=False)
    activity.check_button.click()
    assert activity.checked and activity.score == 0
    before = list(activity.round_ids)
    activity.new_round_button.click()
    assert activity.round_ids != before and not activity.checked


def test_bad_twin_calls_name_what_is_wrong(bank):
    activity = SortingActivity(bank, seed=7)
    with pytest.raises(ValueError, match="'rude' is not a category"):
        activity.select(1, "rude")
    with pytest.raises(ValueError, match="line 9 is not in this round"):
        activity.select(9, "passive")
    with pytest.raises(ValueError, match="'st-999' is not in this round"):
        activity.select("st-999", "passive")


def test_progress_survives_closing_and_reopening(bank, private_progress):
    first = SortingActivity(bank, ProgressStore(private_progress), seed=8)
    first.select(1, "assertive")
    first.select(2, "passive")
    reopened = SortingActivity(bank, ProgressStore(private_progress))
    assert reopened.round_ids == first.round_ids
    assert reopened.selections == {first.round_ids[0]: "assertive",
                                   first.round_ids[1]: "passive"}
    assert reopened.message == "Welcome back! Your choices so far have been kept."


def test_a_checked_round_reopens_with_its_feedback_and_history(bank, private_progress):
    first = SortingActivity(bank, ProgressStore(private_progress), seed=9)
    answer_all(first, bank, right=True)
    first.check()
    reopened = SortingActivity(bank, ProgressStore(private_progress))
    assert reopened.checked and reopened.score == 8
    assert len(reopened.history) == 1 and reopened.history[0]["score"] == 8
    assert "Rounds checked so far: 1. Best first-try score: 100%." in reopened._progress.value
    saved = json.loads((private_progress / "unit2-sorting.json").read_text())
    assert saved["checked"] is True and saved["history"][0]["total"] == 8


def test_a_damaged_progress_file_is_kept_and_a_new_round_starts(bank, private_progress):
    private_progress.mkdir(parents=True, exist_ok=True)
    (private_progress / "unit2-sorting.json").write_text("{not json")
    activity = SortingActivity(bank, ProgressStore(private_progress), seed=10)
    assert len(activity.round_ids) == 8
    kept = list(private_progress.glob("unit2-sorting.unreadable-*.json"))
    assert len(kept) == 1 and kept[0].read_text() == "{not json"
    assert kept[0].name in activity.message


def test_a_saved_round_whose_lines_left_the_bank_starts_afresh(bank, private_progress):
    private_progress.mkdir(parents=True, exist_ok=True)
    (private_progress / "unit2-sorting.json").write_text(json.dumps({
        "version": 1, "round": {"item_ids": ["st-998", "st-999"], "seed": 1, "attempt": 1},
        "selections": {}, "checked": False,
        "history": [{"score": 5, "total": 8, "attempt": 1}]}))
    activity = SortingActivity(bank, ProgressStore(private_progress), seed=11)
    assert len(activity.round_ids) == 8
    assert "a new round was started. Your past scores are kept." in activity.message
    assert activity.history == [{"score": 5, "total": 8, "attempt": 1}]
