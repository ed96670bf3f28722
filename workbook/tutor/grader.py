"""Autograding a unit's submissions with worker processes that each keep nbgrader loaded.

``nbgrader autograde UNIT`` grades learners one after another in one process, and pays its
start-up on every run (benchmarks/README.md). ``workbook autograde`` instead starts ``jobs`` worker
processes (one per core by default). Each loads nbgrader and the course's nbgrader_config.py
once, then takes learners one at a time from a shared queue and grades each with nbgrader's own
``Autograde`` converter: the same preprocessors, settings and gradebook writes as
``nbgrader autograde UNIT --force --student LEARNER``. Two things differ, both in how the work
is scheduled, not in what is done:

- kernels come from tutor/pool.py, so the next notebook's kernel starts while this one is
  graded, and a used kernel's shutdown is not waited for;
- workers wait up to :data:`GRADEBOOK_WAIT` seconds for the gradebook when another worker is
  writing to it (SQLite's own lock), instead of SQLite's default of 5 s.

When nbgrader cannot grade a learner, the worker tries again (tutor/written.py):

- a notebook with no code of the learner's own (only plain answers) is graded once more, with a
  new kernel: such a failure is not the learner's doing (a kernel that did not start in time
  on a busy machine, say);
- a notebook that still cannot be run, or whose own code stopped it, is marked from the answers
  as written, without running it, so honest answers keep their marks;
- only when that fails too is the learner not graded, with the reason and nbgrader's log lines
  for the tutor (tutor/run.py), and everyone else is still graded.

A reflection the tutor has marked keeps its "marked" state through a re-autograde when its text
is the same (nbgrader would set it back to "needs manual grade"); see :func:`_marked_by_hand`.
"""

from __future__ import annotations

import copy
import io
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

GRADEBOOK_WAIT = 120
"""Seconds a worker waits for another worker's write to the gradebook to finish."""

EXECUTE = "nbgrader.preprocessors.Execute"
POOLED_EXECUTE = "workbook.tutor.pool.PooledExecute"
FROM_WRITTEN = "workbook.tutor.written.MarkFromWritten"

RUN, RETRIED, FROM_WRITTEN_ANSWERS = "run", "run on a second try", "marked from what is written"
"""How a graded learner's notebook was marked (:attr:`Graded.how`)."""


@dataclass(frozen=True)
class Graded:
    learner: str
    ok: bool
    seconds: float
    log: str
    how: str = RUN
    """RUN, RETRIED or FROM_WRITTEN_ANSWERS when graded."""
    trouble: str = ""
    """What went wrong running the notebook, in a few words (empty when nothing did)."""
    no_mark: tuple[str, ...] = ()
    """Questions given no mark for code in their answer cell (marked from what is written)."""


def default_jobs() -> int:
    """One worker per core this process may use, at most 4 (memory on a laptop)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


# ---------------------------------------------------------------- inside a worker process
_APP = None
_LOG = io.StringIO()


_RETRY = None
"""The worker's settings with nbgrader's own Execute (no kernel pool), for a second try."""
_WRITTEN = None
"""The worker's settings with MarkFromWritten in place of Execute (tutor/written.py)."""


