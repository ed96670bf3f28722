"""Hand-ins that arrive from a college LMS (Moodle, Canvas) or are copied in by hand.

- :func:`plan_import` reads the file names of a Moodle "Download all submissions" zip or a
  Canvas submissions zip, maps each hand-in to a roster learner by name, email or id, and lists
  what it could not map. nbgrader's ``zip_collect`` does the copying, with
  :class:`MoodleCollector` or :class:`CanvasCollector` (one per naming scheme) as its collector
  plugin; both answer from the same plan.
- :func:`unknown_folders` names each ``submitted/`` folder that is not a roster learner, with
  the nearest roster id, before autograde grades it as a new learner.
- :func:`stamp_feedback` and :func:`outside_exchange` let feedback be released for everyone
  however their work arrived: nbgrader's ``release_feedback`` needs a ``timestamp.txt`` (which
  its ``submit`` writes and ``collect`` copies) and a ``submission_secret.txt`` (the key the
  learner's own ``fetch_feedback`` uses) in each feedback folder.

Moodle names a hand-in ``<Full Name>_<participant id>_assignsubmission_file_`` (a folder
holding the learner's files, or a prefix of each file's name when the tutor unticks "download
submissions in folders"). Canvas names each file ``<lastfirst>_<user id>_<attachment id>_<the
file's name>``, with ``LATE_`` before the user id for a late hand-in, and adds ``-1``, ``-2``
to a file the learner uploaded again under the same name.
"""

from __future__ import annotations

import datetime
import difflib
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.plugins import FileNameCollectorPlugin

from .cohort import _ID, Learner

# nbgrader's Exchange.timestamp_format in UTC, as its submit writes timestamp.txt.
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"

_MOODLE = re.compile(r"(?P<name>.+?)_(?P<lms_id>\d+)_assignsubmission_(?P<kind>[a-z]+)_"
                     r"(?P<rest>.*)")
_CANVAS = re.compile(r"(?P<name>[^_/]+)_(?P<late>LATE_|late_)?(?P<lms_id>\d+)_"
                     r"(?P<attachment>\d+)_(?P<file>.+)")
_AGAIN = re.compile(r"(?P<stem>.+?)-(?P<again>\d+)(?P<ext>\.[^.]+)")


@dataclass(frozen=True)
class Handin:
    """One file in an LMS download, as its name describes it."""

    path: str
    """The file's path inside the download."""
    name: str
    """The learner as the LMS names them (``Jade Smith``, ``smithjade``)."""
    lms_id: str
    file: str
    """The file's own name, as the learner uploaded it, without Canvas's ``-1`` suffix."""
    order: int = 0
    """Which upload is the latest when one learner has two files of the same name."""
    late: bool = False


def parse_moodle(path: str) -> Handin | None:
    """A Moodle hand-in from its path in the zip, or None (online text, or not Moodle's)."""
    parts = path.replace("\\", "/").split("/")
    for index, part in enumerate(parts):
        match = _MOODLE.fullmatch(part)
        if match and match["kind"] == "file":
            file = match["rest"] or "/".join(parts[index + 1:])
            if match["rest"] and index + 1 < len(parts):
                file = "/".join(parts[index + 1:])
            return Handin(path, match["name"], match["lms_id"], file) if file else None
    return None


def parse_canvas(path: str) -> Handin | None:
    """A Canvas hand-in from its path in the zip, or None."""
    match = _CANVAS.fullmatch(path.replace("\\", "/").rsplit("/", 1)[-1])
    if not match:
        return None
    file, order = match["file"], int(match["attachment"])
    again = _AGAIN.fullmatch(file)
    if again:
        file = again["stem"] + again["ext"]
    return Handin(path, match["name"], match["lms_id"], file, order, bool(match["late"]))


SCHEMES = {"moodle": parse_moodle, "canvas": parse_canvas}


def detect_scheme(paths: Sequence[str]) -> str | None:
    """The LMS whose naming scheme fits most of the files, or None if neither fits any."""
    counts = {scheme: sum(parse(p) is not None for p in paths)
              for scheme, parse in SCHEMES.items()}
    best = max(counts, key=lambda scheme: counts[scheme])
    return best if counts[best] else None


