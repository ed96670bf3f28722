"""Report scale: the evidence tracker, the CSV export and the HTML reports for a large cohort.

A temporary course copy gets every unit released (so the gradebook knows every graded cell) and
a gradebook of N synthetic learners (default 500): each hands in each unit with a 95% chance,
gets each knowledge check right with a seeded ability (0.3 to 0.95), and has 90% of their
reflections marked. Grades go straight into the gradebook through nbgrader's API, standing in
for autograde and formgrader (there are no autograded notebooks, so the report has no reflection
texts to read).

Then, timed:

- in this process (imports done first), each step of workbook/tutor: reading the gradebook
  (cohort.item_scores), the evidence tracker (evidence.build_evidence, plus the per-learner
  counts, next criteria and OCR estimate that ``workbook evidence`` prints), the CSV export
  (cohort.export_csv) and the cohort report with every learner's evidence pack
  (report.cohort_report); memory is the growth of this process's peak RSS;
- end to end, ``workbook evidence``, ``workbook export`` and ``workbook report`` as a tutor types
  them, each with its peak RSS (from /usr/bin/time when present, else the largest child so far).

Target: each command 5 s or less for 500 learners.

    python benchmarks/report_scale.py --learners 500
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from _common import BIN, ROOT, copy_course, env, nbgrader, table, verdict

TARGET = 5.0


def build_gradebook(folder: Path, count: int, seed: int = 1) -> None:
    from nbgrader.api import Gradebook

    from workbook.content import load_course
    from workbook.tutor.cohort import Learner, add_learners, gradebook_url

    course = load_course(ROOT)
    copy_course(folder)
    for unit in course.assignments:
        nbgrader(folder, "generate_assignment", unit, "--force")
    rng = random.Random(seed)
    learners = [(f"learner_{n:04d}", round(rng.uniform(0.3, 0.95), 2)) for n in range(count)]
    add_learners(folder, [Learner(ident, "First", f"Last{n}", f"{ident}@example.org")
                          for n, (ident, _) in enumerate(learners)])
    # nbgrader's add_submission makes SQLAlchemy warn about autoflush; the rows are written.
    warnings.filterwarnings("ignore", message=".*not in session.*")
    with Gradebook(gradebook_url(folder)) as gb:
        for unit, assignment in course.assignments.items():
            start = time.perf_counter()
            checks = {c.grade_id for c in assignment.checks}
            reflections = {r.grade_id: r.points for r in assignment.reflections}
            for ident, ability in learners:
                if rng.random() > 0.95:
                    continue
                gb.add_submission(unit, ident)
                for grade in gb.find_submission_notebook(unit, unit, ident).grades:
                    if grade.name in checks:
                        grade.auto_score = grade.max_score if rng.random() < ability else 0
                    elif grade.name in reflections and rng.random() < 0.9:
                        points = reflections[grade.name]
                        grade.manual_score = max(0, min(points, round(
                            points * ability + rng.uniform(-1, 1))))
            gb.db.commit()
            print(f"  gradebook: {unit} for {count} learners in "
                  f"{time.perf_counter() - start:.1f} s", flush=True)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_process(folder: Path, out: Path) -> list[tuple[str, float, float]]:
    """(step, seconds, growth of this process's peak RSS in MB) for each step."""
    import matplotlib.figure  # noqa: F401 - imports are not what is measured here
    import pandas  # noqa: F401

    from workbook.content import load_course
    from workbook.tutor.cohort import export_csv, item_scores
    from workbook.tutor.evidence import build_evidence, ocr_grade
    from workbook.tutor.report import cohort_report

    course = load_course(folder)
    steps = []
    state: dict[str, object] = {}

    def evidence() -> None:
        learners, scores = state["scores"]
        built = build_evidence(scores, learners, list(course.criteria))
        for learner in learners:
            for framework in course.frameworks:
                built.counts(learner, framework.id + "-")
            ocr_grade(built.states[learner])
            built.needs_next(learner)

    actions = [
        ("read the gradebook (item_scores)",
         lambda: state.__setitem__("scores", item_scores(course, folder))),
        ("evidence tracker (build_evidence + table rows)", evidence),
        ("CSV export (export_csv)", lambda: export_csv(course, folder, out / "export")),
        ("cohort report + evidence packs (cohort_report)",
         lambda: cohort_report(course, *state["scores"], out / "report")),
    ]
    for name, action in actions:
        before = peak_mb()
        start = time.perf_counter()
        action()
        steps.append((name, time.perf_counter() - start, peak_mb() - before))
    return steps


def command(folder: Path, out: Path, *args: str) -> tuple[float, float | None]:
    """(seconds, peak RSS in MB) of one `workbook` command in the course copy."""
    prefix, stats = [], out / "time.txt"
    if shutil.which("time") or Path("/usr/bin/time").exists():
        prefix = ["/usr/bin/time", "-f", "%M", "-o", str(stats)]
    start = time.perf_counter()
    subprocess.run([*prefix, str(Path(BIN) / "workbook"), "--course-dir", str(folder), *args],
                   check=True, capture_output=True, env=env(), cwd=out)
    seconds = time.perf_counter() - start
    if prefix:
        return seconds, int(stats.read_text().split()[-1]) / 1024
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=500, help="synthetic learners")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="wb-bench-report-") as tmp:
        folder, out = Path(tmp) / "course", Path(tmp) / "out"
        out.mkdir()
        print(f"Building a gradebook of {args.learners} learners x every unit ...", flush=True)
        build_gradebook(folder, args.learners)
        steps = in_process(folder, out)
        packs = len(list((out / "report" / "learners").glob("*.html")))
        commands = {}
        for name, extra in (("workbook evidence", ["evidence"]),
                            ("workbook export", ["export", "--out", str(out / "cli-export")]),
                            ("workbook report", ["report", "--out", str(out / "cli-report")])):
            commands[name] = command(folder, out, *extra)

    print(f"\n{args.learners} learners; {packs} evidence packs written")
    print("In this process (imports done first)")
    print(table(("step", "seconds", "peak RSS growth MB"), steps))
    print("\nEnd to end (fresh process each, as a tutor types it)")
    print(table(("command", "seconds", "peak RSS MB"),
                [(name, s, mb) for name, (s, mb) in commands.items()]))
    slowest = max(commands, key=lambda n: commands[n][0])
    seconds, mb = commands[slowest]
    print(f"HEADLINE report_scale: slowest command for {args.learners} learners '{slowest}' "
          f"{seconds:.2f} s, peak RSS {mb:.0f} MB, target <= {TARGET} s: "
          f"{verdict(seconds <= TARGET)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
