"""The quiz widget, driven through its Python twins (no browser)."""

from __future__ import annotations

import json

import ipywidgets as widgets
import pytest

from tests.quiz_fixtures import right_answer, small_bank, wrong_answer
from workbook.progress import ProgressStore
from workbook.widgets.quiz import QuizActivity

BANK = small_bank()


def answer_all(quiz: QuizActivity, right: bool | set[str]) -> None:
    for qid in quiz.question_ids:
        question = BANK.by_id(qid)
        order = quiz._attempt.orders[qid]
        ok = right if isinstance(right, bool) else qid in right
        quiz.choose(qid, right_answer(question, order) if ok else wrong_answer(question, order))


def controls(quiz: QuizActivity) -> list[widgets.Widget]:
    return [c for qid in quiz.question_ids for c in quiz._controls[qid]]


def test_every_control_is_labelled_and_keyboard_reachable():
    quiz = QuizActivity(BANK, size=10, seed=1)
    assert quiz.total == 10
    for number, qid in enumerate(quiz.question_ids, start=1):
        kind = BANK.by_id(qid).type
        shown = quiz._controls[qid]
        if kind in ("single", "true-false"):
            assert [type(c) for c in shown] == [widgets.RadioButtons]
            assert shown[0].description == f"Answer {number}:" and shown[0].value is None
        elif kind == "multiple":
            assert all(isinstance(c, widgets.Checkbox) for c in shown)
            assert [c.description[:3] for c in shown] == ["A. ", "B. ", "C. ", "D. "]
        else:
            assert [c.description for c in shown] == ["Situation 1:", "Situation 2:",
                                                      "Situation 3:"]
            assert all(c.options[0] == ("Choose…", None) for c in shown)
    assert all(c.tooltip for c in controls(quiz))  # read out by screen readers as a hint
    assert [b.description for b in (quiz.check_button, quiz.retry_button, quiz.new_button)] \
        == ["Check my answers", "Try the ones I got wrong", "New quiz"]
    assert quiz.topic_select.description == "Topic:"
    assert quiz.difficulty_select.description == "Difficulty:"


def test_true_false_shows_true_then_false_and_single_shows_letters():
    quiz = QuizActivity(BANK, size=10, seed=2)
    tf = quiz._controls["q9-006"][0]
    assert [label for label, _ in tf.options] == ["True", "False"]
    single = quiz._controls["q9-001"][0]
    assert [label[:3] for label, _ in single.options] == ["A. ", "B. ", "C. ", "D. "]


def test_check_asks_for_missing_answers_first():
    quiz = QuizActivity(BANK, size=10, seed=3)
    first = quiz.question_ids[0]
    quiz.choose(1, right_answer(BANK.by_id(first), quiz._attempt.orders[first]))
    assert quiz.check() is None and not quiz.checked
    assert quiz.message.startswith("Answer every question first. Still to do: questions 2, 3")


def test_a_half_matched_question_still_counts_as_missing():
    quiz = QuizActivity(BANK, size=10, seed=4)
    answer_all(quiz, right=True)
    number = quiz.question_ids.index("q9-008") + 1
    quiz.choose("q9-008", {1: None, 2: None})
    assert quiz.check() is None
    assert quiz.message == f"Answer every question first. Still to do: question {number}."


def test_all_right_gives_full_marks_and_nothing_to_retry():
    quiz = QuizActivity(BANK, size=10, seed=5)
    answer_all(quiz, right=True)
    result = quiz.check()
    assert (result.score, quiz.score, quiz.total) == (10, 10, 10)
    assert quiz.message == "You got all 10 questions right. Well done!"
    assert quiz.retry_button.disabled and quiz.retry() is None
    assert quiz.message == "You got them all right, so there is nothing to retry. Try a new quiz!"


def test_feedback_explains_every_option_in_words_not_colour_alone():
    quiz = QuizActivity(BANK, size=10, seed=6)
    answer_all(quiz, right=False)
    quiz.check()
    html = quiz._feedback["q9-001"].value
    assert "✗ Not quite.</span> You chose " in html and "Not quite. Not quite" not in html
    for n in range(4):
        assert f"why q9-001 {n}" in html
    # Only the chosen wrong option is marked wrong; the right one is marked right; the other
    # two are explained under a fold, unmarked.
    assert html.count("Your answer, but not right.") == 1 and html.count("✗") == 2
    assert html.count("<li class='wb-part wb-wrong'>") == 1
    assert html.count("A right answer.") == 1 and "<li class='wb-part wb-answer'>" in html
    assert html.count("<summary>Why the other answers are not right</summary>") == 1
    assert "wb-wrong'><span class='wb-mark'>✗ Not quite" in html  # the verdict line only
    match_html = quiz._feedback["q9-008"].value
    assert match_html.count("Not matched correctly") == 3
    assert all(c.disabled for c in controls(quiz))


