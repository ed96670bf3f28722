"""Learner code under autograde sees only what a kernel needs: it cannot read the course
folder, the tutor's home or Jupyter's runtime files, cannot write outside its working copy, has
no network, and has a memory and a process limit (bubblewrap; nbgrader runs for real)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import nbformat
import pytest
from jupyter_core.paths import jupyter_runtime_dir

from tests.conftest import ROOT, fresh_unit1
from workbook import cli
from workbook.tutor import contain
from workbook.tutor.cohort import item_scores
from workbook.tutor.contain import GIB, containment_available, python_roots, sandbox_args
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


def _hand_in(folder: Path, learner: str, nb, *extra: str) -> None:
    mine = folder / "submitted" / learner / "unit1"
    mine.mkdir(parents=True)
    nbformat.write(nb, mine / "unit1.ipynb")
    for name in extra:  # a file beside the notebook: that kernel works in autograded/
        (mine / name).write_text("my own notes", encoding="utf-8")


def _printed(folder: Path, learner: str) -> str:
    graded = nbformat.read(folder / "autograded" / learner / "unit1" / "unit1.ipynb",
                           as_version=4)
    return "".join(o.get("text", "") + "".join(o.get("traceback", []))
                   for c in graded.cells if c.cell_type == "code" for o in c.get("outputs", []))


def _errors(folder: Path, learner: str) -> list[str]:
    """The names of the errors the graded notebook's cells show."""
    graded = nbformat.read(folder / "autograded" / learner / "unit1" / "unit1.ipynb",
                           as_version=4)
    return [o.get("ename") for c in graded.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


READER = r"""import json, os, resource
seen = {{"cwd": os.getcwd(), "env": dict(os.environ),
         "limits": [resource.getrlimit(resource.RLIMIT_DATA)[0],
                    resource.getrlimit(resource.RLIMIT_NPROC)[0]]}}
for path in json.loads({paths!r}):
    try:
        if os.path.isdir(path):
            seen[path] = "LISTED " + json.dumps(sorted(os.listdir(path)))
        else:
            with open(path, "rb") as file:
                seen[path] = "READ " + file.read(2000).decode("utf-8", "replace")
    except Exception as error:
        seen[path] = "blocked " + type(error).__name__
print("PROBE " + json.dumps(seen))
{variable} = {answer}"""


def _targets(*folders: Path) -> list[Path]:
    """Every entry of each folder, found now: a folder added later is covered too."""
    return [entry for folder in folders if folder.is_dir() for entry in sorted(folder.iterdir())]


@pytest.mark.slow
def test_no_entry_of_the_course_or_the_tutors_home_can_be_read_under_autograde(
        generated_course, course, tmp_path, capsys, monkeypatch):
    folder, released = fresh_unit1(generated_course, tmp_path)
    assignment = course.assignment("unit1")
    first = assignment.checks[0]
    marker = f"SECRET-{uuid.uuid4().hex}"
    # Files a learner must never see, each holding the marker.
    planted = [folder / "exports" / "grades.csv", folder / "reports" / "learners" / "ben.html",
               folder / "demo-cohort" / "gradebook.db"]
    for path in planted:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"id,email,mark\nben,{marker}@example.org,9\n", encoding="utf-8")
    with open(folder / "course_data" / "assignments" / "unit1.yaml", "a",
              encoding="utf-8") as key:
        key.write(f"\n# {marker}\n")
    runtime = Path(jupyter_runtime_dir())
    made_runtime = not runtime.exists()
    runtime.mkdir(parents=True, exist_ok=True)
    token = runtime / f"jpserver-{uuid.uuid4().hex}.json"
    in_home = Path.home() / f".workbook-probe-{uuid.uuid4().hex}"
    monkeypatch.setenv("WORKBOOK_PROBE_TOKEN", marker)  # the tutor's environment, too
    try:
        token.write_text(json.dumps({"token": marker, "port": 8888}), encoding="utf-8")
        in_home.write_text(marker, encoding="utf-8")
        _hand_in(folder, "ben", fill(released, right_answers(assignment)))
        targets = _targets(folder, ROOT, Path.home(), runtime, folder / "submitted") + [
            *planted, folder / "course_data" / "assignments" / "unit1.yaml", token, in_home,
            folder / "autograded" / "ben", Path("/tmp")]
        system = [Path("/"), Path("/etc")]
        answers = right_answers(assignment)
        answers[first.variable] = READER.format(
            paths=json.dumps([str(p) for p in [*targets, *system]]),
            variable=first.variable, answer=json.dumps(first.answer))
        _hand_in(folder, "amara", fill(released, answers))  # kernel in a private folder
        _hand_in(folder, "carol", fill(released, answers), "notes.txt")  # in autograded/
        assert cli.main(["--course-dir", str(folder), "autograde", "unit1"]) == 0
        assert cli.main(["--course-dir", str(folder), "feedback", "unit1"]) == 0
    finally:
        token.unlink(missing_ok=True)
        in_home.unlink(missing_ok=True)
        if made_runtime:
            shutil.rmtree(runtime, ignore_errors=True)
    assert "not contained" not in capsys.readouterr().out
    python = python_roots()
    for learner in ("amara", "carol"):
        printed = _printed(folder, learner)
        page = (folder / "feedback" / learner / "unit1" / "unit1.html").read_text(
            encoding="utf-8")
        assert "PROBE" in printed and "PROBE" in page  # what the code printed reached both
        assert _errors(folder, learner) == []  # the format checks' `import workbook` works
        assert marker not in printed and marker not in page
        seen = json.loads(printed.split("PROBE ", 1)[1].splitlines()[0])
        assert set(seen) == {"cwd", "env", "limits", *map(str, targets), "/", "/etc"}
        assert seen["limits"] == [GIB, 64]  # nbgrader_config.py's limits reached the kernel
        assert set(seen["env"]) <= {*contain.KEPT_VARIABLES, "PATH", "HOME", "TMPDIR",
                                    "IPYTHONDIR", "MPLCONFIGDIR", "PWD", "TERM", "CLICOLOR",
                                    "FORCE_COLOR", "CLICOLOR_FORCE", "PAGER", "GIT_PAGER",
                                    "MPLBACKEND", "PYDEVD_USE_FRAME_EVAL"}
        # What the kernel may see: its Python, its working folder and its private folder.
        allowed = [*python, Path(seen["cwd"]), Path(seen["env"]["HOME"]).parent]
        if learner == "carol":
            assert Path(seen["cwd"]) == (folder / "autograded" / "carol" / "unit1").resolve()
        for target in targets:
            path, result = target.resolve(), seen[str(target)]
            if any(path == a or a in path.parents for a in allowed):
                continue  # the Python environment (a .venv in the course folder, say)
            below = sorted({a.relative_to(path).parts[0] for a in allowed if path in a.parents})
            if below:  # a folder on the way to one of those: it shows only that way
                assert result == "LISTED " + json.dumps(below), (learner, target, result)
            else:
                assert result.startswith("blocked"), (learner, target, result)
        # The root holds the system's folders and the ways to the allowed ones; /etc a few
        # files programs read at start.
        top = {a.parts[1] for a in allowed}
        assert set(json.loads(seen["/"].removeprefix("LISTED "))) <= {
            *top, "usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc", "dev", "proc"}
        assert set(json.loads(seen["/etc"].removeprefix("LISTED "))) <= set(contain.ETC_FILES)


