"""The key words box a lesson shows: each word its unit teaches and what it means, from
``course_data/glossary.yaml``. :func:`key_words_html` is pure; :func:`key_words_view` wraps it."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets

from ..content.glossary import GlossaryTerm
from ..render import macros
from .common import html_widget


def key_words_html(terms: Sequence[GlossaryTerm]) -> str:
    if not terms:
        raise ValueError("no key words to show: add them to course_data/glossary.yaml")
    return macros("widgets/glossary.html.j2").key_words(terms)


def key_words_view(terms: Sequence[GlossaryTerm]) -> widgets.HTML:
    return html_widget(key_words_html(terms))
