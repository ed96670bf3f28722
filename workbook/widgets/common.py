"""Small helpers shared by the workbook's widgets: the stylesheet and safe HTML."""

from __future__ import annotations

import base64
from functools import cache
from html import escape
from importlib.resources import files

import ipywidgets as widgets

from ..content.records import CHANNEL_NAMES, Statement

SETTING_NAMES = {
    "retail": "shop", "utilities": "energy or water company", "travel": "travel",
    "healthcare-reception": "health centre reception", "hospitality": "hotel or restaurant",
    "council-services": "council services", "telecoms": "phone and broadband company",
    "banking": "bank", "leisure": "leisure centre",
}


@cache
def stylesheet() -> str:
    return (files("workbook") / "assets" / "workbook.css").read_text(encoding="utf-8")


def styled(html: str) -> str:
    """Wrap activity HTML with the stylesheet so it renders the same in any front end."""
    return f"<style>{stylesheet()}</style><div class='wb-activity'>{html}</div>"


def status_html(text: str) -> str:
    """What an activity last told the learner, announced by screen readers (role=status)."""
    return styled(f"<p class='wb-status' role='status'>{escape(text)}</p>")


def html_widget(html: str) -> widgets.HTML:
    return widgets.HTML(value=styled(html))


def statement_html(statement: Statement, heading: str) -> str:
    """A line as a learner sees it: who, through which channel, the cue, then the words."""
    who = "member of staff" if statement.speaker == "staff" else (
        "internal customer (a colleague)" if statement.internal else "customer")
    meta = (f"<strong>{escape(heading)}</strong> · {escape(statement.name)}, {who} · "
            f"{escape(CHANNEL_NAMES[statement.channel])} · "
            f"{escape(SETTING_NAMES.get(statement.setting, statement.setting))}")
    cue = f"<p class='wb-cue'>({escape(statement.cue)})</p>" if statement.cue else ""
    return (f"<div class='wb-line'><p class='wb-meta'>{meta}</p>{cue}"
            f"<p class='wb-quote'>“{escape(statement.text)}”</p></div>")


def feedback_html(correct: bool, message: str) -> str:
    """Right or wrong shown by a symbol and a word as well as colour."""
    mark, css = ("✓ Right", "wb-right") if correct else ("✗ Not quite", "wb-wrong")
    return (f"<div class='wb-feedback {css}'><span class='wb-mark'>{mark}.</span> "
            f"{escape(message)}</div>")


class Chart(widgets.HTML):
    """An SVG chart (see :mod:`workbook.charts`) shown as an ``<img>`` with alternative text,
    which ipywidgets' Image widget cannot carry (axe-core: image-alt). The SVG text itself is
    kept in :attr:`svg`."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.svg = ""

    def show(self, svg: str, alt: str) -> None:
        self.svg = svg
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        self.value = (f'<img src="data:image/svg+xml;base64,{data}" '
                      f'alt="{escape(alt, quote=True)}" style="max-width: 100%; height: auto;">')
