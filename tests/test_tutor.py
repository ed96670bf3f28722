"""Tutor commands: roster, evidence and export, on a small graded cohort (nbgrader runs)."""

from __future__ import annotations

import csv
import shutil

import nbformat
import pytest

from tests.conftest import fresh_course, fresh_unit1, nbgrader
from workbook import cli
from workbook.tutor.cohort import RosterError, gradebook_url, item_scores, read_roster
from workbook.tutor.simulate import fill, right_answers, wrong_answers

ROSTER = "id,first_name,last_name,email\namara,Amara,Okoye,a@example.org\nben,Ben,Li,\n"


def test_a_roster_is_read_and_its_mistakes_named_by_line(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER)
    assert [(x.id, x.first_name, x.email) for x in read_roster(path)] == [
        ("amara", "Amara", "a@example.org"), ("ben", "Ben", "")]
    path.write_text("id,first_name\namara,A\namara,B\n")
    with pytest.raises(RosterError, match="line 3: id 'amara' appears twice"):
        read_roster(path)
    path.write_text("id\nbad id!\n")
    with pytest.raises(RosterError, match="line 2: id 'bad id!' must be 1 to 64 letters"):
        read_roster(path)
    path.write_text("name,email\nAmara,a@x\n")
    with pytest.raises(RosterError, match="the header has no 'id' column"):
        read_roster(path)
    with pytest.raises(RosterError, match="file not found"):
        read_roster(tmp_path / "missing.csv")


@pytest.fixture(scope="module")
def cohort(generated_course, course, tmp_path_factory):
    """Three learners on the roster; two submit unit 1 (one all right, one all wrong); the
    right one's reflection is marked 4 of 5 by the tutor."""
    folder = fresh_course(generated_course, tmp_path_factory.mktemp("cohort") / "course", "unit1")
    (folder / "roster.csv").write_text(ROSTER + "chloe,Chloe,Evans,\n")
    assert cli.main(["--course-dir", str(folder), "learners", str(folder / "roster.csv")]) == 0
    assignment = course.assignment("unit1")
    released = nbformat.read(folder / "release" / "unit1" / "unit1.ipynb", as_version=4)
    for learner, answers in (("amara", right_answers(assignment)),
                             ("ben", wrong_answers(assignment))):
        target = folder / "submitted" / learner / "unit1"
        target.mkdir(parents=True)
        nbformat.write(fill(released, answers, {assignment.reflections[0].grade_id: "Text."}),
                       target / "unit1.ipynb")
    nbgrader(folder, "autograde", "unit1", "--force")
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(folder)) as gb:
        grade = gb.find_grade(assignment.reflections[0].grade_id, "unit1", "unit1", "amara")
        grade.manual_score = 4
        gb.db.commit()
    return folder


@pytest.mark.slow
def test_scores_are_read_from_the_gradebook(cohort, course):
    learners, scores = item_scores(course, cohort)
    assert learners == ["amara", "ben", "chloe"]
    amara = [s for s in scores if s.learner == "amara"]
    # 8 checks and 2 reflections; 1.r2 is not marked yet.
    assert len(amara) == 10 and sum(s.score or 0 for s in amara) == 12
    assert next(s for s in amara if s.item == "1.r2").status == "pending"
    ben_reflection = next(s for s in scores if s.learner == "ben" and s.kind == "reflection")
    assert ben_reflection.score is None and ben_reflection.status == "pending"


def nbgrader_grades(folder):
    """What nbgrader's own API says: learners, people, and (unit, learner) to grade cell name
    to (score, max score, manual score) for each unit's notebook of the same name."""
    from nbgrader.api import Gradebook

    grades = {}
    with Gradebook(gradebook_url(folder)) as gb:
        people = {s.id: (s.first_name, s.last_name, s.email) for s in gb.students}
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    if notebook.name == assignment.name:
                        grades[(assignment.name, submission.student_id)] = {
                            g.name: (g.score, g.max_score, g.manual_score)
                            for g in notebook.grades}
    return sorted(people), people, grades


def sql_grades(folder):
    from workbook.tutor.cohort import _grades
    from workbook.tutor.upstream import GRADES, STUDENTS, read_gradebook

    students, rows = read_gradebook(folder, STUDENTS, GRADES)
    return (sorted(r[0] for r in students), {r[0]: tuple(r[1:]) for r in students},
            _grades(rows))


