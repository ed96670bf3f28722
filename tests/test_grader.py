"""`workbook autograde`'s engine (tutor/grader.py, tutor/pool.py): worker processes that keep
nbgrader loaded and start each kernel ahead of need. It must grade exactly as nbgrader's own
`nbgrader autograde` does, and never let one learner's kernel, files or leftovers reach
another's."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from tests.conftest import fresh_unit1, nbgrader
from workbook import cli
from workbook.tutor.cohort import item_scores
from workbook.tutor.contain import containment_available
from workbook.tutor.pool import needs_own_folder
from workbook.tutor.simulate import fill, right_answers, wrong_answers

PLANT = '''import builtins, os
builtins.LEFT_BEHIND = "from {me}"
open("planted.py", "w").write("WHO = 'planted by {me}'")
open(os.path.expanduser("~/planted.txt"), "w").write("{me}")
{variable} = {answer}'''

LOOK = '''import builtins, os, sys
try:
    import planted
    found_module = planted.WHO
except ImportError:
    found_module = "none"
home = os.path.expanduser("~/planted.txt")
try:
    source = "READ " + open({source!r}).read()[:10]
except OSError as error:
    source = "blocked"
print("LOOK", getattr(builtins, "LEFT_BEHIND", "none"), "|", found_module, "|",
      open(home).read() if os.path.exists(home) else "none", "|", sorted(os.listdir(".")),
      "|", source)
{variable} = {answer}'''


def _hand_in(folder: Path, learner: str, nb) -> None:
    target = folder / "submitted" / learner / "unit1"
    target.mkdir(parents=True)
    nbformat.write(nb, target / "unit1.ipynb")


def _kernel_processes(folder: Path) -> list[str]:
    """Command lines of live processes started for this course folder (kernels in bwrap)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            line = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if str(folder) in line and "ipykernel" in line:
            found.append(line)
    return found


