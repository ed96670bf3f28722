"""Charts for the workbook.

Lesson charts (the scenario's mood, the options balance, the development timeline) are SVG
text built here without matplotlib, far quicker than a matplotlib PNG (benchmarks/README.md),
so a widget event that draws one stays quick. Each is
a complete ``<svg>`` with a ``viewBox`` (it scales with the page and with zoom), dark ink on
white, a title, labelled axes, a data label on every point or bar, markers on lines and
hatched as well as plain bars, so it reads without colour. A widget shows it as an ``<img>``
with alternative text (see :class:`workbook.widgets.common.Chart`), and every chart is
described in words next to it as well; a chart is never the only way to read the information.

The tutor reports still draw with matplotlib: :func:`new_figure` and :func:`png`.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Line and marker styles differ as well as colours, so the chart reads in greyscale.
INK = "#1a1a1a"
GRID = "#6b6b6b"
FILL = "#4d4d4d"
FONT = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"
CHAR = 0.6
"""Rough width of a character in ems, to lay out text no browser has measured yet."""
PATTERNS = {
    "hatch": "<pattern id='wb-hatch' width='6' height='6' patternUnits='userSpaceOnUse' "
             "patternTransform='rotate(45)'><rect width='6' height='6' fill='#ffffff'/>"
             f"<line x1='0' y1='0' x2='0' y2='6' stroke='{INK}' stroke-width='1.6'/></pattern>",
    "dots": "<pattern id='wb-dots' width='6' height='6' patternUnits='userSpaceOnUse'>"
            "<rect width='6' height='6' fill='#ffffff'/>"
            f"<circle cx='3' cy='3' r='1.2' fill='{INK}'/></pattern>",
}
"""Fills for bars that must read apart without colour: ``url(#wb-hatch)``, ``url(#wb-dots)``."""


def new_figure(width: float, height: float) -> Figure:
    """A matplotlib figure drawn off-screen, for the tutor reports. Not pyplot: nothing is
    shown by itself, no backend is changed for the learner's kernel, and no figure is left
    open. matplotlib is imported here, on the first figure, not when a lesson imports the
    widgets (it costs most of a widget's start)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    return figure


def png(figure: Figure) -> bytes:
    """A matplotlib figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()


# ---------------------------------------------------------------------- SVG building blocks


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def text(x: float, y: float, words: str, size: float = 12, anchor: str = "middle",
         bold: bool = False, rotate: float = 0) -> str:
    """A line of text; ``anchor`` is start, middle or end."""
    turn = f" transform='rotate({_n(rotate)} {_n(x)} {_n(y)})'" if rotate else ""
    weight = " font-weight='bold'" if bold else ""
    return (f"<text x='{_n(x)}' y='{_n(y)}' font-size='{_n(size)}' text-anchor='{anchor}'"
            f"{weight}{turn}>{escape(words)}</text>")


def line(x1: float, y1: float, x2: float, y2: float, width: float = 1,
         colour: str = INK, dotted: bool = False) -> str:
    dash = " stroke-dasharray='2 3'" if dotted else ""
    return (f"<line x1='{_n(x1)}' y1='{_n(y1)}' x2='{_n(x2)}' y2='{_n(y2)}' stroke='{colour}' "
            f"stroke-width='{_n(width)}'{dash}/>")


def rect(x: float, y: float, width: float, height: float, fill: str = FILL) -> str:
    return (f"<rect x='{_n(x)}' y='{_n(y)}' width='{_n(max(width, 0))}' "
            f"height='{_n(max(height, 0))}' fill='{fill}' stroke='{INK}' stroke-width='1'/>")


def fits(width: float, size: float = 12) -> int:
    """How many characters of text this size fit in ``width``, roughly."""
    return max(1, int(width / (size * CHAR)))


def wrapped(words: str, width: float, size: float = 12, rows: int = 2) -> list[str]:
    """Text broken into at most ``rows`` lines that fit ``width``, the last cut short with an
    ellipsis if it must be."""
    lines = textwrap.wrap(words, fits(width, size)) or [""]
    if len(lines) > rows:
        lines = lines[:rows]
        lines[-1] = lines[-1][: fits(width, size) - 1] + "…"
    return lines


def svg(width: float, height: float, title: str, body: Sequence[str]) -> str:
    """A complete SVG document: a white page of ``width`` by ``height`` units (scaled by its
    ``viewBox``), a ``<title>``, the hatch and dot patterns, then ``body``."""
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {_n(width)} {_n(height)}' "
            f"width='{_n(width)}' height='{_n(height)}' font-family='{FONT}' fill='{INK}'>"
            f"<title>{escape(title)}</title><defs>{''.join(PATTERNS.values())}</defs>"
            f"<rect width='100%' height='100%' fill='#ffffff'/>{''.join(body)}</svg>")