def plain(text: str) -> str:
    """Lower-case letters and digits only, accents taken off: ``Siân O'Brien`` -> ``sianobrien``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed.lower() if c.isascii() and c.isalnum())


def _keys(learner: Learner) -> set[str]:
    first, last = learner.first_name, learner.last_name
    keys = {plain(learner.id)}
    if first or last:
        keys |= {plain(first + last), plain(last + first)}
    if learner.email:
        keys |= {plain(learner.email), plain(learner.email.split("@")[0])}
    return keys - {""}


def find_learner(name: str, lms_id: str, roster: Sequence[Learner]) -> tuple[str | None, str]:
    """The roster id a name in an LMS download belongs to, or None and the reason."""
    key = plain(name)
    found = [x for x in roster if key in _keys(x) or (lms_id and x.id == lms_id)]
    if len(found) == 1:
        return found[0].id, ""
    if found:
        return None, ("more than one roster learner has that name: "
                      + ", ".join(x.id for x in found))
    nearest = nearest_learner(name, roster)
    return None, "not on the roster" + (f" (nearest: {nearest})" if nearest else "")


def nearest_learner(name: str, roster: Sequence[Learner]) -> str:
    """The roster id most like ``name`` (by id, name or email), or '' if none is close."""
    key = plain(name)
    if not key:
        return ""
    best, score = "", 0.0
    for learner in roster:
        for candidate in _keys(learner):
            ratio = difflib.SequenceMatcher(None, key, candidate).ratio()
            if ratio > score:
                best, score = learner.id, ratio
    return best if score >= 0.6 else ""


@dataclass(frozen=True)
class ImportPlan:
    scheme: str
    taken: dict[str, tuple[str, str]]
    """Path in the download to (roster id, notebook file name)."""
    unmapped: dict[str, str]
    """Path in the download to why it could not be given to a learner."""
    replaced: list[str]
    """Older uploads of a file a learner handed in again (Canvas ``-1`` files)."""
    names: dict[str, str]
    """Roster id to the name the LMS gave them."""
    late: frozenset[str] = frozenset()
    others: list[str] = field(default_factory=list)
    """Files that are not notebooks (online text, PDFs): left out."""


def plan_import(paths: Iterable[str], roster: Sequence[Learner],
                scheme: str | None = None) -> ImportPlan:
    """Which learner each notebook in an LMS download belongs to. Only ``.ipynb`` files are
    taken; a learner's newest upload of each file wins."""
    paths = [p for p in paths if not p.endswith("/")]
    scheme = scheme or detect_scheme(paths) or "moodle"
    parse = SCHEMES[scheme]
    newest: dict[tuple[str, str], Handin] = {}
    unmapped: dict[str, str] = {}
    replaced: list[str] = []
    names: dict[str, str] = {}
    late: set[str] = set()
    others: list[str] = []
    for path in paths:
        if not path.lower().endswith(".ipynb"):
            others.append(path)
            continue
        handin = parse(path)
        if handin is None:
            unmapped[path] = f"the name does not follow {scheme.capitalize()}'s pattern"
            continue
        learner, why = find_learner(handin.name, handin.lms_id, roster)
        if learner is None:
            unmapped[path] = f"{handin.name}: {why}"
            continue
        names[learner] = handin.name
        key = (learner, handin.file)
        if key in newest:
            older, newer = sorted((newest[key], handin), key=lambda h: h.order)
            replaced.append(older.path)
            handin = newer
        newest[key] = handin
        if handin.late:
            late.add(learner)
    # A notebook keeps its own name in submitted/: autograde grades a lone notebook saved
    # under another name as the unit's, and says so.
    taken = {h.path: (learner, Path(h.file).name) for (learner, _), h in newest.items()}
    return ImportPlan(scheme, taken, unmapped, sorted(replaced), names, frozenset(late),
                      sorted(others))


class _PlanCollector(FileNameCollectorPlugin):
    """Answers nbgrader's zip_collect from :func:`plan_import` over every extracted file."""

    scheme = "moodle"
    _plan: ImportPlan | None = None
    _root = ""

    def _load(self) -> ImportPlan:
        if self._plan is None:
            app = self.parent
            self._root = app._format_collect_path(app.extracted_directory)
            paths = [os.path.relpath(os.path.join(folder, name), self._root).replace(os.sep, "/")
                     for folder, _, names in os.walk(self._root) for name in names]
            self._plan = plan_import(paths, roster(Path(app.coursedir.root)), self.scheme)
        return self._plan

    def collect(self, submitted_file: str) -> dict | None:
        plan = self._load()
        path = os.path.relpath(submitted_file, self._root).replace(os.sep, "/")
        if path not in plan.taken:
            return None
        learner, notebook = plan.taken[path]
        return {"student_id": learner, "file_id": notebook}


class MoodleCollector(_PlanCollector):
    """zip_collect collector for Moodle's "Download all submissions" names."""

    scheme = "moodle"


class CanvasCollector(_PlanCollector):
    """zip_collect collector for Canvas's "Download submissions" names."""

    scheme = "canvas"


COLLECTORS = {"moodle": MoodleCollector, "canvas": CanvasCollector}


def roster(course_dir: Path) -> list[Learner]:
    """The learners in the course's gradebook."""
    from .upstream import STUDENTS, read_gradebook

    (rows,) = read_gradebook(course_dir, STUDENTS)
    return [Learner(i, f or "", last or "", e or "") for i, f, last, e in rows]


