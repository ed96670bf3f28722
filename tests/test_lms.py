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
from workbook.tutor.lms import (
    find_learner,
    nearest_learner,
    parse_canvas,
    parse_moodle,
    plan_import,
)


def _subcommands(parser: argparse.ArgumentParser | None = None,
                 words: tuple[str, ...] = ()) -> dict[tuple[str, ...], argparse.ArgumentParser]:
    """Every command, with the words that name it (``("lite", "build")`` for a command of a
    command), found from the parser itself."""
    parser = parser or cli.build_parser()
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                inner = _subcommands(sub, (*words, name))
                found.update(inner or {(*words, name): sub})
    return found


@pytest.mark.parametrize("words", sorted(_subcommands()), ids=" ".join)
def test_course_dir_is_taken_before_or_after_every_subcommand(words):
    """Every subcommand, found from the parser itself (a new one is covered at once)."""
    sub = _subcommands()[words]
    positionals = ["x" for a in sub._actions if not a.option_strings and a.dest != "help"]
    parser = cli.build_parser()
    before = parser.parse_args(["--course-dir", "demo-cohort", *words, *positionals])
    after = parser.parse_args([*words, *positionals, "--course-dir", "demo-cohort"])
    neither = parser.parse_args([*words, *positionals])
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


PEOPLE = [Learner("jsmith01", "Jade", "Smith", "jade.smith@college.ac.uk"),
          Learner("tsmith02", "Tom", "Smith", "t.smith@college.ac.uk"),
          Learner("sobrien03", "Siân", "O'Brien", "sian.obrien@college.ac.uk"),
          Learner("aokoye04", "Amara", "Okoye", "amara.okoye@college.ac.uk")]


def test_moodle_and_canvas_names_are_read_as_each_lms_writes_them():
    folder = parse_moodle("Siân O'Brien_103_assignsubmission_file_/unit1.ipynb")
    assert (folder.name, folder.lms_id, folder.file) == ("Siân O'Brien", "103", "unit1.ipynb")
    flat = parse_moodle("Jade Smith_101_assignsubmission_file_unit1.ipynb")
    assert (flat.name, flat.file) == ("Jade Smith", "unit1.ipynb")
    assert parse_moodle("Jade Smith_101_assignsubmission_onlinetext_/onlinetext.html") is None
    late = parse_canvas("submissions/smithtom_LATE_202_9002_unit1.ipynb")
    assert (late.name, late.lms_id, late.file, late.late) == ("smithtom", "202", "unit1.ipynb",
                                                              True)
    again = parse_canvas("obriensian_203_9010_unit1-1.ipynb")
    assert (again.file, again.order, again.late) == ("unit1.ipynb", 9010, False)


def test_names_emails_and_ids_map_to_one_roster_learner_or_say_why_not():
    assert find_learner("Jade Smith", "101", PEOPLE) == ("jsmith01", "")
    assert find_learner("smithtom", "202", PEOPLE) == ("tsmith02", "")
    assert find_learner("obriensian", "203", PEOPLE) == ("sobrien03", "")  # accent, apostrophe
    assert find_learner("SIAN O'BRIEN", "", PEOPLE) == ("sobrien03", "")
    assert find_learner("amara.okoye@college.ac.uk", "", PEOPLE) == ("aokoye04", "")
    assert find_learner("Someone", "jsmith01", PEOPLE) == ("jsmith01", "")  # LMS id = roster id
    assert find_learner("Zoe Unknown", "104", PEOPLE) == (None, "not on the roster")
    assert find_learner("Jade Smyth", "", PEOPLE) == (None,
                                                      "not on the roster (nearest: jsmith01)")
    twins = [*PEOPLE, Learner("jsmith09", "Jade", "Smith", "")]
    assert find_learner("Jade Smith", "", twins) == (
        None, "more than one roster learner has that name: jsmith01, jsmith09")
    assert nearest_learner("Jade Smith", PEOPLE) == "jsmith01"
    assert nearest_learner("tomsmith", PEOPLE) == "tsmith02"
    assert nearest_learner("Xavier Quill", PEOPLE) == ""


def test_a_canvas_resubmission_replaces_the_earlier_upload():
    plan = plan_import(["obriensian_203_9003_unit1.ipynb", "obriensian_203_9010_unit1-1.ipynb",
                        "smithtom_LATE_202_9002_unit1.ipynb", "notes.txt"], PEOPLE)
    assert plan.scheme == "canvas"
    assert plan.taken == {"obriensian_203_9010_unit1-1.ipynb": ("sobrien03", "unit1.ipynb"),
                          "smithtom_LATE_202_9002_unit1.ipynb": ("tsmith02", "unit1.ipynb")}
    assert plan.replaced == ["obriensian_203_9003_unit1.ipynb"]
    assert plan.late == {"tsmith02"} and not plan.unmapped
    assert plan.others == ["notes.txt"]


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


