"""Every place the workbook still depends on the insides of nbgrader (or of jupyter_client and
nbclient), in one module, with what it buys and the upstream code it relies on.

Everything else reaches them through their supported doors: nbgrader's preprocessors and
settings (nbgrader_config.py), its converters and Gradebook API, jupyter_client's public kernel
manager methods (``start_kernel``, ``is_alive``, ``request_shutdown``, ``shutdown_kernel``,
``cleanup_resources``, ``cleanup_connection_file``, ``format_kernel_cmd``), nbclient's
``create_kernel_manager`` and ``python -m ipykernel_launcher``.

What remains: :data:`GRADES` and :data:`STUDENTS`, the gradebook read with plain SQL over
nbgrader's tables, with nbgrader's own score rules (``Grade.score``, ``Grade.max_score``)
written as SQL, so ``workbook evidence``, ``export``, ``report`` and the roster commands do not
import nbgrader (whose import is most of such a command's time: benchmarks/README.md).
It is no part of autograde (its share of cohort autograde time is nil); docs/decisions.md
says why it stays.

The rest of :data:`PINNED` is upstream code that the kernel pool (tutor/pool.py) and the
sandbox (tutor/contain.py) rely on through public methods: nothing private is called there,
but a change in that code would change what they do.

:data:`PINNED` names the upstream code each depends on, with a hash of its source;
tests/test_upstream.py fails, naming what to re-check, when an upgrade changes any of it
(docs/upgrading-nbgrader.md). ``python -m workbook.tutor.upstream`` prints the hashes of the
installed versions, to re-pin after re-checking.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import sqlite3
from contextlib import closing
from pathlib import Path

# Read-only SQL over nbgrader's gradebook tables (nbgrader/api.py). The score and maximum are
# nbgrader's own definitions (Grade.score, Grade.max_score) written as SQL; tests/test_tutor.py
# compares the result with nbgrader's API on real gradebooks.
STUDENTS = "SELECT id, first_name, last_name, email FROM student"
GRADES = """
SELECT assignment.name, submitted_assignment.student_id, base_cell.name,
       CASE WHEN grade.manual_score IS NOT NULL
                 THEN grade.manual_score + COALESCE(grade.extra_credit, 0.0)
            WHEN grade.auto_score IS NOT NULL
                 THEN grade.auto_score + COALESCE(grade.extra_credit, 0.0)
            ELSE 0.0 END,
       COALESCE((SELECT COALESCE(max_score, 0.0) FROM grade_cells
                 WHERE grade_cells.id = grade.cell_id),
                (SELECT COALESCE(max_score, 0.0) FROM task_cells
                 WHERE task_cells.id = grade.cell_id), 0.0),
       grade.manual_score
FROM grade
JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id
JOIN notebook ON submitted_notebook.notebook_id = notebook.id
JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id
JOIN assignment ON submitted_assignment.assignment_id = assignment.id
JOIN base_cell ON grade.cell_id = base_cell.id
WHERE notebook.name = assignment.name
"""


def read_gradebook(course_dir: Path, *queries: str) -> list[list[tuple]]:
    """The rows of each query, read in one read-only connection to the course's gradebook.
    When the gradebook or its tables do not exist yet, nbgrader makes them first, as reading
    through nbgrader's Gradebook always did."""
    path = Path(course_dir).resolve() / "gradebook.db"

    def read() -> list[list[tuple]]:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
            return [db.execute(query).fetchall() for query in queries]

    try:
        return read()
    except sqlite3.OperationalError:  # no such file or table
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{path}"):
            pass
        return read()


PINNED: dict[str, tuple[str, str]] = {}
"""Upstream function or class (dotted name) to (sha256 of ``inspect.getsource``, what to
re-check when it changes). Filled in below; tests/test_upstream.py compares."""


def _pin(name: str, digest: str, recheck: str) -> None:
    PINNED[name] = (digest, recheck)


def source_digest(name: str) -> str:
    """sha256 of the installed source of an upstream function, method, class or module."""
    parts = name.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:]:
            found = inspect.getattr_static(found, attribute)
        found = getattr(found, "__func__", found)
        return hashlib.sha256(inspect.getsource(found).encode("utf-8")).hexdigest()
    raise ImportError(f"cannot import any part of {name}")


_pin("nbgrader.api",
     "0d25d55e7e1c24b6ecba422fdcc2e8bd0c97046c1e63b0c9e9bb4f66be7a21ae",
     "GRADES and STUDENTS (tutor/upstream.py) read nbgrader's tables "
     "with SQL and write Grade.score and Grade.max_score as SQL: check the tables and those "
     "definitions in nbgrader/api.py, then run tests/test_tutor.py -k sql (it compares the SQL "
     "with nbgrader's API on real gradebooks).")

# Public doors whose upstream behaviour the kernel pool (tutor/pool.py) and the sandbox
# (tutor/contain.py) rely on: nothing private is called, but a change here changes them.
_POOL = ("the kernel pool (tutor/pool.py): a kernel manager that already has a kernel is used "
         "as it is; nbclient shuts a kernel down with km.shutdown_kernel and then calls "
         "km.cleanup_resources (PoolKernelManager hands the kernel back to the pool there); "
         "run tests/test_grader.py.")
_pin("nbclient.client.NotebookClient.async_setup_kernel",
     "189461fd8c55187bc5058966cae938d78eabab4833798cd733290af0b9c99fc5",
     _POOL)
_pin("nbclient.client.NotebookClient._async_cleanup_kernel",
     "fdb0dbbcbcd8662d1de9dd7a8d4813d4a4d9d7288e23283129e92be1539c61ad",
     _POOL)
_pin("nbclient.client.NotebookClient.async_start_new_kernel",
     "8d0ea57b00706cc4098fe316ddf1cef1462f159b0c890c3f19fcd55a53332e0c",
     _POOL + " Also: nbclient "
     "adds --HistoryManager.hist_file to a kernel's arguments unless they hold one; "
     "nbgrader_config.py sets it so pooled kernels get the same.")
_pin("jupyter_client.manager.KernelManager._async_cleanup_resources",
     "452cfe631cd012d2fcce09c821f4c6016d94d99a24a9b800fe742bc09923d07b",
     "ContainedKernelManager.cleanup_connection_file (tutor/contain.py) removes the kernel's "
     "own folder: check cleanup_resources still calls cleanup_connection_file (and not on a "
     "restart); run tests/test_containment.py and tests/test_grader.py.")


if __name__ == "__main__":  # print the installed versions' hashes, to re-pin after re-checking
    for _name, (_pinned, _) in PINNED.items():
        _now = source_digest(_name)
        print(f'{_name}\n    {_now}{"" if _now == _pinned else "   <- changed"}')
