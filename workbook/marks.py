"""What a learner is told after "Mark my work": one mark per question with a plain reason,
and the written answers listed for the tutor.

Pure wording, shared by the full edition's marker (workbook/tutor/selfmark.py, which marks with
nbgrader) and the browser edition's (workbook/keymark.py, which marks against a hashed key), so
both say exactly the same thing. Imports nothing heavy: it runs in the browser too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .checks import MISSING, format_problem
from .render import macros


class MarkError(RuntimeError):
    """Something stopped the marking; the message says what to do (shown to the learner)."""


@dataclass(frozen=True)
class QuestionMark:
    """One auto-marked question as the learner sees it after marking."""

    number: str
    points: float
    earned: float
    given: str | None
    """The answer as written between the quotes; None when there is no plain answer line."""
    status: str
    """``right``, ``wrong`` (a choice, but not the right one), ``not-a-choice`` (the form is
    wrong), ``not-answered``."""
    reason: str
    """Plain words for the learner; empty when the answer is right."""


@dataclass(frozen=True)
class ReflectionNote:
    """A written answer: never marked by the computer, listed for the tutor."""

    number: str
    title: str
    points: int
    written: bool


@dataclass(frozen=True)
class Marks:
    """A marked knowledge check: the score and one line per question and reflection."""

    unit: str
    title: str
    score: float
    max_score: float
    """Auto-marked points only; reflections are for a tutor to mark and are not counted."""
    questions: tuple[QuestionMark, ...]
    reflections: tuple[ReflectionNote, ...]


def question_mark(number: str, points: float, variable: str, choices: Sequence[str], kind: str,
                  given: str | None, earned: float, right_as_written: bool,
                  tail: str = "") -> QuestionMark:
    """The learner's view of one marked question: right or not, and a plain reason.
    ``right_as_written``: the written answer, read by checks.FORMS, is the right one;
    ``tail``: what follows the reason when the course shows right answers (else empty)."""
    if earned >= points:
        return QuestionMark(number, points, earned, given, "right", "")
    choices = list(choices)
    problem = format_problem(MISSING if given is None else given, variable, choices, kind)
    if given is not None and not given.strip():
        return QuestionMark(number, points, earned, given, "not-answered",
                            "You did not answer this question." + tail)
    if problem:
        if given is None:
            reason = ("Your answer cell does not hold a plain answer line such as "
                      f'{variable} = "{choices[0]}", so it could not be marked.')
        else:
            reason = (f'Your answer "{given}" is not one of the choices, so it could not earn '
                      f"the mark. Type one {kind}: {', '.join(choices)}.")
        return QuestionMark(number, points, earned, given, "not-a-choice", reason + tail)
    if right_as_written:
        # Right as written but not given the mark: something else in the cell stopped it.
        return QuestionMark(number, points, earned, given, "wrong",
                            "Your answer cell holds more than the answer line, so the answer "
                            "could not be marked. Keep only the answer line in that cell.")
    return QuestionMark(number, points, earned, given, "wrong",
                        f'You answered "{given.strip()}". That is not the right answer.'
                        + (tail or " Look back at the lesson, or ask your tutor."))


def reflection_written(text: str) -> bool:
    """Whether a reflection cell holds the learner's own words (not the line it starts with)."""
    text = text.strip()
    return bool(text) and not text.startswith("Write your answer here")


def reflection_state(note: ReflectionNote) -> str:
    return ("for your tutor to mark." if note.written
            else "not written yet. Write it before you hand in.")


def result_lines(result: Marks) -> list[str]:
    """The marks in plain lines: the score, each question not right with its reason, and the
    written answers left for the tutor (the same words as the Mark my work button)."""
    lines = [f"You scored {result.score:g} out of {result.max_score:g} on the questions."]
    lines += [f"Question {q.number}: {q.reason}" for q in result.questions
              if q.status != "right"]
    lines += [f"Reflection {note.number} ({note.title}): {reflection_state(note)}"
              for note in result.reflections]
    return lines


def marks_items(result: Marks) -> list[str]:
    """One HTML list item per question and per reflection, for the page and the button
    (workbook/assets/templates/selfmark/marks.html.j2)."""
    marks = macros("selfmark/marks.html.j2")
    return ([marks.question(q) for q in result.questions]
            + [marks.reflection(note, reflection_state(note)) for note in result.reflections])
