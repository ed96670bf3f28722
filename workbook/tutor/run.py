"""Running nbgrader steps for one unit or all, with a progress line per step and a summary.

Each step runs nbgrader in the course folder (so nbgrader_config.py applies), exactly as a tutor
would type it. Autograding runs nbgrader's own Autograde converter in worker processes that
each grade one learner at a time (tutor/grader.py); SQLite's locking keeps the gradebook whole.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class StepResult:
    label: str
    ok: bool
    seconds: float
    output: str


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


_LEARNER_FAILED = re.compile(r"error processing assignment '[^']*' for student '([^']+)'")


def _graded_what_it_could(result: StepResult, course_dir: Path, unit: str,
                          learners: Sequence[str]) -> StepResult:
    """nbgrader fails a whole run when one learner's notebook cannot be run (its code stops
    Python, say). When every other learner was graded and nbgrader named those it could not
    grade, the run did its job: those learners get a NOTE line (integrity.after) instead."""
    if result.ok:
        return result
    failed = set(_LEARNER_FAILED.findall(result.output))
    finished = {x for x in learners
                if (course_dir / "autograded" / x / unit / f"{unit}.ipynb").is_file()}
    # Only when someone was graded: a run that graded nobody has failed, whatever the reason
    # (a locked gradebook, a broken set-up), and must say so.
    if failed and finished and failed.isdisjoint(finished) and failed | finished == set(learners):
        return replace(result, ok=True)
    return result


def autograde(course_dir: Path, unit: str, jobs: int | None = None,
              say: Callable[[str], None] = print) -> list[StepResult]:
    """Autograde every submission of a unit in ``jobs`` worker processes (default: one per
    core; tutor/grader.py), one line per learner. Submissions are checked first
    (tutor/integrity.py) while the workers load, and a file that cannot be graded leaves only
    that learner out; each learner with problems gets one NOTE line at the end."""
    from .grader import Workers, default_jobs

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
    if not learners:
        for finding in findings:
            say(f"NOTE {finding.line}")
        return []
    label = f"autograde {unit} ({len(learners)} learners, {len(workers.processes)} at once)"
    result = StepResult(label, all(g.ok for g in graded), time.perf_counter() - start,
                        "".join(g.log for g in graded if not g.ok))
    result = _graded_what_it_could(result, course_dir, unit, learners)
    say(f"{label} ... {'ok' if result.ok else 'FAILED'} ({result.seconds:.1f} s)")
    # One NOTE line per learner: what was found before and after grading, together.
    for finding in one_line_each(findings + after(course_dir, unit, learners)):
        say(f"NOTE {finding.line}")
    return [result]


def summary(results: Sequence[StepResult]) -> str:
    failed = [r for r in results if not r.ok]
    seconds = sum(r.seconds for r in results)
    if not failed:
        return f"All {len(results)} steps succeeded ({seconds:.1f} s of work)."
    return (f"{len(failed)} of {len(results)} steps failed: "
            + "; ".join(r.label for r in failed) + ". Their output is shown above.")
