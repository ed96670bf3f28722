"""No answer is ever lost: damaged notebooks of every unit, repaired as autograde repairs them.

Each kind of damage a notebook meets (labels stripped by an editor or an LMS, cells turned into
text or raw cells, doubled, moved, deleted with the answer pasted elsewhere, duplicate cell ids,
checks deleted), alone and in pairs, is applied to an all-correct notebook and to a realistic
half-right one of every unit. What nbgrader would then be given (the repair when
``check_cells`` finds a problem, else the notebook as it is) is marked by the hidden check's own
rule (``sources.is_right``) as a kernel running the cells in order would: the marks must equal
the undamaged notebook's, or the tutor's NOTE must name the question. A NOTE saying every answer
was kept must be true. A few real autogrades (marked slow) show the graded copy has the marks.
"""

from __future__ import annotations

import copy
import itertools
import re

import nbformat
import pytest

from tests.conftest import ROOT, fresh_unit1
from workbook import cli
from workbook.checks import ANSWER_LINE, literal
from workbook.presubmit import check_cells, recover, write_quietly, written_answers
from workbook.tutor.integrity import damage_line, repair_line
from workbook.tutor.simulate import fill, right_answers
from workbook.tutor.sources import is_right

UNITS = [f"unit{n}" for n in range(1, 9)]
TYPED = ['" {} "', '"{}."', '"({})"', '"Option {}"', '"{})"']


def grade_id(cell) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def where(nb, wanted: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if grade_id(c) == wanted)


def released(unit):
    return nbformat.read(ROOT / "release" / unit / f"{unit}.ipynb", as_version=4)


def notebooks(course, unit):
    """The all-correct notebook and a half-right one typed as people type (every other answer
    wrong, right ones as "b.", "(b)", "Option B", one unanswered, one slip)."""
    assignment = course.assignment(unit)
    reflections = {r.grade_id: f"My own words for {r.id}: I listened first."
                   for r in assignment.reflections}
    right = fill(released(unit), right_answers(assignment), reflections)
    half = {}
    for n, check in enumerate(assignment.checks):
        if n % 2:
            half[check.variable] = f'"{next(c for c in check.choices if c != check.answer)}"'
        elif check.kind == "letter":
            half[check.variable] = TYPED[n // 2 % len(TYPED)].format(check.answer.lower())
        else:
            half[check.variable] = f'"{check.answer.capitalize()}."'
    half[assignment.checks[-1].variable] = '""'
    half[assignment.checks[-2].variable] = "B"  # quotes deleted: a slip
    return {"right": right, "half": fill(released(unit), half, reflections)}


def kernel_marks(nb, course, unit) -> dict[str, bool]:
    """What nbgrader would mark: cells run in order, each answer line setting its variable
    (a slip leaves it as it was), each hidden check reading the variable when it runs."""
    checks = {c.grade_id: c for c in course.assignment(unit).checks}
    values: dict[str, object] = {}
    marks = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        last = {m.group(1): literal(m.group(2)) for m in ANSWER_LINE.finditer(cell.source)}
        values.update({k: v for k, v in last.items() if type(v) is str})
        check = checks.get(grade_id(cell))
        if check is not None and check.grade_id not in marks:
            marks[check.grade_id] = is_right(check, values.get(check.variable))
    return {g: marks.get(g, False) for g in checks}


def reflection_texts(nb) -> dict[str, str]:
    return {grade_id(c): c.source for c in nb.cells if grade_id(c).startswith("reflection_")}


# ---------------------------------------------------------------- the kinds of damage
def _answer(nb, k):
    answers = [i for i, c in enumerate(nb.cells) if grade_id(c).startswith("answer_")]
    return answers[k % len(answers)] if answers else None


def strip_all(nb, k):
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)


def strip_one(nb, k):
    i = _answer(nb, k)
    if i is not None:
        nb.cells[i].metadata.pop("nbgrader")


def retype(kind):
    def damage(nb, k):
        i = _answer(nb, k)
        if i is not None:
            nb.cells[i].cell_type = kind
            nb.cells[i].pop("outputs", None)
            nb.cells[i].pop("execution_count", None)
    return damage


def doubled(different):
    def damage(nb, k):
        i = _answer(nb, k)
        if i is None:
            return
        twin = copy.deepcopy(nb.cells[i])
        twin["id"] = f"twin-{k}"
        if different:
            variable = grade_id(twin)
            twin.source = re.sub(rf"^{variable} = .*$", f'{variable} = "Z"', twin.source,
                                 flags=re.M)
        nb.cells.insert(i + 1, twin)
    return damage


