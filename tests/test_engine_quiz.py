"""The quiz engine: drawing, reading answers, marking, explaining, retrying and history."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.quiz_fixtures import right_answer, small_bank, wrong_answer
from workbook.engine.quiz import (
    QuizAttempt,
    attempt_state,
    draw_attempt,
    history_entry,
    is_answered,
    labels,
    mark_attempt,
    mark_question,
    questions_for,
    read_response,
    response_from_json,
    retry_attempt,
    saved_attempt,
    summarise_history,
)

BANK = small_bank()


def answer(attempt: QuizAttempt, right: set[str]) -> dict:
    """Responses to every question: right for the ids in ``right``, wrong for the rest."""
    out = {}
    for qid in attempt.question_ids:
        question = BANK.by_id(qid)
        order = attempt.orders[qid]
        given = right_answer(question, order) if qid in right else wrong_answer(question, order)
        out[qid] = read_response(question, order, given)
    return out


def test_the_same_seed_draws_the_same_attempt_and_another_seed_differs():
    first, again = draw_attempt(BANK, 6, seed=11), draw_attempt(BANK, 6, seed=11)
    assert first == again
    others = {draw_attempt(BANK, 6, seed=s).question_ids for s in range(12, 20)}
    assert len(others) > 1


def test_an_attempt_spreads_across_topics_and_has_no_repeats():
    attempt = draw_attempt(BANK, 4, seed=3)
    topics = [BANK.by_id(q).topic for q in attempt.question_ids]
    assert len(set(attempt.question_ids)) == 4
    assert topics.count("limits") == 2 and topics.count("law") == 2


def test_options_are_shuffled_but_true_false_stays_true_then_false():
    orders = {draw_attempt(BANK, 10, seed=s).orders["q9-001"] for s in range(30)}
    assert len(orders) > 1 and all(sorted(o) == [0, 1, 2, 3] for o in orders)
    assert {draw_attempt(BANK, 10, seed=s).orders["q9-006"] for s in range(30)} == {(0, 1)}


def test_topic_and_difficulty_filter_what_is_drawn():
    attempt = draw_attempt(BANK, 8, topic="law", difficulty=3, seed=1)
    assert sorted(attempt.question_ids) == ["q9-008", "q9-009"]
    assert len(questions_for(BANK, difficulty=1)) == 3
    with pytest.raises(KeyError, match="no topic 'nope'"):
        questions_for(BANK, topic="nope")
    with pytest.raises(ValueError, match="difficulty must be one of 1, 2, 3"):
        questions_for(BANK, difficulty=5)
    easy_only = replace(BANK, questions=questions_for(BANK, difficulty=1))
    with pytest.raises(ValueError, match="no questions match that topic and difficulty"):
        draw_attempt(easy_only, topic="limits", difficulty=3)
    with pytest.raises(ValueError, match="at least one question"):
        draw_attempt(BANK, size=0)


def test_read_response_accepts_letters_texts_booleans_and_match_mappings():
    single = BANK.by_id("q9-001")
    order = (2, 0, 3, 1)
    assert labels(single, order) == ("A", "B", "C", "D")
    assert read_response(single, order, "b") == 0          # B shows option 0
    assert read_response(single, order, "q9-001 option 3") == 3
    tf = BANK.by_id("q9-006")
    assert read_response(tf, (0, 1), False) == 1 and read_response(tf, (0, 1), "True") == 0
    multi = BANK.by_id("q9-007")
    assert read_response(multi, (3, 2, 1, 0), ["A", "Right one"]) == (0, 3)
    match = BANK.by_id("q9-008")
    assert read_response(match, (2, 0, 1), {1: "Equality Act 2010"}) == (None, None, 1)
    with pytest.raises(ValueError, match="'E' is not an answer to question q9-001"):
        read_response(single, order, "E")
    with pytest.raises(ValueError, match="situation 4 is not in question q9-008"):
        read_response(match, (0, 1, 2), {4: "Equality Act 2010"})
    with pytest.raises(ValueError, match="not one of the choices"):
        read_response(match, (0, 1, 2), {1: "Sale of Goods Act 1979"})


def test_a_partly_matched_question_is_not_answered():
    match = BANK.by_id("q9-008")
    assert not is_answered(match, (0, None, 1)) and is_answered(match, (0, 2, 1))
    assert not is_answered(BANK.by_id("q9-007"), ())


def test_all_right_scores_full_marks():
    attempt = draw_attempt(BANK, 10, seed=5)
    result = mark_attempt(attempt, answer(attempt, set(attempt.question_ids)), BANK)
    assert (result.score, result.total, result.wrong_ids) == (10, 10, ())
    assert result.summary == "You got all 10 questions right. Well done!"
    assert retry_attempt(result) is None


def test_every_option_is_explained_in_the_order_shown():
    question = BANK.by_id("q9-002")
    result = mark_question(question, (3, 2, 1, 0), 1)
    assert [p.label for p in result.parts] == ["A", "B", "C", "D"]
    assert [p.message for p in result.parts] == [f"why q9-002 {n}" for n in (3, 2, 1, 0)]
    assert [(p.chosen, p.right) for p in result.parts] == [
        (False, False), (False, True), (True, False), (False, False)]
    assert not result.correct and result.summary == "You chose C. The answer is B."


def test_choose_all_that_apply_needs_exactly_the_right_set():
    question = BANK.by_id("q9-007")
    order = (0, 1, 2, 3)
    assert mark_question(question, order, (0, 1)).correct
    part = mark_question(question, order, (0,))
    assert not part.correct
    assert part.summary == "You ticked A. The right answers are A and B, and only those."
    assert not mark_question(question, order, (0, 1, 2)).correct
    assert mark_question(question, order, None).summary == (
        "You did not answer. The answer is A and B.")


def test_match_explains_each_situation_with_what_was_chosen():
    question = BANK.by_id("q9-008")
    result = mark_question(question, (1, 0, 2), (0, 2, None))
    assert not result.correct
    assert result.summary == "1 of 3 situations matched. See each one below."
    first, second, third = result.parts
    assert first.text == "A ramp is needed." and not first.right
    assert first.message == ("You chose Data Protection Act 2018 and UK GDPR, but the answer "
                             "is Equality Act 2010. adjustments")
    assert second.right and second.message == "Consumer Rights Act 2015. goods"
    assert third.message.startswith("You did not choose.")


def test_retry_keeps_only_the_wrong_ones_and_reshuffles():
    attempt = draw_attempt(BANK, 10, seed=8)
    right = set(attempt.question_ids[:7])
    result = mark_attempt(attempt, answer(attempt, right), BANK)
    assert result.score == 7
    assert "try the 3 questions you missed again" in result.summary
    again = retry_attempt(result)
    assert again.question_ids == attempt.question_ids[7:] and again.attempt == 2
    assert again.seed == attempt.seed
    assert retry_attempt(result) == again  # deterministic


def test_marking_refuses_answers_to_questions_not_in_the_quiz():
    attempt = draw_attempt(BANK, 2, topic="limits", difficulty=3, seed=1)
    with pytest.raises(ValueError, match="'q9-004' is not in this quiz"):
        mark_attempt(attempt, {"q9-004": 0}, BANK)


def test_saved_responses_are_read_back_or_dropped_when_they_no_longer_fit():
    single, multi, match = (BANK.by_id(q) for q in ("q9-001", "q9-007", "q9-008"))
    assert response_from_json(single, 2) == 2
    assert response_from_json(single, 9) is None and response_from_json(single, True) is None
    assert response_from_json(multi, [3, 1]) == (1, 3)
    assert response_from_json(multi, [7]) is None
    assert response_from_json(match, [0, None, 2]) == (0, None, 2)
    assert response_from_json(match, [0, 1]) is None and response_from_json(match, 5) is None


def test_history_adds_up_first_tries_and_questions_mastered():
    attempt = draw_attempt(BANK, 10, seed=2)
    responses = answer(attempt, set(attempt.question_ids[:5]))
    first = mark_attempt(attempt, responses, BANK)
    entry = history_entry(first, "2026-11-24T10:00:00")
    assert entry["score"] == 5 and entry["attempt"] == 1 and len(entry["right"]) == 5
    retry = retry_attempt(first)
    second = mark_attempt(retry, answer(retry, set(retry.question_ids)), BANK)
    later = history_entry(second, "2026-11-24T10:05:00")
    progress = summarise_history([entry, later], BANK)
    assert (progress.quizzes, progress.best, progress.mastered) == (1, 0.5, 10)
    assert progress.summary == (
        "Quizzes checked so far: 1. Best first-try score: 50%. Questions you have got right "
        "at least once: 10 of 10. Your progress is saved.")
    assert summarise_history([], BANK).summary == ""


def test_an_attempt_saved_is_read_back_unless_its_questions_changed():
    attempt = draw_attempt(BANK, 10, seed=4)
    state = attempt_state(attempt)
    assert saved_attempt(state, BANK) == attempt
    first = attempt.question_ids[0]
    gone = {**state, "question_ids": [*state["question_ids"][:-1], "q-gone"]}
    assert saved_attempt(gone, BANK) is None
    repeated = {**state, "question_ids": [first, first]}
    assert saved_attempt(repeated, BANK) is None
    reordered = {**state, "orders": {**state["orders"], first: [0, 0]}}
    assert saved_attempt(reordered, BANK) is None
    missing = {**state, "orders": {k: v for k, v in state["orders"].items() if k != first}}
    assert saved_attempt(missing, BANK) is None
