"""Learner start-up: what a learner waits for before a lesson is usable.

1. ``python -c "import workbook"`` against a bare ``python -c pass`` (median of --repeats fresh
   processes each). Target: 0.3 s or less for the import.
2. The first display of each activity a lesson calls (every distinct one-line call in
   notebooks/), each in a fresh process as in a fresh kernel: ``import workbook``, the call,
   and the widget's display data (``_repr_mimebundle_``). Shown for information.
3. Each lesson notebook in notebooks/ run headless top to bottom with nbclient; the kernel's
   start is timed apart and left out. Target: 3 s or less per notebook.

Learner progress goes to a temporary folder, never the real one.

    python benchmarks/learner_startup.py
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from _common import ROOT, env, table, verdict

IMPORT_TARGET = 0.3
NOTEBOOK_TARGET = 3.0
CALL = re.compile(r"from workbook import (\w+); (\1\(.*\))\s*$")

FIRST_DISPLAY = """
import time
start = time.perf_counter()
import workbook
shown = workbook.{call}
bundle = getattr(shown, "_repr_mimebundle_", None)
data = bundle() if bundle else shown._repr_html_()
first = time.perf_counter() - start
start = time.perf_counter()
shown = workbook.{call}
bundle = getattr(shown, "_repr_mimebundle_", None)
data = bundle() if bundle else shown._repr_html_()
print(first, time.perf_counter() - start)
"""


def process_time(code: str, progress: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT,
                   env={**env(), "WORKBOOK_PROGRESS_DIR": str(progress)})
    return time.perf_counter() - start


def lesson_calls() -> list[str]:
    calls = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            match = CALL.match(cell.source.strip()) if cell.cell_type == "code" else None
            if match and match.group(2) not in calls:
                calls.append(match.group(2))
    return calls


def first_display(call: str, progress: Path) -> tuple[float, float]:
    output = subprocess.run([sys.executable, "-c", FIRST_DISPLAY.format(call=call)],
                            check=True, cwd=ROOT, capture_output=True, text=True,
                            env={**env(), "WORKBOOK_PROGRESS_DIR": str(progress)})
    first, again = output.stdout.split()
    return float(first), float(again)


def run_notebook(path: Path) -> tuple[float, float, int, str]:
    """(kernel start s, cells s, code cells, '' or the first error) for one lesson."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    error = ""
    with client.setup_kernel():
        kernel = time.perf_counter() - start
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as failure:
                error = error or str(failure).strip().splitlines()[-1][:80]
        cells = time.perf_counter() - start
    return kernel, cells, sum(c.cell_type == "code" for c in nb.cells), error


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15, help="fresh processes per import")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="wb-bench-learner-") as tmp:
        progress = Path(tmp)
        os.environ["WORKBOOK_PROGRESS_DIR"] = str(progress)  # for the notebooks' kernels
        os.environ.setdefault("WORKBOOK_LEARNER", "benchmark")

        bare, imported = [], []
        for _ in range(args.repeats):  # interleaved, so load changes hit both alike
            bare.append(process_time("pass", progress))
            imported.append(process_time("import workbook", progress))
        t_bare, t_import = statistics.median(bare), statistics.median(imported)
        print(f"1. Import (median of {args.repeats} fresh processes each)")
        print(table(("command", "seconds", "vs bare"), [
            ('python -c pass', t_bare, "1.00x"),
            ('python -c "import workbook"', t_import, f"{t_import / t_bare:.2f}x"),
            ("difference (workbook's own import)", t_import - t_bare, "")]))

        print("\n2. First display of each activity (fresh process: import, call, display data)")
        rows = []
        for call in lesson_calls():
            first, again = first_display(call, progress)
            rows.append((call, first, again))
        print(table(("lesson call", "first s", "again s"), rows))
        slowest_call = max(rows, key=lambda r: r[1])

        print("\n3. Lesson notebooks run headless (nbclient), kernel start left out")
        rows = []
        for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
            kernel, cells, count, error = run_notebook(path)
            rows.append((path.name, count, kernel, cells, error or "ok"))
        print(table(("notebook", "code cells", "kernel s", "cells s", "errors"), rows))
        failed = [r[0] for r in rows if r[4] != "ok"]
        worst = max(((r[0], r[3]) for r in rows), key=lambda w: w[1])

    print(f"\nSlowest first display: {slowest_call[0]} {slowest_call[1]:.2f} s")
    ok = t_import <= IMPORT_TARGET and worst[1] <= NOTEBOOK_TARGET and not failed
    print(f"HEADLINE learner_startup: import workbook {t_import:.3f} s (bare python "
          f"{t_bare:.3f} s, target <= {IMPORT_TARGET} s); slowest lesson {worst[0]} "
          f"{worst[1]:.2f} s without kernel start (target <= {NOTEBOOK_TARGET} s); "
          f"notebooks with errors: {len(failed)}: {verdict(ok)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
