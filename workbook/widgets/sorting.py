"""The sorting activity: choose assertive, aggressive or passive for each line, then check.

A thin view over :mod:`workbook.engine.sorting`. Each line has a labelled group of radio buttons
(Tab to reach each choice, Space to choose), so nothing depends on dragging. Every event has a
Python twin: :meth:`SortingActivity.select`, :meth:`check`, :meth:`retry`, :meth:`new_round`.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as widgets
from traitlets import Bool, Dict, Int, List, Unicode

from ..content.records import CATEGORIES, StatementBank
from ..engine.attempts import Result
from ..engine.sorting import (
    DEFAULT_ROUND_SIZE,
    SortRound,
    draw_round,
    history_entry,
    mark_sort,
    require_category,
    retry_round,
    round_state,
    saved_round,
    summarise_history,
)
from ..progress import ProgressStore
from .common import (
    Activity,
    CheckAndRetry,
    feedback_html,
    live_status,
    statement_html,
    styled,
)


class LineSlot:
    """The widgets for one place in the round (line 1, line 2, ...): the line, its radio
    buttons and its feedback. Made once and set up afresh for each round, because building
    them for every new round or retry made each click slow (benchmarks/README.md)."""

    def __init__(self, number: int, on_change: Callable[[Any], None]):
        self.text = widgets.HTML()
        self.radio = widgets.RadioButtons(
            options=[(c.capitalize(), c) for c in CATEGORIES], value=None,
            description=f"Line {number}:", tooltip=f"Is line {number} assertive, aggressive "
            "or passive?", layout=widgets.Layout(width="auto"),
            style={"description_width": "initial"})
        self.radio.observe(on_change, names="value")
        self.feedback = widgets.HTML()
        self.row = widgets.VBox([self.text, self.radio, self.feedback])


class SortingActivity(CheckAndRetry, Activity, widgets.VBox):
    """Sort a round of lines into assertive, aggressive and passive, with feedback and retries."""

    ASK_FIRST = "Choose a category for every line first. Still to do: {noun} {numbers}."
    NOUNS = ("line", "lines")
    FRESH = "round"

    round_ids = List(Unicode(), help="Statement ids in the current round, in the order shown.")
    selections = Dict(help="Statement id to the category the learner has chosen so far.")
    checked = Bool(False, help="True once the current round has been checked.")
    score = Int(0, help="Lines sorted correctly in the last check.")
    total = Int(0, help="Lines in the current round.")
    message = Unicode("", help="What the learner was last told: the score or what to do next.")
    kind = "sorting"

    def __init__(self, bank: StatementBank, store: ProgressStore | None = None,
                 round_size: int = DEFAULT_ROUND_SIZE, seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.bank = bank
        self.store = store
        self.round_size = round_size
        self.activity = f"{bank.unit}-sorting"
        self.history: list[dict[str, Any]] = []
        self.result: Result | None = None
        self._round: SortRound | None = None
        self._radios: dict[str, widgets.RadioButtons] = {}
        self._quiet = False
        self._feedback: dict[str, widgets.HTML] = {}
        self._slots: list[LineSlot] = []
        self._building = False

        self._title_html = widgets.HTML()
        self._status = live_status()
        self._progress = widgets.HTML()
        self.check_button = widgets.Button(
            description="Check my answers", icon="check", button_style="primary",
            tooltip="Mark your choices and see the reason for each line")
        self.retry_button = widgets.Button(
            description="Try the ones I got wrong", icon="redo",
            tooltip="Sort again only the lines you got wrong")
        self.new_round_button = widgets.Button(
            description="New round", icon="random", tooltip="Start a new round of different lines")
        for button in (self.check_button, self.retry_button, self.new_round_button):
            button.layout = widgets.Layout(width="auto")
        self.check_button.on_click(lambda _: self.check())
        self.retry_button.on_click(lambda _: self.retry())
        self.new_round_button.on_click(lambda _: self.new_round())
        self._buttons = widgets.HBox([self.check_button, self.retry_button,
                                      self.new_round_button])
        self._items_box = widgets.VBox()
        self._heading = "Sort these lines"
        self.add_class("wb-sorting")

        if not self._restore(self._load_progress()):
            self._start(draw_round(bank, round_size, seed))
        self._say_notes()

    # ------------------------------------------------------------------ Python twins of events

    def select(self, item: str | int, category: str | None) -> None:
        """Choose a category for a line, by statement id or by its 1-based line number.
        The twin of clicking (or pressing Space on) a radio button."""
        statement_id = self._resolve(item)
        require_category(category)
        self._radios[statement_id].value = category

    def new_round(self, seed: int | None = None) -> SortRound:
        """Start a fresh round of different lines (the twin of the New round button)."""
        fresh = draw_round(self.bank, self.round_size, seed)
        self._start(fresh)
        self._focus_first()
        return fresh

    # ------------------------------------------------------------------ view

    def _resolve(self, item: str | int) -> str:
        if isinstance(item, int):
            if not 1 <= item <= len(self.round_ids):
                raise ValueError(f"line {item} is not in this round (1 to {len(self.round_ids)})")
            return self.round_ids[item - 1]
        if item not in self._radios:
            raise ValueError(f"{item!r} is not in this round")
        return item

    def _start(self, sort_round: SortRound, selections: dict[str, str] | None = None,
               save: bool = True) -> None:
        self._round = sort_round
        self.result = None
        self.checked = False
        self.score = 0
        self.round_ids = list(sort_round.item_ids)
        self.total = len(sort_round.item_ids)
        self.selections = {}
        self._radios, self._feedback = {}, {}
        while len(self._slots) < self.total:
            self._slots.append(LineSlot(len(self._slots) + 1, self._on_choice(len(self._slots))))
        self._building = True  # clearing the choices is not the learner choosing
        try:
            for number, (slot, statement_id) in enumerate(
                    zip(self._slots, sort_round.item_ids, strict=False), start=1):
                slot.text.value = styled(statement_html(self.bank.by_id(statement_id),
                                                        f"Line {number}"))
                slot.feedback.value = ""
                with slot.radio.hold_sync():
                    slot.radio.value = None
                    slot.radio.disabled = False
                self._radios[statement_id] = slot.radio
                self._feedback[statement_id] = slot.feedback
        finally:
            self._building = False
        self._items_box.children = tuple(slot.row for slot in self._slots[: self.total])
        self._quiet = True
        try:
            for statement_id, category in (selections or {}).items():
                if statement_id in self._radios:
                    self._radios[statement_id].value = category
        finally:
            self._quiet = False
        heading = "Sort these lines" if sort_round.attempt == 1 else "Try these lines again"
        self._heading = heading
        self._say("Choose assertive, aggressive or passive for each line, then press "
                  "“Check my answers”.")
        self._refresh_buttons()
        # A one-element label: an f-string says it more plainly than a template would.
        self._title_html.value = styled(f"<h3>{escape(heading)}</h3>")
        self.children = (self._title_html, self._status, self._items_box, self._buttons,
                         self._progress)
        if save:
            self._save()

    def _on_choice(self, place: int):
        """What happens when the radio buttons of the line in this place (0-based) change."""
        def handler(change: dict[str, Any]) -> None:
            if self._building or self.checked or place >= len(self.round_ids):
                return
            statement_id = self.round_ids[place]
            chosen = dict(self.selections)
            chosen[statement_id] = change["new"]
            self.selections = chosen
            if not self._quiet:
                self._save()
        return handler

    # ------------------------------------------------------------------ check and retry

    def _current(self) -> SortRound | None:
        return self._round

    def _missing(self) -> list[int]:
        return [n for n, sid in enumerate(self.round_ids, start=1)
                if self.selections.get(sid) is None]

    def _mark(self) -> Result:
        return mark_sort(self._round, dict(self.selections), self.bank)

    def _history_entry(self, result: Result) -> dict[str, Any]:
        return history_entry(result)

    def _retry_of(self, result: Result) -> SortRound | None:
        return retry_round(result)

    def _summary(self) -> str:
        return summarise_history(self.history).summary

    def _focus_first(self) -> None:
        self._slots[0].radio.focus()

    def _new_button(self) -> widgets.Button:
        return self.new_round_button

    def _show_item(self, item: Any) -> None:
        self._feedback[item.statement.id].value = styled(
            feedback_html(item.correct, item.message))
        self._radios[item.statement.id].disabled = True

    # ------------------------------------------------------------------ saving

    def _save(self) -> None:
        if self._round is None:
            return
        self._save_progress({
            "round": round_state(self._round),
            "selections": {k: v for k, v in self.selections.items() if v is not None},
            "checked": self.checked,
            "history": self.history,
        })

    def _restore(self, saved: dict[str, Any]) -> bool:
        """Put back a saved round (checked against its schema on loading); False when there is
        nothing usable to restore."""
        if not saved:
            return False
        self.history = list(saved.get("history", []))
        sort_round = saved_round(saved["round"], self.bank)
        if sort_round is None:
            self.notes.append(
                "The lines in your saved round have changed since you last worked on it, so "
                "a new round was started. Your past scores are kept.")
            return False
        ids = sort_round.item_ids
        selections = {k: v for k, v in saved.get("selections", {}).items() if k in ids}
        self._start(sort_round, selections, save=False)  # restoring changes nothing on disk
        if saved.get("checked") and len(selections) == len(ids):
            self._show_result(mark_sort(sort_round, selections, self.bank))
        else:
            self._say("Welcome back! Your choices so far have been kept.")
        return True
