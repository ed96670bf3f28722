"""Autograding a unit's submissions with worker processes that each keep nbgrader loaded.

``nbgrader autograde UNIT`` grades learners one after another in one process, and pays its
start-up (about 4 s here) on every run. ``workbook autograde`` instead starts ``jobs`` worker
processes (one per core by default). Each loads nbgrader and the course's nbgrader_config.py
once, then takes learners one at a time from a shared queue and grades each with nbgrader's own
``Autograde`` converter: the same preprocessors, settings and gradebook writes as
``nbgrader autograde UNIT --force --student LEARNER``. Three things differ, all in how the work
is scheduled, not in what is done:

- kernels come from tutor/pool.py, so the next notebook's kernel starts while this one is
  graded, and a used kernel's shutdown is not waited for;
- workers wait up to :data:`GRADEBOOK_WAIT` seconds for the gradebook when another worker is
  writing to it (SQLite's own lock), instead of SQLite's default of 5 s;
- nbgrader opens the gradebook about nine times per notebook, and each time builds a new
  database engine and checks every table exists; a worker builds the engine once and checks
  the tables the first time only (:func:`_open_gradebook_once`).

A learner nbgrader could not grade is reported like nbgrader reports it ("There was an error
processing assignment ... for student ..."), and everyone else is still graded.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class Graded:
    learner: str
    ok: bool
    seconds: float
    log: str


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


def _open_gradebook_once() -> None:
    """Make nbgrader's ``Gradebook(db_url)`` reuse one engine per database in this process.
    The first opening is nbgrader's own (it creates any missing tables); later ones do what
    it does after that: a new session and the course check. Closing ends the session and
    keeps the engine (an idle SQLite connection holds no lock)."""
    from nbgrader import api
    from sqlalchemy.orm import scoped_session, sessionmaker

    if getattr(api.Gradebook, "_workbook_engines", None) is not None:
        return
    engines: dict[str, object] = {}
    first_open = api.Gradebook.__init__

    def open_gradebook(self, db_url, course_id="default_course", authenticator=None):
        engine = engines.get(db_url)
        if engine is None:
            first_open(self, db_url, course_id=course_id, authenticator=authenticator)
            engines[db_url] = self.engine
            return
        self.engine = engine
        self.db = scoped_session(sessionmaker(autoflush=True, bind=engine, future=True))
        self.check_course(course_id=course_id)
        self.course_id = course_id
        self.authenticator = authenticator

    def close_gradebook(self):
        self.db.remove()  # the engine, and its idle connection, stay for the next opening

    api.Gradebook.__init__ = open_gradebook
    api.Gradebook.close = close_gradebook
    api.Gradebook._workbook_engines = engines


def _start_worker(course_dir: str, unit: str) -> None:
    """Load nbgrader and the course's settings once for this worker."""
    global _APP
    os.chdir(course_dir)
    from nbgrader.apps import AutogradeApp

    _open_gradebook_once()
    app = AutogradeApp()
    app.initialize([unit, "--force", "--log-level=INFO"])
    app.coursedir.assignment_id = unit
    db = Path(course_dir, "gradebook.db").resolve()
    if app.coursedir.db_url == f"sqlite:///{db}":
        app.coursedir.db_url = f"sqlite:///{db}?timeout={GRADEBOOK_WAIT}"
    steps = list(app.config.Autograde.get("autograde_preprocessors", []))
    pooled = EXECUTE in steps
    if pooled:
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


def _grade(learner: str) -> Graded:
    _LOG.seek(0)
    _LOG.truncate()
    start = time.perf_counter()
    ok = True
    try:
        from nbgrader.converters import Autograde, NbGraderException

        _APP.coursedir.student_id = learner
        try:
            Autograde(coursedir=_APP.coursedir, parent=_APP).start()
        except NbGraderException:
            ok = False
    except Exception:  # noqa: BLE001 - reported, and the other learners are still graded
        _APP.log.exception("There was an error processing assignment '%s' for student '%s'",
                           _APP.coursedir.assignment_id, learner)
        ok = False
    return Graded(learner, ok, time.perf_counter() - start, _LOG.getvalue())


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
        self.unit = unit
        self.processes = [subprocess.Popen(
            [sys.executable, "-m", "workbook.tutor.grader", str(course_dir.resolve()), unit],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            encoding="utf-8") for _ in range(max(1, jobs))]
        self.errors: list[list[str]] = [[] for _ in self.processes]
        self.readers = [threading.Thread(target=errors.extend, args=(process.stderr,),
                                         daemon=True)
                        for process, errors in zip(self.processes, self.errors, strict=True)]
        for reader in self.readers:
            reader.start()

    def grade(self, learners: Sequence[str],
              say: Callable[[str], None] = print) -> list[Graded]:
        """Grade ``learners``, one at a time per worker, saying one line per learner; then
        the workers stop. Every learner gets a result, graded or not."""
        waiting: queue.SimpleQueue[str] = queue.SimpleQueue()
        for learner in learners:
            waiting.put(learner)
        results: dict[str, Graded] = {}
        lock = threading.Lock()

        def record(result: Graded) -> None:
            with lock:
                results[result.learner] = result
                state = "graded" if result.ok else "NOT GRADED"
                say(f"  [{len(results)}/{len(learners)}] {self.unit} {result.learner} ... "
                    f"{state} ({result.seconds:.1f} s)")

        def feed(number: int) -> None:
            worker = self.processes[number]
            while True:
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
                if not line:  # this worker has stopped: say why; others take the rest
                    worker.wait()
                    self.readers[number].join(timeout=5)
                    record(Graded(learner, False, 0.0, self._stopped(number, learner)))
                    return
                record(Graded(**json.loads(line)))

        threads = [threading.Thread(target=feed, args=(n,)) for n in range(len(self.processes))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.close()
        for learner in learners:  # left in the queue when every worker had stopped
            if learner not in results:
                record(Graded(learner, False, 0.0, self._stopped(0, learner)))
        return [results[learner] for learner in learners]

    def _stopped(self, number: int, learner: str) -> str:
        return (f"The grading worker stopped before it could grade {learner} (exit code "
                f"{self.processes[number].poll()}). Nothing was lost: run the same command "
                "again.\n" + "".join(self.errors[number][-40:]))

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
