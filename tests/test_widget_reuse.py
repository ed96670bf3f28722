"""Quizzes and sorting rounds set up the same widgets again for each new quiz or round (building
them afresh was most of an event's time): each one still starts clean, labelled and enabled."""

from __future__ import annotations

import json

from tests.quiz_fixtures import right_answer, small_bank, wrong_answer
from workbook.progress import ProgressStore
from workbook.widgets.quiz import QuizActivity
from workbook.widgets.sorting import SortingActivity

BANK = small_bank()


def quiz_controls(quiz: QuizActivity) -> list:
    return [c for qid in quiz.question_ids for c in quiz._controls[qid]]


def test_a_new_quiz_after_a_checked_one_starts_clean_on_the_same_widgets(tmp_path):
    quiz = QuizActivity(BANK, ProgressStore(tmp_path), size=10, seed=1)
    rows = quiz._items_box.children
    for n, qid in enumerate(quiz.question_ids):
        question, order = BANK.by_id(qid), quiz._attempt.orders[qid]
        quiz.choose(qid, (right_answer if n % 2 else wrong_answer)(question, order))
    quiz.check()
    assert all(c.disabled for c in quiz_controls(quiz))
    quiz.new_attempt(seed=5)
    assert quiz._items_box.children == rows  # the same rows, set up again
    assert quiz.responses == {} and not quiz.checked
    for number, qid in enumerate(quiz.question_ids, start=1):
        question, shown = BANK.by_id(qid), quiz._controls[qid]
        assert quiz._items_box.children[number - 1].children[1:-1] == tuple(shown)
        assert f"Question {number} of 10" in quiz._items_box.children[number - 1].children[0].value
        assert quiz._feedback[qid].value == ""
        assert not any(c.disabled for c in shown)
        assert all(c.value in (None, False) for c in shown)
        if question.type == "multiple":
            assert len(shown) == len(question.options)
            assert all(f"question {number}" in c.tooltip for c in shown)
        elif question.type == "match":
            assert [c.description for c in shown] == [f"Situation {n}:"
                                                      for n in range(1, len(shown) + 1)]
        else:
            assert shown[0].description == f"Answer {number}:"
            assert len(shown[0].options) == len(question.options)
    saved = json.loads((tmp_path / f"{quiz.activity}.json").read_text())
    assert saved["responses"] == {} and len(saved["history"]) == 1


def test_a_retry_shows_only_the_missed_questions_and_answers_still_count():
    quiz = QuizActivity(BANK, size=10, seed=1)
    wrong = set(quiz.question_ids[:3])
    for qid in quiz.question_ids:
        question, order = BANK.by_id(qid), quiz._attempt.orders[qid]
        quiz.choose(qid, (wrong_answer if qid in wrong else right_answer)(question, order))
    quiz.check()
    quiz.retry()
    assert quiz.question_ids == list(quiz._attempt.question_ids) and len(quiz.question_ids) == 3
    assert len(quiz._items_box.children) == 3
    for qid in quiz.question_ids:
        quiz.choose(qid, right_answer(BANK.by_id(qid), quiz._attempt.orders[qid]))
    assert quiz.check().score == 3


def test_a_new_sorting_round_starts_clean_on_the_same_widgets(course):
    bank = course.statement_bank("unit2")
    activity = SortingActivity(bank, seed=1)
    radios = list(activity._radios.values())
    for statement_id in activity.round_ids:
        activity.select(statement_id, "passive")
    activity.check()
    activity.new_round(seed=2)
    assert list(activity._radios.values()) == radios and activity.selections == {}
    assert all(r.value is None and not r.disabled for r in radios)
    assert all(f.value == "" for f in activity._feedback.values())
    first = activity.round_ids[0]
    activity.select(1, bank.by_id(first).category)
    assert activity.selections == {first: bank.by_id(first).category}
