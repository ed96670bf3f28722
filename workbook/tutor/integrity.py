"""Checking submissions before autograde, so one bad file never stops a run or costs work.

Each submission in submitted/<learner>/<unit>/ is looked at before nbgrader runs. A learner's
problems get one line for the tutor (learner, unit, what is wrong, what was done, for each
problem in turn; :func:`one_line_each`), nbformat's own warnings are not shown, and:

- a file that cannot be graded at all (empty, not a notebook, not UTF-8, missing) is left
  exactly as it is and that learner is left out of this run, so everyone else is graded;
- a notebook saved under another name is graded as if it had the right name (a copy is made;
  the learner's file stays);
- extra notebooks are left alone and not graded;
- cells that lost their labels, deleted, doubled, retyped or moved answer, marking or
  written-answer cells, and edited marking cells, are put back from the released version with
  every answer still written anywhere in the file (presubmit.recover); the line says "every
  answer kept" only when every one was, and names any question with two different answers or
  none. The learner's own file is kept beside it as <unit>.original.ipynb, and a re-run
  repairs again from that file;
- text that is not UTF-8 (often pasted from an older program into a written answer) is read
  as Windows-1252 and graded, the learner's own file kept;
- answer cells holding code beyond a plain answer (a class with a rigged ``__eq__``, a ``str``
  subclass, replaced built-ins or helpers, hooks into the kernel) are named for the tutor.
  They are marked as usual: the hidden checks accept only plain text, and tutor/marking.py
  marks each check a second time from the answer as written, outside the kernel.

After autograde, :func:`after` reads the graded copies and adds a line for a cell stopped by
the time limit, output cut because it was too long, a mark the second marking took away and a
notebook autograde could not finish.
"""

from __future__ import annotations

import codecs
import re
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..presubmit import (
    Recovery,
    check_notebook,
    describe,
    read_quietly,
    recover_file,
    write_quietly,
)
from .marking import code_beyond_answer


def unusual_answer_cells(path: Path) -> str:
    """'' for ordinary answers; otherwise which answer cells hold code and what it does."""
    nb = read_quietly(path)
    parts = []
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.startswith("answer_") and cell.cell_type == "code":
            found = code_beyond_answer(cell.source, grade_id)
            if found:
                number = grade_id.removeprefix("answer_").replace("_", ".")
                parts.append(f"question {number} ({'; '.join(found)})")
    if not parts:
        return ""
    return "answer cells hold code, not just an answer: " + ", ".join(parts)


@dataclass(frozen=True)
class Finding:
    learner: str
    unit: str
    problem: str
    action: str

    @property
    def line(self) -> str:
        return f"{self.learner}, {self.unit}: {self.problem}. {self.action}."


def one_line_each(findings: list[Finding]) -> list[Finding]:
    """One finding per learner and unit, in the order first met, saying all of theirs in
    turn: the tutor reads one NOTE line for each learner with problems."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.learner, finding.unit), []).append(finding)
    merged = []
    for (learner, unit), (first, *rest) in groups.items():
        action = first.action + "".join(
            f". {f.problem[0].upper()}{f.problem[1:]}. {f.action}" for f in rest)
        merged.append(Finding(learner, unit, first.problem, action))
    return merged


_DAMAGE = {"deleted": "cells deleted or without their labels", "doubled": "cells doubled",
           "retyped": "cells changed into another kind of cell",
           "edited": "marking cells edited", "moved": "cells moved out of place"}
_CELL = {"answer": ("answer", "answers"), "check": ("marking cell", "marking cells"),
         "reflection": ("written answer", "written answers")}


def _numbers(grade_ids: list[str]) -> str:
    """``answer_1_1 ... answer_1_8, check_1_2`` as ``answers 1.1 to 1.8, marking cell 1.2``."""
    by_kind: dict[str, list[tuple[int, int]]] = {}
    for grade_id in grade_ids:
        kind, unit, item = grade_id.split("_")
        by_kind.setdefault(kind, []).append((int(unit), int(item)))
    parts = []
    for kind, numbers in by_kind.items():
        one, many = _CELL[kind]
        sep = ".r" if kind == "reflection" else "."
        runs: list[list[tuple[int, int]]] = []
        for number in sorted(numbers):
            if runs and number == (runs[-1][-1][0], runs[-1][-1][1] + 1):
                runs[-1].append(number)
            else:
                runs.append([number])
        named = [f"{r[0][0]}{sep}{r[0][1]}" + (f" to {r[-1][0]}{sep}{r[-1][1]}" if len(r) > 2
                                               else f", {r[-1][0]}{sep}{r[-1][1]}" if len(r) == 2
                                               else "") for r in runs]
        parts.append(f"{many if len(numbers) > 1 else one} {', '.join(named)}")
    return ", ".join(parts)


def damage_line(damage: list[tuple[str, str]]) -> str:
    """What was wrong with a notebook's cells, in one clause per kind of damage."""
    kinds: dict[str, list[str]] = {}
    for kind, grade_id in damage:
        kinds.setdefault(kind, []).append(grade_id)
    return "; ".join(f"{_DAMAGE[kind]} ({_numbers(ids)})" for kind, ids in kinds.items())


