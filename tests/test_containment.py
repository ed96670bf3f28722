"""Learner code under autograde cannot read answers, grades or other learners' work, cannot
write outside its working copy and has no network (bubblewrap; nbgrader runs for real)."""

from __future__ import annotations

import nbformat
import pytest

from tests.conftest import fresh_unit1
from workbook import cli
from workbook.tutor.contain import containment_available, sandbox_args
from workbook.tutor.simulate import fill, right_answers

pytestmark = pytest.mark.skipif(not containment_available(),
                                reason="bubblewrap (bwrap) is not installed; .ci/run installs it")

PROBE = '''import socket
found = {{}}
for name, path in {reads}.items():
    try:
        found[name] = "READ " + open(path).read()[:20]
    except Exception as error:
        found[name] = "blocked " + type(error).__name__
for name, path in {writes}.items():
    try:
        open(path, "w").write("x")
        found[name] = "WROTE"
    except Exception as error:
        found[name] = "blocked " + type(error).__name__
try:
    socket.create_connection(("1.1.1.1", 53), timeout=3)
    found["network"] = "CONNECTED"
except Exception as error:
    found["network"] = "blocked " + type(error).__name__
print("PROBE", found)
{variable} = "{answer}"'''


@pytest.mark.slow
def test_hostile_reads_writes_and_connections_fail_under_autograde(generated_course, course,
                                                                  tmp_path, capsys):
    folder, released = fresh_unit1(generated_course, tmp_path)
    assignment = course.assignment("unit1")
    other = folder / "submitted" / "ben" / "unit1"
    other.mkdir(parents=True)
    nbformat.write(fill(released, right_answers(assignment)), other / "unit1.ipynb")
    first = assignment.checks[0]
    reads = {"source": str(folder / "source" / "unit1" / "unit1.ipynb"),
             "gradebook": str(folder / "gradebook.db"),
             "other learner": str(folder / "autograded" / "ben" / "unit1" / "unit1.ipynb"),
             "submitted": str(other / "unit1.ipynb")}
    outside = tmp_path / "outside.txt"
    writes = {"outside": str(outside), "course folder": str(folder / "planted.txt"),
              "own folder": "mine.txt"}
    answers = right_answers(assignment)
    answers[first.variable] = PROBE.format(reads=reads, writes=writes, variable=first.variable,
                                           answer=first.answer)
    mine = folder / "submitted" / "amara" / "unit1"
    mine.mkdir(parents=True)
    nbformat.write(fill(released, answers), mine / "unit1.ipynb")
    assert cli.main(["--course-dir", str(folder), "autograde", "unit1"]) == 0
    notes = [x for x in capsys.readouterr().out.splitlines() if x.startswith("NOTE")]
    assert notes == ["NOTE amara, unit1: answer cells hold code, not just an answer: question "
                     "1.1 (imports socket; sets another variable (found); has a loop; runs other "
                     "code). Marked as usual: only a plain text answer in quotes can earn a mark."]
    graded = nbformat.read(folder / "autograded" / "amara" / "unit1" / "unit1.ipynb",
                           as_version=4)
    printed = "".join(o.get("text", "") for c in graded.cells if c.cell_type == "code"
                      for o in c.get("outputs", []))
    found = eval(printed.split("PROBE ", 1)[1].splitlines()[0])  # our own printed dict
    assert found["source"].startswith("blocked")
    assert found["gradebook"].startswith("blocked")
    assert found["other learner"].startswith("blocked")
    assert found["submitted"].startswith("blocked")
    assert found["outside"].startswith("blocked") and not outside.exists()
    assert found["course folder"].startswith("blocked")
    assert not (folder / "planted.txt").exists()
    assert found["own folder"] == "WROTE"
    assert found["network"].startswith("blocked")


def test_the_sandbox_hides_course_folders_and_keeps_the_working_copy(tmp_path):
    course = tmp_path / "course"
    for name in ("source", "submitted", "autograded/amara/unit1", "course_data"):
        (course / name).mkdir(parents=True)
    (course / "gradebook.db").write_text("")
    args = sandbox_args(course / "autograded/amara/unit1", tmp_path / "sockets", course)
    assert args[:5] == ["bwrap", "--die-with-parent", "--unshare-net", "--unshare-pid",
                        "--unsetenv"]
    # Other kernels' socket folders are hidden, this kernel's own bound back after.
    hidden = args.index(str(tmp_path))
    assert args[hidden - 1] == "--tmpfs" and args.index(str(tmp_path / "sockets")) > hidden
    for name in ("source", "submitted", "autograded"):
        assert args[args.index(str(course / name)) - 1] == "--tmpfs"
    assert ["--ro-bind", "/dev/null", str(course / "gradebook.db")] == \
        args[args.index(str(course / "gradebook.db")) - 2:args.index(
            str(course / "gradebook.db")) + 1]
    working = str(course / "autograded/amara/unit1")
    assert args[args.index(working) - 1] == "--bind" and args[-1] == "--"
