"""Friendly format checks for knowledge-check notebooks (the visible checks), and the one rule
for reading an answer as people type it.

A check looks at the *form* of an answer (a letter A to D, or one of the listed words) and never
says whether it is right: correctness is marked by hidden tests after the learner hands in.
Checks print a message and never raise, so Run All shows every message at once, and an honest
mistake (such as deleting the answer line) can never print code from the graded cell below.
This module imports nothing heavy, so autograding stays near nbgrader's own cost.

:data:`FORMS` is the rule for reading what people type (``"B."``, ``"(b)"``, ``"Option B"``,
``"Assertive."``): a chain of ``str`` methods. The visible check, ``workbook check``, the
second marking outside the kernel (``sources.is_right``) and the hidden check all use it; the
hidden check may not import this package, so sources.py writes the same chain into its cell
(:func:`rule_source`), and a test runs both on many inputs.

A typing slip in an answer cell (``answer_2_6 = A``, a missing quote, a sentence) makes that
cell fail, but answer cells carry the ``raises-exception`` tag, so Run All goes on to every
other check; the visible check below reads the answer cell's own source from the kernel's
input history and says what to type (:func:`written_form`).

:func:`written_answer` reads an answer from the cells' text without running anything: the
second marking (tutor/marking.py), marking from what is written (tutor/written.py) and the
browser edition's Mark my work (keymark.py) all use it.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

MISSING = object()
SLIP = object()
"""What :func:`literal` returns for an answer line that is not one plain text in quotes."""

FORMS: dict[str, tuple[tuple[str, ...], ...]] = {
    "letter": (("strip",), ("casefold",), ("removesuffix", "."), ("strip",),
               ("removeprefix", "option"), ("strip",), ("removeprefix", "("),
               ("removesuffix", ")"), ("strip",)),
    "word": (("strip",), ("casefold",), ("removesuffix", "."), ("strip",)),
}
"""How an answer is read, as ``str`` method calls in order: spaces and case do not matter, nor
a full stop at the end; a letter may also be written ``(b)``, ``b)`` or ``Option B``."""

ANSWER_LINE = re.compile(r"^[ \t>]*(answer_\d+_\d+)[ \t]*=(?!=)(.*)$", re.M)
"""A line that gives an answer variable a value, wherever it is written (a code cell, a text
cell, after a quote marker ``>``)."""


def normalise(value: object, kind: str) -> str | None:
    """The answer as the course reads it (see :data:`FORMS`); None when it is not plain text."""
    if type(value) is not str:
        return None
    for name, *args in FORMS[kind]:
        value = getattr(str, name)(value, *args)
    return value


def cell_grade_id(cell: Any) -> str:
    """A notebook cell's nbgrader id (a dict or an nbformat cell), or "" when it has none."""
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def rule_source(kind: str) -> str:
    """:data:`FORMS` as Python source, ``.strip().casefold()...``, for the hidden check."""
    return "".join(f".{name}({', '.join(_py(a) for a in args)})" for name, *args in FORMS[kind])


