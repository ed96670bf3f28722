"""The learner's check before handing in a knowledge check: `workbook check <notebook>`.

It compares the learner's notebook with the released version of the same unit and says, in
plain words, what would stop it being marked properly: answer, check or reflection cells that
were deleted (or lost their labels), duplicated, moved or changed into another kind of cell,
marking cells that were edited, answers not written as one of the choices (checks.FORMS),
questions not answered yet and reflections left empty. With ``--restore`` it writes a repaired
copy next to the notebook (:func:`recover`): the released cells put back where they belong,
every answer the learner wrote anywhere in the file put in its cell. The learner's own file is
never changed. Autograde repairs hand-ins the same way (tutor/integrity.py).
"""

from __future__ import annotations

import ast
import copy
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .checks import (
    ANSWER_LINE,
    MISSING,
    cell_grade_id,
    format_problem,
    literal,
    normalise,
    written_form,
)

STUB = "Write your answer here, in your own words. (Replace this line.)"
_UNIT = re.compile(r"^(?:answer|check|reflection)_(\d+)_")


@dataclass
class CheckReport:
    notebook: Path
    unit: str
    problems: list[str] = field(default_factory=list)
    """Things that would stop the work being marked properly."""
    reminders: list[str] = field(default_factory=list)
    """Things still to do: unanswered questions, empty reflections."""
    forms: list[str] = field(default_factory=list)
    """Answers not written in an allowed form (a slip, a sentence, a word not in the list)."""
    damage: list[tuple[str, str]] = field(default_factory=list)
    """The problems as (kind, grade id): deleted, doubled, retyped, edited or moved."""

    @property
    def ready(self) -> bool:
        return not self.problems and not self.reminders and not self.forms

    def text(self) -> str:
        lines = [f"Checked {self.notebook.name} ({self.unit})."]
        if self.ready:
            lines.append("Everything is in place and answered. You can hand it in.")
            return "\n".join(lines)
        if self.problems or self.forms:
            lines.append("Please fix these before you hand it in:")
            lines += [f"  - {p}" for p in self.problems + self.forms]
        if self.reminders:
            lines.append("Still to do:")
            lines += [f"  - {r}" for r in self.reminders]
        if self.problems:
            lines.append("To put missing or changed cells back without losing your answers, "
                         f"run: workbook check {self.notebook} --restore")
        return "\n".join(lines)



def describe(grade_id: str) -> str:
    kind, _, rest = grade_id.partition("_")
    number = rest.replace("_", ".")
    if kind == "answer":
        return f"the answer cell for question {number}"
    if kind == "check":
        return f"the marking cell for question {number}"
    if kind == "reflection":
        unit, _, item = rest.partition("_")
        return f"the box for written answer {unit}.r{item}"
    return f"the cell {grade_id!r}"


def guess_unit(nb) -> str | None:
    """The unit a notebook is for, from its cells' grade ids or, when they have lost their
    labels, from its answer lines."""
    for cell in nb.cells:
        match = _UNIT.match(cell_grade_id(cell))
        if match:
            return f"unit{match.group(1)}"
    for cell in nb.cells:
        match = ANSWER_LINE.search(cell.get("source", "") or "")
        if match:
            return "unit" + match.group(1).split("_")[1]
    return None


def choices_of(released) -> dict[str, tuple[str, list[str]]]:
    """Each answer variable's kind and choices, read from the released visible checks
    (``check_letter("answer_1_1", "ABCD")``, ``check_word("answer_1_2", [...])``)."""
    found = {}
    for cell in released.cells:
        if not cell_grade_id(cell).startswith("format_"):
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("check_letter", "check_word")):
                args = [ast.literal_eval(a) for a in node.args]
                if node.func.id == "check_letter":
                    found[args[0]] = ("letter", list(args[1] if len(args) > 1 else "ABCD"))
                else:
                    found[args[0]] = ("word", list(args[1]))
    return found


