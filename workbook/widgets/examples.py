"""Worked examples: lines from the bank shown with their category and the reason."""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from ..content.records import CATEGORIES, StatementBank
from .common import html_widget, statement_html


def worked_examples_view(bank: StatementBank) -> widgets.HTML:
    """The bank's worked examples, grouped by category in teaching order."""
    parts = ["<h3>Worked examples</h3>"]
    examples = sorted(bank.worked_examples, key=lambda s: (CATEGORIES.index(s.category), s.id))
    for number, statement in enumerate(examples, start=1):
        label = statement.category.capitalize()
        if statement.passive_aggressive:
            label += " (passive-aggressive)"
        parts.append(statement_html(statement, f"Example {number}"))
        parts.append(f"<p><span class='wb-tag'>{escape(label)}</span> "
                     f"{escape(statement.reason)}</p>")
    if not examples:
        parts.append("<p>This unit's statement bank has no worked examples yet.</p>")
    view = html_widget("".join(parts))
    view.add_class("wb-examples")
    return view
