"""The scenario player: the customer turn by turn, your replies, a mood meter, going back, and
at the end a summary with the conversation replayed and a chart of the customer's mood.

A thin view over :mod:`workbook.engine.scenario`. Replies are a labelled group of radio buttons
(Tab, then Space) and a "Say this" button (Enter). The mood meter is a number and words as
well as a bar. Python twins: :meth:`ScenarioPlayer.choose`, :meth:`back`, :meth:`restart`.
"""

from __future__ import annotations

import string
import time
from typing import Any

import ipywidgets as widgets
from traitlets import Bool, Int, List, Unicode

from ..charts import mood_chart
from ..content.records import (
    CHANNEL_NAMES,
    CUSTOMER_TYPES,
    ENDING_KINDS,
    MOOD_MAX,
    TECHNIQUES,
    Choice,
    Scenario,
)
from ..engine.scenario import (
    Walk,
    advance,
    back,
    mood_label,
    replay,
    reply_order,
    start_walk,
    summarise,
)
from ..progress import ProgressStore, learner_id
from ..render import macros
from .common import Activity, Chart, live_status, styled

VIEWS = macros("widgets/scenario.html.j2")
QUALITY = {"good": ("✓ Good choice", "wb-right"),
           "okay": ("~ Okay, but there was a better choice", "wb-okay"),
           "poor": ("✗ Poor choice", "wb-wrong")}


def mood_meter_html(mood: int) -> str:
    """The mood as a number, words and a bar of filled and empty squares."""
    return VIEWS.mood_meter(mood, MOOD_MAX, mood_label(mood))


def intro_html(scenario: Scenario) -> str:
    kinds = ", ".join(CUSTOMER_TYPES[t] for t in scenario.customer.types)
    return VIEWS.intro(scenario, CHANNEL_NAMES[scenario.channel], kinds)


def transcript_html(walk: Walk) -> str:
    """Every turn so far: what the customer said, what you chose and why it helped or not."""
    return VIEWS.transcript(walk.scenario.customer.name, [
        (step, *QUALITY[step.choice.quality], TECHNIQUES[step.choice.technique])
        for step in walk.steps])


def turn_html(walk: Walk) -> str:
    return VIEWS.turn(len(walk.steps) + 1, walk.scenario.customer.name, walk.node)


def ending_html(walk: Walk) -> str:
    return VIEWS.ending(summarise(walk).text.splitlines(), walk.moods, MOOD_MAX)


