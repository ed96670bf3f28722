"""Every learner graded, or clearly not (issue 17, item 4): a learner autograde could not grade
is named with the reason and nbgrader's log, the run ends with one summary line and fails, and
no export or report takes their empty marks for a zero."""

from __future__ import annotations

import csv
import json

import pytest

from tests.conftest import fresh_unit1, hand_in
from workbook import cli
from workbook.tutor.cohort import item_scores
from workbook.tutor.grader import relevant_lines, trouble_in
from workbook.tutor.run import StepResult, summary
from workbook.tutor.simulate import fill, right_answers
from workbook.tutor.status import STATUS_FILE, StatusError, not_graded, record_run


def test_the_status_file_lists_who_was_not_graded_until_they_are(tmp_path):
    assert not_graded(tmp_path) == {}
    record_run(tmp_path, "unit1", ["amara"], {})
    assert not (tmp_path / STATUS_FILE).exists()  # nothing to say, nothing written
    record_run(tmp_path, "unit1", ["amara"], {"ben": "the gradebook was locked"})
    record_run(tmp_path, "unit2", [], {"ben": "a kernel did not start in time",
                                       "chloe": "the notebook's kernel stopped"})
    assert not_graded(tmp_path) == {
        ("unit1", "ben"): "the gradebook was locked",
        ("unit2", "ben"): "a kernel did not start in time",
        ("unit2", "chloe"): "the notebook's kernel stopped"}
    record_run(tmp_path, "unit2", ["ben", "chloe"], {})  # graded since: off the list
    assert not_graded(tmp_path) == {("unit1", "ben"): "the gradebook was locked"}
    assert list(tmp_path.joinpath("autograded").iterdir()) == [tmp_path / STATUS_FILE]


def test_an_unreadable_status_file_is_named_and_kept(tmp_path):
    path = tmp_path / STATUS_FILE
    path.parent.mkdir()
    path.write_text('{"not_graded": {"unit1": ')
    with pytest.raises(StatusError, match=r"\.workbook-status\.json cannot be read .* run "
                                          "workbook autograde again"):
        not_graded(tmp_path)
    path.write_text('{"not_graded": ["ben"]}')
    with pytest.raises(StatusError, match="is not a status file written by workbook"):
        not_graded(tmp_path)
    record_run(tmp_path, "unit1", [], {"ben": "why"})
    assert not_graded(tmp_path) == {("unit1", "ben"): "why"}
    kept = list(path.parent.glob(".workbook-status.unreadable-*.json"))
    assert [p.read_text() for p in kept] == ['{"not_graded": ["ben"]}']


def _graded(unit, graded, failed):
    return StepResult(f"autograde {unit}", not failed, 1.0, "", unit, tuple(graded),
                      tuple(failed))


def test_the_run_ends_with_one_line_naming_who_was_not_graded_and_why():
    everyone = [f"learner{n:02d}" for n in range(28)]
    line = summary([_graded("unit1", everyone, [("jsmith01", "the gradebook was locked"),
                                                ("zali02", "a kernel did not start in time")])])
    assert line == ("28 graded, 2 not graded: jsmith01 (the gradebook was locked), zali02 (a "
                    "kernel did not start in time).")
    assert summary([_graded("unit1", everyone, [])]) == "28 graded, 0 not graded."
    both = summary([_graded("unit1", everyone, []),
                    _graded("unit2", everyone[1:], [("learner00", "why")])])
    assert both == "55 graded, 1 not graded: learner00 in unit2 (why)."
    # Other steps (a demo's release and feedback) are only named when they fail.
    release = StepResult("generate_assignment unit1", False, 1.0, "boom")
    assert summary([release, _graded("unit1", everyone, [])]) == (
        "28 graded, 0 not graded. 1 of 1 other steps failed: generate_assignment unit1. Their "
        "output is shown above.")


LOG = """[AutogradeApp | INFO] Autograding /c/autograded/ben/unit1/unit1.ipynb
[AutogradeApp | WARNING] Attribute 'checksum' for cell question_1_4 has changed!
[AutogradeApp | ERROR] Timeout waiting for execute reply (15s).
[AutogradeApp | ERROR] There was an error processing assignment: /c/submitted/ben/unit1
[AutogradeApp | ERROR] Traceback (most recent call last):
  File "nbclient/client.py", line 791, in _async_poll_for_reply
    raise CellTimeoutError.error_from_timeout_and_cell(
nbclient.exceptions.CellTimeoutError: A cell timed out while it was being executed.
Here is a preview of the cell contents:
[AutogradeApp | WARNING] Removing failed assignment: /c/autograded/ben/unit1
"""


def test_the_reason_and_the_log_lines_that_matter_are_read_from_nbgraders_log():
    assert trouble_in(LOG) == "the notebook's kernel stopped answering (a cell timed out)"
    assert relevant_lines(LOG) == [
        "[AutogradeApp | ERROR] Timeout waiting for execute reply (15s).",
        "[AutogradeApp | ERROR] There was an error processing assignment: /c/submitted/ben/unit1",
        "[AutogradeApp | ERROR] Traceback (most recent call last):",
        "nbclient.exceptions.CellTimeoutError: A cell timed out while it was being executed."]
    assert trouble_in("Traceback (most recent call last):\n  File x\nOSError: [Errno 28] No "
                      "space left on device\n") == "OSError: [Errno 28] No space left on device"
    assert trouble_in("") == ""