def _frame(left: float, top: float, right: float, bottom: float) -> list[str]:
    """The left and bottom axis lines of a plot area."""
    return [line(left, top, left, bottom), line(left, bottom, right, bottom)]


# ---------------------------------------------------------------------- lesson charts


def mood_chart(moods: Sequence[int], labels: Sequence[str], title: str,
               low: int = 0, high: int = 10) -> str:
    """The customer's mood after each turn as SVG: a line with a marker and the mood written
    at every turn, the turns along the bottom, the mood scale in numbers and words."""
    width, height = 700.0, 330.0
    left, right, top, bottom = 150.0, width - 20, 46.0, height - 62
    middle = (low + high) // 2

    def y_at(mood: float) -> float:
        return bottom - (mood - (low - 0.5)) / (high + 1 - (low - 0.5)) * (bottom - top)

    step = (right - left) / max(len(moods), 1)

    def x_at(turn: int) -> float:
        return left + step * (turn + 0.5)

    body = [text(width / 2, 26, title, 15, bold=True)]
    for value, words in ((low, "very upset"), (middle, "unsettled"), (high, "reassured")):
        y = y_at(value)
        body += [line(left, y, right, y, colour=GRID, dotted=True),
                 line(left - 5, y, left, y),
                 text(left - 9, y + 4, f"{value} {words}", 12, "end")]
    body += _frame(left, top, right, bottom)
    size = 12 if step >= 24 else 10
    for turn, label in enumerate(labels):
        x = x_at(turn)
        body += [line(x, bottom, x, bottom + 5),
                 text(x, bottom + 20, label[: fits(step, size)], size)]
    points = " ".join(f"{_n(x_at(t))},{_n(y_at(m))}" for t, m in enumerate(moods))
    body.append(f"<polyline points='{points}' fill='none' stroke='{INK}' stroke-width='2.5' "
                "stroke-linejoin='round'/>")
    for turn, mood in enumerate(moods):
        x, y = x_at(turn), y_at(mood)
        body += [f"<circle cx='{_n(x)}' cy='{_n(y)}' r='5' fill='{INK}' stroke='#ffffff' "
                 "stroke-width='1.5'/>", text(x, y - 10, str(mood), 12, bold=True)]
    body += [text((left + right) / 2, height - 14, "Turn in the conversation", 13),
             text(22, (top + bottom) / 2, "Customer's mood", 13, rotate=-90)]
    return svg(width, height, title, body)