@pytest.mark.skipif(not containment_available(), reason="bubblewrap (bwrap) is not installed")
@pytest.mark.slow
def test_no_kernel_files_or_leftovers_pass_from_one_learner_to_the_next(generated_course,
                                                                       course, tmp_path,
                                                                       capsys):
    folder, released = fresh_unit1(generated_course, tmp_path)
    assignment = course.assignment("unit1")
    first = assignment.checks[0]
    answers = right_answers(assignment)
    # One worker, so the same process (and kernel pool) grades the three one after another.
    _hand_in(folder, "a_plants", fill(released, {**answers, first.variable: PLANT.format(
        me="a_plants", variable=first.variable, answer=answers[first.variable])}))
    for learner in ("b_looks", "c_looks"):
        _hand_in(folder, learner, fill(released, {**answers, first.variable: LOOK.format(
            variable=first.variable, answer=answers[first.variable],
            source=str(folder / "source" / "unit1" / "unit1.ipynb"))}))
    assert cli.main(["--course-dir", str(folder), "autograde", "unit1", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "[3/3] unit1" in out and "NOT GRADED" not in out
    for learner in ("b_looks", "c_looks"):
        graded = nbformat.read(folder / "autograded" / learner / "unit1" / "unit1.ipynb",
                               as_version=4)
        printed = "".join(o.get("text", "") for c in graded.cells if c.cell_type == "code"
                          for o in c.get("outputs", []))
        look = printed.split("LOOK ", 1)[1].splitlines()[0]
        # No built-in, module or file from the learner before; and, as for every kernel,
        # the course's source/ (with the answers) is hidden (tests/test_containment.py).
        assert look == "none | none | none | [] | blocked", look
    assert not (folder / "autograded" / "a_plants" / "unit1" / "planted.py").exists()
    _, scores = item_scores(course, folder)
    totals = {x: sum(s.score or 0 for s in scores if s.learner == x and s.kind == "check")
              for x in ("a_plants", "b_looks", "c_looks")}
    assert totals == dict.fromkeys(totals, len(assignment.checks))
    assert _kernel_processes(folder) == []


@pytest.mark.slow
def test_workbook_autograde_gives_every_learner_nbgraders_own_scores(generated_course, course,
                                                                     tmp_path, capsys):
    folder, released = fresh_unit1(generated_course, tmp_path)
    assignment = course.assignment("unit1")
    right, wrong = right_answers(assignment), wrong_answers(assignment)
    mixes = {"all_right": right, "all_wrong": wrong, "blank": {},
             "half": {k: (right if n % 2 else wrong)[k] for n, k in enumerate(right)}}
    for learner, answers in mixes.items():
        _hand_in(folder, learner, fill(released, answers))
    theirs = tmp_path / "nbgrader-own"
    shutil.copytree(folder, theirs)
    nbgrader(theirs, "autograde", "unit1", "--force")
    assert cli.main(["--course-dir", str(folder), "autograde", "unit1", "--jobs", "2"]) == 0
    assert "4 learners, 2 at once" in capsys.readouterr().out

    def cells(where):
        _, scores = item_scores(course, where)
        return sorted((s.learner, s.item, s.score) for s in scores)

    ours = cells(folder)
    assert ours == cells(theirs)
    assert {s for learner, _, s in ours if learner == "all_right"} != {0}
    assert _kernel_processes(folder) == []


def test_a_notebook_with_files_beside_it_gets_a_kernel_in_its_own_folder(tmp_path):
    assert not needs_own_folder(None)
    assert not needs_own_folder(str(tmp_path / "missing"))
    (tmp_path / "unit1.ipynb").write_text("{}")
    (tmp_path / "timestamp.txt").write_text("2026-11-20 10:00:00")
    assert not needs_own_folder(str(tmp_path))
    (tmp_path / "data.csv").write_text("a,b")
    assert needs_own_folder(str(tmp_path))


def test_jobs_must_be_a_whole_number_of_one_or_more(capsys):
    with pytest.raises(SystemExit):
        cli.main(["autograde", "unit1", "--jobs", "0"])
    assert "'0' is not a whole number of 1 or more" in capsys.readouterr().err


@pytest.mark.slow
def test_a_hidden_check_tagged_to_be_skipped_still_runs(generated_course, course, tmp_path,
                                                        capsys):
    folder, released = fresh_unit1(generated_course, tmp_path)
    assignment = course.assignment("unit1")
    first = assignment.checks[0]
    nb = fill(released, {**right_answers(assignment), first.variable: '""'})
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == first.grade_id:
            cell.metadata["tags"] = ["skip-execution"]
    _hand_in(folder, "tagger", nb)
    assert cli.main(["--course-dir", str(folder), "autograde", "unit1"]) == 0
    graded = nbformat.read(folder / "autograded" / "tagger" / "unit1" / "unit1.ipynb",
                           as_version=4)
    check = next(c for c in graded.cells
                 if c.metadata.get("nbgrader", {}).get("grade_id") == first.grade_id)
    # The kernel ran the check (its own error), not only the second marking.
    assert [o.get("ename") for o in check.outputs] == ["NotMarkedRight"]
    assert "cross_check" not in check.metadata.get("workbook", {})
    _, scores = item_scores(course, folder)
    assert sum(s.score or 0 for s in scores if s.kind == "check") == len(assignment.checks) - 1


def _tampered(released, answers):
    """A notebook whose learner changed what nbgrader's OverwriteCells puts back: a question's
    words, a check's points, a locked cell's type and another's lock."""
    nb = fill(released, answers)
    kinds: dict[str, list] = {}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        kinds.setdefault(grade_id.split("_")[0], []).append(cell)
    kinds["question"][0].source = "I changed the question."
    kinds["check"][0].metadata["nbgrader"]["points"] = 5
    kinds["format"][0].cell_type = "markdown"
    del kinds["format"][0]["outputs"], kinds["format"][0]["execution_count"]
    kinds["question"][2].metadata["nbgrader"]["locked"] = False
    return nb


def _gradebook_rows(folder: Path) -> tuple[list, list]:
    from nbgrader.api import Comment, Grade, Gradebook

    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
        grades = sorted((g.student.id, g.name, g.auto_score, g.manual_score, g.extra_credit,
                         g.needs_manual_grade) for g in gradebook.db.query(Grade))
        comments = sorted((c.student.id, c.name, c.auto_comment, c.manual_comment)
                          for c in gradebook.db.query(Comment))
    return grades, comments


def _restored(folder: Path, learner: str) -> list:
    nb = nbformat.read(folder / "autograded" / learner / "unit1" / "unit1.ipynb", as_version=4)
    return [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in nb.cells]


@pytest.mark.slow
def test_our_gradebook_steps_save_and_restore_exactly_what_nbgraders_own_do(
        generated_course, course, tmp_path):
    # OverwriteCellsOnce and SaveAutoGradesOnce (tutor/marking.py) read the gradebook once per
    # notebook; the copy here runs nbgrader's own OverwriteCells and SaveAutoGrades instead.
    folder, released = fresh_unit1(generated_course, tmp_path)
    assignment = course.assignment("unit1")
    right, wrong = right_answers(assignment), wrong_answers(assignment)
    handed_in = {"all_right": fill(released, right), "blank": fill(released, {}),
                 "half": fill(released, {k: (right if n % 2 else wrong)[k]
                                         for n, k in enumerate(right)}),
                 "tamperer": _tampered(released, right)}
    for learner, nb in handed_in.items():
        _hand_in(folder, learner, nb)
    theirs = tmp_path / "nbgrader-own"
    shutil.copytree(folder, theirs)
    config = theirs / "nbgrader_config.py"
    text = config.read_text()
    for ours, nbgraders in (("workbook.tutor.marking.OverwriteCellsOnce",
                             "nbgrader.preprocessors.OverwriteCells"),
                            ("workbook.tutor.marking.SaveAutoGradesOnce",
                             "nbgrader.preprocessors.SaveAutoGrades")):
        assert text.count(f'"{ours}"') == 1
        text = text.replace(f'"{ours}"', f'"{nbgraders}"')
    config.write_text(text)

    def warnings(where):
        run = nbgrader(where, "autograde", "unit1", "--force")
        return sorted(line.split("] ", 1)[1] for line in run.stderr.splitlines()
                      if "WARNING" in line and "Removing existing" not in line)

    told = warnings(folder)
    assert told == warnings(theirs)
    ours_rows = _gradebook_rows(folder)
    assert ours_rows == _gradebook_rows(theirs)
    assert {g[2] for g in ours_rows[0] if g[0] == "all_right"} != {0.0}
    graded_cells = [c for c in released.cells if any(
        c.metadata.get("nbgrader", {}).get(kind) for kind in ("grade", "task"))]
    assert len(ours_rows[0]) == len(handed_in) * len(graded_cells)
    for learner in handed_in:
        assert _restored(folder, learner) == _restored(theirs, learner), learner
    for what in ("'points' for cell check_1_1", "'cell_type' for cell format_1_1",
                 "'locked' for cell question_1_3", "'checksum' for cell question_1_1"):
        assert any(what in line for line in told), what
