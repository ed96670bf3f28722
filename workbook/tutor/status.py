"""Who ``workbook autograde`` could not grade, and why: ``autograded/.workbook-status.json``.

A learner who was not graded may still have rows in the gradebook (nbgrader makes them before
it runs the notebook, and an earlier hand-in's marks stay), which every reader would take for
real marks. This file says which (unit, learner) pairs were not graded on their latest hand-in;
grades.csv leaves their cell empty and names the reason, and the reports, item analysis and
evidence leave them out and list them. Each autograde of a unit rewrites that unit's entries:
a learner graded since is taken off. Why a file and not the gradebook: docs/decisions.md.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

STATUS_FILE = Path("autograded") / ".workbook-status.json"


class StatusError(ValueError):
    """The status file cannot be read; the message names it and says what to do."""


def _path(course_dir: Path) -> Path:
    return Path(course_dir) / STATUS_FILE


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StatusError(f"{path} cannot be read ({error}). It lists the learners autograde "
                          "could not grade; run workbook autograde again to write it "
                          "afresh.") from None
    units = data.get("not_graded") if isinstance(data, dict) else None
    if not isinstance(units, dict) or not all(
            isinstance(who, dict) and all(isinstance(v, dict) for v in who.values())
            for who in units.values()):
        raise StatusError(f"{path} is not a status file written by workbook autograde. Run "
                          "workbook autograde again to write it afresh.")
    return units


def not_graded(course_dir: Path) -> dict[tuple[str, str], str]:
    """(unit, learner) to the reason, for every learner whose latest hand-in was not graded."""
    units = _read(_path(course_dir))
    return {(unit, learner): str(entry.get("reason", "")) for unit, who in units.items()
            for learner, entry in who.items()}


def record_run(course_dir: Path, unit: str, graded: Iterable[str],
               failed: Mapping[str, str]) -> None:
    """After autograding ``unit``: take ``graded`` learners off the list and put ``failed``
    (learner to reason) on it. The file is replaced in one step, so it is never half written.
    An unreadable file is kept beside the new one as ``.workbook-status.unreadable-<time>``."""
    path = _path(course_dir)
    try:
        units = _read(path)
    except StatusError:
        path.replace(path.with_name(f".workbook-status.unreadable-{time.time_ns()}.json"))
        units = {}
    entries = dict(units.get(unit, {}))
    for learner in graded:
        entries.pop(learner, None)
    when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    for learner, reason in failed.items():
        entries[learner] = {"reason": reason, "when": when}
    if entries:
        units[unit] = dict(sorted(entries.items()))
    else:
        units.pop(unit, None)
    if not units and not path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".workbook-status-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump({"not_graded": dict(sorted(units.items()))}, out, indent=1,
                  ensure_ascii=False)
        out.write("\n")
    os.replace(temporary, path)
