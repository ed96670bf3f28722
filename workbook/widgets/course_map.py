"""The course map on the start page and the 'where is my work?' panel."""

from __future__ import annotations

import sys
from pathlib import Path

import ipywidgets as widgets

from ..content.records import Course
from ..progress import ProgressStore
from ..render import macros
from .common import html_widget

PANELS = macros("widgets/course_map.html.j2")


def unit_status(course: Course, unit_id: str) -> tuple[bool, bool]:
    """Whether the unit's lesson and its released assignment exist yet."""
    unit = course.unit(unit_id)
    lesson = (course.root / unit.lesson).is_file()
    assignment = (course.root / "release" / unit.assignment).is_dir()
    return lesson, assignment


def course_map_view(course: Course) -> widgets.HTML:
    rows = []
    for unit in course.units:
        lesson, assignment = unit_status(course, unit.id)
        rows.append((unit, Path(unit.lesson).name if lesson else "",
                     unit.assignment if assignment else ""))
    ready = sum(unit_status(course, u.id)[0] for u in course.units)
    view = html_widget(PANELS.course_map(rows, ready, len(course.units)))
    view.add_class("wb-course-map")
    return view


def in_browser() -> bool:
    """True in the zero-install edition: Python (Pyodide) running inside a web page."""
    return sys.platform == "emscripten"


def shown_folder(directory: Path, browser: bool) -> str:
    """The progress folder as the learner finds it: in the browser edition, as the file list
    on the left shows it (``my_progress/Ann``, not Pyodide's ``/drive/my_progress/Ann``)."""
    if browser and directory.is_relative_to("/drive"):
        return directory.relative_to("/drive").as_posix()
    return str(directory)


def where_is_my_work_view(store: ProgressStore) -> widgets.HTML:
    saved = [p.name for p in store.saved_activities()]
    browser = in_browser()
    view = html_widget(PANELS.where_is_my_work(shown_folder(store.directory, browser), saved,
                                               browser))
    view.add_class("wb-where")
    return view
