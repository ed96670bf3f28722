"""The entry point of the Mark my work cell at the end of each knowledge check.

nbgrader runs every cell when a tutor autogrades (and when a learner presses Validate). There
the cell does nothing at all: nbgrader sets NBGRADER_EXECUTION, and this module then imports
nothing, shows nothing and takes no time, so marking is not slowed and the graded notebook and
feedback show no button. In the browser edition (JupyterLite: Python in the page, no nbgrader)
it says in one line that marking needs the full edition. Anywhere else it shows the button
(workbook/widgets/markmywork.py).
"""

from __future__ import annotations

import os
import sys
from typing import Any

IN_THE_BROWSER = ("**Mark my work** needs the full edition of the workbook (installed on a "
                  "computer with Python). In this browser edition, save your notebook and "
                  "download it (right-click it in the file list, then **Download**) to hand it "
                  "in to your tutor.")


def mark_my_work(unit: str) -> Any:
    """The Mark my work button for a knowledge check (``mark_my_work("unit2")``)."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return None
    if sys.platform == "emscripten":  # the browser edition: no nbgrader to mark with
        from IPython.display import Markdown

        return Markdown(IN_THE_BROWSER)
    from .widgets.markmywork import mark_my_work as button

    return button(unit)