def _start_worker(course_dir: str, unit: str) -> None:
    """Load nbgrader and the course's settings once for this worker."""
    global _APP, _RETRY, _WRITTEN
    os.chdir(course_dir)
    from nbgrader.apps import AutogradeApp

    app = AutogradeApp()
    app.initialize([unit, "--force", "--log-level=INFO"])
    app.coursedir.assignment_id = unit
    db = Path(course_dir, "gradebook.db").resolve()
    if app.coursedir.db_url == f"sqlite:///{db}":
        app.coursedir.db_url = f"sqlite:///{db}?timeout={GRADEBOOK_WAIT}"
    steps = list(app.config.Autograde.get("autograde_preprocessors", []))
    pooled = EXECUTE in steps
    if pooled:
        _RETRY, _WRITTEN = copy.deepcopy(app.config), copy.deepcopy(app.config)
        _WRITTEN.Autograde.autograde_preprocessors = [
            FROM_WRITTEN if step == EXECUTE else step for step in steps]
        app.config.Autograde.autograde_preprocessors = [
            POOLED_EXECUTE if step == EXECUTE else step for step in steps]
    handler = logging.StreamHandler(_LOG)
    handler.setFormatter(logging.Formatter("[%(name)s | %(levelname)s] %(message)s"))
    app.log.handlers = [handler]
    app.log.propagate = False
    # Warnings (SQLAlchemy's, from inside nbgrader) go with the learner's log, shown to the
    # tutor only when that learner could not be graded.
    logging.captureWarnings(True)
    logging.getLogger("py.warnings").handlers = [handler]
    logging.getLogger("py.warnings").propagate = False
    _APP = app
    # The first kernel boots while the course data is read for the second marking.
    from jupyter_core.utils import run_sync

    from .contain import course_root_for
    from .marking import _course
    from .pool import POOL, PooledExecute

    POOL.course_root = course_root_for(Path(course_dir) / "autograded" / "x" / unit)
    if pooled and POOL.course_root is not None:
        run_sync(POOL.prime)("python3", PooledExecute(config=app.config).kernel_arguments(),
                             app.config)
    _course(app.config.CrossCheck.get("course_root") or course_dir)


def _autograde(learner: str, config=None) -> bool:
    """One try at grading ``learner`` with nbgrader's Autograde (with ``config``, when given,
    in place of the worker's settings); False when nbgrader could not."""
    from nbgrader.converters import Autograde, NbGraderException

    _APP.coursedir.student_id = learner
    try:
        Autograde(coursedir=_APP.coursedir, parent=_APP,
                  **({} if config is None else {"config": config})).start()
    except NbGraderException:
        return False
    except Exception:  # noqa: BLE001 - reported, and the other learners are still graded
        _APP.log.exception("There was an error processing assignment '%s' for student '%s'",
                           _APP.coursedir.assignment_id, learner)
        return False
    return True


def _notebook(folder: str, learner: str) -> Path:
    unit = _APP.coursedir.assignment_id
    return Path(_APP.coursedir.root, folder, learner, unit, f"{unit}.ipynb")


def _learner_code(learner: str) -> bool:
    """True when the hand-in holds code of the learner's own (or cannot be read)."""
    import nbformat

    from .written import has_learner_code

    try:
        return has_learner_code(nbformat.read(_notebook("submitted", learner), as_version=4))
    except Exception:  # noqa: BLE001 - unreadable: no second try, it would fail the same way
        return True


def _grade(learner: str) -> Graded:
    _LOG.seek(0)
    _LOG.truncate()
    start = time.perf_counter()
    marked = _marked_by_hand(learner)
    how, trouble, no_mark = RUN, "", ()
    ok = _autograde(learner)
    if not ok:
        trouble = trouble_in(_LOG.getvalue())
    if not ok and _RETRY is not None and not _learner_code(learner):
        _APP.log.warning("Grading %s again: %s", learner, trouble)
        since = _LOG.tell()
        ok, how = _autograde(learner, _RETRY), RETRIED
        if not ok:
            trouble = trouble_in(_LOG.getvalue()[since:])
    if not ok and _WRITTEN is not None:
        _APP.log.warning("Marking %s from the answers as written: %s", learner, trouble)
        since = _LOG.tell()
        ok, how = _autograde(learner, _WRITTEN), FROM_WRITTEN_ANSWERS
        if ok:
            from .written import questions_with_code

            no_mark = tuple(questions_with_code(_notebook("autograded", learner)))
        else:
            trouble = trouble_in(_LOG.getvalue()[since:]) or trouble
    if ok:
        _keep_marked_by_hand(learner, marked)
    return Graded(learner, ok, time.perf_counter() - start, _LOG.getvalue(),
                  how if ok else RUN, trouble, no_mark)


def _hand_marked_texts(path: Path) -> dict[str, str]:
    """The learner's text in each hand-marked answer cell (a reflection) of a graded copy."""
    import nbformat

    texts = {}
    for cell in nbformat.read(path, as_version=4).cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("grade") and meta.get("solution"):
            texts[meta.get("grade_id", "")] = cell.source
    return texts