def repair_line(recovery: Recovery, original: str) -> str:
    """What the repair did with the learner's answers: "kept" only when every one was."""
    if recovery.all_kept:
        text = "Put back from the release with every answer kept"
        if recovery.moved:
            text += f" ({', '.join(recovery.moved)} found elsewhere in the file)"
    else:
        said = list(recovery.unclear) + [
            f"{q} has no answer anywhere in the file, so it is marked as not answered"
            for q in recovery.lost]
        text = "Put back from the release; " + "; ".join(said)
        if recovery.moved:
            text += f"; {', '.join(recovery.moved)} found elsewhere in the file"
        text += "; every other answer kept"
    return f"{text}. Their own file is kept as {original}"


def _windows_bytes(error: UnicodeDecodeError) -> tuple[str, int]:
    bad = error.object[error.start:error.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or bytes([b]).decode("latin-1")
                   for b in bad), error.end


codecs.register_error("workbook-windows", _windows_bytes)


def legacy_text(data: bytes) -> str:
    """A notebook that is not all UTF-8: the UTF-8 parts as they are, each byte that is not
    UTF-8 read as Windows-1252 (what such text usually is; Latin-1 where that has no letter)."""
    return data.decode("utf-8", errors="workbook-windows")


def cell_at(data: bytes, offset: int) -> str:
    """Which graded cell holds the byte at ``offset`` of a notebook file (nbformat writes a
    cell's metadata, with its grade_id, before its source)."""
    found = re.findall(rb'"grade_id": "([A-Za-z0-9_]+)"', data[:offset])
    return describe(found[-1].decode("ascii")) if found else "a cell"


def _restored_here(path: Path) -> bool:
    """Whether ``path`` is a repair :func:`prepare` wrote (not a newer hand-in)."""
    try:
        nb = read_quietly(path)
    except Exception:
        return False
    return "restored_from" in nb.metadata.get("workbook", {})


def prepare(course_dir: Path, unit: str) -> tuple[list[Finding], list[str]]:
    """Look at every submission of a unit; return the findings and the learners to leave out."""
    with warnings.catch_warnings():
        # nbformat warns about each duplicate or missing cell id it reads; the damage is
        # named for the tutor once, in plain words, instead.
        warnings.simplefilter("ignore")
        return _prepare(course_dir, unit)