class ScenarioPlayer(Activity, widgets.VBox):
    """Play one branching scenario, with feedback on every reply and a summary at the end."""

    choices_made = List(Unicode(), help="Ids of the choices made so far, in order.")
    at = Unicode("", help="Id of the current node, or of the ending once finished.")
    mood = Int(0, help="The customer's mood now, 0 (very upset) to 10 (reassured).")
    finished = Bool(False, help="True once an ending is reached.")
    message = Unicode("", help="What the learner was last told.")
    kind = "scenario"

    def __init__(self, scenario: Scenario, store: ProgressStore | None = None,
                 learner: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.scenario = scenario
        self.store = store
        self.learner = learner if learner is not None else learner_id()
        """Whose order of replies is shown: each learner sees them in their own order."""
        self.activity = f"scenario-{scenario.id}"
        self.runs: list[dict[str, Any]] = []
        self.walk = start_walk(scenario)
        self.chart_svg = ""
        self.add_class("wb-scenario")

        self._intro = widgets.HTML(value=styled(intro_html(scenario)))
        self._transcript = widgets.HTML()
        self._turn = widgets.HTML()
        self._meter = widgets.HTML()
        self._status = live_status()
        self._ending = widgets.HTML()
        self.chart = Chart()
        self.replies = widgets.RadioButtons(
            options=[], value=None, description="Your reply:", tooltip="Choose what you say",
            layout=widgets.Layout(width="auto"), style={"description_width": "initial"})
        self.say_button = widgets.Button(description="Say this", icon="comment",
                                         button_style="primary",
                                         tooltip="Reply with the answer you chose")
        self.back_button = widgets.Button(description="Go back one step", icon="undo",
                                          tooltip="Undo your last reply and choose again")
        self.restart_button = widgets.Button(description="Start again", icon="refresh",
                                             tooltip="Start the conversation from the beginning")
        for button in (self.say_button, self.back_button, self.restart_button):
            button.layout = widgets.Layout(width="auto")
        # Made once, so the buttons keep their place on the page (and focus) between turns.
        self._turn_buttons = widgets.HBox([self.say_button, self.back_button,
                                           self.restart_button])
        self._end_buttons = widgets.HBox()
        self.say_button.on_click(lambda _: self._say_selected())
        self.back_button.on_click(lambda _: self.back())
        self.restart_button.on_click(lambda _: self.restart())

        saved = self._load_progress()
        self.runs = list(saved.get("runs", []))
        if saved.get("choices"):
            try:
                self.walk = replay(scenario, saved["choices"])
                self.notes.append("Welcome back! The conversation carries on where you left it.")
            except ValueError:
                self.notes.append("This scenario has changed since you last played it, so it "
                                  "starts again from the beginning. Your past endings are kept.")
        self._show(save=False)
        self._say("The conversation has ended. Read the summary, then go back to try another "
                   "reply, or start again." if self.walk.finished else
                   "Choose your reply with the arrow keys, then press “Say this”.")
        self._say_notes()

    # ------------------------------------------------------------------ Python twins of events

    def choose(self, choice: str | int) -> Walk:
        """Reply with a choice, by id or by its 1-based number as shown (A is 1): the twin of
        choosing a reply and pressing "Say this"."""
        node = self.walk.node
        if node is None:
            raise ValueError("the conversation has ended: go back one step or start again")
        if isinstance(choice, int):
            if not 1 <= choice <= len(node.choices):
                raise ValueError(f"reply {choice} is not offered (1 to {len(node.choices)})")
            choice = self.shown_choices()[choice - 1].id
        self.walk = advance(self.walk, choice)
        if self.walk.finished:
            ending = self.walk.ending
            self.runs.append({"choices": list(self.walk.choice_ids), "ending": ending.id,
                              "kind": ending.kind, "mood_end": self.walk.mood,
                              "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S")})
        self._show()
        self._announce_turn()
        return self.walk

    def back(self) -> Walk:
        """Undo the last reply (the twin of "Go back one step")."""
        if not self.walk.steps:
            self._say("You are at the start, so there is nothing to go back to.")
            return self.walk
        self.walk = back(self.walk)
        self._show()
        self._announce_turn("You went back one step. ")
        return self.walk

    def restart(self) -> Walk:
        """Start the conversation again (the twin of "Start again"). Past endings are kept."""
        self.walk = start_walk(self.scenario)
        self._show()
        self._announce_turn("You started again. ")
        return self.walk

    def shown_choices(self) -> list[Choice]:
        """The current node's replies in the order this learner sees them (A, B, C, ...)."""
        node = self.walk.node
        if node is None:
            return []
        return [node.choices[i] for i in reply_order(self.scenario, node, self.learner)]

    # ------------------------------------------------------------------ view

    def _announce_turn(self, before: str = "") -> None:
        """Say in the live status line what happened: the customer's next words and the mood
        (or the ending), then move focus to the replies (or, at the end, to "Go back")."""
        walk = self.walk
        mood = f"Mood: {walk.mood} out of {MOOD_MAX} ({mood_label(walk.mood)})."
        if walk.finished:
            self._say(f"{before}The conversation has ended. {summarise(walk).text.splitlines()[0]}"
                       f" {mood} Read the summary, then go back to try another reply, or start "
                       "again.")
            self.back_button.focus()
        else:
            name = self.scenario.customer.name
            self._say(f"{before}{name}: “{walk.node.says}” {mood} Choose your reply, then "
                       "press “Say this”.")
            self.replies.focus()

    def _say_selected(self) -> None:
        if self.replies.value is None:
            self._say("Choose a reply first, then press “Say this”.")
            return
        self.choose(self.replies.value)

    def _show(self, save: bool = True) -> None:
        """Show the walk as it is now. The status line is left to the caller, so each action
        changes it once (a screen reader hears one message, not two in a row)."""
        walk = self.walk
        self.choices_made = list(walk.choice_ids)
        self.at = walk.at
        self.mood = walk.mood
        self.finished = walk.finished
        self._transcript.value = styled(transcript_html(walk)) if walk.steps else ""
        self._meter.value = styled(mood_meter_html(walk.mood))
        self.back_button.disabled = not walk.steps
        parts: list[widgets.Widget] = [self._intro, self._transcript]
        if walk.finished:
            self._ending.value = styled(ending_html(walk))
            labels = ["Start", *(str(n) for n in range(1, len(walk.steps) + 1))]
            title = f"{self.scenario.customer.name}'s mood, turn by turn"
            self.chart_svg = mood_chart(walk.moods, labels, title)
            self.chart.show(self.chart_svg, f"Line chart of {title}: "
                            + ", ".join(str(m) for m in walk.moods) + f" out of {MOOD_MAX}.")
            self._end_buttons.children = (self.back_button, self.restart_button)
            parts += [self._meter, self._ending, self.chart, self._status, self._end_buttons]
        else:
            self._turn.value = styled(turn_html(walk))
            letters = string.ascii_uppercase
            # One message to the page: set apart, ipywidgets would first send the new replies
            # with the first one chosen, then "none chosen", so the page showed reply A chosen
            # for a moment, while Python held none (a quick Enter then met "Choose a reply").
            with self.replies.hold_sync():
                self.replies.options = [(f"{letters[i]}. {c.say}", c.id)
                                        for i, c in enumerate(self.shown_choices())]
                self.replies.value = None
            self._turn_buttons.children = (self.say_button, self.back_button,
                                           self.restart_button)
            parts += [self._turn, self._meter, self.replies, self._status, self._turn_buttons]
        self.children = tuple(parts)
        if save:
            self._save()

    def _save(self) -> None:
        self._save_progress({"choices": list(self.walk.choice_ids), "runs": self.runs})

    @property
    def endings_reached(self) -> list[str]:
        """Kinds of ending reached so far, in words, without repeats."""
        return list(dict.fromkeys(ENDING_KINDS[r["kind"]] for r in self.runs
                                  if r.get("kind") in ENDING_KINDS))
