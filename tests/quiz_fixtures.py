"""A small hand-made question bank for engine and widget tests, so they test the logic and
not whatever the real bank happens to hold."""

from __future__ import annotations

from workbook.content.records import MatchPair, Option, Question, QuestionBank, Topic


def _single(qid: str, topic: str, difficulty: int, right: int = 0) -> Question:
    options = tuple(Option(f"{qid} option {n}", n == right, f"why {qid} {n}") for n in range(4))
    return Question(qid, "single", topic, difficulty, ("CG216-1.6",),
                    f"Situation for {qid}.\n\nWhat do you do?", options=options)


def small_bank() -> QuestionBank:
    """Ten questions over two topics and three difficulties, every type present."""
    questions = [
        _single("q9-001", "limits", 1), _single("q9-002", "limits", 2, right=2),
        _single("q9-003", "limits", 3, right=1), _single("q9-004", "law", 1, right=3),
        _single("q9-005", "law", 2),
        Question("q9-006", "true-false", "limits", 1, ("CG216-1.6",),
                 "Gwen asks for a refund. True or false: you must refer it.",
                 options=(Option("True", False, "No: it is inside your limit."),
                          Option("False", True, "Right: you can agree it."))),
        Question("q9-007", "multiple", "law", 2, ("SYN-KC5",), "Choose all that apply.",
                 options=(Option("Right one", True, "why a"), Option("Right two", True, "why b"),
                          Option("Wrong one", False, "why c"),
                          Option("Wrong two", False, "why d"))),
        Question("q9-008", "match", "law", 3, ("SYN-KC5",), "Which law applies to each?",
                 choices=("Consumer Rights Act 2015", "Equality Act 2010",
                          "Data Protection Act 2018 and UK GDPR"),
                 pairs=(MatchPair("A kettle broke.", "Consumer Rights Act 2015", "goods"),
                        MatchPair("A ramp is needed.", "Equality Act 2010", "adjustments"),
                        MatchPair("Someone wants an address.",
                                  "Data Protection Act 2018 and UK GDPR", "personal data"))),
        _single("q9-009", "law", 3, right=1), _single("q9-010", "limits", 2, right=3),
    ]
    return QuestionBank("unit9", "Test quiz", (Topic("limits", "Your limits"),
                                              Topic("law", "The law")), tuple(questions))


def right_answer(question: Question, order) -> object:
    """What a learner gives to answer a question right, in the widget's ``choose`` form."""
    if question.type == "match":
        shown = [question.pairs[p] for p in order]
        return {n: pair.answer for n, pair in enumerate(shown, start=1)}
    right = [o.answer for o in question.options if o.correct]
    return right if question.type == "multiple" else right[0]


def wrong_answer(question: Question, order) -> object:
    if question.type == "match":
        shown = [question.pairs[p] for p in order]
        return {n: next(c for c in question.choices if c != pair.answer)
                for n, pair in enumerate(shown, start=1)}
    wrong = [o.answer for o in question.options if not o.correct]
    return wrong if question.type == "multiple" else wrong[0]
