"""Rewrite-a-reply: choose a customer's message, write a better reply, check it against the
checklist. A thin view over :mod:`workbook.engine.reply`. Python twins:
:meth:`ReplyRewriter.choose_task`, :meth:`write`, :meth:`check`.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
from traitlets import Int, Unicode

from ..content.records import CHANNEL_NAMES, RewriteSet, RewriteTask
from ..engine.reply import LONG_SENTENCE, ReplyReport, check_reply
from ..progress import ProgressStore
from ..render import macros
from .common import Activity, live_status, styled

REPLY = macros("widgets/reply.html.j2")


def task_html(task: RewriteTask) -> str:
    return REPLY.task(task, CHANNEL_NAMES[task.channel])


def report_html(report: ReplyReport) -> str:
    return REPLY.report(report, LONG_SENTENCE)


class ReplyRewriter(Activity, widgets.VBox):
    """Rewrite weak replies and get checklist feedback on your own."""

    task_id = Unicode("", help="Id of the task shown.")
    passed = Int(0, help="Checklist points met by the last check.")
    message = Unicode("", help="What the learner was last told.")
    kind = "rewrite"

    def __init__(self, tasks: RewriteSet, store: ProgressStore | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.tasks = tasks
        self.store = store
        self.activity = f"{tasks.unit}-rewrite"
        self.report: ReplyReport | None = None
        self.drafts: dict[str, str] = dict(self._load_progress().get("drafts", {}))
        self.add_class("wb-rewrite")
        self.task_select = widgets.Dropdown(
            description="Message:", style={"description_width": "initial"},
            options=[(f"{n}. {t.customer} ({CHANNEL_NAMES[t.channel]})", t.id)
                     for n, t in enumerate(tasks.tasks, start=1)],
            tooltip="Choose which customer message to reply to")
        self._task = widgets.HTML()
        self.reply = widgets.Textarea(description="Your better reply:", rows=5,
                                      layout=widgets.Layout(width="95%"),
                                      style={"description_width": "initial"},
                                      placeholder="Write the reply you would send or say.")
        self.check_button = widgets.Button(description="Check my reply", icon="check",
                                           button_style="primary",
                                           tooltip="Check your reply against the checklist",
                                           layout=widgets.Layout(width="auto"))
        self._status = live_status()
        self._report = widgets.HTML()
        self.task_select.observe(lambda change: self.choose_task(change["new"]), names="value")
        self.reply.observe(self._on_reply, names="value")
        self.check_button.on_click(lambda _: self.check())
        self.children = (self.task_select, self._task, self.reply, self.check_button,
                         self._status, self._report)
        self.choose_task(tasks.tasks[0].id)
        self._say_notes()

    def choose_task(self, task_id: str) -> None:
        """Show a task (the twin of choosing it in the Message drop-down)."""
        task = next((t for t in self.tasks.tasks if t.id == task_id), None)
        if task is None:
            raise ValueError(f"no task {task_id!r} (choose one of "
                             f"{', '.join(t.id for t in self.tasks.tasks)})")
        self.task_id = task_id
        if self.task_select.value != task_id:
            self.task_select.value = task_id
        self._task.value = styled(task_html(task))
        self.reply.value = self.drafts.get(task_id, "")
        self._report.value = ""
        self.report = None
        self._say("Write a better reply, then press “Check my reply”. Your draft is saved.")

    def write(self, text: str) -> None:
        """Type a reply (the twin of typing in the box)."""
        self.reply.value = text

    def check(self) -> ReplyReport | None:
        """Check the reply against the checklist (the twin of the Check button)."""
        try:
            self.report = check_reply(self.reply.value)
        except ValueError as error:
            self._say(f"Nothing to check yet: {error}.")
            return None
        self.passed = self.report.passed
        self._report.value = styled(report_html(self.report))
        self._say(self.report.summary)
        return self.report

    def _on_reply(self, change: dict[str, Any]) -> None:
        if self.drafts.get(self.task_id, "") == change["new"]:
            return
        self.drafts[self.task_id] = change["new"]
        self._save_progress({"drafts": self.drafts})