def _prepare(course_dir: Path, unit: str) -> tuple[list[Finding], list[str]]:
    findings: list[Finding] = []
    skip: list[str] = []
    submitted = Path(course_dir) / "submitted"
    if not submitted.is_dir():
        return findings, skip
    for learner_dir in sorted(p for p in submitted.iterdir() if (p / unit).is_dir()):
        learner, folder = learner_dir.name, learner_dir / unit
        expected = folder / f"{unit}.ipynb"
        notebooks = sorted(p for p in folder.glob("*.ipynb")
                           if not p.name.endswith((".original.ipynb", "-restored.ipynb")))

        def note(problem: str, action: str, learner: str = learner) -> None:
            findings.append(Finding(learner, unit, problem, action))

        renamed = None
        if not expected.exists():
            if len(notebooks) == 1:
                renamed = notebooks[0]
                shutil.copy2(renamed, expected)
                note(f"the notebook was saved as {renamed.name}",
                     f"Graded it as {expected.name} (a copy; their file is kept)")
            else:
                names = ", ".join(p.name for p in notebooks) or "no notebook at all"
                note(f"there is no {expected.name} ({names})",
                     "Not graded; ask the learner to hand in the right file")
                skip.append(learner)
                continue
        extra = [p.name for p in notebooks if p.name != expected.name and p != renamed]
        if extra:
            note(f"extra notebooks were handed in ({', '.join(extra)})",
                 f"Only {expected.name} was graded; the others are kept")
        original = folder / f"{unit}.original.ipynb"
        if original.is_file() and _restored_here(expected):
            # A re-run: start again from the learner's own file, so the repair and its NOTE
            # are the same every time.
            shutil.copy2(original, expected)
        data = expected.read_bytes()
        if not data.strip():
            note("the notebook file is empty", "Not graded; the file is kept as it was")
            skip.append(learner)
            continue
        kept = False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            text = legacy_text(data)
            try:
                nbformat.reads(text, as_version=4, capture_validation_error={})
            except Exception:
                note(f"the file is not UTF-8 text (byte {error.start})",
                     "Not graded; the file is kept as it was")
                skip.append(learner)
                continue
            shutil.copy2(expected, original)
            kept = True
            expected.write_text(text, encoding="utf-8")
            data = expected.read_bytes()
            note(f"{cell_at(data, error.start)} has text that is not UTF-8 (byte "
                 f"{error.start}), as text pasted from an older program often is",
                 f"Read it as Windows text and graded it; check it reads right. Their own "
                 f"file is kept as {original.name}")
        try:
            nbformat.reads(data.decode("utf-8"), as_version=4,
                           capture_validation_error={})
        except Exception:
            note("the file is not a readable notebook (it is not valid notebook JSON)",
                 "Not graded; the file is kept as it was")
            skip.append(learner)
            continue
        try:
            report = check_notebook(expected, Path(course_dir), unit)
        except ValueError as error:
            note(str(error), "Not graded; the file is kept as it was")
            skip.append(learner)
            continue
        odd = unusual_answer_cells(expected)
        if odd:
            note(odd, "Marked as usual: only a plain text answer in quotes can earn a mark")
        if report.problems:
            if not kept:
                shutil.copy2(expected, original)
            recovery = recover_file(expected, Path(course_dir), unit)
            recovery.notebook.metadata.setdefault("workbook", {})["restored_from"] = (
                original.name)
            write_quietly(recovery.notebook, expected)
            note(damage_line(report.damage), repair_line(recovery, original.name))
    return one_line_each(findings), skip


def _where(grade_id: str) -> str:
    if grade_id.startswith(("answer_", "check_")):
        return f"question {grade_id.split('_', 1)[1].replace('_', '.')}"
    return grade_id or "a cell"


def after(course_dir: Path, unit: str, learners: list[str]) -> list[Finding]:
    """What autograde met in each learner's notebook (read from autograded/): a cell stopped by
    the time limit, output cut because it was too long (tutor/marking.py), and a check the
    kernel passed although the written answer is not right. One line per learner and kind."""
    findings = []
    for learner in learners:
        path = Path(course_dir) / "autograded" / learner / unit / f"{unit}.ipynb"
        if not path.is_file():
            findings.append(Finding(
                learner, unit, "autograde could not finish this notebook (its code may have "
                "stopped Python itself)", "Look at the autograde log above; the learner's "
                "file is kept in submitted/"))
            continue
        try:
            nb = read_quietly(path)
        except Exception:
            continue
        stopped, cut, crossed = [], 0, []
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            if any(o.get("ename") == "CellTimeoutError" for o in cell.get("outputs", [])):
                stopped.append(_where(grade_id))
            mine = cell.metadata.get("workbook", {})
            cut += mine.get("output_characters", 0)
            if mine.get("cross_check"):
                crossed.append(_where(grade_id))
        if stopped:
            findings.append(Finding(
                learner, unit, f"code for {', '.join(stopped)} ran past the time limit and was "
                "stopped", "Marked as it stood when stopped; look at it if a mark seems wrong"))
        if cut:
            findings.append(Finding(
                learner, unit, f"the notebook printed {cut:,} characters of output",
                "Marked as usual; the output was cut short in the graded copy and feedback"))
        if crossed:
            findings.append(Finding(
                learner, unit, f"{', '.join(crossed)} passed in the notebook although the "
                "answer written there is not right (code changed how the checks ran)",
                "No mark given for it; look at the answer cell"))
    return one_line_each(findings)
