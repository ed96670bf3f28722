"""Charts drawn with matplotlib and returned as PNG bytes, so any front end (and a headless
test) can show them in an ``ipywidgets.Image``. Every chart is described in words next to it as
well; a chart is never the only way to read the information."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Line and marker styles differ as well as colours, so the chart reads in greyscale.
INK = "#1a1a1a"


def new_figure(width: float, height: float) -> Figure:
    """A figure drawn off-screen. Not pyplot: nothing is shown by itself, no backend is changed
    for the learner's kernel, and no figure is left open. matplotlib is imported here, on the
    first chart, not when a lesson imports the widgets (it costs most of a widget's start)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    return figure


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()


def mood_chart(moods: Sequence[int], labels: Sequence[str], title: str,
               low: int = 0, high: int = 10) -> Figure:
    """The customer's mood after each turn: a line with a marker per turn, labelled axes."""
    figure = new_figure(7, 3.2)
    axes = figure.add_subplot()
    turns = list(range(len(moods)))
    axes.plot(turns, moods, color=INK, marker="o", linewidth=2)
    for x, y in zip(turns, moods, strict=True):
        axes.annotate(str(y), (x, y), textcoords="offset points", xytext=(0, 7), ha="center",
                      fontsize=9, color=INK)
    axes.set_ylim(low - 0.5, high + 1)
    axes.set_yticks([low, (low + high) // 2, high])
    axes.set_yticklabels([f"{low} very upset", f"{(low + high) // 2} unsettled",
                          f"{high} reassured"])
    axes.set_xticks(turns)
    axes.set_xticklabels(labels, rotation=0, fontsize=8)
    axes.set_xlabel("Turn in the conversation")
    axes.set_ylabel("Customer's mood")
    axes.set_title(title)
    axes.grid(axis="y", linestyle=":", color="#6b6b6b")
    figure.tight_layout()
    return figure