@pytest.mark.filterwarnings("ignore:.*not in session")  # nbgrader's add_submission; rows written
def test_the_gradebook_read_with_sql_matches_nbgraders_api(tmp_path, course):
    """Auto, manual and extra-credit scores, grade and task cells, a second notebook, a learner
    with no submission, and an assignment nobody submitted, read both ways. A missing
    gradebook is made by nbgrader first, as nbgrader's own reading did."""
    from nbgrader.api import Gradebook

    assert item_scores(course, tmp_path) == ([], [])
    assert (tmp_path / "gradebook.db").is_file()
    with Gradebook(gradebook_url(tmp_path)) as gb:
        for name, extra in (("amara", {"first_name": "Amara", "email": "a@x"}),
                            ("ben", {"last_name": "Li"}), ("chloe", {})):
            gb.add_student(name, **extra)
        for unit in ("unit1", "unit2"):
            gb.add_assignment(unit)
            gb.add_notebook(unit, unit)
        gb.add_notebook("extra", "unit1")
        gb.add_grade_cell("q1", "unit1", "unit1", max_score=1, cell_type="code")
        gb.add_grade_cell("q2", "unit1", "unit1", max_score=2.5, cell_type="code")
        gb.add_grade_cell("r1", "unit1", "unit1", max_score=5, cell_type="markdown")
        gb.add_task_cell("t1", "unit1", "unit1", max_score=3, cell_type="markdown")
        gb.add_grade_cell("q1", "extra", "unit1", max_score=7, cell_type="code")
        gb.add_grade_cell("q1", "unit2", "unit2", max_score=1, cell_type="code")
        for learner in ("amara", "ben"):
            gb.add_submission("unit1", learner)
        set_scores = {("amara", "q1"): dict(auto_score=1), ("amara", "q2"): dict(auto_score=1.5,
                      extra_credit=0.5), ("amara", "r1"): dict(manual_score=4),
                      ("amara", "t1"): dict(auto_score=1, manual_score=2, extra_credit=1),
                      ("ben", "q1"): dict(auto_score=0)}
        for (learner, cell), values in set_scores.items():
            grade = gb.find_grade(cell, "unit1", "unit1", learner)
            for key, value in values.items():
                setattr(grade, key, value)
        gb.find_grade("q1", "extra", "unit1", "amara").auto_score = 7
        gb.db.commit()
    expected = nbgrader_grades(tmp_path)
    assert sql_grades(tmp_path) == expected
    grades = expected[2]
    assert set(grades) == {("unit1", "amara"), ("unit1", "ben")}
    assert grades[("unit1", "amara")]["t1"] == (3.0, 3.0, 2.0)
    assert grades[("unit1", "ben")]["r1"] == (0.0, 5.0, None)


@pytest.mark.slow
def test_the_cohorts_gradebook_read_with_sql_matches_nbgraders_api(cohort):
    assert sql_grades(cohort) == nbgrader_grades(cohort)