def _marked_by_hand(learner: str) -> dict[str, str]:
    """Cells of the learner's last graded copy that the tutor has marked (a manual score and
    no longer "needs manual grade"), with the text that was marked. Read before autograde
    replaces that copy."""
    from nbgrader.api import Gradebook, MissingEntry

    path = _notebook("autograded", learner)
    if not path.is_file():
        return {}
    try:
        texts = _hand_marked_texts(path)
        unit = _APP.coursedir.assignment_id
        with Gradebook(_APP.coursedir.db_url) as gradebook:
            notebook = gradebook.find_submission_notebook(unit, unit, learner)
            done = {g.name for g in notebook.grades
                    if g.manual_score is not None and not g.needs_manual_grade}
    except (MissingEntry, OSError, ValueError):
        return {}
    return {name: texts[name] for name in done if name in texts}


def _keep_marked_by_hand(learner: str, marked: dict[str, str]) -> None:
    """nbgrader sets every cell with a manual score back to "needs manual grade" when it
    autogrades again; a cell whose text is the same as when it was marked stays marked."""
    from nbgrader.api import Gradebook

    if not marked:
        return
    same = {name for name, text in _hand_marked_texts(_notebook("autograded", learner)).items()
            if marked.get(name) == text}
    if not same:
        return
    unit = _APP.coursedir.assignment_id
    with Gradebook(_APP.coursedir.db_url) as gradebook:
        notebook = gradebook.find_submission_notebook(unit, unit, learner)
        for grade in notebook.grades:
            if grade.name in same and grade.manual_score is not None:
                grade.needs_manual_grade = False
        gradebook.db.commit()


# What went wrong, from nbgrader's log: (text in the log, the words for the tutor). First match.
_TROUBLES = (
    ("DeadKernelError", "the notebook's kernel stopped while running it"),
    ("Kernel died", "the notebook's kernel stopped while running it"),
    ("UnresponsiveKernelError", "the notebook's kernel stopped answering"),
    ("became unresponsive", "the notebook's kernel stopped answering"),
    ("Timeout waiting for execute reply", "the notebook's kernel stopped answering (a cell "
     "timed out)"),
    ("Timeout waiting for IOPub output", "a cell's output did not arrive within nbgrader's "
     "time limit after it finished (Execute.iopub_timeout)"),
    ("CellTimeoutError", "a cell ran past the time limit"),
    ("Kernel didn't respond", "a kernel did not start in time"),
    ("database is locked", "the gradebook was locked by another program for too long"),
    ("OperationalError", "the gradebook could not be read or written"),
    ("Address already in use", "a kernel could not open its connection (address in use)"),
)


def trouble_in(log: str) -> str:
    """What went wrong, in a few words, from one try's log ('' when nothing is logged)."""
    for text, words in _TROUBLES:
        if text in log:
            return words
    errors = [line for line in log.splitlines() if line and not line.startswith((" ", "["))
              and ("Error" in line.split(":")[0] or "Exception" in line.split(":")[0])]
    if errors:
        return errors[-1][:160]
    failed = [line.split("] ", 1)[-1] for line in log.splitlines() if "| ERROR]" in line]
    return failed[-1][:160] if failed else ""


_NOISE = ("Attribute '", "Removing failed", "Please see the the above traceback")
"""Log lines said elsewhere (the NOTE lines) or of no help to the tutor."""


def relevant_lines(log: str, limit: int = 12) -> list[str]:
    """nbgrader's warnings and errors from a learner's log, and the exception line ending
    each traceback, at most ``limit`` lines (the last ones)."""
    lines = log.splitlines()
    kept = []
    for number, line in enumerate(lines):
        if any(f"| {level}]" in line for level in ("ERROR", "WARNING", "CRITICAL")):
            if not any(noise in line for noise in _NOISE):
                kept.append(line)
        elif (line and not line.startswith((" ", "[", "Traceback"))
              and number > 0 and lines[number - 1].startswith(" ")):
            kept.append(line)  # the exception line ending a traceback
    return kept[-limit:]


def worker_main(course_dir: str, unit: str) -> int:
    """A worker: one learner id per line on stdin, one JSON result per line on stdout."""
    sys.modules.setdefault("rfc3987_syntax", None)  # as cli.main: skip 40 IRI grammars
    from jupyter_core.utils import run_sync

    from .pool import POOL

    results = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # anything printed goes to stderr
    try:
        _start_worker(course_dir, unit)
        for line in sys.stdin:
            if line.strip():
                results.write(json.dumps(asdict(_grade(line.strip()))) + "\n")
                results.flush()
    finally:
        run_sync(POOL.close)()
    return 0


