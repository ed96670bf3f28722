"""The workbook's own settings in nbgrader_config.py, documented where they are defined."""

from __future__ import annotations

from traitlets import List, Unicode
from traitlets.config import Configurable


class WorkbookCourse(Configurable):
    """Settings the workbook's tutor commands read from nbgrader_config.py."""

    units = List(
        Unicode(), default_value=[],
        help="nbgrader assignment ids of the course's units, in order "
             "(nbgrader_config.py reads them from course_data/units.yaml).",
    ).tag(config=True)
