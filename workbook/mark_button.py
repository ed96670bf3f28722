"""The entry point of the Mark my work cell at the end of each knowledge check.

nbgrader runs every cell when a tutor autogrades (and when a learner presses Validate). There
the cell does nothing at all: nbgrader sets NBGRADER_EXECUTION, and this module then imports
nothing, shows nothing and takes no time, so marking is not slowed and the graded notebook and
feedback show no button. Anywhere else it shows the button (workbook/widgets/markmywork.py).
"""

from __future__ import annotations

import os
from typing import Any


def mark_my_work(unit: str) -> Any:
    """The Mark my work button for a knowledge check (``mark_my_work("unit2")``)."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return None
    from .widgets.markmywork import mark_my_work as button

    return button(unit)