@pytest.mark.slow
def test_lms_downloads_and_hand_copied_work_are_graded_and_get_feedback(
        generated_course, course, tmp_path, monkeypatch, capsys):
    """Row 1, row 11 and item 6 end to end: one learner hands in through nbgrader's exchange,
    the rest arrive in a Moodle zip then a Canvas zip (accents, an apostrophe, two Smiths, a
    late one, a resubmission, one not on the roster), and one is copied into submitted/ by hand
    under their name. Everyone on the roster is graded from their own file, the stranger is
    listed, the hand-copied folder gets a NOTE naming jsmith01, and feedback is released to the
    exchange learner while the others' pages are listed, with exit 0."""
    import shutil
    import subprocess
    import sys

    import nbformat

    from tests.conftest import fresh_unit1
    from workbook.tutor.cohort import item_scores
    from workbook.tutor.simulate import fill, right_answers, wrong_answers

    folder, released = fresh_unit1(generated_course, tmp_path)
    exchange, cache, home = tmp_path / "exchange", tmp_path / "cache", tmp_path / "amara"
    for path in (exchange, cache, home):
        path.mkdir()
    monkeypatch.setenv("WORKBOOK_EXCHANGE", str(exchange))
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    assert cli.main(["learners", str(tmp_path / "roster.csv"), "--course-dir", str(folder)]) == 0
    assert cli.main(["release", "unit1", "--course-dir", str(folder)]) == 0
    assignment = course.assignment("unit1")
    right = nbformat.writes(fill(released, right_answers(assignment))).encode()
    wrong = nbformat.writes(fill(released, wrong_answers(assignment))).encode()
    total = assignment.autograded_points

    student = ["--course=challenging-customers", f"--Exchange.root={exchange}",
               f"--Exchange.cache={cache}"]
    for args in (["fetch_assignment", "unit1"], ["submit", "unit1", "--student=aokoye04"]):
        if args[0] == "submit":
            (home / "unit1" / "unit1.ipynb").write_bytes(right)
        subprocess.run([sys.executable, "-m", "nbgrader", *args, *student], cwd=home,
                       check=True, capture_output=True)
    assert cli.main(["collect", "unit1", "--course-dir", str(folder)]) == 0

    moodle = _zip(tmp_path / "moodle.zip", {
        "Jade Smith_101_assignsubmission_file_/unit1.ipynb": wrong,
        "Tom Smith_102_assignsubmission_file_/unit1.ipynb": wrong,
        "Siân O'Brien_103_assignsubmission_file_/unit1.ipynb": wrong,
        "Zoe Unknown_104_assignsubmission_file_/unit1.ipynb": right,
        "Jade Smith_101_assignsubmission_onlinetext_/onlinetext.html": b"<p>hi</p>"})
    capsys.readouterr()
    assert cli.main(["collect", "unit1", "--from", str(moodle), "--course-dir",
                     str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Moodle download: 3 learner(s) imported" in out
    assert "  Siân O'Brien -> sobrien03" in out and "  Tom Smith -> tsmith02" in out
    assert ("Zoe Unknown_104_assignsubmission_file_/unit1.ipynb: Zoe Unknown: not on the "
            "roster") in out
    assert ("not a notebook, left out: "
            "Jade Smith_101_assignsubmission_onlinetext_/onlinetext.html") in out
    assert (folder / "submitted" / "jsmith01" / "unit1" / "unit1.ipynb").read_bytes() == wrong
    assert not (folder / "submitted" / "Zoe Unknown").exists()

    _zip(tmp_path / "submissions.zip", {
        "smithjade_201_9001_unit1.ipynb": right,
        "smithtom_LATE_202_9002_unit1.ipynb": right,
        "obriensian_203_9003_unit1.ipynb": wrong,
        "obriensian_203_9010_unit1-1.ipynb": right,
        "unknownzoe_204_9004_unit1.ipynb": right})
    monkeypatch.chdir(tmp_path)  # --from is read from where the tutor is, not the course
    assert cli.main(["--course-dir", str(folder), "collect", "unit1", "--from",
                     "submissions.zip"]) == 0
    out = capsys.readouterr().out
    assert "Canvas download: 3 learner(s) imported" in out
    assert "  smithtom -> tsmith02 (handed in late)" in out
    assert "older upload left out (the learner handed it in again): " \
           "obriensian_203_9003_unit1.ipynb" in out
    assert "unknownzoe_204_9004_unit1.ipynb: unknownzoe: not on the roster" in out
    for learner in ("jsmith01", "tsmith02", "sobrien03"):
        assert (folder / "submitted" / learner / "unit1" / "unit1.ipynb").read_bytes() == right
        earlier = list((folder / "downloaded" / "unit1" / "replaced").glob(f"{learner}-*"))
        assert [(p / "unit1.ipynb").read_bytes() for p in earlier] == [wrong]

    hand = folder / "submitted" / "Jade Smith" / "unit1"
    hand.mkdir(parents=True)
    (hand / "unit1.ipynb").write_bytes(right)
    assert cli.main(["autograde", "unit1", "--course-dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert ("NOTE Jade Smith, unit1: submitted/Jade Smith/unit1 is not a learner on the "
            "roster; the nearest roster learner is jsmith01.") in out
    learners, scores = item_scores(course, folder)
    points = {x: sum(s.score or 0 for s in scores if s.learner == x and s.kind == "check")
              for x in learners}
    assert points == {"aokoye04": total, "jsmith01": total, "tsmith02": total,
                      "sobrien03": total, "Jade Smith": total}

    assert cli.main(["feedback", "unit1", "--release", "--course-dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "release_feedback unit1 ... ok" in out
    assert "4 learner(s) did not hand in through the exchange" in out
    for learner in ("Jade Smith", "jsmith01", "sobrien03", "tsmith02"):
        page = folder / "feedback" / learner / "unit1" / "unit1.html"
        assert f"  {learner}: {page}" in out and page.is_file()
        assert (page.parent / "timestamp.txt").read_text().endswith(" UTC")
    released_pages = list((exchange / "challenging-customers" / "feedback").glob("*.html"))
    assert len(released_pages) == 1
    shutil.rmtree(folder / "feedback")  # again from scratch, for all units at once
    assert cli.main(["feedback", "all", "--release", "--course-dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "No graded work yet for unit2, unit3, unit4, unit5, unit6, unit7, unit8" in out
    assert "All 2 steps succeeded" in out and "4 learner(s) did not hand in" in out
