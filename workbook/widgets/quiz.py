"""The quiz activity: answer a few questions, check them, read why each option is right or
wrong, then retry the misses or start a new quiz.

A thin view over :mod:`workbook.engine.quiz`; the same widget runs a unit's question bank, the
"Inside my authority, or refer?" decisions and "Which law applies?". Every control is a labelled
ipywidgets control reached with Tab: radio buttons (Space) for single and true-false
questions, a tick box per option (Space) for "choose all that apply", and a drop-down per
situation for matching. Every event has a Python twin: :meth:`QuizActivity.choose`,
:meth:`check`, :meth:`retry`, :meth:`new_attempt`, :meth:`set_filters`.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as widgets
from traitlets import Bool, Dict, Int, List, Unicode

from ..content.records import DIFFICULTIES, Question, QuestionBank
from ..engine.attempts import Result
from ..engine.quiz import (
    DEFAULT_QUIZ_SIZE,
    QuestionResult,
    QuizAttempt,
    Response,
    attempt_state,
    draw_attempt,
    history_entry,
    is_answered,
    labels,
    mark_attempt,
    questions_for,
    read_response,
    response_from_json,
    retry_attempt,
    saved_attempt,
    summarise_history,
)
from ..progress import ProgressStore
from ..render import macros
from .common import Activity, CheckAndRetry, live_status, styled

VIEWS = macros("widgets/quiz.html.j2")
ANY = "any"
CHOOSE = "Choose…"


HOW = {"single": "Choose one answer.", "true-false": "Choose True or False.",
       "multiple": "Choose all that apply: tick every right answer.",
       "match": "Choose a match for each situation."}


def question_html(question: Question, number: int, total: int, topic: str,
                  order: tuple[int, ...]) -> str:
    """The question as a learner reads it: where it sits in the quiz, then the situation."""
    paragraphs = [p.strip() for p in question.question.split("\n\n") if p.strip()]
    situations = ([question.pairs[position].situation for position in order]
                  if question.type == "match" else [])
    return VIEWS.question(question, number, total, topic, DIFFICULTIES[question.difficulty],
                          paragraphs, HOW[question.type], situations)


def result_html(item: QuestionResult) -> str:
    """Feedback on a checked question, in words and symbols: the verdict and what was chosen,
    then the options. Only an option the learner chose and got wrong is marked wrong (✗); a
    right answer is marked ✓ and said to be the answer; the reasons for the other options are
    folded away under "Why the other answers are not right"."""
    return VIEWS.result(item)


class QuestionSlot:
    """The widgets for one place in the quiz (question 1, question 2, ...): the question, its
    controls and its feedback. Made once and set up afresh for each quiz, because building some
    90 widgets for every new quiz or retry made each click slow (benchmarks/README.md). Controls
    are made the first time a question needs them; ``on_change`` is called when the learner
    changes one."""

    def __init__(self, number: int, on_change: Callable[[Any], None]):
        self.number = number
        self.on_change = on_change
        self.text = widgets.HTML()
        self.feedback = widgets.HTML()
        self.row = widgets.VBox()
        self._radio: widgets.RadioButtons | None = None
        self._boxes: list[widgets.Checkbox] = []
        self._menus: list[widgets.Dropdown] = []

    def show(self, question: Question, total: int, topic: str,
             order: tuple[int, ...]) -> list[widgets.Widget]:
        """Show a question with cleared, enabled controls; returns its controls in order."""
        number = self.number
        shown = labels(question, order)
        self.text.value = styled(question_html(question, number, total, topic, order))
        self.feedback.value = ""
        if question.type in ("single", "true-false"):
            plain = question.type == "true-false"
            radio = self._radio_control()
            with radio.hold_sync():
                radio.options = [(question.options[p].answer if plain else
                                  f"{label}. {question.options[p].answer}", p)
                                 for label, p in zip(shown, order, strict=True)]
                radio.value = None
                radio.disabled = False
            controls: list[widgets.Widget] = [radio]
        elif question.type == "multiple":
            controls = []
            for index, (label, p) in enumerate(zip(shown, order, strict=True)):
                box = self._box(index)
                with box.hold_sync():
                    box.value = False
                    box.disabled = False
                    box.description = f"{label}. {question.options[p].answer}"
                    box.tooltip = f"Tick if {label} is a right answer to question {number}"
                controls.append(box)
        else:
            controls = []
            options = [(CHOOSE, None), *[(c, i) for i, c in enumerate(question.choices)]]
            for index, label in enumerate(shown):
                menu = self._menu(index)
                with menu.hold_sync():
                    if menu.options != tuple(options):
                        menu.options = options
                    menu.value = None
                    menu.disabled = False
                    menu.description = f"Situation {label}:"
                    menu.tooltip = f"Your match for situation {label} of question {number}"
                controls.append(menu)
        self.row.children = (self.text, *controls, self.feedback)
        return controls

    def _radio_control(self) -> widgets.RadioButtons:
        if self._radio is None:
            self._radio = widgets.RadioButtons(
                options=[], value=None, description=f"Answer {self.number}:",
                tooltip=f"Your answer to question {self.number}",
                layout=widgets.Layout(width="auto"), style={"description_width": "initial"})
            self._radio.observe(self.on_change, names="value")
        return self._radio

    def _box(self, index: int) -> widgets.Checkbox:
        while len(self._boxes) <= index:
            box = widgets.Checkbox(value=False, indent=False, layout=widgets.Layout(width="auto"))
            box.observe(self.on_change, names="value")
            self._boxes.append(box)
        return self._boxes[index]

    def _menu(self, index: int) -> widgets.Dropdown:
        while len(self._menus) <= index:
            menu = widgets.Dropdown(options=[(CHOOSE, None)], value=None,
                                    layout=widgets.Layout(width="auto"),
                                    style={"description_width": "initial"})
            menu.observe(self.on_change, names="value")
            self._menus.append(menu)
        return self._menus[index]


class QuizActivity(CheckAndRetry, Activity, widgets.VBox):
    """A quiz on a question bank, with feedback on every option, a score and retries."""

    ASK_FIRST = "Answer every question first. Still to do: {noun} {numbers}."
    NOUNS = ("question", "questions")
    FRESH = "quiz"

    question_ids = List(Unicode(), help="Question ids in the current quiz, in the order shown.")
    responses = Dict(help="Question id to the learner's answer so far, as saved: the bank "
                          "position of the chosen option, a list of positions (choose all "
                          "that apply), or a list with a choice position per situation.")
    checked = Bool(False, help="True once the current quiz has been checked.")
    score = Int(0, help="Questions answered right in the last check.")
    total = Int(0, help="Questions in the current quiz.")
    message = Unicode("", help="What the learner was last told: the score or what to do next.")
    topic = Unicode(ANY, help="Topic id new quizzes are drawn from, or 'any'.")
    difficulty = Int(0, help="Difficulty new quizzes are drawn at (1 to 3), or 0 for any.")
    kind = "quiz"

    def __init__(self, bank: QuestionBank, store: ProgressStore | None = None,
                 size: int = DEFAULT_QUIZ_SIZE, seed: int | None = None,
                 activity: str | None = None, heading: str | None = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.bank = bank
        self.store = store
        self.size = size
        self.activity = activity or f"{bank.unit}-quiz"
        self.heading = heading or bank.title
        self.history: list[dict[str, Any]] = []
        self.result: Result | None = None
        self._attempt: QuizAttempt | None = None
        self._responses: dict[str, Response | None] = {}
        self._controls: dict[str, list[widgets.Widget]] = {}
        self._feedback: dict[str, widgets.HTML] = {}
        self._slots: list[QuestionSlot] = []
        self._quiet = False
        self._building = False
        self._title = self.heading
        self.add_class("wb-quiz")
        self.add_class(f"wb-{self.activity}")  # e.g. wb-unit4-authority: one name per quiz

        self._title_html = widgets.HTML()
        self._status = live_status()
        self._progress = widgets.HTML()
        self._items_box = widgets.VBox()
        self.check_button = widgets.Button(
            description="Check my answers", icon="check", button_style="primary",
            tooltip="Mark your answers and see why each option is right or wrong")
        self.retry_button = widgets.Button(
            description="Try the ones I got wrong", icon="redo",
            tooltip="Answer again only the questions you got wrong")
        self.new_button = widgets.Button(
            description="New quiz", icon="random",
            tooltip="Start a new quiz on the topic and difficulty chosen above")
        for button in (self.check_button, self.retry_button, self.new_button):
            button.layout = widgets.Layout(width="auto")
        self.check_button.on_click(lambda _: self.check())
        self.retry_button.on_click(lambda _: self.retry())
        self.new_button.on_click(lambda _: self.new_attempt())
        self._buttons = widgets.HBox([self.check_button, self.retry_button, self.new_button])

        topics = [(t.title, t.id) for t in bank.topics if questions_for(bank, t.id)]
        self.topic_select = widgets.Dropdown(
            options=[("Any topic", ANY), *topics], value=ANY, description="Topic:",
            tooltip="Which topic new quizzes are about", style={"description_width": "initial"},
            layout=widgets.Layout(width="auto"))
        levels = sorted({q.difficulty for q in bank.questions})
        self.difficulty_select = widgets.Dropdown(
            options=[("Any", 0), *[(DIFFICULTIES[d], d) for d in levels]], value=0,
            description="Difficulty:", tooltip="How hard new quizzes are",
            style={"description_width": "initial"}, layout=widgets.Layout(width="auto"))
        self.topic_select.observe(self._on_filter, names="value")
        self.difficulty_select.observe(self._on_filter, names="value")
        filters = [w for w, n in ((self.topic_select, len(topics)),
                                  (self.difficulty_select, len(levels))) if n > 1]
        self._filters = widgets.HBox(filters) if filters else None

        if not self._restore(self._load_progress()):
            self._start(draw_attempt(bank, size, seed=seed))
        self._say_notes()

    # ------------------------------------------------------------------ Python twins of events

    def choose(self, item: str | int, answer: Any) -> None:
        """Answer a question, by id or 1-based number: a letter (``"B"``) or option text;
        ``True``/``False``; a list for "choose all that apply"; for matching, a mapping of
        situation number to choice text. The twin of clicking the question's controls."""
        question_id = self._resolve(item)
        question = self.bank.by_id(question_id)
        if self.checked:
            raise ValueError("this quiz has been checked: start a new quiz or retry first")
        response = read_response(question, self._attempt.orders[question_id], answer)
        self._quiet = True  # one save for the whole answer, not one per tick box
        try:
            self._set_controls(question, response)
        finally:
            self._quiet = False
        self._save()

    def new_attempt(self, seed: int | None = None) -> QuizAttempt | None:
        """Start a fresh quiz on the chosen topic and difficulty (the twin of New quiz)."""
        topic = None if self.topic == ANY else self.topic
        difficulty = self.difficulty or None
        if not questions_for(self.bank, topic, difficulty):
            self._say("No questions match that topic and difficulty. Choose another "
                      "difficulty or “Any”.")
            return None
        fresh = draw_attempt(self.bank, self.size, topic, difficulty, seed)
        self._start(fresh)
        self._focus_first()
        return fresh

    def set_filters(self, topic: str | None = None, difficulty: int | None = None) -> int:
        """Choose the topic (id, or None for any) and difficulty (1 to 3, or None) for the next
        new quiz: the twin of the two drop-downs. Returns how many questions match."""
        topic = topic or ANY
        if topic != ANY:
            self.bank.topic_title(topic)  # KeyError naming an unknown topic
        if difficulty is not None and difficulty not in DIFFICULTIES:
            raise ValueError(f"difficulty must be 1, 2 or 3, or None for any (got {difficulty!r})")
        self.topic_select.value = topic
        self.difficulty_select.value = difficulty or 0
        return self._matching()

    # ------------------------------------------------------------------ view

    def _resolve(self, item: str | int) -> str:
        if self._attempt is None:
            raise ValueError("there is no quiz yet")
        if isinstance(item, int):
            if not 1 <= item <= len(self.question_ids):
                raise ValueError(f"question {item} is not in this quiz "
                                 f"(1 to {len(self.question_ids)})")
            return self.question_ids[item - 1]
        if item not in self._controls:
            raise ValueError(f"{item!r} is not in this quiz")
        return item

    def _focus_first(self) -> None:
        """Focus the first question's first control (after a retry or a new quiz)."""
        self._controls[self.question_ids[0]][0].focus()

    def _matching(self) -> int:
        topic = None if self.topic == ANY else self.topic
        return len(questions_for(self.bank, topic, self.difficulty or None))

    def _on_filter(self, _change: dict[str, Any]) -> None:
        self.topic = self.topic_select.value
        self.difficulty = self.difficulty_select.value
        count = self._matching()
        if count:
            noun = "question matches" if count == 1 else "questions match"
            self._say(f"{count} {noun} your choice. Press “New quiz” to start a quiz on it.")
        else:
            self._say("No questions match that topic and difficulty. Choose another "
                      "difficulty or “Any”.")

    def _read_controls(self, question: Question) -> Response | None:
        controls = self._controls[question.id]
        if question.type in ("single", "true-false"):
            return controls[0].value
        order = self._attempt.orders[question.id]
        if question.type == "multiple":
            ticked = tuple(sorted(p for box, p in zip(controls, order, strict=True) if box.value))
            return ticked or None
        chosen: list[int | None] = [None] * len(question.pairs)
        for menu, position in zip(controls, order, strict=True):
            chosen[position] = menu.value
        return tuple(chosen) if any(c is not None for c in chosen) else None

    def _set_controls(self, question: Question, response: Response | None) -> None:
        controls = self._controls[question.id]
        if question.type in ("single", "true-false"):
            controls[0].value = response
        elif question.type == "multiple":
            ticked = set(response or ())
            for box, position in zip(controls, self._attempt.orders[question.id], strict=True):
                box.value = position in ticked
        else:
            order = self._attempt.orders[question.id]
            chosen = response or (None,) * len(question.pairs)
            for menu, position in zip(controls, order, strict=True):
                menu.value = chosen[position]

    def _on_control(self, place: int):
        """What happens when a control of the question in this place (0-based) changes."""
        def handler(_change: dict[str, Any]) -> None:
            if self._building or self.checked or place >= len(self.question_ids):
                return
            question_id = self.question_ids[place]
            response = self._read_controls(self.bank.by_id(question_id))
            self._responses[question_id] = response
            saved = dict(self.responses)
            if response is None:
                saved.pop(question_id, None)
            else:
                saved[question_id] = list(response) if isinstance(response, tuple) else response
            self.responses = saved
            if not self._quiet:
                self._save()
        return handler

    def _start(self, attempt: QuizAttempt, responses: dict[str, Response | None] | None = None,
               save: bool = True) -> None:
        self._attempt = attempt
        self.result = None
        self.checked = False
        self.score = 0
        self.question_ids = list(attempt.question_ids)
        self.total = len(attempt.question_ids)
        self.responses = {}
        self._responses = {}
        self._controls, self._feedback = {}, {}
        while len(self._slots) < self.total:
            self._slots.append(QuestionSlot(len(self._slots) + 1,
                                            self._on_control(len(self._slots))))
        self._building = True  # clearing the controls is not the learner answering
        try:
            for slot, question_id in zip(self._slots, attempt.question_ids, strict=False):
                question = self.bank.by_id(question_id)
                self._controls[question_id] = slot.show(
                    question, self.total, self.bank.topic_title(question.topic),
                    attempt.orders[question_id])
                self._feedback[question_id] = slot.feedback
        finally:
            self._building = False
        self._items_box.children = tuple(slot.row for slot in self._slots[: self.total])
        self._quiet = True
        try:
            for question_id, response in (responses or {}).items():
                if question_id in self._controls and response is not None:
                    self._set_controls(self.bank.by_id(question_id), response)
        finally:
            self._quiet = False
        self._title = self.heading if attempt.attempt == 1 else (
            f"{self.heading}: try these again")
        self._say("Answer each question, then press “Check my answers”. Use Tab to move from "
                  "question to question, the arrow keys to choose an answer or a match, and "
                  "Space to tick a box.")
        self._refresh_buttons()
        # A one-element label: an f-string says it more plainly than a template would.
        self._title_html.value = styled(f"<h3>{escape(self._title)}</h3>")
        parts: list[widgets.Widget] = [self._title_html, self._status]
        if self._filters is not None:
            parts.append(self._filters)
        parts += [self._items_box, self._buttons, self._progress]
        self.children = tuple(parts)
        if save:
            self._save()

    # ------------------------------------------------------------------ check and retry

    def _current(self) -> QuizAttempt | None:
        return self._attempt

    def _missing(self) -> list[int]:
        return [n for n, qid in enumerate(self.question_ids, start=1)
                if not is_answered(self.bank.by_id(qid), self._responses.get(qid))]

    def _mark(self) -> Result:
        return mark_attempt(self._attempt, self._responses, self.bank)

    def _history_entry(self, result: Result) -> dict[str, Any]:
        return history_entry(result)

    def _retry_of(self, result: Result) -> QuizAttempt | None:
        return retry_attempt(result)

    def _summary(self) -> str:
        return summarise_history(self.history, self.bank).summary

    def _new_button(self) -> widgets.Button:
        return self.new_button

    def _show_item(self, item: QuestionResult) -> None:
        self._feedback[item.question.id].value = styled(result_html(item))
        for control in self._controls[item.question.id]:
            control.disabled = True

    # ------------------------------------------------------------------ saving

    def _save(self) -> None:
        if self._attempt is None:
            return
        self._save_progress({
            "attempt": attempt_state(self._attempt),
            "responses": dict(self.responses),
            "checked": self.checked,
            "filters": {"topic": self.topic, "difficulty": self.difficulty},
            "history": self.history,
        })

    def _restore(self, saved: dict[str, Any]) -> bool:
        """Put back a saved quiz (checked against its schema on loading); False when there is
        nothing usable to restore."""
        if not saved:
            return False
        self.history = list(saved.get("history", []))
        filters = saved.get("filters", {})
        self._quiet_filters(filters.get("topic"), filters.get("difficulty"))
        attempt = saved_attempt(saved["attempt"], self.bank)
        if attempt is None:
            self.notes.append(
                "The questions in your saved quiz have changed since you last worked on it, so "
                "a new quiz was started. Your past scores are kept.")
            return False
        raw = saved.get("responses", {})
        responses = {qid: response_from_json(self.bank.by_id(qid), raw[qid])
                     for qid in attempt.question_ids if qid in raw}
        self._start(attempt, responses, save=False)  # restoring changes nothing on disk
        answered = all(is_answered(self.bank.by_id(qid), responses.get(qid))
                       for qid in attempt.question_ids)
        if saved.get("checked") and answered:
            self._show_result(mark_attempt(attempt, self._responses, self.bank))
        else:
            self._say("Welcome back! Your answers so far have been kept.")
        return True

    def _quiet_filters(self, topic: Any, difficulty: Any) -> None:
        """Put back the saved topic and difficulty without telling the learner anything."""
        valid_topics = {value for _, value in self.topic_select.options}
        valid_levels = {value for _, value in self.difficulty_select.options}
        self.topic_select.unobserve(self._on_filter, names="value")
        self.difficulty_select.unobserve(self._on_filter, names="value")
        try:
            if topic in valid_topics:
                self.topic_select.value = self.topic = topic
            if difficulty in valid_levels:
                self.difficulty_select.value = self.difficulty = difficulty
        finally:
            self.topic_select.observe(self._on_filter, names="value")
            self.difficulty_select.observe(self._on_filter, names="value")