def check_notebook(path: Path, course_root: Path, unit: str | None = None) -> CheckReport:
    """Compare a learner's notebook with release/<unit>/<unit>.ipynb."""
    path = Path(path)
    try:
        nb = read_quietly(path)
    except FileNotFoundError:
        raise ValueError(f"there is no file at {path}") from None
    except Exception as error:
        raise ValueError(f"{path.name} could not be read as a notebook ({error}). Ask your tutor "
                         "for help; do not hand in this file.") from None
    unit = unit or guess_unit(nb)
    if unit is None:
        raise ValueError(f"{path.name} does not look like a knowledge check (it has no answer "
                         "cells). Check you chose the right file.")
    released = read_quietly(Path(course_root) / "release" / unit / f"{unit}.ipynb")
    return check_cells(nb, released, path, unit)


def check_cells(nb, released, path: Path, unit: str) -> CheckReport:
    """:func:`check_notebook` for notebooks already read."""
    report = CheckReport(path, unit)
    expected = {cell_grade_id(c): c for c in released.cells if cell_grade_id(c)}
    counts = Counter(cell_grade_id(c) for c in nb.cells if cell_grade_id(c))
    mine = {cell_grade_id(c): c for c in nb.cells if cell_grade_id(c)}
    important = [g for g in expected if _important(g)]

    def damaged(kind: str, grade_id: str, sentence: str) -> None:
        report.problems.append(f"{describe(grade_id).capitalize()} {sentence}")
        report.damage.append((kind, grade_id))

    for grade_id in important:
        if grade_id not in mine:
            damaged("deleted", grade_id, "has been deleted (or has lost its label).")
        elif counts[grade_id] > 1:
            damaged("doubled", grade_id, f"appears {counts[grade_id]} times; keep only one.")
        elif mine[grade_id].cell_type != expected[grade_id].cell_type:
            was = "a code cell" if expected[grade_id].cell_type == "code" else "a text cell"
            damaged("retyped", grade_id, f"has been changed into another kind of cell; it "
                    f"must be {was}.")
        elif grade_id.startswith("check_") and mine[grade_id].source != expected[grade_id].source:
            damaged("edited", grade_id, "has been edited; it must stay exactly as it was given "
                    "to you.")
    order = [g for g in map(cell_grade_id, nb.cells) if g in expected and counts[g] == 1]
    for grade_id in _moved(order, [g for g in expected if g in set(order)]):
        if _important(grade_id):
            damaged("moved", grade_id, "has been moved; it must stay where it was, under its "
                    "question.")
    choices = choices_of(released)
    for grade_id in important:
        cell = mine.get(grade_id)
        if cell is None or counts[grade_id] > 1:
            continue
        if grade_id.startswith("answer_"):
            form = written_form(cell.source, grade_id)
            number = grade_id[7:].replace("_", ".")
            if form is MISSING or (type(form) is str and not form.strip()):
                report.reminders.append(f"Question {number} is not answered yet.")
            elif grade_id in choices:
                kind, allowed = choices[grade_id]
                problem = format_problem(form, grade_id, allowed, kind)
                if problem:
                    report.forms.append(f"Question {number}: {problem}")
        elif grade_id.startswith("reflection_") and cell.cell_type == "markdown":
            if not _meaningful(cell.source):
                number, _, item = grade_id.removeprefix("reflection_").partition("_")
                report.reminders.append(f"Written answer {number}.r{item} is empty.")
    return report


def _important(grade_id: str) -> bool:
    return grade_id.split("_")[0] in ("answer", "check", "reflection")


def _moved(mine: list[str], expected: list[str]) -> list[str]:
    """The grade ids out of the release's order: those outside the longest run of ids that
    are in order (one cell dragged elsewhere names that cell, not everything it passed)."""
    place = {g: i for i, g in enumerate(expected)}
    seen = [g for g in dict.fromkeys(mine) if g in place]
    best: list[list[str]] = []
    for grade_id in seen:
        longest = max((run for run in best if place[run[-1]] < place[grade_id]), key=len,
                      default=[])
        best.append([*longest, grade_id])
    keep = set(max(best, key=len, default=[]))
    return [g for g in seen if g not in keep]


