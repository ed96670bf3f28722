"""Quiz logic: draw an attempt from a question bank, read and mark responses, explain every
answer, retry the misses and keep a history.

Pure functions over frozen records; no IPython. :mod:`workbook.widgets.quiz` is a thin view.

A response is stored the same way whatever the learner clicked, so it can be saved as JSON:

- single and true-false: the position of the chosen option in the bank (an ``int``);
- multiple: the positions of the ticked options (a sorted ``tuple`` of ``int``);
- match: for each pair in bank order, the position of the chosen choice, or ``None``.

Positions are in the order the bank lists them, not the shuffled order shown, so marking and
saved work never depend on the shuffle.
"""

from __future__ import annotations

import random
import string
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..content.records import DIFFICULTIES, Question, QuestionBank
from .attempts import Result, best_first_try, first_tries

DEFAULT_QUIZ_SIZE = 8

Response = int | tuple[int, ...] | tuple[int | None, ...]


@dataclass(frozen=True)
class QuizAttempt:
    """The questions a learner answers in one go, and the order their parts are shown in."""

    unit: str
    question_ids: tuple[str, ...]
    orders: Mapping[str, tuple[int, ...]]
    """Per question, the bank positions of its options (or, for match, its pairs) in the
    order shown."""
    seed: int
    """Seed the attempt was drawn with, so it can be drawn again exactly."""
    attempt: int = 1
    """1 for a fresh quiz; 2 or more when retrying the questions got wrong last time."""


@dataclass(frozen=True)
class PartFeedback:
    """Feedback on one option (or, for match, one situation) of a checked question."""

    label: str
    """The letter or number shown, e.g. ``B`` or ``2``."""
    text: str
    """The option's text, or the match situation."""
    chosen: bool
    """Whether the learner chose this option (for match: whether they chose anything)."""
    right: bool
    """Single, multiple, true-false: whether this option is a right answer. Match: whether
    the learner matched this situation correctly."""
    message: str
    """Why: the option's feedback, or for match what was chosen, the answer and why."""


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    response: Response | None
    correct: bool
    parts: tuple[PartFeedback, ...]
    """In the order shown."""
    summary: str

    @property
    def id(self) -> str:
        return self.question.id


# --------------------------------------------------------------------------- drawing


def questions_for(bank: QuestionBank, topic: str | None = None,
                  difficulty: int | None = None) -> tuple[Question, ...]:
    """The bank's questions on one topic and at one difficulty (None means any)."""
    if topic is not None:
        bank.topic_title(topic)  # KeyError naming the topic if there is no such topic
    if difficulty is not None and difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty must be one of {', '.join(map(str, DIFFICULTIES))} "
                         f"(got {difficulty!r})")
    return tuple(q for q in bank.questions
                 if (topic is None or q.topic == topic)
                 and (difficulty is None or q.difficulty == difficulty))


def _order(question: Question, rng: random.Random) -> tuple[int, ...]:
    if question.type == "true-false":
        return (0, 1)  # always True then False
    count = len(question.pairs) if question.type == "match" else len(question.options)
    order = list(range(count))
    rng.shuffle(order)
    return tuple(order)


def draw_attempt(bank: QuestionBank, size: int = DEFAULT_QUIZ_SIZE, topic: str | None = None,
                 difficulty: int | None = None, seed: int | None = None) -> QuizAttempt:
    """Draw up to ``size`` questions at random, spread across topics, options shuffled.

    With a topic or difficulty, only matching questions are drawn; if fewer than ``size``
    match, all of them are used. The same seed always gives the same attempt.
    """
    if size < 1:
        raise ValueError(f"a quiz needs at least one question (size={size})")
    pool = questions_for(bank, topic, difficulty)
    if not pool:
        raise ValueError("no questions match that topic and difficulty")
    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    rng = random.Random(seed)
    by_topic: dict[str, list[Question]] = {}
    for question in pool:
        by_topic.setdefault(question.topic, []).append(question)
    for questions in by_topic.values():
        rng.shuffle(questions)
    chosen: list[Question] = []
    topics = sorted(by_topic)
    rng.shuffle(topics)
    while len(chosen) < min(size, len(pool)):  # one from each topic in turn: a spread
        for name in topics:
            if by_topic[name] and len(chosen) < size:
                chosen.append(by_topic[name].pop())
    rng.shuffle(chosen)
    orders = {q.id: _order(q, rng) for q in chosen}
    return QuizAttempt(bank.unit, tuple(q.id for q in chosen), orders, seed)


def retry_attempt(result: Result) -> QuizAttempt | None:
    """An attempt of just the questions got wrong, options shuffled afresh; None if none."""
    if not result.wrong_ids:
        return None
    previous = result.attempt
    rng = random.Random(f"{previous.seed}-{previous.attempt + 1}")
    orders = {item.question.id: _order(item.question, rng)
              for item in result.items if not item.correct}
    return QuizAttempt(previous.unit, result.wrong_ids, orders, previous.seed,
                       previous.attempt + 1)


