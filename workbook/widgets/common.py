"""Small helpers shared by the workbook's widgets: the stylesheet, safe HTML, and what every
activity does alike (its status line, and loading and saving its progress)."""

from __future__ import annotations

import base64
from functools import cache
from html import escape
from importlib.resources import files
from typing import Any

import ipywidgets as widgets

from ..content.records import CHANNEL_NAMES, Statement
from ..progress import ProgressStore
from ..render import macros

PIECES = macros("widgets/common.html.j2")

SETTING_NAMES = {
    "retail": "shop", "utilities": "energy or water company", "travel": "travel",
    "healthcare-reception": "health centre reception", "hospitality": "hotel or restaurant",
    "council-services": "council services", "telecoms": "phone and broadband company",
    "banking": "bank", "leisure": "leisure centre",
}


@cache
def stylesheet() -> str:
    return (files("workbook") / "assets" / "workbook.css").read_text(encoding="utf-8")


@cache
def page_script() -> str:
    """workbook/assets/workbook.js: radio groups, arrow keys and live regions (see the file)."""
    return (files("workbook") / "assets" / "workbook.js").read_text(encoding="utf-8")


class Activity:
    """Mixed into every activity (a VBox): marks it ``wb-act`` and, when a cell shows it, first
    adds the page script that groups its radio buttons, keeps the arrow keys inside a group and
    makes its status line a live region. JupyterLab runs the script because the output comes
    from running the cell (a trusted output).

    It also holds what every activity does alike: :meth:`_say` puts a message in the status
    line (``self._status``, made with :func:`live_status`) and in the ``message`` trait;
    :meth:`_load_progress` and :meth:`_save_progress` read and write the activity's saved state
    in ``self.store`` under ``self.activity``, checked against the schema of its :attr:`kind`.
    """

    kind = ""
    """The kind of saved state: its schema is workbook/schemas/progress/<kind>.json."""
    store: ProgressStore | None = None
    activity = ""
    """The name the progress is saved under (the file is <activity>.json)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add_class("wb-act")
        self.notes: list[str] = []
        """What loading the saved progress found to tell the learner (e.g. a file set aside)."""

    def _load_progress(self) -> dict[str, Any]:
        """The saved state, checked against its schema, or ``{}`` for a fresh start (nothing
        saved, no store, or a file set aside: :attr:`notes` then says so)."""
        if self.store is None:
            return {}
        before = len(self.store.notices)
        saved = self.store.load(self.activity, self.kind)
        self.notes += self.store.notices[before:]
        return saved

    def _save_progress(self, state: dict[str, Any]) -> None:
        """Save the state (its version number is added); nothing happens without a store."""
        if self.store is not None:
            self.store.save(self.activity, state, kind=self.kind)

    def _say(self, text: str) -> None:
        """Tell the learner: the status line's one message, and the ``message`` trait."""
        self.message = text
        self._status.value = status_html(text)

    def _say_notes(self) -> None:
        """Tell the learner each note from loading (the status line ends on the last)."""
        for note in self.notes:
            self._say(note)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        # Only the script, no text/plain: a saved, reopened (untrusted) lesson shows nothing
        # for it rather than "<IPython.core.display.Javascript object>".
        display({"application/javascript": page_script()}, raw=True)
        display(self._repr_mimebundle_(), raw=True)


def live_status() -> widgets.HTML:
    """An activity's one status line. It is the same element for the activity's whole life
    and only its text changes, so screen readers announce each change (the page script makes
    it role=status, aria-live=polite)."""
    status = widgets.HTML()
    status.add_class("wb-live")
    return status


# styled() and status_html() stay f-strings: each wraps one element around text that is
# already safe (a stylesheet, markup from a template) or escaped here; a template would only
# restate the one tag (docs/decisions.md, "One way to render").
def styled(html: str) -> str:
    """Wrap activity HTML with the stylesheet so it renders the same in any front end."""
    return f"<style>{stylesheet()}</style><div class='wb-activity'>{html}</div>"


def status_html(text: str) -> str:
    """What an activity last told the learner: the text of its live status line (see
    :func:`live_status`)."""
    return styled(f"<p class='wb-status'>{escape(text)}</p>")


def html_widget(html: str) -> widgets.HTML:
    return widgets.HTML(value=styled(html))


def statement_html(statement: Statement, heading: str) -> str:
    """A line as a learner sees it: who, through which channel, the cue, then the words."""
    return PIECES.statement(*statement_parts(statement, heading))


def statement_parts(statement: Statement, heading: str) -> tuple:
    """What :func:`statement_html` shows: the line, its heading, who says it, the channel and
    the setting in words."""
    who = "member of staff" if statement.speaker == "staff" else (
        "internal customer (a colleague)" if statement.internal else "customer")
    return (statement, heading, who, CHANNEL_NAMES[statement.channel],
            SETTING_NAMES.get(statement.setting, statement.setting))


def feedback_html(correct: bool, message: str) -> str:
    """Right or wrong shown by a symbol and a word as well as colour."""
    return PIECES.feedback(correct, message)


class Chart(widgets.HTML):
    """An SVG chart (see :mod:`workbook.charts`) shown as an ``<img>`` with alternative text,
    which ipywidgets' Image widget cannot carry (axe-core: image-alt). The SVG text itself is
    kept in :attr:`svg`."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.svg = ""

    def show(self, svg: str, alt: str) -> None:
        self.svg = svg
        self.value = str(PIECES.chart(base64.b64encode(svg.encode("utf-8")).decode("ascii"),
                                      alt))