@dataclass(frozen=True)
class Found:
    """One line giving an answer variable a value, somewhere in a learner's notebook."""

    cell: int
    line: str
    """The line as written, from the variable on: ``answer_1_2 = "C"``."""
    value: object
    """Its text, or checks.SLIP when it is not one plain text in quotes."""
    own: bool
    """Whether it is in the question's own answer cell (its grade id, a code cell)."""

    @property
    def answered(self) -> bool:
        return not (type(self.value) is str and not self.value.strip())

    @property
    def key(self) -> str:
        """What makes two answers the same answer ("B" and "b." are)."""
        if type(self.value) is str:
            return normalise(self.value, "letter")
        return self.line.partition("=")[2].strip()


def found_answers(nb) -> dict[str, list[Found]]:
    """Every line in the notebook that gives an answer variable a value, by variable, in file
    order: in any cell of any type, with or without metadata (the last such line of a cell,
    as running the cell would leave it)."""
    found: dict[str, list[Found]] = {}
    for index, cell in enumerate(nb.cells):
        source = cell.get("source", "")
        if not isinstance(source, str) or "answer_" not in source:
            continue
        last = {m.group(1): m for m in ANSWER_LINE.finditer(source)}
        for variable, match in last.items():
            own = cell.get("cell_type") == "code" and cell_grade_id(cell) == variable
            found.setdefault(variable, []).append(Found(
                index, f"{variable} ={match.group(2)}", literal(match.group(2)), own))
    return found


def choose(found: list[Found]) -> Found | None:
    """The answer that counts: the last answered one in the question's own answer cell, else
    the last answered one anywhere (what Run All leaves), else the first unanswered line."""
    answered = [f for f in found if f.answered]
    own = [f for f in answered if f.own]
    if own or answered:
        return (own or answered)[-1]
    return found[0] if found else None


def written_answers(nb) -> dict[str, str]:
    """The answer written for each question, by answer variable (``answer_2_3``, also the
    answer cell's grade id), read from the file as :func:`recover` reads it: for marking
    without a kernel. A question whose chosen line is not plain text in quotes is left out."""
    chosen = {v: choose(f) for v, f in found_answers(nb).items()}
    return {v: f.value for v, f in chosen.items() if f is not None and type(f.value) is str}


def _meaningful(text: str) -> bool:
    text = text.strip()
    return bool(text) and text != STUB and not text.startswith("*The learner writes")


def _first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0].strip()


def _reflection_texts(nb, released, grade_id: str) -> tuple[list[str], bool]:
    """The learner's text for a reflection and whether its own cell was found: by grade id
    (any kind of cell), else the cell under its prompt (found by grade id or by heading)."""
    own = [c for c in nb.cells if cell_grade_id(c) == grade_id]
    if own:
        return list(dict.fromkeys(c.source.strip() for c in own if _meaningful(c.source))), True
    place = next(i for i, c in enumerate(released.cells) if cell_grade_id(c) == grade_id)
    prompt = next((c for c in released.cells if cell_grade_id(c) == f"prompt_{grade_id}"),
                  released.cells[place - 1])
    after = released.cells[place + 1:place + 2]
    heading = _first_line(prompt.source)
    known = {c.source.strip() for c in released.cells}
    headings = {_first_line(c.source) for c in released.cells if c.source.strip()}

    def released_cell(cell) -> bool:
        return (bool(cell_grade_id(cell)) or cell.source.strip() in known
                or _first_line(cell.source) in headings or bool(ANSWER_LINE.search(cell.source)))

    for index, cell in enumerate(nb.cells[:-1]):
        if cell_grade_id(cell) == cell_grade_id(prompt) or _first_line(cell.source) == heading:
            below = nb.cells[index + 1]
            # The cell after it must be the released cell that follows the reflection (or
            # something unknown): cells in another order would give it another's text.
            beyond = nb.cells[index + 2:index + 3]
            fits = not beyond or not released_cell(beyond[0]) or bool(after) and (
                cell_grade_id(beyond[0]) == cell_grade_id(after[0])
                or _first_line(beyond[0].source) == _first_line(after[0].source))
            if _meaningful(below.source) and not released_cell(below) and fits:
                return [below.source.strip()], False
            return [], False
    return [], False


def _question(grade_id: str) -> str:
    kind, _, rest = grade_id.partition("_")
    if kind == "reflection":
        unit, _, item = rest.partition("_")
        return f"written answer {unit}.r{item}"
    return f"question {rest.replace('_', '.')}"


