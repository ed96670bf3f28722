"""Friendly format checks for knowledge-check notebooks (the visible checks).

A check looks at the *form* of an answer (a letter A to D, or one of the listed words) and never
says whether it is right: correctness is marked by hidden tests after the learner hands in.
Checks print a message and never raise, so Run All shows every message at once, and an honest
mistake (such as deleting the answer line) can never print code from the graded cell below.
This module imports nothing heavy, so autograding stays near nbgrader's own cost.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

MISSING = object()


def _quoted(choices: Sequence[str]) -> str:
    quoted = [f'"{c}"' for c in choices]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else quoted[0]


def _learner_value(name: str, namespace: dict | None) -> object:
    if namespace is None:
        # The notebook's own variables: the globals of the first caller outside this module.
        frame = sys._getframe(1)
        while frame is not None and frame.f_globals.get("__name__") == __name__:
            frame = frame.f_back
        namespace = frame.f_globals if frame is not None else {}
    return namespace.get(name, MISSING)


def format_problem(value: object, name: str, choices: Sequence[str], what: str) -> str | None:
    """Plain-English description of what is wrong with the form of an answer, or None."""
    options = _quoted(choices)
    example = f'{name} = "{choices[0]}"'
    if value is MISSING:
        return (f"The answer line is missing. The answer cell above should contain a line like "
                f"{example}. Type it back in with your answer, then run that cell again.")
    if type(value) is not str:
        return (f"Type {what} between the quotes, for example {example}. Keep the quotes. "
                f"Your answer should be {options}.")
    if not value.strip():
        return f"You have not answered yet. Type {what} between the quotes: {options}."
    if value.strip().casefold() not in {c.casefold() for c in choices}:
        return f'"{value}" is not one of the choices. Type {options}.'
    return None


def _report(name: str, choices: Sequence[str], what: str, namespace: dict | None) -> None:
    value = _learner_value(name, namespace)
    problem = format_problem(value, name, choices, what)
    if problem:
        print(f"✗ Check your answer: {problem}")
    else:
        print(f'✓ Your answer "{value.strip()}" is in the right form. It will be marked after '
              "you hand in your work.")


def check_letter(name: str, letters: str = "ABCD", namespace: dict | None = None) -> None:
    """Print whether the variable ``name`` holds one of ``letters`` (any case, spaces allowed).
    Returns nothing, so the notebook shows only the message."""
    _report(name, list(letters), "one letter", namespace)


def check_word(name: str, words: Sequence[str], namespace: dict | None = None) -> None:
    """Print whether the variable ``name`` holds one of ``words`` (any case, spaces allowed).
    Returns nothing, so the notebook shows only the message."""
    _report(name, list(words), "one word", namespace)