@pytest.mark.slow
def test_evidence_command_summarises_each_learner(cohort, capsys):
    assert cli.main(["--course-dir", str(cohort), "evidence"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines()[1:4]}
    assert set(lines) == {"amara", "ben", "chloe"}
    assert "0/14" in lines["chloe"] and "Not yet Pass" in lines["chloe"]
    assert "0/14" not in lines["amara"]


@pytest.mark.slow
def test_export_writes_grades_and_criteria_csv(cohort, course):
    assert cli.main(["--course-dir", str(cohort), "export", "--out",
                     str(cohort / "exports")]) == 0
    with (cohort / "exports" / "grades.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["id"] for r in rows] == ["amara", "ben", "chloe"]
    total = course.assignment("unit1").total_points
    assert rows[0][f"unit1 (out of {total})"] == "12" and rows[0]["total"] == "12"
    assert rows[1][f"unit1 (out of {total})"] == "0" and rows[2]["total"] == "0"
    assert rows[0]["email"] == "a@example.org"
    with (cohort / "exports" / "criteria.csv").open(encoding="utf-8-sig") as handle:
        states = {r["id"]: r for r in csv.DictReader(handle)}
    assert states["amara"]["CG216-1.1"] == "met"
    assert states["ben"]["CG216-1.1"] == "working towards"
    assert states["chloe"]["CG216-1.1"] == "not yet"


@pytest.mark.slow
def test_demo_runs_a_seeded_cohort_through_the_workflow(tmp_path, capsys):
    target = tmp_path / "demo"
    assert cli.main(["demo", "--learners", "3", "--units", "unit1", "--into", str(target),
                     "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    assert "Wall time per step:" in out and "autograde" in out
    assert sorted(p.name for p in (target / "submitted").iterdir()) == [
        "amara_okoye_01", "precious_harris_03", "tomasz_chen_02"]
    assert len(list((target / "feedback").glob("*/unit1/*.html"))) == 3
    assert cli.main(["--course-dir", str(target), "evidence"]) == 0
    assert "amara_okoye_01" in capsys.readouterr().out
    # The same seed gives the same cohort: run again elsewhere and compare the grades.
    again = tmp_path / "again"
    assert cli.main(["demo", "--learners", "3", "--units", "unit1", "--into", str(again)]) == 0
    for folder in (target, again):
        assert cli.main(["--course-dir", str(folder), "export", "--out",
                         str(folder / "exports")]) == 0
    assert (target / "exports" / "grades.csv").read_text() == \
        (again / "exports" / "grades.csv").read_text()


def test_demo_refuses_to_overwrite_a_folder(tmp_path, capsys):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "keep.txt").write_text("x")
    assert cli.main(["demo", "--into", str(tmp_path / "demo")]) == 1
    assert "already exists and is not empty" in capsys.readouterr().err
    assert (tmp_path / "demo" / "keep.txt").exists()


@pytest.mark.slow
def test_report_figures_match_the_gradebook(cohort, course, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # from another folder, --course-dir after the command
    out = cohort / "reports"
    assert cli.main(["report", "--course-dir", str(cohort)]) == 0
    assert not (tmp_path / "reports").exists()
    printed = capsys.readouterr().out
    total = course.assignment("unit1").total_points
    mean = (100 * 12 / total + 0) / 2
    assert f"Mean score per unit: unit1 {mean:.1f}%" in printed
    assert "OCR Unit 7 estimates: Not yet Pass 3, Pass 0, Merit 0, Distinction 0" in printed
    html = (out / "cohort.html").read_text()
    assert "<tr><td>unit1</td><td>1.1</td><td>2</td><td>0.5</td>" in html
    assert html.count("<img src='data:image/png;base64,") == 2 and "alt='Heatmap" in html
    assert "<tr><td>amara</td><td>Amara Okoye</td>" in html
    pack = (out / "learners" / "amara.html").read_text()
    assert "<h1>Evidence pack: Amara Okoye (amara)</h1>" in pack
    assert f"12 of {total}" in pack and "Text." in pack
    assert "CG216-1.1" in pack and "(achieved)" in pack


def test_item_analysis_by_hand():
    from workbook.tutor.evidence import ItemScore
    from workbook.tutor.report import item_analysis

    def s(learner, item, score):
        return ItemScore(learner, "unit1", item, "check", score, 1, ("X",))

    scores = [s("a", "1.1", 1), s("b", "1.1", 1), s("c", "1.1", 0),
              s("a", "1.2", 0), s("b", "1.2", 1), s("c", "1.2", 1),
              s("a", "1.3", 1), s("b", "1.3", 1), s("c", "1.3", 1)]
    stats = {x.item: x for x in item_analysis(scores)}
    # totals: a 2, b 3, c 2 -> bottom third is a or c (first by sort), top third b
    assert stats["1.3"].facility == 1 and stats["1.3"].flag == "too easy"
    assert round(stats["1.1"].facility, 2) == 0.67
    assert stats["1.2"].discrimination == 1.0


def synthetic_scores(course, count):
    """Learner n gets unit1's checks right when n is even and hands in nothing else."""
    from workbook.tutor.evidence import ItemScore

    learners = [f"learner_{n:03d}" for n in range(count)]
    assignment = course.assignment("unit1")
    scores = [ItemScore(learner, "unit1", check.id, "check", float(n % 2 == 0), 1.0,
                        check.criteria)
              for n, learner in enumerate(learners) for check in assignment.checks]
    return learners, scores


@pytest.mark.parametrize("count", [3, 41])
def test_the_cohort_report_stays_readable_for_any_cohort_size(course, tmp_path, count):
    """A row per learner in the matrix up to 40 learners, then a column per criterion counting
    learners; either way the tables say which learner still needs which criterion, in words."""
    from workbook.tutor.evidence import MET, NOT_YET, WORKING, build_evidence, workplace_needs
    from workbook.tutor.report import HEATMAP_MAX_LEARNERS, cohort_report

    learners, scores = synthetic_scores(course, count)
    cohort_report(course, learners, scores, tmp_path)
    html = (tmp_path / "cohort.html").read_text()
    assert html.count("<img src='data:image/png;base64,") == 2
    assert ("alt='Heatmap" in html) == (count <= HEATMAP_MAX_LEARNERS)
    assert ("alt='Stacked columns, one per criterion" in html) == (count > HEATMAP_MAX_LEARNERS)
    evidence = build_evidence(scores, learners, list(course.criteria), workplace_needs(course))
    for learner in learners:
        row = html.split(f"<td>{learner}</td>", 1)[1].split("</tr>", 1)[0]
        for state in (WORKING, NOT_YET):
            missing = [c for c in course.criteria if evidence.states[learner][c] == state]
            if missing:
                assert f"{state} ({len(missing)}): {', '.join(missing)}" in row
    criterion = course.assignment("unit1").checks[0].criteria[0]
    met = sum(evidence.states[learner][criterion] == MET for learner in learners)
    row = html.split(f"<td>{criterion}</td>", 1)[1].split("</tr>", 1)[0]
    assert f"<td>{met}</td><td>{count - met}</td><td>0</td>" in row
    assert len(list((tmp_path / "learners").glob("*.html"))) == count


TYPED_MARKUP = "<script>alert(1)</script> & <b>bold</b>"


def test_learner_typed_text_is_escaped_in_the_cohort_report_and_evidence_pack(course, tmp_path):
    """A learner's name, a reflection and a tutor's observation note holding markup show as
    the text they are, everywhere the report writes them."""
    from workbook.tutor.evidence import Observation
    from workbook.tutor.report import cohort_report

    learners, scores = synthetic_scores(course, 2)
    learner = learners[0]
    observation = Observation(learner, "2026-11-30", "observation", f"Dee {TYPED_MARKUP}",
                              f"Desk {TYPED_MARKUP}", ("CG216-2.1",), note=f"Note {TYPED_MARKUP}")
    cohort_report(course, learners, scores, tmp_path,
                  reflections={learner: {f"Title {TYPED_MARKUP}": f"Reflection {TYPED_MARKUP}"}},
                  observations=[observation], names={learner: f"Name {TYPED_MARKUP}"},
                  not_graded={("unit2", learner): f"Why {TYPED_MARKUP}"})
    safe = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
    cohort = (tmp_path / "cohort.html").read_text()
    pack = (tmp_path / "learners" / f"{learner}.html").read_text()
    for page, texts in ((cohort, ("Name", "Why")),
                        (pack, ("Name", "Title", "Reflection", "Dee", "Desk", "Note", "Why"))):
        assert "<script>" not in page and "<b>bold" not in page
        for text in texts:
            assert f"{text} {safe}" in page, text


@pytest.mark.slow
def test_self_study_marking_matches_the_tutors_autograde(generated_course, course, tmp_path,
                                                        monkeypatch, capsys):
    """A learner with no tutor marks their own unit 1: same score as autograde, the learner's
    feedback page without hidden tests, an evidence pack, and their notebook untouched."""
    assignment = course.assignment("unit1")
    released = nbformat.read(generated_course / "release" / "unit1" / "unit1.ipynb",
                             as_version=4)
    answers = right_answers(assignment)
    wrong = wrong_answers(assignment)
    answers[assignment.checks[0].variable] = wrong[assignment.checks[0].variable]
    mine = tmp_path / "my-unit1.ipynb"
    nbformat.write(fill(released, answers, {assignment.reflections[0].grade_id: "I listened."}),
                   mine)
    before = mine.read_bytes()
    monkeypatch.setenv("WORKBOOK_PROGRESS_DIR", str(tmp_path / "progress"))
    assert cli.main(["--course-dir", str(generated_course), "mark-my-work", "unit1",
                     "--notebook", str(mine)]) == 0
    out = capsys.readouterr().out
    assert f"You scored {len(assignment.checks) - 1} out of {len(assignment.checks)}" in out
    feedback = (tmp_path / "unit1-my-marks.html").read_text()  # next to the notebook
    for secret in ("HIDDEN TESTS", "BEGIN SOLUTION", "Rubric for the tutor", "_NotMarkedRight"):
        assert secret not in feedback
    assert "Question 1: ✗ Not right" in feedback and "for your tutor to mark" in feedback
    pack = next((tmp_path / "progress").rglob("evidence/*.html")).read_text()
    assert "I listened." in pack and "1.1 (missed)" in pack and "1.2 (achieved)" in pack
    assert mine.read_bytes() == before


def test_self_study_marking_says_what_to_do_when_the_notebook_is_missing(tmp_path, capsys):
    from tests.conftest import ROOT

    assert cli.main(["--course-dir", str(ROOT), "mark-my-work", "unit1", "--notebook",
                     str(tmp_path / "nope.ipynb")]) == 1
    assert "Cannot find your knowledge check" in capsys.readouterr().err
    assert cli.main(["--course-dir", str(ROOT), "mark-my-work", "unit9"]) == 1
    assert "There is no knowledge check called 'unit9'" in capsys.readouterr().err


@pytest.mark.slow
def test_release_collect_autograde_and_feedback_through_the_exchange(generated_course, course,
                                                                    tmp_path, monkeypatch,
                                                                    capsys):
    """The tutor commands with nbgrader's exchange: release, a learner fetches and submits
    with nbgrader, collect, autograde, feedback released back to the exchange."""
    import subprocess
    import sys

    folder = tmp_path / "course"
    shutil.copytree(generated_course, folder, ignore=shutil.ignore_patterns(
        "submitted", "autograded", "feedback", "gradebook.db", "exports", "release"))
    exchange, cache, home = tmp_path / "exchange", tmp_path / "cache", tmp_path / "amara"
    for path in (exchange, cache, home):
        path.mkdir()
    monkeypatch.setenv("WORKBOOK_EXCHANGE", str(exchange))
    assert cli.main(["--course-dir", str(folder), "release", "unit1"]) == 0
    out = capsys.readouterr().out
    assert "[1/2] generate_assignment unit1 ... ok" in out
    assert "All 2 steps succeeded" in out
    student = ["--course=challenging-customers", f"--Exchange.root={exchange}",
               f"--Exchange.cache={cache}"]

    def as_learner(*args):
        result = subprocess.run([sys.executable, "-m", "nbgrader", *args, *student],
                                cwd=home, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr

    as_learner("fetch_assignment", "unit1")
    path = home / "unit1" / "unit1.ipynb"
    nbformat.write(fill(nbformat.read(path, as_version=4),
                        right_answers(course.assignment("unit1"))), path)
    as_learner("submit", "unit1", "--student=amara")
    assert cli.main(["--course-dir", str(folder), "collect", "unit1"]) == 0
    assert (folder / "submitted" / "amara" / "unit1" / "unit1.ipynb").is_file()
    assert cli.main(["--course-dir", str(folder), "autograde", "unit1"]) == 0
    assert cli.main(["--course-dir", str(folder), "feedback", "unit1", "--release"]) == 0
    out = capsys.readouterr().out
    assert "release_feedback unit1 ... ok" in out
    assert list((exchange / "challenging-customers" / "feedback").rglob("*.html"))
    learners, scores = item_scores(course, folder)
    assert learners == ["amara"] and sum(s.score or 0 for s in scores) == 8


def test_a_step_for_an_unknown_unit_is_refused(capsys):
    from tests.conftest import ROOT

    assert cli.main(["--course-dir", str(ROOT), "release", "unit12"]) == 1
    assert "There is no unit 'unit12' with a knowledge check" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["release", "unit1"], ["collect", "unit1"],
                                     ["autograde", "unit1"], ["feedback", "unit1"],
                                     ["evidence"], ["report"], ["export"], ["build-sources"],
                                     ["coverage"], ["mark-my-work", "unit1"]])
def test_broken_course_data_stops_a_command_before_anything_is_touched(tmp_path, capsys,
                                                                        command):
    import yaml

    from tests.conftest import copy_course

    folder = copy_course(tmp_path)
    path = folder / "course_data" / "statements" / "unit2.yaml"
    data = yaml.safe_load(path.read_text())
    data["statements"][4]["category"] = "rude"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    assert cli.main(["--course-dir", str(folder), *command]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        "Problem in the course data: course_data/statements/unit2.yaml, item 'st-005' in "
        "statements, field 'category': must be one of assertive, aggressive, passive "
        "(got 'rude')")
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before


@pytest.mark.slow
def test_manual_marks_and_comments_survive_re_autograding(cohort):
    """The tutor marked amara's reflection 4 (cohort fixture) and comments on it; autograding
    unit 1 again keeps both."""
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(cohort)) as gb:
        comment = gb.find_comment("reflection_1_1", "unit1", "unit1", "amara")
        comment.manual_comment = "Good listening."
        gb.db.commit()
    assert cli.main(["--course-dir", str(cohort), "autograde", "unit1"]) == 0
    with Gradebook(gradebook_url(cohort)) as gb:
        assert gb.find_grade("reflection_1_1", "unit1", "unit1", "amara").manual_score == 4
        assert gb.find_comment("reflection_1_1", "unit1", "unit1",
                               "amara").manual_comment == "Good listening."


@pytest.mark.slow
def test_re_releasing_a_unit_never_overwrites_a_learners_work(generated_course, course,
                                                             tmp_path, monkeypatch):
    import subprocess
    import sys

    folder = tmp_path / "course"
    shutil.copytree(generated_course, folder, ignore=shutil.ignore_patterns(
        "submitted", "autograded", "feedback", "gradebook.db", "release"))
    exchange, cache, home = tmp_path / "exchange", tmp_path / "cache", tmp_path / "amara"
    for path in (exchange, cache, home):
        path.mkdir()
    monkeypatch.setenv("WORKBOOK_EXCHANGE", str(exchange))
    student = ["--course=challenging-customers", f"--Exchange.root={exchange}",
               f"--Exchange.cache={cache}"]

    def fetch():
        return subprocess.run([sys.executable, "-m", "nbgrader", "fetch_assignment", "unit1",
                               *student], cwd=home, capture_output=True, text=True)

    assert cli.main(["--course-dir", str(folder), "release", "unit1"]) == 0
    assert fetch().returncode == 0
    mine = home / "unit1" / "unit1.ipynb"
    nbformat.write(fill(nbformat.read(mine, as_version=4),
                        right_answers(course.assignment("unit1"))), mine)
    work = mine.read_bytes()
    source = folder / "source" / "unit1" / "unit1.ipynb"  # the tutor corrects a typo
    source.write_text(source.read_text().replace("Each question has", "Every question has"))
    assert cli.main(["--course-dir", str(folder), "release", "unit1"]) == 0
    again = fetch()
    assert mine.read_bytes() == work
    assert again.returncode != 0
    assert "You already have a copy of the assignment in this directory" in again.stderr


@pytest.mark.slow
def test_a_killed_autograde_leaves_the_gradebook_whole_and_a_rerun_finishes(
        generated_course, course, tmp_path):
    import os
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    from tests.conftest import BIN

    folder, released = fresh_unit1(generated_course, tmp_path)
    assignment = course.assignment("unit1")
    learners = [f"learner{n}" for n in range(1, 7)]
    for learner in learners:
        target = folder / "submitted" / learner / "unit1"
        target.mkdir(parents=True)
        nbformat.write(fill(released, right_answers(assignment)), target / "unit1.ipynb")
    run = subprocess.Popen([sys.executable, "-m", "nbgrader", "autograde", "unit1", "--force"],
                           cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           env={**os.environ, "PATH": BIN + os.pathsep + os.environ["PATH"]})
    deadline = time.time() + 120
    while time.time() < deadline and not (folder / "autograded" / "learner2").exists():
        time.sleep(0.2)
    run.send_signal(signal.SIGKILL)  # as if the machine lost power mid-run
    run.wait()
    with sqlite3.connect(folder / "gradebook.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert cli.main(["--course-dir", str(folder), "autograde", "unit1"]) == 0
    names, scores = item_scores(course, folder)
    assert names == learners
    for learner in learners:
        checks = [s for s in scores if s.learner == learner and s.kind == "check"]
        assert sum(s.score for s in checks) == len(assignment.checks), learner


@pytest.mark.slow
def test_bad_submissions_get_one_line_each_and_everyone_else_is_graded(generated_course,
                                                                      course, tmp_path,
                                                                      capsys):
    folder, released = fresh_unit1(generated_course, tmp_path)
    assignment = course.assignment("unit1")
    right = fill(released, right_answers(assignment))

    def submit(learner, name="unit1.ipynb", content=None, nb=None):
        target = folder / "submitted" / learner / "unit1"
        target.mkdir(parents=True, exist_ok=True)
        if nb is not None:
            nbformat.write(nb, target / name)
        else:
            (target / name).write_bytes(content)

    def without(grade_id, retype=False, twice=False):
        nb = nbformat.from_dict(nbformat.from_dict(right))
        index = next(i for i, c in enumerate(nb.cells)
                     if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
        if retype:
            nb.cells[index].cell_type = "markdown"
            nb.cells[index].pop("outputs", None)
            nb.cells[index].pop("execution_count", None)
        elif twice:
            twin = nbformat.from_dict(dict(nb.cells[index]))
            twin["id"] = "twin"
            nb.cells.insert(index, twin)
        else:
            del nb.cells[index]
        return nb

    submit("a_normal", nb=right)
    submit("b_not_json", content=b"{this is not json")
    submit("c_empty", content=b"")
    submit("d_renamed", name="my work.ipynb", nb=right)
    submit("e_extra", nb=right)
    submit("e_extra", name="scratch.ipynb", nb=right)
    submit("f_deleted", nb=without("check_1_2"))
    submit("g_twice", nb=without("answer_1_3", twice=True))
    submit("h_retyped", nb=without("answer_1_4", retype=True))
    submit("i_not_utf8", content=nbformat.writes(right).replace(
        "I listened", "I listened").encode("utf-8") + b"\xff\xfe")
    submit("j_missing", name="notes.txt", content=b"nothing")
    assert cli.main(["--course-dir", str(folder), "autograde", "unit1"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith(
        "6 graded, 4 not graded: b_not_json (the file is not a readable notebook (it is not "
        "valid notebook JSON)), c_empty (the notebook file is empty), i_not_utf8 (the file is "
        "not UTF-8 text (byte ")
    lines = [line for line in out.splitlines() if line.startswith("NOTE ")]
    assert lines == [
        "NOTE b_not_json, unit1: the file is not a readable notebook (it is not valid notebook "
        "JSON). Not graded; the file is kept as it was.",
        "NOTE c_empty, unit1: the notebook file is empty. Not graded; the file is kept as it "
        "was.",
        "NOTE d_renamed, unit1: the notebook was saved as my work.ipynb. Graded it as "
        "unit1.ipynb (a copy; their file is kept).",
        "NOTE e_extra, unit1: extra notebooks were handed in (scratch.ipynb). Only unit1.ipynb "
        "was graded; the others are kept.",
        "NOTE f_deleted, unit1: cells deleted or without their labels (marking cell 1.2). Put "
        "back from the release with every answer kept. Their own file is kept as "
        "unit1.original.ipynb.",
        "NOTE g_twice, unit1: cells doubled (answer 1.3). Put back from the release with every "
        "answer kept. Their own file is kept as unit1.original.ipynb.",
        "NOTE h_retyped, unit1: cells changed into another kind of cell (answer 1.4). Put back "
        "from the release with every answer kept. Their own file is kept as "
        "unit1.original.ipynb.",
        "NOTE i_not_utf8, unit1: the file is not UTF-8 text (byte "
        f"{len(nbformat.writes(right).encode('utf-8'))}). Not graded; the file is kept as it "
        "was.",
        "NOTE j_missing, unit1: there is no unit1.ipynb (no notebook at all). Not graded; ask "
        "the learner to hand in the right file."]
    learners, scores = item_scores(course, folder)
    checks = len(assignment.checks)
    totals = {x: sum(s.score for s in scores if s.learner == x and s.kind == "check")
              for x in learners}
    assert totals == {"a_normal": checks, "d_renamed": checks, "e_extra": checks,
                      "f_deleted": checks, "g_twice": checks, "h_retyped": checks}
    assert (folder / "submitted" / "c_empty" / "unit1" / "unit1.ipynb").read_bytes() == b""
    assert (folder / "submitted" / "f_deleted" / "unit1" / "unit1.original.ipynb").exists()


@pytest.mark.slow
def test_a_timed_out_or_noisy_notebook_is_reported_and_others_graded(generated_course, course,
                                                                     tmp_path, capsys):
    folder, released = fresh_unit1(generated_course, tmp_path)
    assignment = course.assignment("unit1")
    first = assignment.checks[0]
    answers = {"a_normal": right_answers(assignment),
               "b_loop": {**right_answers(assignment), first.variable:
                          f'{first.variable} = "{first.answer}"\nwhile True:\n    pass'},
               "c_noisy": {**right_answers(assignment), first.variable:
                           f'{first.variable} = "{first.answer}"\nprint("x" * 50_000_000)'}}
    for learner, given in answers.items():
        target = folder / "submitted" / learner / "unit1"
        target.mkdir(parents=True)
        nbformat.write(fill(released, given), target / "unit1.ipynb")
    assert cli.main(["--course-dir", str(folder), "autograde", "unit1"]) == 0
    notes = [line for line in capsys.readouterr().out.splitlines() if line.startswith("NOTE")]
    assert notes == [
        "NOTE b_loop, unit1: answer cells hold code, not just an answer: question 1.1 (has a "
        "loop). Marked as usual: only a plain text answer in quotes can earn a mark. Code for "
        "question 1.1 ran past the time limit and was stopped. Marked as it stood when "
        "stopped; look at it if a mark seems wrong.",
        "NOTE c_noisy, unit1: answer cells hold code, not just an answer: question 1.1 (runs "
        "other code). Marked as usual: only a plain text answer in quotes can earn a mark. The "
        "notebook printed 50,000,001 characters of output. Marked as usual; the output was cut "
        "short in the graded copy and feedback."]
    graded = (folder / "autograded" / "c_noisy" / "unit1" / "unit1.ipynb").stat().st_size
    assert graded < 200_000
    learners, scores = item_scores(course, folder)
    assert learners == ["a_normal", "b_loop", "c_noisy"]
    normal = sum(s.score for s in scores if s.learner == "a_normal" and s.kind == "check")
    assert normal == len(assignment.checks)


HOSTILE = {
    # An answer object whose comparisons always say "equal", with the builtins `type` and
    # `str` shadowed and the visible check helpers replaced.
    "a_rigged_eq": '''class Always:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __hash__(self): return 0
    def strip(self): return self
    def lower(self): return self
import workbook.checks
workbook.checks.check_letter = workbook.checks.check_word = lambda *args: None
type = lambda value: str
str = Always
{var} = Always()''',
    "b_rigged_str": '''class Shown:
    def __str__(self): return {answer}
    __repr__ = __str__
{var} = Shown()''',
    "c_str_subclass": '''class Sly(str):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __hash__ = str.__hash__
{var} = Sly("Z")''',
    # Hooks into IPython that stop the hidden checks from raising, with every answer wrong.
    "d_input_hook": '''get_ipython().input_transformers_cleanup.append(lambda lines: [])
{var} = {wrong}''',
    "e_ast_hook": '''import ast
class NoRaise(ast.NodeTransformer):
    def visit_Raise(self, node): return ast.Pass()
get_ipython().ast_transformers.append(NoRaise())
{var} = {wrong}''',
    "f_exits": '''import os
os._exit(0)''',
}


@pytest.mark.slow
def test_hostile_and_damaged_submissions_get_one_line_each(generated_course, course, tmp_path,
                                                          capsys):
    folder, released = fresh_unit1(generated_course, tmp_path)
    assignment = course.assignment("unit1")
    right, wrong = right_answers(assignment), wrong_answers(assignment)
    first = assignment.checks[0]
    reflection = assignment.reflections[0].grade_id

    def submit(learner, nb=None, data=None):
        target = folder / "submitted" / learner / "unit1"
        target.mkdir(parents=True)
        (target / "unit1.ipynb").write_bytes(data if data is not None else
                                             nbformat.writes(nb).encode("utf-8"))

    submit("normal", fill(released, right))  # an id a roster could hold, so no roster NOTE
    for learner, code in HOSTILE.items():
        base = wrong if "hook" in learner else right
        submit(learner, fill(released, {**base, first.variable: code.format(
            var=first.variable, answer=right[first.variable], wrong=wrong[first.variable])}))
    edited = fill(released, {**right, "answer_1_2": wrong["answer_1_2"]})
    for cell in edited.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "check_1_2":
            cell.source = "pass  # nothing to check here"
    submit("g_edited_check", edited)
    text = nbformat.writes(fill(released, right, {reflection: "I didn’t argue – I listened."}))
    data = text.encode("utf-8").replace("didn’t".encode(), "didn’t".encode("cp1252"))
    submit("h_windows_text", data=data)
    bad = data.index("didn’t".encode("cp1252")) + 4

    assert cli.main(["--course-dir", str(folder), "autograde", "unit1"]) == 0
    notes = [line for line in capsys.readouterr().out.splitlines() if line.startswith("NOTE")]
    plain = "Marked as usual: only a plain text answer in quotes can earn a mark."
    crossed = ("Question 1.1, question 1.2, question 1.3, question 1.4, question 1.5, question "
               "1.6, question 1.7, question 1.8 passed in the notebook although the answer "
               "written there is not right (code changed how the checks ran). No mark given for "
               "it; look at the answer cell.")
    assert notes == [
        "NOTE a_rigged_eq, unit1: answer cells hold code, not just an answer: question 1.1 "
        "(defines a class Always; imports workbook.checks; changes workbook.checks.check_letter "
        "and workbook.checks.check_word; replaces the built-ins type and str; sets answer_1_1 "
        f"to something other than text in quotes). {plain}",
        "NOTE b_rigged_str, unit1: answer cells hold code, not just an answer: question 1.1 "
        f"(defines a class Shown; sets answer_1_1 to something other than text in quotes). "
        f"{plain}",
        "NOTE c_str_subclass, unit1: answer cells hold code, not just an answer: question 1.1 "
        f"(defines a class Sly; sets answer_1_1 to something other than text in quotes). "
        f"{plain}",
        "NOTE d_input_hook, unit1: answer cells hold code, not just an answer: question 1.1 "
        f"(runs other code). {plain} {crossed}",
        "NOTE e_ast_hook, unit1: answer cells hold code, not just an answer: question 1.1 "
        f"(imports ast; defines a class NoRaise; runs other code). {plain} {crossed}",
        "NOTE f_exits, unit1: answer cells hold code, not just an answer: question 1.1 "
        f"(imports os; runs other code). {plain} The notebook could not be run to the end (the "
        "notebook's kernel stopped while running it). Marked from the answers as written, "
        "without running it; no mark for question 1.1, whose answer cell holds code.",
        "NOTE g_edited_check, unit1: marking cells edited (marking cell 1.2). Put back from "
        "the release with every answer kept. Their own file is kept as unit1.original.ipynb.",
        "NOTE h_windows_text, unit1: the box for written answer 1.r1 has text that is not "
        f"UTF-8 (byte {bad}), as text pasted from an older program often is. "
        "Read it as Windows text and graded it; check it reads right. Their own file is kept "
        "as unit1.original.ipynb."]
    learners, scores = item_scores(course, folder)
    checks = len(assignment.checks)
    totals = {x: sum(s.score or 0 for s in scores if s.learner == x and s.kind == "check")
              for x in learners}
    assert totals == {"normal": checks, "a_rigged_eq": checks - 1, "b_rigged_str": checks - 1,
                      "c_str_subclass": checks - 1, "d_input_hook": 0, "e_ast_hook": 0,
                      "f_exits": checks - 1, "g_edited_check": checks - 1,
                      "h_windows_text": checks}
    kept = folder / "autograded" / "h_windows_text" / "unit1" / "unit1.ipynb"
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c
             for c in nbformat.read(kept, as_version=4).cells}
    assert cells[reflection].source == "I didn’t argue – I listened."