# --------------------------------------------------------------------------- responses


def labels(question: Question, order: Sequence[int]) -> tuple[str, ...]:
    """What each shown part is called: letters for options, numbers for match situations."""
    if question.type == "true-false":
        return tuple(question.options[i].answer for i in order)
    if question.type == "match":
        return tuple(str(n) for n in range(1, len(order) + 1))
    return tuple(string.ascii_uppercase[: len(order)])


def read_response(question: Question, order: Sequence[int], given: Any) -> Response | None:
    """Turn what a learner (or a test) gives into a stored response, or ``ValueError`` saying
    what is wrong.

    Accepted: single, a letter as shown (``"B"``) or the option's text; true-false, ``True``,
    ``False`` or their text; multiple, a list of letters or texts; match, a mapping of
    situation number as shown (1, 2, ...) to the choice's text. ``None`` clears the answer.
    """
    if given is None:
        return None
    shown = labels(question, order)
    if question.type == "match":
        return _read_match(question, order, given)
    if question.type == "multiple":
        if isinstance(given, (str, int)) or not isinstance(given, Iterable):
            given = [given]
        return tuple(sorted({_read_option(question, order, shown, one) for one in given}))
    if question.type == "true-false" and isinstance(given, bool):
        given = "True" if given else "False"
    return _read_option(question, order, shown, given)


def _read_option(question: Question, order: Sequence[int], shown: Sequence[str],
                 given: Any) -> int:
    if isinstance(given, str):
        key = given.strip()
        for label, position in zip(shown, order, strict=True):
            if key.upper() == label.upper():
                return position
        for position, option in enumerate(question.options):
            if key == option.answer:
                return position
    raise ValueError(f"{given!r} is not an answer to question {question.id} "
                     f"(use one of {', '.join(shown)})")


def _read_match(question: Question, order: Sequence[int], given: Any) -> tuple[int | None, ...]:
    if not isinstance(given, Mapping):
        raise ValueError(f"question {question.id} matches situations: give a mapping of "
                         "situation number to choice, e.g. {1: 'Equality Act 2010'}")
    chosen: list[int | None] = [None] * len(question.pairs)
    for number, choice in given.items():
        if not isinstance(number, int) or not 1 <= number <= len(order):
            raise ValueError(f"situation {number!r} is not in question {question.id} "
                             f"(1 to {len(order)})")
        if choice is None:
            continue
        if choice not in question.choices:
            raise ValueError(f"{choice!r} is not one of the choices for question {question.id}")
        chosen[order[number - 1]] = question.choices.index(choice)
    return tuple(chosen)


def is_answered(question: Question, response: Response | None) -> bool:
    """Whether the learner has given a full answer (every situation matched, for match)."""
    if response is None:
        return False
    if question.type == "match":
        return all(choice is not None for choice in response)  # type: ignore[union-attr]
    if question.type == "multiple":
        return len(response) > 0  # type: ignore[arg-type]
    return True


def response_from_json(question: Question, saved: Any) -> Response | None:
    """A response read back from a saved file; None when it no longer fits the question."""
    try:
        if question.type in ("single", "true-false"):
            if isinstance(saved, int) and not isinstance(saved, bool) \
                    and 0 <= saved < len(question.options):
                return saved
            return None
        if question.type == "multiple":
            values = tuple(sorted(set(saved)))
            ok = all(isinstance(v, int) and 0 <= v < len(question.options) for v in values)
            return values if ok else None
        values = tuple(saved)
        if len(values) != len(question.pairs):
            return None
        ok = all(v is None or (isinstance(v, int) and 0 <= v < len(question.choices))
                 for v in values)
        return values if ok else None
    except TypeError:
        return None


# --------------------------------------------------------------------------- marking


def mark_question(question: Question, order: Sequence[int],
                  response: Response | None) -> QuestionResult:
    """Mark one question and explain every option (or every situation, for match)."""
    shown = labels(question, order)
    if question.type == "match":
        return _mark_match(question, order, shown, response)
    if question.type == "multiple":
        chosen = set(response or ())
        correct = bool(chosen) and chosen == question.correct_options
    else:
        chosen = set() if response is None else {response}
        correct = chosen == question.correct_options
    parts = tuple(
        PartFeedback(label, question.options[position].answer, position in chosen,
                     question.options[position].correct, question.options[position].feedback)
        for label, position in zip(shown, order, strict=True))
    right = [label for label, position in zip(shown, order, strict=True)
             if question.options[position].correct]
    # The view puts "✓ Right" or "✗ Not quite" before the summary, so it does not say them.
    picked = [label for label, position in zip(shown, order, strict=True) if position in chosen]
    if correct:
        summary = f"You chose {_and(picked)}."
    elif response is None or not chosen:
        summary = f"You did not answer. The answer is {_and(right)}."
    elif question.type == "multiple":
        summary = f"You ticked {_and(picked)}. The right answers are {_and(right)}, and only those."
    else:
        summary = f"You chose {_and(picked)}. The answer is {_and(right)}."
    return QuestionResult(question, response, correct, parts, summary)


