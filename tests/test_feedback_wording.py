"""Feedback a Level 2 reader can use (issue 19, item 7): a wrong law says why it does not fit
this situation in a few words, and no feedback repeats its verdict."""

from __future__ import annotations

from workbook.engine.laws import answer_laws, law_bank
from workbook.widgets.quiz import QuizActivity


def test_a_wrong_law_says_what_it_is_about_and_which_law_fits_in_a_few_words(course):
    catalogue = course.laws
    for situation in catalogue.situations:
        question = next(q for q in law_bank(catalogue, "unit5").questions
                        if q.id == situation.id)
        right = catalogue.law(situation.law).name
        for option in question.options:
            if option.correct:
                continue
            text = option.feedback
            assert text.startswith(f"Not this one. {option.answer} is about something else. It ")
            assert text.endswith(f"This situation needs {right}."), text
            assert len(text.split()) <= 60, text
    assert len(answer_laws(catalogue)) >= 4


def test_a_wrong_law_answer_shows_one_wrong_mark_and_no_repeated_verdict(course):
    bank = law_bank(course.laws, "unit5")
    quiz = QuizActivity(bank, size=1, seed=3)
    qid = quiz.question_ids[0]
    question = bank.by_id(qid)
    order = quiz._attempt.orders[qid]
    wrong = next(n for n, p in enumerate(order) if not question.options[p].correct)
    quiz.choose(1, "ABCDEFGH"[wrong])
    quiz.check()
    html = quiz._feedback[qid].value
    assert html.count("✗") == 2  # the verdict and the one chosen option
    assert "Not quite. Not quite" not in html and "Right. Right" not in html
    assert html.count("This situation needs") == 1 + html.count("<li><strong>")
