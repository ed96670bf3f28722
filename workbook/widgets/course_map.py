"""The course map on the start page and the 'where is my work?' panel."""

from __future__ import annotations

import sys
from html import escape
from pathlib import Path

import ipywidgets as widgets

from ..content.records import Course
from ..progress import ProgressStore
from .common import html_widget


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
        lesson_cell = (f"<code>{escape(Path(unit.lesson).name)}</code>" if lesson
                       else "Coming soon")
        check_cell = f"<code>{escape(unit.assignment)}</code>" if assignment else "Coming soon"
        rows.append(f"<tr><td>{unit.number}</td><td><strong>{escape(unit.title)}</strong><br>"
                    f"{escape(unit.summary)}</td><td>{lesson_cell}</td><td>{check_cell}</td></tr>")
    ready = sum(unit_status(course, u.id)[0] for u in course.units)
    html = ("<h3>Course map</h3>"
            f"<p>{ready} of {len(course.units)} units are ready to study.</p>"
            "<table class='wb-table'><caption class='wb-note'>The units of the course, in order"
            "</caption><thead><tr><th scope='col'>Unit</th><th scope='col'>What you will learn"
            "</th><th scope='col'>Lesson (in the notebooks folder)</th>"
            "<th scope='col'>Knowledge check</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")
    view = html_widget(html)
    view.add_class("wb-course-map")
    return view


BROWSER_NOTE = (
    "<h4>In the browser edition</h4>"
    "<p>Your work is kept in <strong>this web browser, for this website only</strong>. It stays "
    "when you close the page, but not if you clear the browser's data, use a private window "
    "or change computer or browser.</p>"
    "<p><strong>Keep a backup:</strong> in the file list on the left, right-click a notebook "
    "(or the <code>my_progress</code> folder's files) and choose <strong>Download</strong>. Keep "
    "the files, or hand a knowledge check in to your tutor.</p>"
    "<p><strong>Put a backup back:</strong> open the same folder in the file list, then drag "
    "the file in, or use the Upload button (the arrow pointing up) above the list.</p>"
    "<p><strong>Mark and hand in a knowledge check:</strong> open it from the "
    "<code>release</code> folder and answer it. Press <strong>Mark my work</strong> at the end "
    "to see your marks (a few seconds). To hand it in, save it, choose <strong>File → "
    "Download</strong>, and send the file from your Downloads folder to your tutor (its name "
    "may be like <code>release_unit2_unit2.ipynb</code>: that is fine).</p>")
"""What the start page adds in the zero-install edition (JupyterLite)."""


def in_browser() -> bool:
    """True in the zero-install edition: Python (Pyodide) running inside a web page."""
    return sys.platform == "emscripten"


def where_is_my_work_view(store: ProgressStore) -> widgets.HTML:
    saved = store.saved_activities()
    listing = "".join(f"<li><code>{escape(p.name)}</code></li>" for p in saved)
    html = ("<h3>Where your work is saved</h3>"
            "<p>Your answers in the activities are saved in your own folder, here:</p>"
            f"<p><code>{escape(str(store.directory))}</code></p>"
            + (f"<p>Saved so far:</p><ul>{listing}</ul>" if saved else
               "<p>Nothing saved yet: it will appear here once you use an activity.</p>")
            + "<p class='wb-note'>Your knowledge checks are saved in their own notebooks, like "
            "any file: use File → Save Notebook, or Ctrl+S (Cmd+S on a Mac).</p>"
            + (BROWSER_NOTE if in_browser() else ""))
    view = html_widget(html)
    view.add_class("wb-where")
    return view
