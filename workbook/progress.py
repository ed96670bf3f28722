"""Where a learner's activity progress is kept between sessions.

One small JSON file per activity per learner, outside the course folder (so it never mixes with
source/ or release/, and a re-released lesson never overwrites it). Writes are atomic, and a file
that cannot be read is set aside, never deleted. Activities save on every click, so saving is
kept cheap: compact JSON, and nothing written when nothing changed (see
:meth:`ProgressStore.save`).

Each kind of activity's saved state has one JSON Schema, ``workbook/schemas/progress/<kind>.json``,
which also holds its version number. An activity names its kind when it loads and saves: a saved
state that does not follow its schema (wrong types, missing fields, another version) or holds a
number that is not finite or not whole is set aside like an unreadable file, the learner is told
in plain words, and the activity starts fresh.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import fastjsonschema

APP_FOLDER = "challenging-customers-workbook"
BROWSER_FOLDER = "/drive/my_progress"
"""Where progress goes in the zero-install edition (Pyodide in a browser): JupyterLite keeps
files under /drive in the browser's storage across reloads; its home folder is lost."""


KINDS = ("analysis", "development", "quiz", "reflection", "rewrite", "scenario", "sorting")
"""The kinds of saved state, one schema each in ``workbook/schemas/progress/``."""

UNREADABLE = ("Your saved progress for this activity could not be read, so it was kept as {kept} "
              "and a fresh start was made. Tell your tutor if you need it back.")
NOT_VALID = ("Your saved progress for this activity was not in the form this workbook saves, "
             "so it was kept as {kept} and a fresh start was made. Tell your tutor if you need "
             "it back.")


class ProgressError(ValueError):
    """Saved progress that does not follow its kind's schema; the message says where."""


@cache
def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one kind of saved state (see :data:`KINDS`)."""
    if kind not in KINDS:
        raise ValueError(f"no progress schema {kind!r} (kinds: {', '.join(KINDS)})")
    text = (files("workbook") / "schemas" / "progress" / f"{kind}.json").read_text("utf-8")
    return json.loads(text)


@cache
def _validator(kind: str) -> Callable[[Any], Any]:
    return fastjsonschema.compile(schema(kind))


def version(kind: str) -> int:
    """The version number this kind's saved state is written with (its schema's ``const``)."""
    return schema(kind)["properties"]["version"]["const"]


def check_state(kind: str, data: Any) -> None:
    """``ProgressError`` unless ``data`` follows the schema of ``kind``, naming the first place
    that does not."""
    try:
        _validator(kind)(data)
    except fastjsonschema.JsonSchemaValueException as error:
        where = error.name.removeprefix("data").lstrip(".") or "the whole file"
        raise ProgressError(f"{kind} progress: {where} {error.message.split(' ', 1)[-1]}") from None


def _no_fractions(text: str) -> Any:
    """No saved state holds a fraction, and JSON Schema counts ``3.0`` as a whole number: a
    file with one is refused as it is read."""
    raise ProgressError(f"{text} is not a whole number")


def _no_constants(text: str) -> Any:
    raise ProgressError(f"{text} is not a number JSON allows")


def learner_id() -> str:
    """``$WORKBOOK_LEARNER``, else the computer's user name, made safe for a folder name."""
    raw = os.environ.get("WORKBOOK_LEARNER") or _user_name()
    safe = re.sub(r"[^\w.-]+", "_", raw).strip("._") or "learner"  # \w keeps letters like ë
    return safe[:64]


def _user_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name on some containers; any stable name will do
        return "learner"


def progress_dir() -> Path:
    """The folder for this learner's progress.

    ``$WORKBOOK_PROGRESS_DIR`` if set (one folder per learner is made inside it), else the
    Jupyter data folder for this user, e.g.
    ``~/.local/share/jupyter/challenging-customers-workbook`` on Linux, or the same folder
    under ``%APPDATA%\\jupyter`` on Windows. In the browser edition (Pyodide),
    :data:`BROWSER_FOLDER`, which the browser keeps.
    """
    base = os.environ.get("WORKBOOK_PROGRESS_DIR")
    if base:
        root = Path(base).expanduser()
    elif sys.platform == "emscripten":
        root = Path(BROWSER_FOLDER)
    else:
        from jupyter_core.paths import jupyter_data_dir

        root = Path(jupyter_data_dir()) / APP_FOLDER
    return root / learner_id()


class ProgressStore:
    """Load and save one learner's progress, a JSON object per activity."""

    def __init__(self, directory: str | os.PathLike[str] | None = None):
        self.directory = Path(directory) if directory is not None else progress_dir()
        self.notices: list[str] = []
        """Plain-English notes for the learner, e.g. that a damaged file was set aside."""
        self._written: dict[Path, tuple[str, tuple[int, int, int] | None]] = {}

    def path(self, activity: str) -> Path:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", activity):
            raise ValueError(f"activity names are lower-case words and hyphens, not {activity!r}")
        return self.directory / f"{activity}.json"

    def load(self, activity: str, kind: str | None = None) -> dict[str, Any]:
        """The saved progress, or an empty dict when there is none yet (a fresh start).

        With ``kind`` (see :data:`KINDS`), the saved state must also follow that kind's schema.
        A file that cannot be read, or does not follow the schema, is set aside under a new
        name beside it, never deleted, and :attr:`notices` says so in plain words.
        """
        path = self.path(activity)
        if kind is not None:
            schema(kind)  # an unknown kind is a mistake in the code, not in the file
        try:
            data = json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constants,
                              parse_float=_no_fractions)
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            if kind is not None:
                check_state(kind, data)
        except FileNotFoundError:
            return {}
        except ProgressError:  # NaN, a fraction, or not as the kind's schema says
            return self._set_aside(path, NOT_VALID)
        except (ValueError, RecursionError):  # not JSON, not an object, not UTF-8, too deep
            return self._set_aside(path, UNREADABLE)
        return data

    def _set_aside(self, path: Path, note: str) -> dict[str, Any]:
        kept = self._aside_name(path)
        os.replace(path, kept)
        self.notices.append(note.format(kept=kept.name))
        return {}

    @staticmethod
    def _aside_name(path: Path) -> Path:
        """A new name for an unreadable file that never replaces an earlier one."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        kept = path.with_name(f"{path.stem}.unreadable-{stamp}.json")
        number = 1
        while kept.exists():
            number += 1
            kept = path.with_name(f"{path.stem}.unreadable-{stamp}-{number}.json")
        return kept

    def save(self, activity: str, data: dict[str, Any], kind: str | None = None) -> Path:
        """Write atomically: a crash mid-write leaves the previous file whole.

        With ``kind``, the data is written with that kind's version number, and must follow its
        schema (``ProgressError`` otherwise, and nothing is written), so what is saved always
        loads again.

        The JSON goes to a temporary file, forced to disk (``fsync``), that then replaces the
        saved one, so the file on disk is always a whole save, even after a power cut. Nothing
        is written when ``data`` is what this store last wrote and the file has not changed
        since.
        """
        path = self.path(activity)
        if kind is not None:
            data = {"version": version(kind), **data}
            check_state(kind, data)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        written = self._written.get(path)
        if written and written[0] == text and written[1] and _stamp(path) == written[1]:
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._written[path] = (text, _stamp(path))
        return path

    def saved_activities(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob("*.json"))


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """A file's inode (each save is a new file), size and modification time: whether it has
    changed since it was written."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns
