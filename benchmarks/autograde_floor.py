"""Autograde floor: seconds per submitted notebook for each unit's knowledge check against a
one-cell notebook, both autograded by nbgrader under the course's own nbgrader_config.py.

In a temporary copy of the course, every unit is released and so is ``floor``, an assignment of
one graded cell (``assert True``, 1 point). K learners submit each, the released notebooks with
every answer filled in (right or wrong by a seeded ability, as in ``workbook demo``). Each
assignment is autograded by one ``nbgrader autograde ASSIGNMENT --force`` with timestamps in
its log: one learner's notebook costs from nbgrader's first line about that learner to its
"Setting destination file permissions" line (copying, checking cells, running the kernel,
saving the grades). nbgrader's own start-up is left out, and the median over the K learners is
the cost per notebook. The one-cell notebook is measured first, in the middle and last, and the
three medians averaged, so drift in the machine's load shows.

Ratio = a unit's cost per notebook / the one-cell notebook's (target: 1.2 or less).

    python benchmarks/autograde_floor.py --learners 6
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from _common import ROOT, copy_course, env, nbgrader, table, verdict

TARGET = 1.2
FLOOR = "floor"


def one_cell_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("assert True")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                 "points": 1, "grade_id": "floor_test", "schema_version": 3,
                                 "task": False}
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def prepare(folder: Path, count: int, units: list[str]) -> list[str]:
    from workbook.content import load_course
    from workbook.tutor.cohort import add_learners
    from workbook.tutor.demo import demo_learners, submissions

    course = load_course(ROOT)
    copy_course(folder)
    (folder / "source" / FLOOR).mkdir(parents=True)
    nbformat.write(one_cell_notebook(), folder / "source" / FLOOR / f"{FLOOR}.ipynb")
    learners = demo_learners(count, seed=1)
    add_learners(folder, [learner for learner, _ in learners])
    for unit in [*units, FLOOR]:
        nbgrader(folder, "generate_assignment", unit, "--force")
        released = nbformat.read(folder / "release" / unit / f"{unit}.ipynb", as_version=4)
        if unit == FLOOR:
            filled = {learner.id: released for learner, _ in learners}
        else:
            filled = submissions(course, unit, released, learners, seed=1)
        for learner_id, nb in filled.items():
            target = folder / "submitted" / learner_id / unit
            target.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, target / f"{unit}.ipynb")
            (target / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    return [learner.id for learner, _ in learners]


LOG = ["--Application.log_format=%(asctime)s.%(msecs)03d %(message)s",
       "--Application.log_datefmt=%H:%M:%S"]
_STAMP = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d{3}) (.*)$")
_LEARNER = re.compile(r"(?:Removing existing assignment: |Copying ).*?/(?:autograded|submitted)/"
                      r"([^/]+)/")


def per_learner(folder: Path, assignment: str) -> tuple[float, dict[str, float]]:
    """(wall seconds of the whole run, learner to seconds spent on their notebook)."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", assignment,
                             "--force", *LOG], cwd=folder, capture_output=True, text=True,
                            env=env())
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"autograde {assignment} failed:\n{result.stderr[-3000:]}")
    spans: dict[str, float] = {}
    current, began = None, 0.0
    for line in (result.stdout + result.stderr).splitlines():
        stamp = _STAMP.match(line)
        if not stamp:
            continue
        h, m, s, ms, message = stamp.groups()
        seconds = int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000
        learner = _LEARNER.match(message)
        if learner and current is None:
            current, began = learner.group(1), seconds
        elif message.startswith("Setting destination file permissions") and current:
            spans[current] = (seconds - began) % 86400
            current = None
    return wall, spans


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=8, help="submissions per unit (K >= 2)")
    parser.add_argument("--units", default="all", help="comma-separated units, or all")
    args = parser.parse_args()
    if args.learners < 2:
        parser.error("--learners must be 2 or more")

    from workbook.content import load_course

    course = load_course(ROOT)
    units = list(course.assignments) if args.units == "all" else args.units.split(",")
    k = args.learners
    timings: dict[str, tuple[float, float, float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="wb-bench-floor-") as tmp:
        folder = Path(tmp) / "course"
        print(f"Preparing {k} learners x ({len(units)} units + the one-cell notebook) ...",
              flush=True)
        prepare(folder, k, units)
        middle = len(units) // 2
        order = [FLOOR, *units[:middle], FLOOR + " (middle)", *units[middle:], FLOOR + " (last)"]
        for name in order:
            wall, spans = per_learner(folder, name.split(" ")[0])
            if len(spans) != k:
                raise RuntimeError(f"{name}: timed {len(spans)} learners, expected {k}")
            timings[name] = (wall, statistics.median(spans.values()),
                             min(spans.values()), max(spans.values()))
            print(f"  {name}: {wall:.1f} s for {k} learners, median "
                  f"{timings[name][1]:.3f} s each", flush=True)

    floors = [timings[n][1] for n in order if n.startswith(FLOOR)]
    floor = statistics.fmean(floors)
    rows, ratios = [], {}
    for name in order:
        wall, median, low, high = timings[name]
        ratio = median / floor
        is_floor = name.startswith(FLOOR)
        if not is_floor:
            ratios[name] = ratio
        checks = 1 if is_floor else len(course.assignment(name).checks)
        rows.append((name, checks, wall, low, median, high, f"{ratio:.2f}x"))
    print()
    print(f"K = {k} learners per assignment; floor = mean of the three one-cell medians "
          f"({', '.join(f'{f:.3f}' for f in floors)} -> {floor:.3f} s per notebook)")
    print(table(("assignment", "checks", "run s", "min s/nb", "median s/nb", "max s/nb",
                 "vs floor"), rows))
    worst = max(ratios, key=ratios.get)
    print(f"HEADLINE autograde_floor: worst unit {worst} {ratios[worst]:.2f}x the one-cell "
          f"notebook per submitted notebook ({timings[worst][1]:.3f} s vs {floor:.3f} s, "
          f"medians over {k} learners), target <= {TARGET}x: "
          f"{verdict(ratios[worst] <= TARGET)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
