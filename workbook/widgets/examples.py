"""Worked examples: lines from the bank shown with their category and the reason."""

from __future__ import annotations

import ipywidgets as widgets

from ..content.records import CATEGORIES, StatementBank
from ..render import macros
from .common import html_widget, statement_parts


def worked_examples_view(bank: StatementBank) -> widgets.HTML:
    """The bank's worked examples, grouped by category in teaching order."""
    examples = sorted(bank.worked_examples, key=lambda s: (CATEGORIES.index(s.category), s.id))
    shown = [{"line": statement_parts(statement, f"Example {number}"),
              "reason": statement.reason,
              "label": statement.category.capitalize()
              + (" (passive-aggressive)" if statement.passive_aggressive else "")}
             for number, statement in enumerate(examples, start=1)]
    view = html_widget(macros("widgets/examples.html.j2").worked_examples(shown))
    view.add_class("wb-examples")
    return view
