""""Mark my work": the button at the end of each knowledge check.

A thin view over workbook/tutor/selfmark.py (the same marking as ``workbook mark-my-work``):
the button saves the notebook, marks the saved file exactly as a tutor's autograde would, and
shows the marks in the page. ``MarkMyWork.mark()`` is the Python twin of pressing the button.

Saving: the button asks JupyterLab to save the notebook (its save command, or Ctrl+S / Cmd+S
as a key press when the app is not reachable) and waits a few seconds for the file to change.
If it does not, and a cell has been run since the file was last saved, the learner is told to
save first and nothing is marked, so old answers are never marked as if they were new.

Under nbgrader (autograde or Validate) the cell does nothing (workbook/mark_button.py).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from traitlets import Unicode

from ..render import macros
from .common import status_html, styled

SAVE_SCRIPT = """
(function () {
  var app = window.jupyterapp;
  if (app && app.commands && app.commands.hasCommand('docmanager:save')) {
    app.commands.execute('docmanager:save');
    return;
  }
  var mac = /Mac|iPhone|iPad/.test(navigator.platform || '');
  document.body.dispatchEvent(new KeyboardEvent('keydown', {key: 's', code: 'KeyS',
    keyCode: 83, ctrlKey: !mac, metaKey: mac, bubbles: true, cancelable: true}));
})();
"""


class _LastRun:
    """When a cell last finished running in this kernel (IPython's post_run_cell event)."""

    def __init__(self) -> None:
        self.at = time.time()
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython comes with ipywidgets
            return
        shell = get_ipython()
        if shell is not None:
            shell.events.register("post_run_cell", self._ran)

    def _ran(self, *_: Any) -> None:
        self.at = time.time()


_LAST_RUN: _LastRun | None = None


def notebook_path(unit: str) -> Path:
    """The notebook this kernel belongs to: JupyterLab names it in JPY_SESSION_NAME; otherwise
    (another front end) it is ``<unit>.ipynb`` in the kernel's folder."""
    named = os.environ.get("JPY_SESSION_NAME", "")
    if named.endswith(".ipynb") and Path(named).is_file():
        return Path(named)
    return Path.cwd() / f"{unit}.ipynb"


class MarkMyWork(widgets.VBox):
    """The button, a status line and the marks."""

    message = Unicode("", help="What the learner was last told.")

    def __init__(self, course: Any, unit: str, path: Callable[[], Path] | None = None,
                 marker: Callable[..., Any] | None = None, wait_for_save: float = 5.0,
                 takes: str = "about half a minute", **kwargs: Any):
        super().__init__(**kwargs)
        global _LAST_RUN
        if _LAST_RUN is None:
            _LAST_RUN = _LastRun()
        self.last_run = _LAST_RUN
        self.add_class("wb-mark-my-work")
        self.course, self.unit = course, unit
        self.path = path or (lambda: notebook_path(unit))
        if marker is None:
            from ..tutor.selfmark import mark_my_work as marker
        self.marker = marker
        self.wait_for_save = wait_for_save
        self.takes = takes
        self.result = None
        self.button = widgets.Button(description="Mark my work", icon="check",
                                     tooltip="Save this notebook and mark your answers",
                                     layout=widgets.Layout(width="max-content"))
        self.button.on_click(lambda _: self.mark())
        self._status = widgets.HTML()
        self._marks = widgets.HTML()
        self._saver = widgets.Output(layout=widgets.Layout(display="none"))
        self.children = (self.button, self._status, self._marks, self._saver)
        self._say("Press Mark my work to save this notebook and see your marks. It takes "
                  f"{takes}. Your notebook is not changed.")

    def _say(self, text: str) -> None:
        self.message = text
        self._status.value = status_html(text)

    def _request_save(self) -> None:
        from IPython.display import Javascript, display

        self._saver.clear_output()
        with self._saver:
            display(Javascript(SAVE_SCRIPT))

    def _saved_since(self, path: Path, moment: float) -> bool:
        deadline = time.monotonic() + self.wait_for_save
        while True:
            if path.is_file() and path.stat().st_mtime >= moment - 1:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.2)

    def mark(self) -> None:
        """The twin of pressing Mark my work."""
        from ..marks import MarkError, result_lines

        path = self.path()
        pressed = time.time()
        self._say("Saving your notebook…")
        self._request_save()
        if not self._saved_since(path, pressed):
            if not path.is_file():
                self._say(f"Cannot find this notebook's file ({path}). Save it (File → Save "
                          "Notebook), then press Mark my work again.")
                return
            if path.stat().st_mtime < self.last_run.at:
                self._say("Save your notebook first: press Ctrl+S (Cmd+S on a Mac), or "
                          "choose File → Save Notebook. Then press Mark my work again.")
                return
        self.button.disabled = True
        self._marks.value = ""
        self._say("Marking your answers as a tutor's computer would. This takes "
                  f"{self.takes}…")
        try:
            result = self.marker(self.course, self.unit, path)
        except MarkError as error:
            self._say(str(error))
            return
        finally:
            self.button.disabled = False
        self.result = result
        lines = result_lines(result)
        self._marks.value = styled(marks_html(result, lines))
        self._say("Marked. Your marks are below" + (
            f", and in {result.feedback.name} next to this notebook." if result.feedback
            else "."))


def marks_html(result: Any, lines: list[str]) -> str:
    """The marks inside the notebook: the score, then one line per question and reflection."""
    from ..marks import marks_items

    return macros("selfmark/marks.html.j2").in_notebook(lines[0], marks_items(result))


def mark_my_work(unit: str) -> MarkMyWork | widgets.HTML:
    """The Mark my work button for a knowledge check (``mark_my_work("unit2")``). Where the
    course cannot be read (say, a copy of the notebook outside the course folder) it shows one
    line saying so and raises nothing, so Run All and autograde carry on."""
    from ..content import load_course

    try:
        course = load_course()
        course.assignment(unit)  # a clear message for a mistyped unit id
    except Exception as error:  # noqa: BLE001 - shown to the learner, never raised
        return widgets.HTML(status_html(f"Mark my work cannot start here: {error}"))
    return MarkMyWork(course, unit)


def browser_mark_my_work(unit: str) -> widgets.VBox:
    """Mark my work in the browser edition (JupyterLite): the same button, marking the saved
    notebook in the page against the site's hashed key (workbook/keymark.py), then how to
    download the notebook to hand it in. Imports nothing of nbgrader's."""
    from ..keymark import mark_file

    button = MarkMyWork(None, unit, marker=lambda _course, unit, path: mark_file(unit, path),
                        takes="a few seconds")
    hand_in = widgets.HTML(styled(macros("selfmark/marks.html.j2").hand_in(unit)))
    view = widgets.VBox([button, hand_in])
    view.add_class("wb-mark-my-work-browser")
    return view