def test_retry_shows_only_the_ones_got_wrong_then_new_quiz_starts_afresh():
    quiz = QuizActivity(BANK, size=10, seed=7)
    wrong = set(quiz.question_ids[7:])
    answer_all(quiz, right=set(quiz.question_ids) - wrong)
    assert quiz.check().score == 7
    assert not quiz.retry_button.disabled
    quiz.retry()
    assert set(quiz.question_ids) == wrong and not quiz.checked and quiz.responses == {}
    assert "try these again" in quiz._title_html.value
    answer_all(quiz, right=True)
    assert quiz.check().score == 3
    quiz.new_attempt(seed=70)
    assert quiz.total == 10 and not quiz.checked


def test_filters_choose_what_the_next_quiz_is_about():
    quiz = QuizActivity(BANK, size=8, seed=8)
    assert quiz.set_filters("law", 3) == 2
    assert quiz.message == "2 questions match your choice. Press “New quiz” to start a quiz on it."
    assert quiz.total == 8  # nothing lost until New quiz is pressed
    quiz.new_attempt(seed=1)
    assert sorted(quiz.question_ids) == ["q9-008", "q9-009"]
    with pytest.raises(KeyError, match="no topic 'nope'"):
        quiz.set_filters("nope")
    with pytest.raises(ValueError, match="difficulty must be 1, 2 or 3"):
        quiz.set_filters(None, 4)


def test_choosing_after_a_check_or_a_wrong_answer_is_refused_clearly():
    quiz = QuizActivity(BANK, size=10, seed=9)
    with pytest.raises(ValueError, match="question 11 is not in this quiz"):
        quiz.choose(11, "A")
    with pytest.raises(ValueError, match="'Z' is not an answer"):
        quiz.choose("q9-001", "Z")
    answer_all(quiz, right=True)
    quiz.check()
    with pytest.raises(ValueError, match="has been checked"):
        quiz.choose(1, "A")


def test_answers_and_checked_quizzes_are_saved_and_restored(tmp_path):
    store = ProgressStore(tmp_path)
    quiz = QuizActivity(BANK, store, size=10, seed=10)
    answer_all(quiz, right=True)
    saved = json.loads((tmp_path / "unit9-quiz.json").read_text())
    assert saved["attempt"]["question_ids"] == quiz.question_ids
    assert len(saved["responses"]) == 10 and saved["checked"] is False
    again = QuizActivity(BANK, ProgressStore(tmp_path))
    assert again.question_ids == quiz.question_ids and again.responses == quiz.responses
    assert again.message == "Welcome back! Your answers so far have been kept."
    assert again.check().score == 10
    third = QuizActivity(BANK, ProgressStore(tmp_path))
    assert third.checked and third.score == 10 and len(third.history) == 1
    assert "Quizzes checked so far: 1." in third._progress.value


def test_restoring_writes_nothing(tmp_path):
    store = ProgressStore(tmp_path)
    quiz = QuizActivity(BANK, store, size=10, seed=11)
    quiz.choose(1, right_answer(BANK.by_id(quiz.question_ids[0]),
                                quiz._attempt.orders[quiz.question_ids[0]]))
    path = tmp_path / "unit9-quiz.json"
    before = path.stat().st_mtime_ns, path.read_bytes()
    QuizActivity(BANK, ProgressStore(tmp_path))
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


def test_a_saved_quiz_whose_questions_changed_starts_afresh_and_keeps_scores(tmp_path):
    store = ProgressStore(tmp_path)
    store.save("unit9-quiz", {"version": 1, "attempt": {
        "question_ids": ["q9-001", "q9-999"], "orders": {"q9-001": [0, 1, 2, 3]},
        "seed": 1, "attempt": 1}, "history": [
        {"score": 3, "total": 4, "attempt": 1, "right": ["q9-001"]}]})
    quiz = QuizActivity(BANK, ProgressStore(tmp_path), seed=1)
    assert quiz.message.startswith("The questions in your saved quiz have changed")
    assert len(quiz.history) == 1 and "Best first-try score: 75%" in quiz._progress.value


def test_a_single_topic_bank_shows_no_topic_filter():
    from dataclasses import replace

    from workbook.engine.quiz import questions_for
    one = replace(BANK, topics=BANK.topics[:1], questions=questions_for(BANK, "limits"))
    quiz = QuizActivity(one, seed=1)
    assert quiz.topic_select not in quiz._filters.children
    assert quiz.difficulty_select in quiz._filters.children
