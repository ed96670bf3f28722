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
from ..engine.attempts import Result
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



class CheckAndRetry:
    """Check and retry as the sorting activity and the quiz share them: ask for what is still
    unanswered, mark through the engine, show each item's feedback, keep the attempt in the
    history, save, and offer a retry of only what was wrong.

    A class using it is an :class:`Activity` with ``result``, ``checked``, ``score``,
    ``history``, ``check_button``, ``retry_button``, ``_progress``, ``_save`` and ``_start``,
    and gives: :attr:`ASK_FIRST` (with ``{noun}`` and ``{numbers}``), :attr:`NOUNS`,
    :attr:`FRESH` (what a new start is called), and the methods ``_current`` (the round or
    attempt on screen, or None), ``_missing`` (the numbers not yet answered), ``_mark``,
    ``_history_entry``, ``_retry_of``, ``_summary`` (of the history), ``_focus_first``,
    ``_new_button`` and ``_show_item`` (one marked item's feedback, its controls disabled).
    """

    ASK_FIRST = ""
    NOUNS = ("item", "items")
    FRESH = "round"
    _summarised = -1  # how many history entries the progress line was made from

    def check(self) -> Result | None:
        """Mark what is on screen (the twin of pressing Check). Asks for what is missing
        first; returns the result, or None while something is unanswered."""
        if self.checked or self._current() is None:
            return self.result
        missing = self._missing()
        if missing:
            self._say(self.ASK_FIRST.format(noun=self.NOUNS[len(missing) != 1],
                                            numbers=", ".join(str(n) for n in missing)))
            return None
        result = self._mark()
        self.history.append(self._history_entry(result))
        self._show_result(result)
        self._save()
        # Check is now disabled: focus the next thing to do, not the page.
        (self._new_button() if self.retry_button.disabled else self.retry_button).focus()
        return result

    def retry(self) -> Any:
        """Start again with only what was got wrong (the twin of the retry button); None,
        with a message, when there is nothing to retry."""
        if self.result is None:
            self._say("Check your answers first; then you can retry the ones you got wrong.")
            return None
        again = self._retry_of(self.result)
        if again is None:
            self._say("You got them all right, so there is nothing to retry. "
                      f"Try a new {self.FRESH}!")
            return None
        self._start(again)
        self._focus_first()
        return again

    def _show_result(self, result: Result) -> None:
        self.result = result
        self.checked = True
        self.score = result.score
        for item in result.items:
            self._show_item(item)
        self._say(result.summary)
        self._refresh_buttons()

    def _refresh_buttons(self) -> None:
        self.check_button.disabled = self.checked
        self.retry_button.disabled = not (self.checked and self.result and self.result.wrong_ids)
        if self._summarised == len(self.history):  # the history only grows, at each check
            return
        self._summarised = len(self.history)
        summary = self._summary()
        if summary:
            self._progress.value = note_html(summary)


def note_html(text: str) -> str:
    """A quiet note line under an activity (how the learner has done so far)."""
    # An f-string: it wraps one element around escaped text (docs/decisions.md, "One way to
    # render").
    return styled(f"<p class='wb-note'>{escape(text)}</p>")

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
