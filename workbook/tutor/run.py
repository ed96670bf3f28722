"""Running nbgrader steps for one unit or all, with a progress line per step and a summary.

Each step runs nbgrader in the course folder (so nbgrader_config.py applies), exactly as a tutor
would type it. Autograding runs nbgrader's own Autograde converter in worker processes that
each grade one learner at a time (tutor/grader.py); SQLite's locking keeps the gradebook whole.

Every learner is graded or clearly not: for each learner not graded the reason and nbgrader's
log lines are shown, the run ends with one line (``28 graded, 2 not graded: jsmith01 (reason),
...``) and fails, and autograded/.workbook-status.json records who was not graded and why
(tutor/status.py), so no export or report takes their empty marks for zeros.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StepResult:
    label: str
    ok: bool
    seconds: float
    output: str
    unit: str = ""
    """For an autograde step: the unit (the step's ``graded`` and ``not_graded`` apply)."""
    graded: tuple[str, ...] = ()
    not_graded: tuple[tuple[str, str], ...] = ()
    """(learner, reason) for each learner not graded."""


def _env() -> dict[str, str]:
    scripts = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": scripts + os.pathsep + os.environ.get("PATH", "")}


def nbgrader(course_dir: Path, *args: str) -> StepResult:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course_dir,
                            capture_output=True, text=True, env=_env())
    ok = result.returncode == 0
    return StepResult(" ".join(args), ok, time.perf_counter() - start,
                      result.stdout + result.stderr)


def run_steps(steps: Sequence[tuple[str, Callable[[], StepResult]]],
              say: Callable[[str], None] = print) -> list[StepResult]:
    """Run steps in turn, printing ``[3/30] label ... ok (1.2 s)``."""
    results: list[StepResult] = []
    for number, (label, step) in enumerate(steps, start=1):
        result = step()
        state = "ok" if result.ok else "FAILED"
        say(f"[{number}/{len(steps)}] {label} ... {state} ({result.seconds:.1f} s)")
        results.append(result)
    return results


def submitted_learners(course_dir: Path, unit: str) -> list[str]:
    folder = course_dir / "submitted"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / unit).is_dir())


def _reason(graded) -> str:
    """Why a learner was not graded, in a few words, for the summary line."""
    return graded.trouble or "nbgrader could not grade the notebook"


def _marked_from_written(graded, unit: str):
    """One line for the tutor about a notebook marked without running it (tutor/written.py)."""
    from .integrity import Finding

    questions = ", ".join(f"question {q}" for q in graded.no_mark)
    return Finding(graded.learner, unit,
                   f"the notebook could not be run to the end ({_reason(graded)})",
                   "Marked from the answers as written, without running it"
                   + (f"; no mark for {questions}, whose answer cell holds code"
                      if questions else ""))


def autograde(course_dir: Path, unit: str, jobs: int | None = None,
              say: Callable[[str], None] = print) -> list[StepResult]:
    """Autograde every submission of a unit in ``jobs`` worker processes (default: one per
    core; tutor/grader.py), one line per learner. Submissions are checked first
    (tutor/integrity.py) while the workers load, and a file that cannot be graded leaves only
    that learner out; each learner with problems gets one NOTE line at the end. Each
    learner not graded is named with the reason and nbgrader's log lines, and recorded in
    autograded/.workbook-status.json."""
    from .grader import FROM_WRITTEN_ANSWERS, Workers, default_jobs, relevant_lines
    from .status import record_run

    submitted = submitted_learners(course_dir, unit)
    if not submitted:
        return []
    start = time.perf_counter()
    workers = Workers(course_dir, unit, min(jobs or default_jobs(), len(submitted)))
    try:
        from .integrity import after, one_line_each, prepare

        findings, skip = prepare(course_dir, unit)
        learners = [x for x in submitted_learners(course_dir, unit) if x not in skip]
        graded = workers.grade(learners, say=say) if learners else []
    finally:
        workers.close()
    problems = {f.learner: f.problem for f in findings}
    failed = {x: problems.get(x, "the hand-in could not be read") for x in skip}
    failed.update((g.learner, _reason(g)) for g in graded if not g.ok)
    done = [g.learner for g in graded if g.ok]
    record_run(course_dir, unit, done, failed)
    label = f"autograde {unit} ({len(learners)} learners, {len(workers.processes)} at once)"
    result = StepResult(label, not failed, time.perf_counter() - start, "", unit, tuple(done),
                        tuple(sorted(failed.items())))
    if learners:
        say(f"{label} ... {'ok' if result.ok else 'FAILED'} ({result.seconds:.1f} s)")
    for g in graded:
        if not g.ok:
            say(f"NOT GRADED {g.learner}, {unit}: {_reason(g)}. Their file is kept in "
                "submitted/; nbgrader's log for them:")
            lines = relevant_lines(g.log) or g.log.strip().splitlines()[-12:]
            for line in lines or ["(nbgrader logged nothing)"]:
                say(f"    {line}")
    # One NOTE line per learner: what was found before and after grading, together.
    notes = findings + after(course_dir, unit, done) + [
        _marked_from_written(g, unit) for g in graded
        if g.ok and g.how == FROM_WRITTEN_ANSWERS]
    for finding in one_line_each(notes):
        say(f"NOTE {finding.line}")
    return [result]


def grading_summary(results: Sequence[StepResult]) -> str:
    """``28 graded, 2 not graded: jsmith01 (reason), ...`` over autograde steps (the unit is
    named with each learner when there is more than one unit)."""
    units = {r.unit for r in results}
    graded = sum(len(r.graded) for r in results)
    missing = [(r.unit, learner, reason) for r in results for learner, reason in r.not_graded]
    line = f"{graded} graded, {len(missing)} not graded"
    if not missing:
        return line + "."
    return line + ": " + ", ".join(
        f"{learner}{f' in {unit}' if len(units) > 1 else ''} ({reason})"
        for unit, learner, reason in missing) + "."


def summary(results: Sequence[StepResult]) -> str:
    """One line: how many learners were graded and who was not (autograde steps), and which
    other steps failed."""
    gradings = [r for r in results if r.unit]
    results = [r for r in results if not r.unit]
    failed = [r for r in results if not r.ok]
    seconds = sum(r.seconds for r in results)
    if gradings:
        line = grading_summary(gradings)
        if failed:
            line += (f" {len(failed)} of {len(results)} other steps failed: "
                     + "; ".join(r.label for r in failed) + ". Their output is shown above.")
        return line
    if not failed:
        return f"All {len(results)} steps succeeded ({seconds:.1f} s of work)."
    return (f"{len(failed)} of {len(results)} steps failed: "
            + "; ".join(r.label for r in failed) + ". Their output is shown above.")
