"""Every criterion is taught (a tagged lesson section or an activity whose data carries it)
and assessed (a knowledge check or a rubric-marked reflection); every lesson reads easily."""

from __future__ import annotations

import nbformat
import pytest
import textstat

from tests.conftest import ROOT, copy_course
from workbook import cli
from workbook.content.loader import load_course_uncached
from workbook.coverage import build_coverage
from workbook.prose import lesson_prose, markdown_prose

LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_every_criterion_is_taught_and_assessed(course):
    coverage = build_coverage(course)
    assert len(coverage.criteria) == 123
    assert coverage.untaught == [] and coverage.unassessed == []
    assert coverage.summary == "Taught: 123 of 123 criteria. Assessed: 123 of 123 criteria."


def test_every_unit_has_a_lesson_and_an_assignment_on_the_course_map(course):
    for unit in course.units:
        assert (ROOT / unit.lesson).is_file(), unit.lesson
        assert unit.assignment in course.assignments
        assert (ROOT / "source" / unit.assignment / f"{unit.assignment}.ipynb").is_file()


def test_coverage_names_the_places(course):
    coverage = build_coverage(course)
    assert "unit4 check 4.2" in coverage.assessed["CG216-2.6"]
    assert "unit4 lesson: Your limits of authority" in coverage.taught["CG216-1.6"]
    assert "unit4 lesson activity: inside my authority or refer?" in coverage.taught["CG216-1.6"]


def test_removing_a_tag_and_a_check_shows_as_a_gap(tmp_path):
    root = copy_course(tmp_path)
    path = root / "notebooks" / "08_scenarios_and_reflection.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.metadata.get("workbook", {}).pop("criteria", None)
    nbformat.write(nb, path)
    assignment = root / "course_data" / "assignments" / "unit8.yaml"
    assignment.write_text(assignment.read_text().replace("[OCR7-M4]", "[OCR7-M1]"))
    coverage = build_coverage(load_course_uncached(root))
    assert "OCR7-M4" in coverage.untaught and "OCR7-M4" in coverage.unassessed


def test_the_coverage_command_prints_the_matrix_and_exits_0(capsys):
    assert cli.main(["--course-dir", str(ROOT), "coverage"]) == 0
    out = capsys.readouterr().out
    assert "  CG216-2.6    taught in" in out and "assessed by 4.2" in out
    assert out.rstrip().endswith("Taught: 123 of 123 criteria. Assessed: 123 of 123 criteria.")


def test_the_coverage_command_writes_a_csv(tmp_path, capsys):
    target = tmp_path / "coverage.csv"
    assert cli.main(["--course-dir", str(ROOT), "coverage", "--csv", str(target)]) == 0
    header = target.read_text().splitlines()[0]
    assert header == "Criterion,Framework,Summary,Taught in,Assessed in"
    assert len(target.read_text().splitlines()) == 124


def test_prose_leaves_out_tables_and_markup():
    text = markdown_prose("## A heading\n\n| a | b |\n| --- | --- |\n- **Bold** item\n"
                          "See [the card](http://x) below")
    assert text == "A heading. Bold item. See the card below."


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_lesson_prose_reads_at_60_or_above(path):
    prose = lesson_prose(path)
    assert len(prose.split()) > 500
    assert textstat.flesch_reading_ease(prose) >= 60
