"""Friendly format checks for knowledge-check cells (the visible tests).

They only check the *form* of an answer (a letter A to D, or one of the listed words) and never
say whether it is right: correctness is marked by hidden tests after submission. A failed check
shows our message, not a Python traceback. This module imports nothing heavy, so autograding
stays near nbgrader's own cost.
"""

from __future__ import annotations

from collections.abc import Sequence

NOT_ANSWERED = "You have not answered yet."


class AnswerFormatProblem(Exception):
    """The answer is not in the form the question asks for."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows these lines instead of a traceback (the same hook ipyparallel uses).
        return ["Check your answer: " + str(self)]


def _quoted(words: Sequence[str]) -> str:
    quoted = [f'"{w}"' for w in words]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else quoted[0]


def check_letter(answer: object, letters: str = "ABCD") -> None:
    """Pass quietly-friendly when ``answer`` is one of ``letters`` typed between quotes."""
    options = _quoted(list(letters))
    if type(answer) is not str:
        raise AnswerFormatProblem(
            f"type one letter between the quotes, for example \"{letters[0]}\". "
            f"Keep the quotes. Your answer should be one of {options}.")
    if not answer.strip():
        raise AnswerFormatProblem(
            f"{NOT_ANSWERED} Type one letter between the quotes: {options}. "
            "Then run the cell again.")
    if answer.strip().upper() not in letters:
        raise AnswerFormatProblem(f"\"{answer}\" is not one of the options. Type {options}.")
    print(f"✓ Your answer \"{answer.strip().upper()}\" is in the right form. "
          "It will be marked after you submit.")


def check_word(answer: object, words: Sequence[str]) -> None:
    """Pass when ``answer`` is one of ``words`` (any capitals, spaces around are fine)."""
    options = _quoted(list(words))
    if type(answer) is not str:
        raise AnswerFormatProblem(
            f"type one word between the quotes, for example \"{words[0]}\". Keep the quotes. "
            f"Your answer should be {options}.")
    if not answer.strip():
        raise AnswerFormatProblem(
            f"{NOT_ANSWERED} Type one word between the quotes: {options}. Then run the cell again.")
    if answer.strip().lower() not in words:
        raise AnswerFormatProblem(f"\"{answer}\" is not one of the words to choose from. "
                                  f"Type {options}.")
    print(f"✓ Your answer \"{answer.strip().lower()}\" is in the right form. "
          "It will be marked after you submit.")