# ---------------------------------------------------------------- in the tutor's process
class Workers:
    """``jobs`` worker processes for one unit. They start loading nbgrader (and their first
    kernel) as soon as this is made, so that overlaps the submission checks before grading."""

    def __init__(self, course_dir: Path, unit: str, jobs: int) -> None:
        self.course_dir, self.unit = course_dir.resolve(), unit
        self.processes: list[subprocess.Popen] = []
        self.errors: list[list[str]] = []
        self.readers: list[threading.Thread] = []
        for _ in range(max(1, jobs)):
            self._start(len(self.processes))

    def _start(self, number: int) -> None:
        """Start worker ``number`` (again, when it has stopped), with a thread collecting
        what it writes to stderr."""
        process = subprocess.Popen(
            [sys.executable, "-m", "workbook.tutor.grader", str(self.course_dir), self.unit],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            encoding="utf-8")
        errors: list[str] = []
        reader = threading.Thread(target=errors.extend, args=(process.stderr,), daemon=True)
        reader.start()
        if number == len(self.processes):
            self.processes.append(process)
            self.errors.append(errors)
            self.readers.append(reader)
        else:
            self.processes[number], self.errors[number] = process, errors
            self.readers[number] = reader

    def grade(self, learners: Sequence[str],
              say: Callable[[str], None] = print) -> list[Graded]:
        """Grade ``learners``, one at a time per worker, saying one line per learner; then
        the workers stop. Every learner gets a result, graded or not. A learner whose worker
        stopped (not something a notebook's code can do: kernels are processes of their own)
        is graded once more by a new worker."""
        waiting: queue.SimpleQueue[str] = queue.SimpleQueue()
        for learner in learners:
            waiting.put(learner)
        results: dict[str, Graded] = {}
        again: set[str] = set()
        lock = threading.Lock()

        def record(result: Graded) -> None:
            with lock:
                results[result.learner] = result
                state = "NOT GRADED"
                if result.ok:
                    state = "graded" if result.how == RUN else f"graded ({result.how})"
                    if result.how == RETRIED:
                        state = f"graded on a second try (the first: {result.trouble})"
                say(f"  [{len(results)}/{len(learners)}] {self.unit} {result.learner} ... "
                    f"{state} ({result.seconds:.1f} s)")

        def feed(number: int) -> None:
            while True:
                worker = self.processes[number]
                try:
                    learner = waiting.get_nowait()
                except queue.Empty:
                    return
                try:
                    worker.stdin.write(learner + "\n")
                    worker.stdin.flush()
                    line = worker.stdout.readline()
                except OSError:
                    line = ""
                if line:
                    record(Graded(**json.loads(line)))
                    continue
                worker.wait()  # this worker has stopped: say why, and start a new one once
                self.readers[number].join(timeout=5)
                stopped = self._stopped(number, learner)
                with lock:
                    first = learner not in again
                    again.add(learner)
                if not first:
                    record(stopped)
                    return
                say(f"  {stopped.trouble}; grading {learner} again with a new worker")
                self._start(number)
                waiting.put(learner)

        threads = [threading.Thread(target=feed, args=(n,)) for n in range(len(self.processes))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.close()
        for learner in learners:  # left in the queue when every worker had stopped
            if learner not in results:
                record(self._stopped(0, learner))
        return [results[learner] for learner in learners]

    def _stopped(self, number: int, learner: str) -> Graded:
        trouble = f"the grading worker stopped (exit code {self.processes[number].poll()})"
        return Graded(learner, False, 0.0, "".join(self.errors[number][-40:]), RUN, trouble)

    def close(self) -> None:
        """Let the workers finish (each stops its spare kernel) and wait for them."""
        for worker in self.processes:
            try:
                if worker.stdin and not worker.stdin.closed:
                    worker.stdin.close()
            except OSError:
                pass
        for worker in self.processes:
            worker.wait()


if __name__ == "__main__":
    raise SystemExit(worker_main(sys.argv[1], sys.argv[2]))
