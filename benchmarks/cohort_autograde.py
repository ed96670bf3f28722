"""Cohort autograde: `workbook autograde` against nbgrader's own sequential autograde.

N simulated learners (workbook/tutor/demo.py: seeded abilities, varied answers and reflections)
submit every unit's knowledge check into one prepared course copy. That copy is cloned once per
contender, so each starts from the same gradebook and the same submissions, and all run in this
one process's lifetime:

- ``nbgrader``: ``nbgrader autograde UNIT --force`` for each unit in turn (the baseline);
- ``workbook``: ``workbook autograde UNIT`` as a tutor types it (checks submissions, then
  worker processes, one per core, that keep nbgrader loaded and start each kernel ahead of
  need: tutor/grader.py, tutor/pool.py);
- ``workbook --jobs 1`` (with ``--jobs1``): the same with one worker, to show what the kernel
  pool alone gives.

The contenders take turns unit by unit (nbgrader, then workbook, for unit1, then for unit2,
...), so a change in the machine's load falls on all of them alike.

Speed-up = nbgrader's seconds / the contender's seconds (target: 1.8 or more on 2 cores).
Every learner's score on every graded cell must be identical across the three; cells that
differ are listed. Set WB_BENCH_LOG=FILE to keep every command's output in FILE.

    python benchmarks/cohort_autograde.py --learners 10
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from _common import ROOT, copy_course, nbgrader, table, verdict, workbook

TARGET = 1.8


def prepare(folder: Path, count: int, units: list[str]) -> list[str]:
    """A course copy with every unit released and every learner's submission in place."""
    from workbook.content import load_course
    from workbook.tutor.cohort import add_learners
    from workbook.tutor.demo import demo_learners, submissions

    course = load_course(ROOT)
    copy_course(folder)
    learners = demo_learners(count, seed=1)
    add_learners(folder, [learner for learner, _ in learners])
    for unit in units:
        nbgrader(folder, "generate_assignment", unit, "--force")
        released = nbformat.read(folder / "release" / unit / f"{unit}.ipynb", as_version=4)
        for learner_id, nb in submissions(course, unit, released, learners, seed=1).items():
            target = folder / "submitted" / learner_id / unit
            target.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, target / f"{unit}.ipynb")
            (target / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    return [learner.id for learner, _ in learners]


def scores(folder: Path, units: list[str], learners: list[str]) -> dict[tuple, float | None]:
    """(learner, unit, grade cell) to the automatic score, from the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    from workbook.tutor.cohort import gradebook_url

    found: dict[tuple, float | None] = {}
    with Gradebook(gradebook_url(folder)) as gb:
        for unit in units:
            for learner in learners:
                try:
                    notebook = gb.find_submission_notebook(unit, unit, learner)
                except MissingEntry:
                    found[(learner, unit, "<no submission>")] = None
                    continue
                for grade in notebook.grades:
                    found[(learner, unit, grade.name)] = grade.auto_score
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=100, help="simulated learners")
    parser.add_argument("--units", default="all", help="comma-separated units, or all")
    parser.add_argument("--jobs1", action="store_true",
                        help="also time workbook autograde --jobs 1")
    args = parser.parse_args()

    from workbook.content import load_course

    units = (list(load_course(ROOT).assignments) if args.units == "all"
             else args.units.split(","))
    with tempfile.TemporaryDirectory(prefix="wb-bench-cohort-") as tmp:
        base = Path(tmp) / "base"
        print(f"Preparing {args.learners} learners x {len(units)} units ...", flush=True)
        learners = prepare(base, args.learners, units)
        from workbook.tutor.grader import default_jobs

        contenders = [("nbgrader autograde (sequential)", None),
                      (f"workbook autograde ({default_jobs()} workers, the default)", 0)]
        if args.jobs1:
            contenders.append(("workbook autograde --jobs 1", 1))
        folders = {}
        for number, (name, _) in enumerate(contenders):
            folders[name] = Path(tmp) / f"run{number}"
            shutil.copytree(base, folders[name])
        # Unit by unit, each contender in turn: a change in the machine's load over the run
        # then falls on all of them alike, not on whichever ran last.
        seconds = dict.fromkeys(folders, 0.0)
        for unit in units:
            for name, jobs in contenders:
                if jobs is None:
                    seconds[name] += nbgrader(folders[name], "autograde", unit, "--force")
                else:
                    seconds[name] += workbook("--course-dir", str(folders[name]), "autograde",
                                              unit, *(["--jobs", str(jobs)] if jobs else []))
            print(f"  {unit}: " + ", ".join(f"{n} {seconds[n]:.0f} s" for n, _ in contenders)
                  + " so far", flush=True)
        results = {name: scores(folders[name], units, learners) for name, _ in contenders}

    baseline_name = contenders[0][0]
    baseline = seconds[baseline_name]
    notebooks = args.learners * len(units)
    rows, speedups = [], {}
    for name, _ in contenders:
        same = results[name] == results[baseline_name]
        speedups[name] = baseline / seconds[name]
        rows.append((name, seconds[name], seconds[name] / notebooks, f"{speedups[name]:.2f}x",
                     "yes" if same else "NO"))
    print()
    scored = sum(v is not None for v in results[baseline_name].values())
    print(f"{args.learners} learners x {len(units)} units = {notebooks} notebooks; "
          f"{len(results[baseline_name])} graded cells compared ({scored} with an automatic "
          f"score; the rest are reflections, marked by hand)")
    print(table(("contender", "seconds", "s/notebook", "speed-up", "same scores"), rows))
    identical = all(results[n] == results[baseline_name] for n, _ in contenders)
    for name, _ in contenders[1:]:
        base, other = results[baseline_name], results[name]
        differ = sorted(k for k in base.keys() | other.keys()
                        if base.get(k, "missing") != other.get(k, "missing"))
        if differ:
            print(f"{name}: {len(differ)} graded cells differ from nbgrader's, e.g.:")
            for key in differ[:8]:
                print(f"  {key}: nbgrader {base.get(key, 'missing')}, "
                      f"{name} {other.get(key, 'missing')}")
    best_name = max((n for n, _ in contenders[1:]), key=lambda n: speedups[n])
    print(f"HEADLINE cohort_autograde: best workbook speed-up {speedups[best_name]:.2f}x "
          f"({best_name}) vs nbgrader sequential, {args.learners} learners x {len(units)} units, "
          f"{os.cpu_count()} cores, "
          f"target >= {TARGET}x: {verdict(speedups[best_name] >= TARGET)}; scores identical: "
          f"{'yes' if identical else 'NO'}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
