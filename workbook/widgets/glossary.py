"""The key words box a lesson shows: each word its unit teaches and what it means, from
``course_data/glossary.yaml``. :func:`key_words_html` is pure; :func:`key_words_view` wraps it."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import ipywidgets as widgets

from ..content.glossary import GlossaryTerm
from .common import html_widget


def key_words_html(terms: Sequence[GlossaryTerm]) -> str:
    if not terms:
        raise ValueError("no key words to show: add them to course_data/glossary.yaml")
    rows = "".join(f"<dt><strong>{escape(t.term)}</strong></dt><dd>{escape(t.means)}</dd>"
                   for t in terms)
    return f"<div class='wb-line'><h3>Key words</h3><dl class='wb-plain'>{rows}</dl></div>"


def key_words_view(terms: Sequence[GlossaryTerm]) -> widgets.HTML:
    return html_widget(key_words_html(terms))
