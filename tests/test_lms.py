"""Hand-ins from a college LMS or copied in by hand, and --course-dir on every command
(issue 17: items 6 and 7, rows 1, 10 and 11)."""

from __future__ import annotations

import argparse
import csv
import io
import zipfile
from pathlib import Path

import pytest

from tests.conftest import copy_course
from workbook import cli
from workbook.tutor.cohort import Learner
from workbook.tutor.lms import (find_learner, nearest_learner, parse_canvas, parse_moodle,
                                plan_import)


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_course_dir_is_taken_before_or_after_every_subcommand(name):
    """Every subcommand, found from the parser itself (a new one is covered at once)."""
    sub = _subcommands()[name]
    positionals = ["x" for a in sub._actions if not a.option_strings and a.dest != "help"]
    parser = cli.build_parser()
    before = parser.parse_args(["--course-dir", "demo-cohort", name, *positionals])
    after = parser.parse_args([name, *positionals, "--course-dir", "demo-cohort"])
    neither = parser.parse_args([name, *positionals])
    assert before.course_dir == after.course_dir == "demo-cohort"
    assert neither.course_dir is None


ROSTER = ("id,first_name,last_name,email\n"
          "jsmith01,Jade,Smith,jade.smith@college.ac.uk\n"
          "tsmith02,Tom,Smith,t.smith@college.ac.uk\n"
          "sobrien03,Siân,O'Brien,sian.obrien@college.ac.uk\n"
          "aokoye04,Amara,Okoye,amara.okoye@college.ac.uk\n")


@pytest.mark.parametrize("order", ["before", "after"])
def test_every_output_goes_inside_the_course_folder(tmp_path, monkeypatch, order):
    """Run from another folder, as the demo's hint has the tutor do: the gradebook, exports
    and coverage CSV land in the course named by --course-dir, not the working folder."""
    folder = copy_course(tmp_path / "course")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    (elsewhere / "roster.csv").write_text(ROSTER, encoding="utf-8")

    def run(*command):
        where = ["--course-dir", str(folder)]
        argv = [*where, *command] if order == "before" else [*command, *where]
        assert cli.main(argv) == 0

    run("learners", "roster.csv")
    run("export")
    run("coverage", "--csv", "coverage.csv")
    assert (folder / "gradebook.db").is_file()
    assert (folder / "exports" / "grades.csv").is_file()
    assert (folder / "exports" / "criteria.csv").is_file()
    assert (folder / "coverage.csv").is_file()
    assert sorted(p.name for p in elsewhere.iterdir()) == ["roster.csv"]


def test_grades_csv_opens_in_excel_and_imports_into_moodle(tmp_path):
    """A byte order mark, so Excel reads UTF-8 (it shows "SiÃ¢n" without one); read back as
    Moodle's csv_import_reader does (take the mark off, then parse), the header and names are
    exact."""
    folder = copy_course(tmp_path / "course")
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    assert cli.main(["--course-dir", str(folder), "learners", str(tmp_path / "roster.csv")]) == 0
    assert cli.main(["--course-dir", str(folder), "export"]) == 0
    for name in ("grades.csv", "criteria.csv"):
        data = (folder / "exports" / name).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), name
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")  # core_text::trim_utf8_bom
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][0] == "id"
    rows = list(csv.DictReader(io.StringIO(
        (folder / "exports" / "grades.csv").read_bytes()[3:].decode("utf-8"))))
    assert {r["first_name"] for r in rows} >= {"Siân", "Jade"}
    assert "O'Brien" in {r["last_name"] for r in rows}