def _mark_match(question: Question, order: Sequence[int], shown: Sequence[str],
                response: Response | None) -> QuestionResult:
    chosen = tuple(response) if response is not None else (None,) * len(question.pairs)
    parts = []
    for label, position in zip(shown, order, strict=True):
        pair = question.pairs[position]
        pick = chosen[position]
        picked = question.choices[pick] if pick is not None else None
        right = picked == pair.answer
        if picked is None:
            message = f"You did not choose. The answer is {pair.answer}. {pair.feedback}"
        elif right:
            message = f"{pair.answer}. {pair.feedback}"
        else:
            message = f"You chose {picked}, but the answer is {pair.answer}. {pair.feedback}"
        parts.append(PartFeedback(label, pair.situation, picked is not None, right, message))
    correct = all(part.right for part in parts)
    got = sum(part.right for part in parts)
    summary = "Every situation matched." if correct else (
        f"{got} of {len(parts)} situations matched. See each one below.")
    return QuestionResult(question, response, correct, tuple(parts), summary)


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def mark_attempt(attempt: QuizAttempt, responses: Mapping[str, Response | None],
                 bank: QuestionBank) -> Result:
    """Mark every question in the attempt (question id to response; missing means blank)."""
    for question_id in responses:
        if question_id not in attempt.question_ids:
            raise ValueError(f"{question_id!r} is not in this quiz")
    items = tuple(mark_question(bank.by_id(qid), attempt.orders[qid], responses.get(qid))
                  for qid in attempt.question_ids)
    return Result(attempt, items, "question")


# --------------------------------------------------------------------------- history


def attempt_state(attempt: QuizAttempt) -> dict[str, Any]:
    """An attempt as saved (``attempt`` in workbook/schemas/progress/quiz.json)."""
    return {"question_ids": list(attempt.question_ids),
            "orders": {k: list(v) for k, v in attempt.orders.items()},
            "seed": attempt.seed, "attempt": attempt.attempt}


def saved_attempt(state: Mapping[str, Any], bank: QuestionBank) -> QuizAttempt | None:
    """The attempt a saved state (already checked against the schema) holds, or None when its
    questions are no longer all in the bank or their parts have changed (the course has changed
    since it was saved)."""
    ids = tuple(state["question_ids"])
    known = {q.id: q for q in bank.questions}
    if len(set(ids)) != len(ids):
        return None
    orders: dict[str, tuple[int, ...]] = {}
    for qid in ids:
        question = known.get(qid)
        order = state["orders"].get(qid)
        if question is None or order is None:
            return None
        size = len(question.pairs) if question.type == "match" else len(question.options)
        if sorted(order) != list(range(size)):
            return None
        orders[qid] = tuple(order)
    return QuizAttempt(bank.unit, ids, orders, state["seed"], state["attempt"])


def responses_state(responses: Mapping[str, Response | None]) -> dict[str, Any]:
    """Answers as saved: question id to a position or a list of positions; blanks left out."""
    return {k: (list(v) if isinstance(v, tuple) else v)
            for k, v in responses.items() if v is not None}


def history_entry(result: Result, checked_at: str | None = None) -> dict[str, Any]:
    """One checked attempt as saved in the learner's progress file."""
    attempt = result.attempt
    return {
        "question_ids": list(attempt.question_ids), "seed": attempt.seed,
        "attempt": attempt.attempt,
        "responses": responses_state({item.id: item.response for item in result.items}),
        "right": [item.id for item in result.items if item.correct],
        "score": result.score, "total": result.total,
        "checked_at": checked_at or time.strftime("%Y-%m-%dT%H:%M:%S"),
    }


@dataclass(frozen=True)
class QuizProgress:
    """What a learner's history adds up to."""

    quizzes: int
    """Fresh quizzes checked (retries not counted)."""
    best: float | None
    """Best first-try score as a fraction, or None before the first check."""
    mastered: int
    """Questions in the bank answered right at least once."""
    bank_size: int

    @property
    def summary(self) -> str:
        if not self.quizzes:
            return ""
        return (f"Quizzes checked so far: {self.quizzes}. Best first-try score: "
                f"{round(self.best * 100)}%. Questions you have got right at least once: "
                f"{self.mastered} of {self.bank_size}. Your progress is saved.")


def summarise_history(history: Iterable[Mapping[str, Any]], bank: QuestionBank) -> QuizProgress:
    history = list(history)
    known = {q.id for q in bank.questions}
    mastered = {qid for h in history for qid in h.get("right", ()) if qid in known}
    return QuizProgress(len(first_tries(history)), best_first_try(history), len(mastered),
                        len(bank.questions))