def bar_chart(title: str, groups: Sequence[str], series: Sequence[tuple[str, Sequence[int]]],
              y_label: str, y_max: int) -> str:
    """Bars side by side for each group as SVG: the first series plain dark, the next ones
    hatched then dotted, the value written on top of every bar, a key above the plot."""
    width = max(700.0, 90.0 + 130 * len(groups))
    height, left, right, top = 380.0, 70.0, width - 20, 88.0
    lines = [wrapped(g, (right - left) / max(len(groups), 1) - 8, 11, 3) for g in groups]
    rows = max((len(w) for w in lines), default=1)
    bottom = height - 34 - 14 * rows
    fills = [FILL, "url(#wb-hatch)", "url(#wb-dots)"]
    body = [text(width / 2, 26, title, 15, bold=True)]
    key_x = left
    for (name, _), fill in zip(series, fills, strict=False):
        body += [rect(key_x, 44, 22, 14, fill), text(key_x + 30, 56, name, 12, "start")]
        key_x += 30 + len(name) * 12 * CHAR + 26

    def y_at(value: float) -> float:
        return bottom - value / max(y_max, 1) * (bottom - top)

    tick = 5 if y_max > 10 else 1
    for value in range(0, y_max + 1, tick):
        y = y_at(value)
        if value:
            body.append(line(left, y, right, y, colour=GRID, dotted=True))
        body += [line(left - 5, y, left, y), text(left - 9, y + 4, str(value), 12, "end")]
    body += _frame(left, top, right, bottom)
    slot = (right - left) / max(len(groups), 1)
    bar = min(44.0, slot * 0.8 / max(len(series), 1))
    for number, group_lines in enumerate(lines):
        middle = left + slot * (number + 0.5)
        first = middle - bar * len(series) / 2
        for index, ((_, values), fill) in enumerate(zip(series, fills, strict=False)):
            x, value = first + bar * index, values[number]
            body += [rect(x, y_at(value), bar, bottom - y_at(value), fill),
                     text(x + bar / 2, y_at(value) - 6, str(value), 12, bold=True)]
        body += [text(middle, bottom + 18 + 14 * n, words, 11)
                 for n, words in enumerate(group_lines)]
    body.append(text(20, (top + bottom) / 2, y_label, 13, rotate=-90))
    return svg(width, height, title, body)


def timeline_chart(title: str, goals: Sequence[tuple[str, dt.date, dt.date]]) -> str:
    """Each labelled row as a bar from its start to its end date as SVG, bars dotted and
    hatched in turn, with the dates and weeks written under every bar."""
    width, left, right, top, row = 760.0, 250.0, 740.0, 50.0, 46.0
    bottom = top + row * max(len(goals), 1)
    height = bottom + 76
    first = min((g[1] for g in goals), default=dt.date.today())
    last = max((g[2] for g in goals), default=first + dt.timedelta(days=7))
    days = max((last - first).days, 1)

    def x_at(day: dt.date) -> float:
        return left + (day - first).days / days * (right - left)

    body = [text(width / 2, 26, title, 15, bold=True)]
    ticks = _date_ticks(first, last)
    for day in ticks:
        x = x_at(day)
        body += [line(x, top, x, bottom, colour=GRID, dotted=True), line(x, bottom, x, bottom + 5),
                 text(x, bottom + 20, f"{day.day} {day:%b}", 11)]
        if day.month == 1 or day == ticks[0]:
            body.append(text(x, bottom + 34, str(day.year), 11))
    body += _frame(left, top, right, bottom)
    for number, (label, start, end) in enumerate(goals):
        y = top + row * number + 6
        x1, x2 = x_at(start), x_at(end)
        weeks = max(1, round((end - start).days / 7))
        when = f"{start.day} {start:%b} to {end.day} {end:%b} ({weeks} week{'s' * (weeks > 1)})"
        fill = "url(#wb-dots)" if number % 2 == 0 else "url(#wb-hatch)"
        anchor, x_text = ("end", x2) if x1 + len(when) * 11 * CHAR > right else ("start", x1)
        body += [rect(x1, y, x2 - x1, 18, fill), text(x_text, y + 32, when, 11, anchor)]
        body += [text(left - 10, y + 14 + 15 * n, words, 12, "end")
                 for n, words in enumerate(wrapped(label, left - 20, 12))]
    body.append(text((left + right) / 2, height - 14, "Date", 13))
    return svg(width, height, title, body)


def _date_ticks(first: dt.date, last: dt.date) -> list[dt.date]:
    """Up to eight tidy dates across a span: Mondays, or the 1st of each month for long spans."""
    days = (last - first).days
    if days <= 70:
        day = first + dt.timedelta(days=-first.weekday() % 7)
        every = 7 if days <= 49 else 14
        ticks = []
        while day <= last:
            ticks.append(day)
            day += dt.timedelta(days=every)
        return ticks
    months = []
    year, month = (first.year, first.month + 1) if first.day > 1 else (first.year, first.month)
    while True:
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        day = dt.date(year, month, 1)
        if day > last:
            break
        months.append(day)
        month += 1
    step = -(-len(months) // 8)
    return months[::step]
