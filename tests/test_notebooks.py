"""Every lesson notebook is committed clean and runs top to bottom headless, showing widgets."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import ROOT

LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_lesson_is_committed_clean_with_one_line_hidden_code_cells(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a lesson has at least one activity"
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None
        assert len(cell.source.strip().splitlines()) == 1, cell.source
        assert cell.metadata.get("jupyter", {}).get("source_hidden") is True
        assert cell.metadata.get("workbook", {}).get("activity")


def test_every_unit_lesson_that_exists_is_in_the_course_map(course):
    on_map = {ROOT / u.lesson for u in course.units}
    for path in LESSONS:
        assert path.name == "00_start_here.ipynb" or path in on_map


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_lesson_runs_headless_and_each_activity_shows_a_widget(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.source
        shown = [o for o in cell.outputs if WIDGET in o.get("data", {})]
        assert len(shown) == 1, f"{cell.metadata['workbook']['activity']} showed no widget"
