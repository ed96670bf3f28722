"""`workbook autograde`'s engine (tutor/grader.py, tutor/pool.py): worker processes that keep
nbgrader loaded and start each kernel ahead of need. It must grade exactly as nbgrader's own
`nbgrader autograde` does, and never let one learner's kernel, files or leftovers reach
another's."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import nbformat
import pytest

from tests.conftest import fresh_unit1, hand_in, nbgrader
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



def _kernel_processes() -> dict[int, str]:
    """Live kernel processes (in bwrap or not) by process id, with their command lines.
    Pooled kernels work in folders of their own, so a kernel cannot be told by the course
    folder in its command line: the test compares the kernels alive before and after."""
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            line = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "ipykernel" in line:
            found[int(proc.name)] = line
    return found


def _kernels_started_since(before: dict[int, str], wait: float = 30.0) -> list[str]:
    """Kernels alive now that were not alive ``before``, after giving retired kernels up to
    ``wait`` seconds to exit (pool.SHUTDOWN_WAIT; they are asked, not waited for)."""
    deadline = time.monotonic() + wait
    while True:
        left = [line for pid, line in _kernel_processes().items() if before.get(pid) != line]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


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
    hand_in(folder, "a_plants", fill(released, {**answers, first.variable: PLANT.format(
        me="a_plants", variable=first.variable, answer=answers[first.variable])}))
    for learner in ("b_looks", "c_looks"):
        hand_in(folder, learner, fill(released, {**answers, first.variable: LOOK.format(
            variable=first.variable, answer=answers[first.variable],
            source=str(folder / "source" / "unit1" / "unit1.ipynb"))}))
    kernels_before = _kernel_processes()
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
    assert _kernels_started_since(kernels_before) == []


@pytest.mark.slow
def test_workbook_autograde_gives_every_learner_nbgraders_own_scores(generated_course, course,
                                                                     tmp_path, capsys):
    folder, released = fresh_unit1(generated_course, tmp_path)
    assignment = course.assignment("unit1")
    right, wrong = right_answers(assignment), wrong_answers(assignment)
    mixes = {"all_right": right, "all_wrong": wrong, "blank": {},
             "half": {k: (right if n % 2 else wrong)[k] for n, k in enumerate(right)}}
    for learner, answers in mixes.items():
        hand_in(folder, learner, fill(released, answers))
    theirs = tmp_path / "nbgrader-own"
    shutil.copytree(folder, theirs)
    nbgrader(theirs, "autograde", "unit1", "--force")
    kernels_before = _kernel_processes()
    assert cli.main(["--course-dir", str(folder), "autograde", "unit1", "--jobs", "2"]) == 0
    assert "4 learners, 2 at once" in capsys.readouterr().out

    def cells(where):
        _, scores = item_scores(course, where)
        return sorted((s.learner, s.item, s.score) for s in scores)

    ours = cells(folder)
    assert ours == cells(theirs)
    assert {s for learner, _, s in ours if learner == "all_right"} != {0}
    assert _kernels_started_since(kernels_before) == []


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
    hand_in(folder, "tagger", nb)
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


def _grade_state(folder: Path, grade_id: str, learner: str) -> tuple:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade(grade_id, "unit1", "unit1", learner)
        comment = gradebook.find_comment(grade_id, "unit1", "unit1", learner)
        return grade.manual_score, grade.needs_manual_grade, comment.manual_comment


@pytest.mark.slow
def test_re_autograding_keeps_a_marked_reflection_marked_unless_its_text_changed(
        generated_course, course, tmp_path):
    from nbgrader.api import Gradebook

    folder, released = fresh_unit1(generated_course, tmp_path)
    assignment = course.assignment("unit1")
    reflection = assignment.reflections[0].grade_id
    hand_in(folder, "amara", fill(released, right_answers(assignment),
                                   {reflection: "I listened to the whole story first."}))
    autograde = ["--course-dir", str(folder), "autograde", "unit1"]
    assert cli.main(autograde) == 0
    assert _grade_state(folder, reflection, "amara") == (None, True, None)
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
        # What formgrader does when the tutor enters a mark and a comment.
        grade = gradebook.find_grade(reflection, "unit1", "unit1", "amara")
        grade.manual_score, grade.needs_manual_grade = 4, False
        gradebook.find_comment(reflection, "unit1", "unit1",
                               "amara").manual_comment = "Good listening."
        gradebook.db.commit()

    assert cli.main(autograde) == 0
    assert _grade_state(folder, reflection, "amara") == (4, False, "Good listening.")
    _, scores = item_scores(course, folder)
    assert sum(s.score or 0 for s in scores) == len(assignment.checks) + 4

    # The learner hands in again with the reflection rewritten: the tutor must look again.
    path = folder / "submitted" / "amara" / "unit1" / "unit1.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == reflection)
    cell.source = "I listened to the whole story first, then said sorry."
    nbformat.write(nb, path)
    assert cli.main(autograde) == 0
    assert _grade_state(folder, reflection, "amara") == (4, True, "Good listening.")


# Answer cells whose code stops the notebook being run to the end, after the right answer.
STOPS_THE_KERNEL = {
    "a_exits": "import os\nos._exit(0)",  # the kernel process ends
    "b_rewires": "import builtins\nbuiltins.isinstance = lambda *a: False\n"
                 "builtins.len = lambda *a: 0",  # the kernel no longer answers
}


@pytest.mark.slow
def test_a_notebook_whose_code_stops_the_kernel_is_marked_from_what_is_written(
        generated_course, course, tmp_path, capsys):
    folder, released = fresh_unit1(generated_course, tmp_path)
    assignment = course.assignment("unit1")
    right = right_answers(assignment)
    reflection = assignment.reflections[0].grade_id
    first, second = assignment.checks[0], assignment.checks[1]
    for learner, code in STOPS_THE_KERNEL.items():
        # The code sits in answer 1.2's cell, below a right answer; every other answer is
        # right too, and nothing after that cell is ever run by the kernel.
        hand_in(folder, learner, fill(released, {
            **right, second.variable: f"{right[second.variable]}\n{code}"},
            {reflection: "My own words."}))
    hand_in(folder, "c_plain", fill(released, right, {reflection: "My own words."}))
    assert cli.main(["--course-dir", str(folder), "autograde", "unit1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "3 graded, 0 not graded."
    for learner in STOPS_THE_KERNEL:
        # One NOTE line for the learner: the code found in the answer cell, then what happened.
        mine = [line for line in out if line.startswith(f"NOTE {learner}, unit1: ")]
        assert len(mine) == 1, out
        assert "The notebook could not be run to the end (" in mine[0], mine[0]
        assert mine[0].endswith("Marked from the answers as written, without running it; no "
                                "mark for question 1.2, whose answer cell holds code.")
    _, scores = item_scores(course, folder)
    for learner in STOPS_THE_KERNEL:
        marked = {s.item: s.score for s in scores if s.learner == learner and s.kind == "check"}
        assert marked == {c.id: (0.0 if c == second else float(c.points))
                          for c in assignment.checks}, learner
        assert first.id in marked
    assert sum(s.score or 0 for s in scores if s.learner == "c_plain") == len(assignment.checks)
    # The marks are autograde scores in nbgrader's gradebook (what formgrader shows), feedback
    # is made for them, and the reflection's text is kept for the tutor.
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
        for learner in STOPS_THE_KERNEL:
            submission = gradebook.find_submission("unit1", learner)
            assert submission.code_score == len(assignment.checks) - 1
    nbgrader(folder, "generate_feedback", "unit1", "--force")
    for learner in STOPS_THE_KERNEL:
        assert (folder / "feedback" / learner / "unit1" / "unit1.html").is_file()
        graded = nbformat.read(folder / "autograded" / learner / "unit1" / "unit1.ipynb",
                               as_version=4)
        cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in graded.cells}
        assert cells[reflection].source == "My own words."
