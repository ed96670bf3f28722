"""Marking a notebook from what is written in it, when its kernel cannot run it.

Every knowledge-check answer is one plain literal (``answer_2_3 = "B"``), so it can be read
from the file without running anything. When a learner's notebook cannot be run to the end (its
code stops the kernel with ``os._exit``, hangs it past the time limit, or rewires it so that it
no longer answers), ``workbook autograde`` grades it again with :class:`MarkFromWritten` in place
of nbgrader's ``Execute``: nothing is run, and each hidden check is marked by the same rule as
tutor/marking.py's ``CrossCheck`` (``sources.is_right`` on the answer as written). nbgrader's
other steps run as usual, so the marks go into the gradebook as autograde scores and formgrader,
feedback, export and the reports see them.

An answer cell that holds code beyond a plain answer earns no mark here: that code is what
stopped the notebook, and without running it nobody can say what it would have done.
"""

from __future__ import annotations

import os

import nbformat
from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from ..checks import cell_grade_id
from .marking import NOT_MARKED_RIGHT, _course, code_beyond_answer, written_answer
from .sources import is_right

NO_MARK_FOR_CODE = "code in the answer cell"
"""Why a question got no mark from :class:`MarkFromWritten` although its answer may be right."""


class MarkFromWritten(NbGraderPreprocessor):
    """Stands in for nbgrader's Execute: runs nothing, and gives each hidden check the outcome
    the written answer earns (no output when right, the usual "did not earn the mark" error
    otherwise)."""

    course_root = Unicode("", help="The course folder (holding course_data/); default: the "
                          "current folder.").tag(config=True)

    def preprocess(self, nb, resources):
        unit = resources.get("nbgrader", {}).get("assignment", "")
        course = _course(self.course_root or self.config.CrossCheck.get("course_root")
                         or os.getcwd())
        assignment = course.assignments.get(unit)
        checks = {} if assignment is None else {c.grade_id: c for c in assignment.checks}
        with_code = {c.variable for c in checks.values()} & {
            cell_grade_id(cell) for cell in nb.cells
            if cell.cell_type == "code" and code_beyond_answer(cell.source, cell_grade_id(cell))}
        before: list[str] = []
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            cell.outputs = []
            cell.execution_count = None
            check = checks.get(cell_grade_id(cell))
            if check is not None:
                code = check.variable in with_code
                if code or not is_right(check, written_answer(before, check.variable)):
                    cell.outputs.append(new_output("error", ename="NotMarkedRight", evalue="",
                                                   traceback=[NOT_MARKED_RIGHT]))
                if code:
                    cell.metadata.setdefault("workbook", {})["no_mark"] = NO_MARK_FOR_CODE
            before.append(cell.source)
        nb.metadata.setdefault("workbook", {})["marked_from_written"] = True
        return nb, resources


def questions_with_code(path) -> list[str]:
    """The questions :class:`MarkFromWritten` gave no mark for their code, from the graded
    copy (``1.1`` for check_1_1)."""
    nb = nbformat.read(path, as_version=4)
    return [cell_grade_id(cell).removeprefix("check_").replace("_", ".") for cell in nb.cells
            if cell.get("metadata", {}).get("workbook", {}).get("no_mark") == NO_MARK_FOR_CODE]


def has_learner_code(nb) -> bool:
    """True when a notebook holds code of the learner's own: an answer cell with more than a
    plain answer, or a code cell the learner added. A failure to run such a notebook may be
    that code's doing; any other failure is not (and is worth a second try)."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        grade_id = cell_grade_id(cell)
        if grade_id.startswith("answer_"):
            if code_beyond_answer(cell.source, grade_id):
                return True
        elif not grade_id and any(line.strip() and not line.strip().startswith("#")
                                  for line in cell.source.splitlines()):
            return True
    return False
