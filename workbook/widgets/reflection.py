"""A private reflection box in a lesson: the learner writes, it is saved on their computer.

Lesson reflections are for the learner's own thinking; the marked reflections are in the
unit's assignment.
"""

from __future__ import annotations

import time
from typing import Any

import ipywidgets as widgets
from traitlets import Unicode

from ..progress import ProgressStore
from .common import Activity, live_status


class LessonReflection(Activity, widgets.VBox):
    """A labelled text box that saves when the learner leaves it or presses Save."""

    text = Unicode("", help="What the learner has written.")
    message = Unicode("", help="What the learner was last told, e.g. when it was saved.")
    kind = "reflection"

    def __init__(self, unit: str, store: ProgressStore | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.add_class("wb-reflection")
        self.activity = f"{unit}-reflection"
        self.store = store
        self.text = self._load_progress().get("text", "")
        self.box = widgets.Textarea(
            value=self.text, placeholder="Write your thoughts here. Nobody else sees this box.",
            description="Your reflection:", continuous_update=False,
            layout=widgets.Layout(width="100%", height="10rem"),
            style={"description_width": "initial"})
        self.box.observe(lambda change: self.write(change["new"]), names="value")
        self.save_button = widgets.Button(description="Save my reflection", icon="save",
                                          tooltip="Save what you have written on this computer",
                                          layout=widgets.Layout(width="max-content"))
        self.save_button.on_click(lambda _: self.save())
        self._status = live_status()
        self.children = (self.box, self.save_button, self._status)
        self._say("Your last reflection has been loaded." if self.text else
                  "Your writing is saved when you click outside the box or press Save.")
        self._say_notes()

    def write(self, text: str) -> None:
        """The twin of typing in the box and leaving it: keep the text and save it."""
        self.text = text
        if self.box.value != text:
            self.box.value = text
        self.save()

    def save(self) -> None:
        """The twin of pressing Save."""
        if self.store is None:
            self._say("Not saved: this box has no place to save to.")
            return
        self._save_progress({"text": self.text,
                             "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S")})
        self._say(f"Saved at {time.strftime('%H:%M')}. ({len(self.text.split())} words)")
