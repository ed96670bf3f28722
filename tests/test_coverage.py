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


def test_depth_lists_the_kinds_of_evidence_and_flags_thin_criteria(course):
    from workbook.coverage import Depth, build_depth

    # Hand-worked: one multiple-choice check alone is flagged, and it cannot be met under the
    # evidence rules (they need two items or a reflection).
    alone = Depth("CG216-1.7", ("4.9",), (), (), None)
    assert alone.kinds == "knowledge check x1 (1 multiple-choice)"
    assert alone.flag == ("only one multiple-choice item: cannot be met (the rules need two "
                          "items or a reflection)")
    assert not alone.can_be_met
    assert Depth("SYN-MIS5", (), ("6.7",), (), None).flag.startswith("only one-word answers")
    # Two word checks can be met, but they are still thin.
    words = Depth("SYN-MIS5", (), ("6.7", "8.9"), (), None)
    assert words.can_be_met and words.flag == "only one-word answers"
    # A performance criterion with one check beside its observation still cannot be met: the
    # knowledge part needs two items or a reflection as well.
    watched = Depth("CSP-P15", (), ("6.7",), (), "observation or witness")
    assert not watched.can_be_met
    assert watched.flag.startswith("too few knowledge items beside the observation or witness")
    depth = {d.criterion: d for d in build_depth(course)}
    # CG216-1.7 now also has the hand-over note 4.r3.
    assert depth["CG216-1.7"].kinds == ("knowledge check x1 (1 multiple-choice); written "
                                        "reflection x1")
    assert depth["CG216-1.7"].reflections == ("4.r3",) and depth["CG216-1.7"].flag == ""
    # OCR7-D2: the word checks 6.7 and 8.9 and the letter check 8.10, and the reflection 6.r1.
    assert depth["OCR7-D2"].one_word == ("6.7", "8.9")
    assert depth["OCR7-D2"].reflections == ("6.r1",) and depth["OCR7-D2"].flag == ""
    # A performance criterion shows the workplace evidence it needs.
    assert depth["CG216-2.1"].kinds.endswith("; observation or witness")
    assert depth["CSP-P3"].kinds.endswith("observation") and depth["CSP-P3"].flag == ""


def test_every_criterion_can_be_met_and_none_rests_on_one_word_or_one_choice(course):
    """Full marks on every item that assesses a criterion meet it under the evidence rules,
    and no criterion's only assessed evidence is one-word answers or one multiple-choice item."""
    from workbook.coverage import build_depth

    depths = build_depth(course)
    assert [d.criterion for d in depths if not d.can_be_met] == []
    assert [(d.criterion, d.flag) for d in depths if d.flag] == []


def test_a_learner_with_full_marks_on_everything_meets_every_criterions_knowledge(course):
    """The same question asked of the evidence tracker itself, item by item from the course."""
    from workbook.tutor.evidence import MET, ItemScore, build_evidence

    scores = [ItemScore("ada", a.unit, i.id, kind, i.points, i.points, i.criteria)
              for a in course.assignments.values()
              for kind, items in (("check", a.checks), ("reflection", a.reflections))
              for i in items]
    evidence = build_evidence(scores, ["ada"], list(course.criteria))
    assert [c for c in course.criteria if evidence.knowledge["ada"][c] != MET] == []


def test_taking_a_criterion_off_its_only_reflection_shows_it_cannot_be_met(tmp_path, capsys):
    root = copy_course(tmp_path)
    path = root / "course_data" / "assignments" / "unit4.yaml"
    text = path.read_text()
    # 4.r3, the hand-over note, is the only written evidence for CG216-1.7 beside check 4.9.
    tagged = "criteria: [OCR7-P3, OCR7-2.4, CG216-1.6, CG216-1.7, "
    assert tagged in text
    path.write_text(text.replace(tagged, "criteria: [OCR7-P3, OCR7-2.4, CG216-1.6, "))
    from workbook.coverage import build_depth

    depth = {d.criterion: d for d in build_depth(load_course_uncached(root))}
    assert not depth["CG216-1.7"].can_be_met
    assert depth["CG216-1.7"].flag.endswith(": cannot be met (the rules need two items or a "
                                            "reflection)")
    assert [d.criterion for d in depth.values() if not d.can_be_met] == ["CG216-1.7"]
    assert cli.main(["--course-dir", str(root), "coverage", "--depth"]) == 0
    out = capsys.readouterr().out
    assert "  CG216-1.7    knowledge check x1 (1 multiple-choice)  FLAG: only one " in out
    assert ("Cannot be met even with full marks on every item (evidence rules): 1 of 123 "
            "criteria: CG216-1.7\n") in out


def test_depth_flags_a_merit_criterion_left_with_only_checks(tmp_path):
    root = copy_course(tmp_path)
    path = root / "course_data" / "assignments" / "unit3.yaml"
    text = path.read_text()
    # 3.r1 is M2's only reflection; take M2 off it, leaving the multiple-choice check 3.7.
    path.write_text(text.replace("OCR7-2.2, OCR7-3.1, OCR7-M2, SYN-KC2", "OCR7-2.2, OCR7-3.1, "
                                 "SYN-KC2"))
    from workbook.coverage import build_depth

    depth = {d.criterion: d for d in build_depth(load_course_uncached(root))}
    assert depth["OCR7-M2"].reflections == ()
    assert depth["OCR7-M2"].flag == ("a Merit or Distinction criterion with no written "
                                     "reflection: cannot be met")


def test_the_coverage_command_prints_depth(capsys, tmp_path):
    assert cli.main(["--course-dir", str(ROOT), "coverage", "--depth"]) == 0
    out = capsys.readouterr().out
    assert "  CG216-1.7    knowledge check x1 (1 multiple-choice); written reflection x1\n" \
        in out
    assert "  OCR7-M4      written reflection x1\n" in out
    summary = out.split("Depth: ", 1)[1].splitlines()
    assert summary[0].startswith("0 of 123 criteria flagged") and summary[0].endswith(").")
    assert summary[1] == ("Cannot be met even with full marks on every item (evidence rules): "
                          "0 of 123 criteria.")
    target = tmp_path / "depth.csv"
    assert cli.main(["--course-dir", str(ROOT), "coverage", "--depth", "--csv",
                     str(target)]) == 0
    assert target.read_text().splitlines()[0].endswith(",Evidence kinds,Depth flag")