def moved_to_end(nb, k):
    i = _answer(nb, k)
    if i is not None:
        nb.cells.append(nb.cells.pop(i))


def reversed_order(nb, k):
    nb.cells.reverse()


def same_ids(nb, k):
    for cell in nb.cells:
        cell["id"] = "same-id"


def delete(prefix):
    def damage(nb, k):
        cells = [i for i, c in enumerate(nb.cells) if grade_id(c).startswith(prefix)]
        if cells:
            del nb.cells[cells[k % len(cells)]]
    return damage


def pasted_elsewhere(nb, k):
    """The answer cell deleted and its line pasted under another question's answer."""
    i = _answer(nb, k)
    if i is None:
        return
    cell = nb.cells.pop(i)
    line = next(m.group(0).strip() for m in ANSWER_LINE.finditer(cell.source))
    other = _answer(nb, k + 1)
    if other is None:
        nb.cells.append(nbformat.v4.new_markdown_cell(line))
    else:
        nb.cells[other].source += "\n" + line


def pasted_in_text(nb, k):
    """The answer cell deleted and its line pasted into a new text cell at the end."""
    i = _answer(nb, k)
    if i is not None:
        cell = nb.cells.pop(i)
        nb.cells.append(nbformat.v4.new_markdown_cell(cell.source))


def strip_reflections(nb, k):
    for cell in nb.cells:
        if grade_id(cell).startswith("reflection_"):
            cell.metadata.pop("nbgrader")


DAMAGE = {
    "labels stripped from every cell": strip_all,
    "labels stripped from one answer cell": strip_one,
    "answer cell turned into text": retype("markdown"),
    "answer cell turned raw": retype("raw"),
    "answer cell doubled, same answer": doubled(False),
    "answer cell doubled, another answer": doubled(True),
    "answer cell moved to the end": moved_to_end,
    "every cell in reverse order": reversed_order,
    "every cell id the same": same_ids,
    "visible check deleted": delete("format_"),
    "hidden check deleted": delete("check_"),
    "answer cell deleted": delete("answer_"),
    "answer pasted under another answer": pasted_elsewhere,
    "answer pasted into a text cell": pasted_in_text,
    "reflection labels stripped": strip_reflections,
}


def named(text: str, grade: str) -> bool:
    kind, unit, item = grade.split("_")
    name = f"written answer {unit}.r{item}" if kind == "reflection" else f"question {unit}.{item}"
    return re.search(re.escape(name) + r"(?![\d.]\d)", text) is not None


def repaired(nb, release, unit):
    """What autograde gives nbgrader, and the NOTE's words (tutor/integrity.prepare)."""
    report = check_cells(nb, release, ROOT / f"{unit}.ipynb", unit)
    if not report.problems:
        return nb, "", True
    recovery = recover(nb, release)
    return (recovery.notebook, damage_line(report.damage) + ". " + repair_line(recovery, "x"),
            recovery.all_kept)


CASES = [(a,) for a in DAMAGE] + list(itertools.combinations(DAMAGE, 2))