def unknown_folders(course_dir: Path, unit: str) -> list[tuple[str, str]]:
    """(folder, message) for each ``submitted/<folder>/<unit>`` whose folder is not a roster
    learner: a name a roster id cannot be (``Jade Smith``), or, once there is a roster, an id
    not on it. Learners autograde added earlier are not on the roster a tutor loaded, so only
    learners with a name or email count as the roster."""
    submitted = Path(course_dir) / "submitted"
    if not submitted.is_dir():
        return []
    folders = sorted(p.name for p in submitted.iterdir() if (p / unit).is_dir())
    known = [x for x in roster(course_dir) if x.first_name or x.last_name or x.email]
    ids = {x.id for x in known}
    found = []
    for folder in folders:
        if folder in ids or (_ID.fullmatch(folder) and not known):
            continue
        nearest = nearest_learner(folder, known)
        where = f"submitted/{folder}/{unit}"
        if nearest:
            found.append((folder, f"{where} is not a learner on the roster; the nearest roster "
                          f"learner is {nearest}. Graded as a new learner; if it is {nearest}'s "
                          f"work, move it to submitted/{nearest}/{unit}, remove the new "
                          f"learner (nbgrader db student remove \"{folder}\" --force) and "
                          "autograde again"))
        else:
            found.append((folder, f"{where} is not a learner on the roster and no roster "
                          "learner has a name like it. Graded as a new learner; add them with "
                          "workbook learners ROSTER.csv if they belong to this group"))
    return found


def stamp_feedback(course_dir: Path, unit: str) -> list[str]:
    """Give every learner's autograded and feedback folders of ``unit`` a ``timestamp.txt``
    when they have none (work copied into submitted/ by hand, or from an LMS download without
    times): the time their notebook was last saved, written as nbgrader's submit writes it.
    submitted/ is left alone, so late penalties are worked out as before. Returns the learners
    stamped."""
    stamped = set()
    for step in ("autograded", "feedback"):
        folder = Path(course_dir) / step
        if not folder.is_dir():
            continue
        for work in sorted(p / unit for p in folder.iterdir() if (p / unit).is_dir()):
            stamp = work / "timestamp.txt"
            if stamp.exists():
                continue
            notebooks = list(work.glob("*.ipynb")) + list(work.glob("*.html"))
            seconds = max((p.stat().st_mtime for p in notebooks), default=None)
            when = (datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
                    if seconds is not None else datetime.datetime.now(datetime.timezone.utc))
            stamp.write_text(when.strftime(TIMESTAMP_FORMAT), encoding="utf-8")
            stamped.add(work.parent.name)
    return sorted(stamped)


def outside_exchange(course_dir: Path, unit: str) -> list[str]:
    """Learners with feedback for ``unit`` who did not hand in through nbgrader's exchange
    (no ``submission_secret.txt``): they cannot fetch feedback from it, so it is given to them
    another way (the LMS, e-mail)."""
    folder = Path(course_dir) / "feedback"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir()
                  if (p / unit).is_dir() and any((p / unit).glob("*.html"))
                  and not (p / unit / "submission_secret.txt").is_file())


class DownloadError(ValueError):
    """An LMS download that cannot be imported, with the reason in plain words."""


def import_download(course_dir: Path, unit: str, download: Path):
    """Put an LMS download's notebooks into submitted/<roster id>/<unit>/ with nbgrader's
    zip_collect; returns the plan and nbgrader's step result. A learner's earlier hand-in of
    the unit is moved to downloaded/<unit>/replaced/<id>-<time>/ first, never deleted."""
    import shutil
    import zipfile

    from .run import nbgrader

    course_dir = Path(course_dir)
    if not download.is_file():
        raise DownloadError(f"{download}: file not found")
    if not zipfile.is_zipfile(download):
        raise DownloadError(f"{download}: not a zip file (download the submissions again "
                           "as one zip)")
    learners = roster(course_dir)
    if not learners:
        raise DownloadError("the gradebook has no learners yet, so names in the download "
                           "cannot be matched; add them first: workbook learners ROSTER.csv")
    with zipfile.ZipFile(download) as archive:
        paths = archive.namelist()
    scheme = detect_scheme(paths)
    if scheme is None:
        raise DownloadError(f"{download}: no file in it is named as Moodle's or Canvas's "
                           "downloads name them (such as 'Jade Smith_12345_assignsubmission_"
                           "file_/unit4.ipynb' or 'smithjade_12345_67890_unit4.ipynb')")
    plan = plan_import(paths, learners, scheme)
    base = course_dir / "downloaded" / unit
    for step in ("archive", "extracted"):
        shutil.rmtree(base / step, ignore_errors=True)
        (base / step).mkdir(parents=True)
    shutil.copy2(download, base / "archive" / download.name)
    moment = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    for learner in sorted({learner for learner, _ in plan.taken.values()}):
        earlier = course_dir / "submitted" / learner / unit
        if earlier.is_dir() and any(earlier.iterdir()):
            (base / "replaced").mkdir(parents=True, exist_ok=True)
            shutil.move(str(earlier), str(base / "replaced" / f"{learner}-{moment}"))
    collector = COLLECTORS[scheme]
    result = nbgrader(course_dir, "zip_collect", unit,
                      f"--collector={collector.__module__}.{collector.__name__}")
    return plan, result