@dataclass(frozen=True)
class Recovery:
    """A damaged notebook put back into the released shape, and what became of the answers."""

    notebook: nbformat.NotebookNode
    moved: tuple[str, ...] = ()
    """Questions and written answers whose text was found outside their own cell."""
    unclear: tuple[str, ...] = ()
    """One sentence for each question with two different answers, naming what was marked."""
    lost: tuple[str, ...] = ()
    """Questions and written answers whose own cell is gone and whose text is nowhere."""

    @property
    def all_kept(self) -> bool:
        return not self.unclear and not self.lost


def recover(nb, released) -> Recovery:
    """The released notebook with every answer and reflection the learner wrote put in its
    cell, wherever it was found in ``nb`` (:func:`found_answers`, :func:`_reflection_texts`)."""
    found = found_answers(nb)
    repaired = copy.deepcopy(released)
    moved, unclear, lost = [], [], []
    for cell in repaired.cells:
        grade_id = cell_grade_id(cell)
        if grade_id.startswith("answer_"):
            candidates = found.get(grade_id, [])
            pick = choose(candidates)
            if pick is None:
                if not any(cell_grade_id(c) == grade_id for c in nb.cells):
                    lost.append(_question(grade_id))
                continue
            keys = list(dict.fromkeys(f.key for f in candidates if f.answered))
            if len(keys) > 1:
                seen = [f.line.partition("=")[2].strip() for f in candidates if f.answered]
                where = "the last in an answer cell" if pick.own else "the last in the file"
                unclear.append(f"{_question(grade_id)} has {len(keys)} different answers "
                               f"({', '.join(dict.fromkeys(seen))}); marked "
                               f"{pick.line.partition('=')[2].strip()}, {where}")
            if pick.own:
                cell.source = nb.cells[pick.cell].source
                continue
            holder = nb.cells[pick.cell]
            if pick.answered and cell_grade_id(holder) != grade_id and (
                    holder.cell_type != "code" or cell_grade_id(holder)):
                moved.append(_question(grade_id))  # in a text cell or another's cell
            lines = cell.source.split("\n")
            stub = next((i for i, line in enumerate(lines)
                         if line.startswith(f"{grade_id} =")), None)
            if stub is None:
                lines.append(pick.line)
            else:
                lines[stub] = pick.line
            cell.source = "\n".join(lines)
        elif grade_id.startswith("reflection_"):
            texts, own = _reflection_texts(nb, released, grade_id)
            if texts:
                cell.source = "\n\n".join(texts)
                if len(texts) > 1:
                    unclear.append(f"{_question(grade_id)} was written in {len(texts)} "
                                   "places; all are kept, one after the other")
            elif not own:
                lost.append(_question(grade_id))
    return Recovery(repaired, tuple(moved), tuple(unclear), tuple(lost))


def read_quietly(path: Path) -> nbformat.NotebookNode:
    """nbformat.read without its warnings and logged errors (duplicate or missing cell ids, a
    text cell with outputs): the damage is named in plain words, once, instead."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return nbformat.read(path, as_version=4, capture_validation_error={})


def recover_file(path: Path, course_root: Path, unit: str | None = None) -> Recovery:
    """:func:`recover` for a notebook file, against release/<unit>/<unit>.ipynb."""
    nb = read_quietly(Path(path))
    unit = unit or guess_unit(nb)
    return recover(nb, read_quietly(Path(course_root) / "release" / unit / f"{unit}.ipynb"))


def write_quietly(nb: nbformat.NotebookNode, path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nbformat.write(nb, path, capture_validation_error={})


def restore(path: Path, course_root: Path, unit: str | None = None) -> tuple[Path, Recovery]:
    """Write <name>-restored.ipynb: the released notebook with every answer and reflection the
    learner wrote put back in its cell (:func:`recover`); return where, and what was found."""
    target = Path(path).with_name(f"{Path(path).stem}-restored.ipynb")
    recovery = recover_file(path, course_root, unit)
    write_quietly(recovery.notebook, target)
    return target, recovery