def _py(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def literal(expression: str) -> object:
    """The text an answer line's right-hand side gives (``"B"  # mine`` gives ``B``), or
    :data:`SLIP` when it is anything but one plain text in quotes."""
    try:
        tree = ast.parse("_ =" + expression)
    except SyntaxError:
        return SLIP
    value = tree.body[0].value if len(tree.body) == 1 else None
    if isinstance(value, ast.Constant) and type(value.value) is str:
        return value.value
    return SLIP


def written_form(source: str, name: str) -> object:
    """What the last line giving ``name`` a value in ``source`` says: its text, :data:`SLIP`,
    or :data:`MISSING` when no line gives it a value."""
    found = [m.group(2) for m in ANSWER_LINE.finditer(source) if m.group(1) == name]
    return literal(found[-1]) if found else MISSING


def _quoted(choices: Sequence[str]) -> str:
    quoted = [f'"{c}"' for c in choices]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else quoted[0]


def _caller_namespace() -> dict:
    # The notebook's own variables: the globals of the first caller outside this module.
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back
    return frame.f_globals if frame is not None else {}


def _last_input(name: str, namespace: dict) -> object:
    """What the most recent cell run that gives ``name`` a value wrote (IPython keeps every
    input run in ``_ih``): its text, :data:`SLIP`, or :data:`MISSING`."""
    history = namespace.get("_ih")
    if type(history) is not list:
        return MISSING
    for source in reversed(history):
        if type(source) is str and name in source:
            form = written_form(source, name)
            if form is not MISSING:
                return form
    return MISSING


def format_problem(value: object, name: str, choices: Sequence[str], kind: str) -> str | None:
    """Plain-English description of what is wrong with the form of an answer, or None."""
    options = _quoted(choices)
    what = f"one {kind}"
    example = f'{name} = "{choices[0]}"'
    if value is SLIP:
        return (f"The answer line is not written the right way. Type {what} between two "
                f"quotes, for example {example}, then run that cell again. Your answer should "
                f"be {options}.")
    if value is MISSING:
        return (f"The answer line is missing. The answer cell above should contain a line like "
                f"{example}. Type it back in with your answer, then run that cell again.")
    if type(value) is not str:
        return (f"Type {what} between the quotes, for example {example}. Keep the quotes. "
                f"Your answer should be {options}.")
    if not value.strip():
        return f"You have not answered yet. Type {what} between the quotes: {options}."
    if normalise(value, kind) not in {normalise(c, kind) for c in choices}:
        return f'"{value.strip()}" is not one of the choices. Type just {what}: {options}.'
    return None


def _report(name: str, choices: Sequence[str], kind: str, namespace: dict | None) -> None:
    namespace = _caller_namespace() if namespace is None else namespace
    value = namespace.get(name, MISSING)
    if _last_input(name, namespace) is SLIP:
        value = SLIP  # the answer cell failed, so the variable holds an older answer or none
    problem = format_problem(value, name, choices, kind)
    if problem:
        print(f"✗ Check your answer: {problem}")
    else:
        print(f'✓ Your answer "{value.strip()}" is in the right form. It will be marked after '
              "you hand in your work.")


def check_letter(name: str, letters: str = "ABCD", namespace: dict | None = None) -> None:
    """Print whether the variable ``name`` holds one of ``letters`` (read by :data:`FORMS`).
    Returns nothing, so the notebook shows only the message."""
    _report(name, list(letters), "letter", namespace)


def check_word(name: str, words: Sequence[str], namespace: dict | None = None) -> None:
    """Print whether the variable ``name`` holds one of ``words`` (read by :data:`FORMS`).
    Returns nothing, so the notebook shows only the message."""
    _report(name, list(words), "word", namespace)


def written_answer(sources: list[str], variable: str) -> str | None:
    """The answer as written: the string last given to ``variable`` by a plain line such as
    ``answer_2_3 = "B"`` at the top of a cell. None when there is none, or when anything else
    in these cells might set it (a loop, a function, ``globals()``, ``exec``)."""
    value: str | None = None
    for source in sources:
        effect = _what_cell_sets(source, variable)
        if effect is _UNKNOWN:
            return None
        if effect is not _UNCHANGED:
            value = effect
    return value


_UNCHANGED, _UNKNOWN = object(), object()


@lru_cache(maxsize=8192)
def _what_cell_sets(source: str, variable: str):
    """What one cell does to ``variable``: the string its last plain line gives it,
    ``_UNCHANGED``, or ``_UNKNOWN`` (it might set it some other way). Cached: every check in a
    notebook reads the cells before it, and most cells are the same for every learner."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return _UNCHANGED  # the kernel could not run it either
    owner = {id(node): statement for statement in tree.body for node in ast.walk(statement)}
    setters = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in SETTERS_BY_NAME:
            return _UNKNOWN
        if ((isinstance(node, ast.Name) and node.id == variable
             and isinstance(node.ctx, (ast.Store, ast.Del)))
                or (isinstance(node, (ast.Global, ast.Nonlocal)) and variable in node.names)
                or (isinstance(node, ast.alias)
                    and (node.asname or node.name.split(".")[0]) == variable)):
            setters.append(node)
    effect = _UNCHANGED
    for node in sorted(setters, key=lambda n: (getattr(n, "lineno", 0),
                                               getattr(n, "col_offset", 0))):
        statement = owner.get(id(node))
        plain = (isinstance(statement, ast.Assign) and node in statement.targets
                 and isinstance(statement.value, ast.Constant)
                 and type(statement.value.value) is str)
        if not plain:
            return _UNKNOWN
        effect = statement.value.value
    return effect


SETTERS_BY_NAME = frozenset({"globals", "locals", "vars", "exec", "eval", "setattr",
                             "__builtins__", "get_ipython", "compile", "__import__"})
"""Names through which code can set a variable without an assignment the reader can see."""
