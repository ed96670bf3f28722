"""Simulated learners: fill a released knowledge-check notebook with chosen answers.

Used by the pipeline tests (and by demos) to make submissions exactly as a learner's edited
notebook would look, without a browser.
"""

from __future__ import annotations

import copy
import json

import nbformat

from ..content.records import Assignment


def right_answers(assignment: Assignment) -> dict[str, str]:
    """Answer variable to the right answer, typed as a learner would (a quoted literal)."""
    return {c.variable: json.dumps(c.answer) for c in assignment.checks}


def wrong_answers(assignment: Assignment) -> dict[str, str]:
    """Answer variable to a well-formed but wrong answer."""
    wrong = {}
    for check in assignment.checks:
        choices = [x for x in check.choices if x != check.answer]
        wrong[check.variable] = json.dumps(choices[0])
    return wrong


def fill(released: nbformat.NotebookNode, answers: dict[str, str],
         reflections: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """A copy of the released notebook with answer cells set.

    ``answers`` maps an answer variable (``answer_2_3``) to the code a learner typed after
    ``=``, or to a whole cell source when it contains a newline (for hostile submissions).
    ``reflections`` maps a reflection's grade id to its text.
    """
    nb = copy.deepcopy(released)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.cell_type == "code" and grade_id in answers:
            value = answers[grade_id]
            if "\n" in value:
                cell.source = value
            else:
                cell.source = cell.source.replace(f'{grade_id} = ""', f"{grade_id} = {value}")
        elif cell.cell_type == "markdown" and reflections and grade_id in reflections:
            cell.source = reflections[grade_id]
    return nb
