"""What the engine hands to a view to draw: a table or a chart's facts as typed frozen
records, with no HTML, SVG, pandas or matplotlib. The widgets render them
(:func:`workbook.widgets.common.table_html`, :mod:`workbook.charts`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

Cell = str | int | None
"""A table cell: text, a whole number, or ``None`` for a blank the learner has not filled."""


@dataclass(frozen=True)
class Table:
    """Rows under column headings; the first column names each row (a row heading)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def row(self, key: Cell) -> dict[str, Cell]:
        """The row whose first cell is ``key``, by column heading."""
        for row in self.rows:
            if row[0] == key:
                return dict(zip(self.columns, row, strict=True))
        raise KeyError(f"no row {key!r} in the table")


@dataclass(frozen=True)
class BarChart:
    """Bars side by side for each group: one series of values per key entry."""

    title: str
    groups: tuple[str, ...]
    series: tuple[tuple[str, tuple[int, ...]], ...]
    y_label: str
    y_max: int


@dataclass(frozen=True)
class Timeline:
    """Each labelled row as a bar from its start to its end date."""

    title: str
    rows: tuple[tuple[str, dt.date, dt.date], ...]
