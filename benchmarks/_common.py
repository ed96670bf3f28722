"""Helpers shared by the benchmark scripts: a course copy, timing, a plain table.

Every figure a script reports as a target is a ratio or a time measured in the same run, so a
busy machine slows both sides alike.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = str(Path(sys.executable).parent)
if str(ROOT) not in sys.path:  # the repository's own tests/ helpers (ours, not textstat's)
    sys.path.insert(0, str(ROOT))
# nbgrader runs `alembic` by name when it makes a gradebook, in this process too (the scripts
# add learners in-process): this interpreter's scripts come first, activated or not.
if BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = BIN + os.pathsep + os.environ.get("PATH", "")


def env() -> dict[str, str]:
    """The environment for child processes: this interpreter's scripts first on PATH (nbgrader
    runs ``alembic`` by name), and a private progress folder."""
    return {**os.environ, "PATH": BIN + os.pathsep + os.environ.get("PATH", "")}


def copy_course(destination: Path) -> Path:
    """The course folder's tracked inputs, as tests/conftest.py copy_course copies them."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in ("course_data", "source", "notebooks"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, destination / name)
    shutil.copy2(ROOT / "nbgrader_config.py", destination / "nbgrader_config.py")
    return destination


def run(command: Sequence[str], cwd: Path | None = None, check: bool = True) -> float:
    """Run a command quietly; return its wall time. Raise with its output if it fails."""
    start = time.perf_counter()
    result = subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, env=env())
    seconds = time.perf_counter() - start
    if os.environ.get("WB_BENCH_LOG"):
        with open(os.environ["WB_BENCH_LOG"], "a", encoding="utf-8") as log:
            log.write(f"$ {' '.join(command)}  (exit {result.returncode}, {seconds:.1f} s)\n"
                      f"{result.stdout}{result.stderr}\n")
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n"
                           f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return seconds


def nbgrader(course_dir: Path, *args: str) -> float:
    return run([sys.executable, "-m", "nbgrader", *args], cwd=course_dir)


def workbook(*args: str, cwd: Path | None = None) -> float:
    return run([sys.executable, "-m", "workbook", *args], cwd=cwd)


def median_time(action: Callable[[], float], repeats: int) -> float:
    return statistics.median(action() for _ in range(repeats))


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (share from 0 to 1)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def table(header: Sequence[str], rows: Sequence[Sequence[object]], left: int = 1) -> str:
    """A plain fixed-width table: the first ``left`` columns left-aligned, the rest right."""
    cells = [[str(h) for h in header]] + [[_fmt(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i < left else c.rjust(w)
                         for i, (c, w) in enumerate(zip(row, widths, strict=True)))

    return "\n".join([line(cells[0]), "  ".join("-" * w for w in widths),
                      *(line(r) for r in cells[1:])])


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def verdict(ok: bool) -> str:
    return "target met" if ok else "TARGET MISSED"