@pytest.mark.slow
def test_a_two_gigabyte_allocation_gets_a_memory_error_and_the_rest_is_marked(
        generated_course, course, tmp_path, capsys):
    folder, released = fresh_unit1(generated_course, tmp_path)
    with open(folder / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write("\nc.ContainedKernelManager.memory_limit = 768 * 1024 ** 2\n")
    assignment = course.assignment("unit1")
    first = assignment.checks[0]
    answers = right_answers(assignment)
    answers[first.variable] = (
        "import resource\nprint('LIMIT', resource.getrlimit(resource.RLIMIT_DATA)[0])\n"
        f"hoard = bytearray(2 * 1024 ** 3)\n{first.variable} = {json.dumps(first.answer)}")
    _hand_in(folder, "amara", fill(released, answers))
    assert cli.main(["--course-dir", str(folder), "autograde", "unit1"]) == 0
    capsys.readouterr()
    printed = _printed(folder, "amara")
    assert f"LIMIT {768 * 1024 ** 2}" in printed  # the setting in nbgrader_config.py
    assert contain.MEMORY_SENTENCE.format(limit="768 MiB") in printed  # said plainly
    # That cell stopped before its answer line, so its hidden check finds no answer.
    assert _errors(folder, "amara") == ["MemoryError", "NotMarkedRight"]
    _, scores = item_scores(course, folder)
    marks = {s.item: s.score for s in scores if s.kind == "check"}
    assert sum(v or 0 for v in marks.values()) == len(assignment.checks) - 1


@pytest.mark.slow  # a real autograde of two learners: seconds, and the generated course
def test_without_bubblewrap_autograde_says_once_that_code_is_not_contained(
        generated_course, course, tmp_path, capsys, monkeypatch):
    folder, released = fresh_unit1(generated_course, tmp_path)
    assignment = course.assignment("unit1")
    for learner in ("amara", "ben"):
        _hand_in(folder, learner, fill(released, right_answers(assignment)))
    no_bwrap = tmp_path / "bin"
    no_bwrap.mkdir()
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{no_bwrap}")
    contain.containment_problem.cache_clear()
    try:
        assert cli.main(["--course-dir", str(folder), "autograde", "all"]) == 0
    finally:
        contain.containment_problem.cache_clear()
    out = capsys.readouterr().out.splitlines()
    said = [x for x in out if "not contained" in x]
    assert said == [contain.NOT_CONTAINED.format(
        why="bubblewrap (bwrap) is not installed.")], out
    assert "sudo apt-get install bubblewrap" in said[0]
    assert all((folder / "autograded" / x / "unit1" / "unit1.ipynb").is_file()
               for x in ("amara", "ben"))


def test_the_sandbox_binds_only_the_system_python_and_its_own_folders(tmp_path):
    course = tmp_path / "course"
    working = course / "autograded" / "amara" / "unit1"
    working.mkdir(parents=True)
    private = tmp_path / "private"
    args = sandbox_args(working, private)
    for flag in ("--unshare-user", "--unshare-pid", "--unshare-net", "--die-with-parent"):
        assert flag in args
    assert args[args.index("--remount-ro") + 1] == "/" and args[-1] == "--"
    bound = {args[n + 1]: args[n] for n in range(len(args) - 1)
             if args[n] in ("--bind", "--ro-bind", "--ro-bind-try")}
    writable = {path for path, flag in bound.items() if flag == "--bind"}
    assert writable == {str(working), str(private)}
    python = {str(p) for p in python_roots()}
    for path in set(bound) - writable - python:
        assert path.startswith(("/usr", "/etc/", "/lib", "/bin", "/sbin")), path
    for path in bound:  # nothing else of the course folder, the tutor's home or /tmp
        assert not Path(path).is_relative_to(course) or path == str(working)
        if Path(path).is_relative_to(Path.home()):
            assert path in python
    assert (private / "home").is_dir()


@pytest.mark.skipif(not Path("/usr/bin/python3").exists() or not shutil.which("setpriv"),
                    reason="needs Debian's python3 and setpriv to run as another user")
def test_the_process_limit_stops_more_processes_inside_the_sandbox(tmp_path):
    # Linux does not apply RLIMIT_NPROC to root, so this runs as an ordinary user ("nobody"
    # when the tests run as root), as a tutor's autograde does.
    base = Path(tempfile.mkdtemp(prefix="workbook-nproc-"))
    try:
        base.chmod(0o755)
        working, private = base / "work", base / "private"
        for made in (working, private, private / "home"):
            made.mkdir(parents=True, exist_ok=True)
            made.chmod(0o777)
        forks = ("import os, time\nmade = 0\nfor n in range(40):\n    try:\n"
                 "        if os.fork() == 0:\n            time.sleep(3)\n            os._exit(0)\n"
                 "        made += 1\n    except OSError:\n        break\nprint('MADE', made)")
        command = sandbox_args(working, private, python=[]) + [
            "/usr/bin/python3", "-I", "-S", "-c", contain._LIMITS, str(GIB), "8",
            "/usr/bin/python3", "-c", forks]
        user = (["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
                if os.getuid() == 0 else [])
        result = subprocess.run(user + command, capture_output=True, text=True, timeout=60)
        made = int(result.stdout.split("MADE ")[1])
        assert 0 < made < 8, result.stdout + result.stderr  # bwrap and python count too
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_a_bwrap_that_cannot_make_a_sandbox_is_reported_not_used(tmp_path, monkeypatch):
    # As on a machine with user namespaces switched off: bwrap is there but fails.
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "bwrap").write_text("#!/bin/sh\necho 'No permissions to create new namespace' >&2\n"
                                "exit 1\n")
    (fake / "bwrap").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    contain.containment_problem.cache_clear()
    try:
        problem = contain.containment_problem()
        assert not containment_available()
    finally:
        contain.containment_problem.cache_clear()
    assert problem == ("bubblewrap (bwrap) is installed but could not make a sandbox on this "
                       "machine (No permissions to create new namespace).")
