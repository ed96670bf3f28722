"""Mark my work in the browser edition (JupyterLite): marks a knowledge check inside the page,
with no nbgrader, and gives the same marks as ``workbook autograde``.

``workbook lite build`` writes one key file per unit (:func:`unit_key`) into the site's
``self_marking/`` folder. For each autograded question it holds what the learner can already
see (the question's number, answer variable, the choices, the points, the criteria) and, in
place of the right answer, only a salted slow hash of it (PBKDF2-HMAC-SHA256, a salt per
question): the right answer read by the course's one rule for typed answers (checks.FORMS), so
``"b."``, ``"(B)"`` and ``"Option B"`` hash the same as ``B``. The answer keys
(course_data/assignments/), the hidden tests and the rubrics are never in the site.

:func:`mark_notebook` does what autograde does, with the hash in place of the answer. A
question earns its points when both of autograde's conditions hold:

- the hidden check: after the notebook's code cells have run from the top (each cell on its
  own: an error stops that cell only), the answer variable is plain text whose reading hashes
  to the key;
- the second marking (tutor/marking.py's CrossCheck): the answer as written in the cells above
  (checks.written_answer) hashes to the key too.

Cells autograde puts back from the course's own copy (read-only cells: the format checks, the
hidden checks, the Mark my work cell) are not run here, as the learner's copy of them does not
count; answer cells and cells the learner added are. The wording of each mark is the full
edition's (workbook/marks.py); reflections are listed for the tutor and never counted.

What remains possible: anyone can hash each choice of a question with its salt and compare, in
the browser or elsewhere. With four letters or three words to a question, that is no better
than trying each answer in turn, which a learner can do anyway by pressing Mark my work again;
the slow hash only makes trying many answers at once slower (docs/decisions.md).
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .checks import cell_grade_id, normalise, written_answer
from .marks import MarkError, Marks, ReflectionNote, question_mark, reflection_written

KEY_SCHEMA = 1
ITERATIONS = 10_000
"""PBKDF2 rounds per hash: enough to make trying many guesses slow, few enough that marking a
unit in the browser, where hashing runs in Python when Pyodide has no OpenSSL, takes seconds
(benchmarks/README.md)."""
KEY_FOLDER = "self_marking"
"""The site folder (next to notebooks/ and release/) that holds one key file per unit."""


class KeyMarkError(MarkError):
    """The marking could not start; the message says what to do."""


def _pbkdf2_python(password: bytes, salt: bytes, iterations: int) -> bytes:
    """PBKDF2-HMAC-SHA256 (RFC 8018), one 32-byte block, for a Python without OpenSSL."""
    inner, outer = hashlib.sha256(), hashlib.sha256()
    key = password if len(password) <= 64 else hashlib.sha256(password).digest()
    key = key.ljust(64, b"\0")
    inner.update(bytes(b ^ 0x36 for b in key))
    outer.update(bytes(b ^ 0x5C for b in key))

    def prf(data: bytes) -> bytes:
        first, second = inner.copy(), outer.copy()
        first.update(data)
        second.update(first.digest())
        return second.digest()

    block = prf(salt + b"\0\0\0\1")
    total = int.from_bytes(block, "big")
    for _ in range(iterations - 1):
        block = prf(block)
        total ^= int.from_bytes(block, "big")
    return total.to_bytes(32, "big")


def pbkdf2_sha256(password: bytes, salt: bytes, iterations: int) -> bytes:
    """hashlib's PBKDF2 where there is one (CPython with OpenSSL), else the same in Python."""
    fast = getattr(hashlib, "pbkdf2_hmac", None)
    if fast is not None:
        return fast("sha256", password, salt, iterations)
    return _pbkdf2_python(password, salt, iterations)


def answer_hash(salt: str, reading: str, iterations: int = ITERATIONS) -> str:
    """The hash the key holds for an answer already read by checks.FORMS (hex)."""
    return pbkdf2_sha256(reading.encode("utf-8"), bytes.fromhex(salt), iterations).hex()


def question_salt(unit: str, check_id: str, question: str) -> str:
    """A salt of its own for each question, the same at every build (a reproducible site)."""
    text = f"workbook self-marking\n{unit}\n{check_id}\n{question}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def unit_key(assignment: Any, iterations: int = ITERATIONS) -> dict:
    """The key file of one unit (an ``Assignment`` record): no answer, only its hash."""
    checks = []
    for check in assignment.checks:
        salt = question_salt(assignment.unit, check.id, check.question)
        checks.append({
            "id": check.id, "number": check.number, "variable": check.variable,
            "grade_id": check.grade_id, "kind": check.kind, "choices": list(check.choices),
            "points": check.points, "criteria": list(check.criteria), "salt": salt,
            "hash": answer_hash(salt, normalise(check.answer, check.kind), iterations)})
    reflections = [{"id": r.id, "number": r.number, "title": r.title, "points": r.points,
                    "grade_id": r.grade_id, "criteria": list(r.criteria)}
                   for r in assignment.reflections]
    return {"schema_version": KEY_SCHEMA, "unit": assignment.unit, "title": assignment.title,
            "iterations": iterations, "checks": checks, "reflections": reflections}