@pytest.mark.slow  # 1 to 3 s a unit: every damage and every pair of damages, all 8 units
@pytest.mark.parametrize("unit", UNITS)
def test_every_damage_alone_and_in_pairs_keeps_the_marks_or_names_the_question(course, unit):
    release = released(unit)
    failures = []
    for which, nb in notebooks(course, unit).items():
        marks = kernel_marks(nb, course, unit)
        texts = reflection_texts(nb)
        assert sum(marks.values()) == (len(marks) if which == "right" else (len(marks) - 1) // 2)
        for case in CASES:
            for k in (0, 3):
                damaged = copy.deepcopy(nb)
                for n, name in enumerate(case):
                    DAMAGE[name](damaged, k + 2 * n)
                graded, note, kept = repaired(damaged, release, unit)
                now = kernel_marks(graded, course, unit)
                for grade, mark in marks.items():
                    if now[grade] != mark and (kept or not named(note, grade)):
                        failures.append((which, case, k, grade, mark, note))
                for grade, text in texts.items():
                    if reflection_texts(graded).get(grade) != text and (
                            kept or not named(note, grade)):
                        failures.append((which, case, k, grade, "reflection", note))
    assert failures == []


def test_stripped_labels_keep_every_answer_and_say_so(course):
    nb = notebooks(course, "unit2")["right"]
    release = released("unit2")
    strip_all(nb, 0)
    graded, note, kept = repaired(nb, release, "unit2")
    assert kept and sum(kernel_marks(graded, course, "unit2").values()) == 10
    assert note == ("cells deleted or without their labels (answers 2.1 to 2.10, marking cells "
                    "2.1 to 2.10, written answers 2.r1 to 2.r3). Put back from the release with "
                    "every answer kept. Their own file is kept as x")
    assert reflection_texts(graded)["reflection_2_1"] == "My own words for 2.r1: I listened first."


def test_two_different_answers_name_the_question_and_what_was_marked(course):
    nb = notebooks(course, "unit1")["right"]
    doubled(True)(nb, 2)
    right = course.assignment("unit1").checks[2].answer
    graded, note, kept = repaired(nb, released("unit1"), "unit1")
    assert not kept
    assert note.endswith(
        f'Put back from the release; question 1.3 has 2 different answers ("{right}", "Z"); '
        f'marked "Z", the last in an answer cell; every other answer kept. Their own file is '
        "kept as x")


def test_an_answer_cell_deleted_with_nothing_pasted_is_named_as_not_found(course):
    nb = notebooks(course, "unit1")["right"]
    delete("answer_")(nb, 4)
    _, note, kept = repaired(nb, released("unit1"), "unit1")
    assert not kept and "question 1.5 has no answer anywhere in the file, so it is marked as " \
        "not answered" in note


def test_written_answers_reads_every_question_from_any_cell(course):
    nb = notebooks(course, "unit3")["right"]
    strip_all(nb, 0)
    retype("raw")(nb, 1)
    assignment = course.assignment("unit3")
    assert written_answers(nb) == {c.variable: c.answer for c in assignment.checks}
    half = notebooks(course, "unit3")["half"]
    assert assignment.checks[-2].variable not in written_answers(half)  # the slip


@pytest.mark.slow
def test_damaged_all_right_notebooks_get_full_marks_from_a_real_autograde(
        generated_course, course, tmp_path, capsys):
    folder, release = fresh_unit1(generated_course, tmp_path)
    assignment = course.assignment("unit1")
    written = {r.grade_id: f"I listened first ({r.id})." for r in assignment.reflections}
    right = fill(release, right_answers(assignment), written)
    damaged = {"a_normal": [], "b_stripped": [strip_all], "c_text_cell": [retype("markdown")],
               "d_same_ids": [same_ids], "e_pasted": [pasted_in_text, moved_to_end]}
    typed = {c.variable: (f'"Option {c.answer.lower()}."' if c.kind == "letter"
                          else f'" {c.answer.capitalize()}."') for c in assignment.checks}
    slip = {**right_answers(assignment), assignment.checks[2].variable: "B"}
    for learner, nb in (("f_typed", fill(release, typed)), ("g_slip", fill(release, slip))):
        target = folder / "submitted" / learner / "unit1"
        target.mkdir(parents=True)
        nbformat.write(nb, target / "unit1.ipynb")
    for learner, damages in damaged.items():
        nb = copy.deepcopy(right)
        for n, damage in enumerate(damages):
            damage(nb, 3 + n)
        target = folder / "submitted" / learner / "unit1"
        target.mkdir(parents=True)
        write_quietly(nb, target / "unit1.ipynb")  # nbformat would warn about the same ids
    notes = []
    for _ in range(2):  # a second run repairs again from the learner's own file, same NOTEs
        assert cli.main(["--course-dir", str(folder), "autograde", "unit1"]) == 0
        captured = capsys.readouterr()
        assert "Warning" not in captured.out + captured.err
        notes.append([line for line in captured.out.splitlines() if line.startswith("NOTE")])
    assert notes[0] == notes[1]
    assert [line.split(",")[0] for line in notes[0]] == [
        "NOTE b_stripped", "NOTE c_text_cell", "NOTE e_pasted"]
    assert all("with every answer kept" in line for line in notes[0]), notes[0]
    from tests.test_tutor import item_scores

    learners, scores = item_scores(course, folder)
    totals = {x: sum(s.score or 0 for s in scores if s.learner == x and s.kind == "check")
              for x in learners}
    checks = len(assignment.checks)
    assert totals == {**dict.fromkeys(damaged, checks), "f_typed": checks, "g_slip": checks - 1}
    for learner in damaged:
        graded = nbformat.read(folder / "autograded" / learner / "unit1" / "unit1.ipynb",
                               as_version=4)
        assert reflection_texts(graded) == written, learner