# A step added to the test course's autograde: it fails for b_unlucky on every try (as a full
# disk or a broken gradebook would) and for c_flaky on the first try only (as a kernel that did
# not start in time on a busy machine). Nothing to do with either learner's notebook.
FAILING_STEP = '''
from pathlib import Path
from nbgrader.preprocessors import NbGraderPreprocessor

class FailFor(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        learner = resources["nbgrader"]["student"]
        tries = Path("tries-" + learner)
        tries.write_text(tries.read_text() + "x" if tries.exists() else "x")
        if learner == "b_unlucky" or (learner == "c_flaky" and tries.read_text() == "x"):
            raise RuntimeError("the test made this try fail")
        return nb, resources
'''



@pytest.mark.slow
def test_a_learner_not_graded_is_named_with_the_log_and_never_counted_as_zero(
        generated_course, course, tmp_path, capsys):
    folder, released = fresh_unit1(generated_course, tmp_path)
    assignment = course.assignment("unit1")
    reflection = assignment.reflections[0].grade_id
    right = fill(released, right_answers(assignment), {reflection: "I listened first."})
    for learner in ("a_fine", "b_unlucky", "c_flaky"):
        hand_in(folder, learner, right)
    (folder / "failing_step.py").write_text(FAILING_STEP)
    config = folder / "nbgrader_config.py"
    plain = config.read_text()
    config.write_text(plain + '\nc.Autograde.autograde_preprocessors.insert(0, '
                      '"failing_step.FailFor")\n')
    assert cli.main(["--course-dir", str(folder), "autograde", "unit1", "--jobs", "1"]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[-1] == "2 graded, 1 not graded: b_unlucky (RuntimeError: the test made this " \
                        "try fail)."
    # Tried three times: once, again (no code of the learner's own), from what is written.
    assert (folder / "tries-b_unlucky").read_text() == "xxx"
    assert (folder / "tries-c_flaky").read_text() == "xx"
    assert any("c_flaky ... graded on a second try (the first: RuntimeError: the test made "
               "this try fail)" in line for line in lines)
    told = lines.index("NOT GRADED b_unlucky, unit1: RuntimeError: the test made this try "
                       "fail. Their file is kept in submitted/; nbgrader's log for them:")
    log = [line.strip() for line in lines[told + 1:] if line.startswith("    ")]
    assert "RuntimeError: the test made this try fail" in log
    assert any("There was an error processing assignment 'unit1' for student 'b_unlucky'"
               in line for line in log)
    assert not_graded(folder) == {("unit1", "b_unlucky"): "RuntimeError: the test made this "
                                                          "try fail"}

    # nbgrader made b_unlucky's gradebook rows before the step failed: they read as 0 marks
    # to anything that does not know, but no export, evidence or report counts them.
    _, scores = item_scores(course, folder)
    assert {s.learner for s in scores} == {"a_fine", "c_flaky"}
    assert cli.main(["--course-dir", str(folder), "export", "--out",
                     str(folder / "exports")]) == 0
    column = f"unit1 (out of {assignment.total_points})"
    with (folder / "exports" / "grades.csv").open(encoding="utf-8-sig") as handle:
        rows = {r["id"]: r for r in csv.DictReader(handle)}
    checks = sum(c.points for c in assignment.checks)
    assert (rows["a_fine"][column], rows["a_fine"]["total"], rows["a_fine"]["status"]) == (
        f"{checks:g}", f"{checks:g}", "graded")
    assert rows["c_flaky"][column] == f"{checks:g}"
    assert (rows["b_unlucky"][column], rows["b_unlucky"]["total"],
            rows["b_unlucky"]["status"]) == (
        "", "", "not graded: unit1 (RuntimeError: the test made this try fail)")
    with (folder / "exports" / "criteria.csv").open(encoding="utf-8-sig") as handle:
        states = {r["id"]: r for r in csv.DictReader(handle)}
    assert states["b_unlucky"]["status"].startswith("not graded: unit1")
    assert "Not graded, so left out of every figure (1): b_unlucky in unit1" in \
        capsys.readouterr().out
    assert cli.main(["--course-dir", str(folder), "report", "--out",
                     str(folder / "reports")]) == 0
    page = (folder / "reports" / "cohort.html").read_text(encoding="utf-8")
    assert "<h2>Not graded</h2>" in page and "<td>b_unlucky</td>" in page
    assert "<strong>2</strong> marked submissions" in page
    pack = (folder / "reports" / "learners" / "b_unlucky.html").read_text(encoding="utf-8")
    assert "unit1 is not graded yet (RuntimeError: the test made this try fail)" in pack
    assert cli.main(["--course-dir", str(folder), "evidence"]) == 0
    assert "Not graded, so left out of every figure (1): b_unlucky in unit1 (RuntimeError" \
        in capsys.readouterr().out

    # Once the trouble is gone, the next run grades b_unlucky and takes them off the list.
    config.write_text(plain)
    assert cli.main(["--course-dir", str(folder), "autograde", "unit1"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "3 graded, 0 not graded."
    assert not_graded(folder) == {}
    assert json.loads((folder / STATUS_FILE).read_text()) == {"not_graded": {}}
    _, scores = item_scores(course, folder)
    assert sum(s.score or 0 for s in scores if s.learner == "b_unlucky") == checks
