"""What the course adds to nbgrader's autograde, after the learner's notebook has run.

- :class:`CrossCheck` marks every knowledge check a second time, outside the learner's kernel,
  from the answer as written in the notebook. nbgrader gives a mark when the hidden check cell
  shows no error, and code in the same kernel can change that (an IPython input or AST
  transformer that deletes the check's ``raise``, ``globals()`` tricks). A mark now stands only
  when the hidden check passed *and* the written answer is right; where the kernel passed a
  wrong written answer, the check cell gets the usual "did not earn the mark" error and the
  tutor is told (tutor/integrity.py reads the note this leaves in the cell's metadata).
- :class:`LimitOutputSize` does what nbgrader's ``LimitOutput`` does (at most 1,000 lines per
  cell) and also cuts any cell's output to :data:`MAX_CHARACTERS` characters, so one line of
  50 MB cannot make a feedback page that will not open. The size before cutting is noted.

- :class:`ExecutionTags` runs before the notebook is executed and removes any
  ``skip-execution`` or ``raises-exception`` tag a learner put on a cell (nbclient skips a cell
  tagged ``skip-execution``), so no cell, and no hidden check, can be left unrun. The visible
  format checks are run as well: their message ("You have not answered yet.") is part of the
  feedback.

All are switched on in nbgrader_config.py (``c.Autograde.sanitize_preprocessors`` and
``c.Autograde.autograde_preprocessors``).
"""

from __future__ import annotations

import ast
import builtins
import os
from functools import lru_cache
from pathlib import Path

from nbformat.v4 import new_output
from nbgrader.preprocessors import LimitOutput, NbGraderPreprocessor
from traitlets import Unicode

from ..checks import cell_grade_id, written_answer
from .sources import is_right

MAX_CHARACTERS = 20_000
"""Characters of output kept per cell in the autograded notebook and the feedback page."""

NOT_MARKED_RIGHT = "This answer did not earn the mark."
"""The one sentence a learner sees for a check that did not earn its mark (as in sources.py)."""



BUILTIN_NAMES = frozenset(dir(builtins))


def code_beyond_answer(source: str, variable: str) -> list[str]:
    """What an answer cell holds besides comments and plain ``variable = "text"`` lines, in a
    few words each (empty for an ordinary answer). For the tutor's note, not for marking."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []  # a typing slip, not a trick; the visible check tells the learner
    found: list[str] = []

    def add(text: str) -> None:
        if text not in found:
            found.append(text)

    for node in tree.body:
        if (isinstance(node, ast.Assign) and isinstance(node.value, (ast.Constant, ast.Name))
                and all(isinstance(t, ast.Name) and t.id == variable for t in node.targets)):
            continue  # an answer, or a typing slip (``answer_2_6 = A``, quotes deleted)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            add("imports " + ", ".join(a.name for a in node.names) if isinstance(node, ast.Import)
                else f"imports from {node.module}")
        elif isinstance(node, ast.ClassDef):
            add(f"defines a class {node.name}")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            add(f"defines a function {node.name}")
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            changed = [ast.unparse(t) for t in targets if not isinstance(t, ast.Name)]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if changed:
                add("changes " + " and ".join(changed))
            for name in names:
                if name in BUILTIN_NAMES:
                    add("replaces the built-in " + name)
                elif name == variable:
                    add(f"sets {variable} to something other than text in quotes")
                else:
                    add(f"sets another variable ({name})")
        elif isinstance(node, (ast.While, ast.For, ast.AsyncFor)):
            add("has a loop")
        else:
            add("runs other code")
    builtins_replaced = [x.removeprefix("replaces the built-in ") for x in found
                         if x.startswith("replaces the built-in ")]
    if len(builtins_replaced) > 1:
        first = found.index("replaces the built-in " + builtins_replaced[0])
        found = [x for x in found if not x.startswith("replaces the built-in ")]
        found.insert(first, "replaces the built-ins " + " and ".join(
            [", ".join(builtins_replaced[:-1]), builtins_replaced[-1]]))
    return found


@lru_cache(maxsize=4)
def _course(root: str):
    from ..content import load_course

    return load_course(Path(root))


class CrossCheck(NbGraderPreprocessor):
    """Take away a mark the kernel gave to a written answer that is not right."""

    course_root = Unicode("", help="The course folder (holding course_data/); default: the "
                          "current folder.").tag(config=True)

    def preprocess(self, nb, resources):
        unit = resources.get("nbgrader", {}).get("assignment", "")
        course = _course(self.course_root or os.getcwd())
        assignment = course.assignments.get(unit)
        if assignment is None:
            return nb, resources
        checks = {check.grade_id: check for check in assignment.checks}
        before: list[str] = []
        for cell in nb.cells:
            check = checks.get(cell_grade_id(cell))
            if check is not None and cell.cell_type == "code":
                passed = not any(o.get("output_type") == "error" for o in cell.get("outputs", []))
                if passed and not is_right(check, written_answer(before, check.variable)):
                    cell.outputs.append(new_output("error", ename="NotMarkedRight", evalue="",
                                                   traceback=[NOT_MARKED_RIGHT]))
                    cell.metadata.setdefault("workbook", {})["cross_check"] = (
                        "passed in the notebook, but the answer written there is not right")
            if cell.cell_type == "code":
                before.append(cell.source)
        return nb, resources


EXECUTION_TAGS = ("skip-execution", "raises-exception")


class ExecutionTags(NbGraderPreprocessor):
    """Every cell runs: tags that would skip a cell, or run on past its error, are removed."""

    def preprocess_cell(self, cell, resources, cell_index):
        if "tags" in cell.metadata:
            cell.metadata["tags"] = [t for t in cell.metadata["tags"] if t not in EXECUTION_TAGS]
        return cell, resources


class LimitOutputSize(LimitOutput):
    """nbgrader's line limit, then at most MAX_CHARACTERS characters of output per cell."""

    def preprocess_cell(self, cell, resources, cell_index):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if cell.cell_type != "code":
            return cell, resources
        total = sum(len(o.get("text", "")) + sum(len(str(v)) for v in o.get("data", {}).values())
                    for o in cell.outputs)
        if total <= MAX_CHARACTERS:
            return cell, resources
        room = MAX_CHARACTERS
        kept = []
        for output in cell.outputs:
            if output.output_type == "stream":
                if room <= 0:
                    continue
                if len(output.text) > room:
                    output.text = output.text[:room] + "\n... Output cut here (too long) ...\n"
                room -= len(output.text)
                kept.append(output)
            elif output.output_type in ("display_data", "execute_result"):
                size = sum(len(str(v)) for v in output.get("data", {}).values())
                if size > room:
                    kept.append(new_output("stream", name="stdout",
                                           text="... Output cut here (too long) ...\n"))
                    room = 0
                    continue
                room -= size
                kept.append(output)
            else:
                kept.append(output)
        cell.outputs = kept
        cell.metadata.setdefault("workbook", {})["output_characters"] = total
        return cell, resources
