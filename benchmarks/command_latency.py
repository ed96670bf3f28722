"""Command latency: wall time of `workbook` subcommands from a fresh process, against
`nbgrader --help` (and a bare `python -c pass`) measured in the same run.

Commands run in turn, round after round (--repeats rounds), so a change in the machine's load
hits every command alike; the table shows each command's median. ``workbook evidence`` runs on a
temporary copy of the course whose (empty) gradebook is made before timing starts. Target: 1.5 s
or less for every workbook command.

    python benchmarks/command_latency.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from _common import BIN, ROOT, copy_course, run, table, verdict

TARGET = 1.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="rounds (the median is shown)")
    args = parser.parse_args()

    workbook = str(Path(BIN) / "workbook")
    with tempfile.TemporaryDirectory(prefix="wb-bench-latency-") as tmp:
        course = copy_course(Path(tmp) / "course")
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "nbgrader --help": [str(Path(BIN) / "nbgrader"), "--help"],
            "workbook --help": [workbook, "--help"],
            "workbook coverage": [workbook, "coverage"],
            "workbook check-content": [workbook, "check-content"],
            "workbook check release/unit2/unit2.ipynb": [
                workbook, "check", str(ROOT / "release" / "unit2" / "unit2.ipynb")],
            "workbook evidence": [
                workbook, "--course-dir", str(course), "evidence"],
        }
        # A tutor's course has a gradebook already; making one (nbgrader runs alembic) is not
        # what is measured.
        run(commands["workbook evidence"], cwd=ROOT, check=False)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeats):
            for name, command in commands.items():
                # Exit codes are not the point here (coverage exits 1 when a criterion is
                # missing, check when a notebook has a problem).
                times[name].append(run(command, cwd=ROOT, check=False))

    medians = {name: statistics.median(values) for name, values in times.items()}
    nbgrader = medians["nbgrader --help"]
    rows = [(name, medians[name], min(times[name]), max(times[name]),
             f"{medians[name] / nbgrader:.2f}x") for name in commands]
    print(f"Median of {args.repeats} fresh runs each, interleaved")
    print(table(("command", "median s", "min s", "max s", "vs nbgrader --help"), rows))
    ours = {name: t for name, t in medians.items() if name.startswith("workbook")}
    slowest = max(ours, key=ours.get)
    print(f"HEADLINE command_latency: slowest workbook command '{slowest}' {ours[slowest]:.2f} s "
          f"({ours[slowest] / nbgrader:.2f}x nbgrader --help at {nbgrader:.2f} s), target <= "
          f"{TARGET} s: {verdict(ours[slowest] <= TARGET)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