@dataclass(frozen=True)
class KeyMarkResult(Marks):
    """The marks of one knowledge check, as the Mark my work button shows them."""

    feedback: Path | None = None
    """No marks page is written in the browser edition: the marks are shown in the notebook."""


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source



def _run(source: str, namespace: dict) -> None:
    """Run one cell's code as a kernel would, with nothing shown; an error ends that cell only,
    as under autograde."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            exec(compile(source, "<answer cell>", "exec"), namespace)  # noqa: S102 - the
            # learner's own cells, in their own browser, as autograde's kernel runs them
        except BaseException:  # noqa: BLE001 - like a kernel: the cell failed, go on
            pass


def mark_notebook(notebook: dict, key: dict, run: Callable[[str, dict], None] = _run
                  ) -> KeyMarkResult:
    """Mark a knowledge-check notebook (nbformat 4 as a dict) against a unit's key file."""
    checks = {c["grade_id"]: c for c in key["checks"]}
    answer_cells = {c["variable"] for c in key["checks"]}
    namespace: dict = {"__name__": "__main__", "__builtins__": builtins}
    before: list[str] = []
    hashes: dict[tuple[str, str], str] = {}

    def right(check: dict, value: object) -> bool:
        reading = normalise(value, check["kind"])
        if reading is None:
            return False
        known = (check["salt"], reading)
        if known not in hashes:
            hashes[known] = answer_hash(check["salt"], reading, key["iterations"])
        return hashes[known] == check["hash"]

    earned: dict[str, tuple[float, str | None, bool]] = {}
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        grade_id = cell_grade_id(cell)
        check = checks.get(grade_id)
        if check is not None and grade_id not in earned:
            variable = check["variable"]
            given = written_answer(before, variable)
            written_right = given is not None and right(check, given)
            passed = right(check, namespace.get(variable)) and written_right
            earned[grade_id] = (check["points"] if passed else 0.0, given, written_right)
        elif not grade_id or grade_id in answer_cells:
            source = _source(cell)
            run(source, namespace)
            before.append(source)
    questions = []
    for check in key["checks"]:
        points, given, written_right = earned.get(check["grade_id"], (0.0, None, False))
        questions.append(question_mark(check["number"], check["points"], check["variable"],
                                       check["choices"], check["kind"], given, points,
                                       written_right))
    by_id = {cell_grade_id(cell): cell for cell in notebook.get("cells", [])}
    reflections = tuple(
        ReflectionNote(r["number"], r["title"], r["points"],
                       reflection_written(_source(by_id.get(r["grade_id"], {}))))
        for r in key["reflections"])
    return KeyMarkResult(key["unit"], key["title"], sum(q.earned for q in questions),
                         float(sum(c["points"] for c in key["checks"])), tuple(questions),
                         reflections)


def write_keys(assignments: Iterable[Any], folder: Path) -> list[Path]:
    """One key file per unit in ``folder`` (the site's self_marking/)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for assignment in assignments:
        path = folder / f"{assignment.unit}.json"
        path.write_text(json.dumps(unit_key(assignment), indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written


def find_key(unit: str, start: Path) -> Path | None:
    """``self_marking/<unit>.json`` in ``start`` or the nearest folder above it."""
    for folder in (start, *start.parents):
        path = folder / KEY_FOLDER / f"{unit}.json"
        if path.is_file():
            return path
    return None


def load_key(unit: str, start: Path) -> dict:
    path = find_key(unit, start)
    if path is None:
        raise KeyMarkError(f"Mark my work cannot find the marking file for {unit} "
                           f"({KEY_FOLDER}/{unit}.json in this site). Ask whoever runs this "
                           "site to build it again with workbook lite build.")
    key = json.loads(path.read_text(encoding="utf-8"))
    if key.get("schema_version") != KEY_SCHEMA or key.get("unit") != unit:
        raise KeyMarkError(f"{path} is not the marking file of {unit} for this version of "
                           "the workbook. Ask whoever runs this site to build it again.")
    return key


def mark_file(unit: str, notebook: Path) -> KeyMarkResult:
    """Mark the saved notebook at ``notebook`` against its unit's key."""
    key = load_key(unit, notebook.resolve().parent)
    try:
        data = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise KeyMarkError(f"{notebook.name} could not be read as a notebook ({error}). Your "
                           "file has not been changed.") from None
    return mark_notebook(data, key)
