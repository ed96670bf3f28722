"""The evidence rules and the OCR grade estimate, with hand-worked examples: each small evidence
set's expected state is worked out by hand in the comments."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from workbook.tutor.evidence import (
    LEVEL_SHARES,
    MET,
    NOT_YET,
    WORKING,
    ItemScore,
    Observation,
    build_evidence,
    criterion_state,
    knowledge_state,
    ocr_grade,
    requirement_counts,
    workplace_needs,
)


def check(score, criteria=("X",), item="1.1"):
    return ItemScore("amara", "unit1", item, "check", score, 1, criteria)


def reflection(score, points=4, criteria=("X",), item="1.r1"):
    return ItemScore("amara", "unit1", item, "reflection", score, points, criteria)


def seen(kind="observation", criteria=("X",), learner="amara", date="2026-11-30"):
    return Observation(learner, date, kind, "Dee Assessor", "Returns desk", criteria)


def test_item_status_full_marks_half_marks_and_pending():
    assert check(1).status == "achieved" and check(0).status == "missed"
    assert reflection(2).status == "achieved" and reflection(1.5).status == "missed"
    assert reflection(None).status == "pending"


def test_pass_and_knowledge_criteria_need_two_checks_or_one_reflection():
    assert knowledge_state("X", []) == NOT_YET
    # One full-mark check is one item: not enough on its own any more.
    assert knowledge_state("X", [check(1)]) == WORKING
    # Two achieved checks, none missed: met.
    assert knowledge_state("X", [check(1), check(1, item="1.2")]) == MET
    # Two achieved, one missed: 1 missed of 3 marked is not more than half, so met.
    assert knowledge_state("X", [check(1), check(1, item="1.2"), check(0, item="1.3")]) == MET
    # Two achieved, three missed: 3 of 5 missed is more than half, so working towards.
    assert knowledge_state("X", [check(1), check(1, item="1.2"), check(0, item="1.3"),
                                 check(0, item="1.4"), check(0, item="1.5")]) == WORKING
    # One reflection marked 2 of 4 (half): achieved, and one rubric-marked answer is enough.
    assert knowledge_state("X", [reflection(2)]) == MET
    # The same reflection at 1.5 of 4 is missed: working towards.
    assert knowledge_state("X", [reflection(1.5)]) == WORKING
    # A reflection still waiting to be marked and one right check: 1 item achieved, not met.
    assert knowledge_state("X", [reflection(None), check(1)]) == WORKING
    # An achieved reflection beside one missed check: 1 missed of 2 marked, met.
    assert knowledge_state("X", [reflection(3), check(0)]) == MET
    # An achieved reflection beside two missed checks: 2 of 3 missed, working towards.
    assert knowledge_state("X", [reflection(3), check(0), check(0, item="1.2")]) == WORKING


def test_merit_and_distinction_need_a_reflection_marked_at_that_level():
    # OCR7-D2 by typing `follow-up` in two word checks (6.7 and 8.9), both right: still not met.
    follow_up = [check(1, ("OCR7-D2",), "6.7"), check(1, ("OCR7-D2",), "8.9")]
    assert knowledge_state("OCR7-D2", follow_up) == WORKING
    # M2 by the one multiple-choice item 3.7: not met either.
    assert knowledge_state("OCR7-M2", [check(1, ("OCR7-M2",), "3.7")]) == WORKING
    # Merit needs two thirds of a reflection's points: 4 of 6 is exactly two thirds, met;
    # 3.5 of 6 (below 4) is not, though it is more than half (a Pass-level mark).
    assert knowledge_state("OCR7-M1", [reflection(4, 6)]) == MET
    assert knowledge_state("OCR7-M1", [reflection(3.5, 6)]) == WORKING
    # 5 of 5 meets Distinction; 4 of 5 (a Merit-level mark) does not.
    assert knowledge_state("OCR7-D1", [reflection(5, 5)]) == MET
    assert knowledge_state("OCR7-D1", [reflection(4, 5)]) == WORKING
    # Any one reflection at the level will do, whatever the checks or other reflections say.
    assert knowledge_state("OCR7-M3", [check(0), reflection(1, 5, item="6.r1"),
                                       reflection(6, 6, item="8.r4")]) == MET
    # A pending reflection is working towards; nothing at all is not yet.
    assert knowledge_state("OCR7-M4", [reflection(None)]) == WORKING
    assert knowledge_state("OCR7-M4", []) == NOT_YET


def test_performance_criteria_need_the_workplace_evidence_too():
    knows = [reflection(3)]  # knowledge part met (one achieved reflection)
    # No workplace need: knowledge alone decides.
    assert criterion_state(knows, "X") == MET
    # Needs an observation, has none: working towards (knowledge met, workplace not yet).
    assert criterion_state(knows, "X", "observation or witness") == WORKING
    # An observation naming it: met.
    assert criterion_state(knows, "X", "observation or witness", [seen()]) == MET
    # A witness testimony stands in where the unit allows it...
    assert criterion_state(knows, "X", "observation or witness", [seen("witness")]) == MET
    # ...but not where the assessor must observe directly (NVQ PCs 3-7): working towards.
    assert criterion_state(knows, "X", "observation", [seen("witness")]) == WORKING
    assert criterion_state(knows, "X", "observation", [seen("witness"), seen()]) == MET
    # Observed but no knowledge evidence yet: working towards; neither: not yet.
    assert criterion_state([], "X", "observation", [seen()]) == WORKING
    assert criterion_state([], "X", "observation", []) == NOT_YET
    # Observed, but the knowledge part is only one right check: working towards.
    assert criterion_state([check(1)], "X", "observation", [seen()]) == WORKING


def test_the_matrix_covers_every_learner_and_criterion():
    scores = [check(1, ("A", "B")), check(1, ("B",), item="1.2"),
              ItemScore("ben", "unit1", "1.1", "check", 0, 1, ("A", "B"))]
    observations = [seen(criteria=("B",)), seen(criteria=("A",), learner="ben")]
    evidence = build_evidence(scores, ["amara", "ben", "chloe"], ["A", "B", "C"],
                              {"B": "observation"}, observations)
    # amara: A has one right check (working towards); B two right checks and an observation
    # (met); C nothing (not yet).
    assert evidence.states["amara"] == {"A": WORKING, "B": MET, "C": NOT_YET}
    assert evidence.knowledge["amara"] == {"A": WORKING, "B": MET, "C": NOT_YET}
    # ben: one wrong check on A and B (working towards); his observation of A is kept but A
    # needs none.
    assert evidence.states["ben"] == {"A": WORKING, "B": WORKING, "C": NOT_YET}
    assert evidence.observed["ben"]["A"] == (observations[1],)
    assert evidence.states["chloe"] == {"A": NOT_YET, "B": NOT_YET, "C": NOT_YET}
    assert evidence.counts("amara") == {NOT_YET: 1, WORKING: 1, MET: 1}
    assert evidence.workplace_counts("amara") == (1, 1)
    assert evidence.workplace_counts("ben") == (0, 1)
    assert evidence.needs_next("ben") == ["A", "B", "C"]
    assert evidence.needs_next("amara") == ["A", "C"]


def test_ocr_grade_needs_every_p_then_m_then_d():
    p = {f"OCR7-P{n}": MET for n in range(1, 10)}
    m = {f"OCR7-M{n}": MET for n in range(1, 5)}
    d = {"OCR7-D1": MET, "OCR7-D2": MET}
    assert ocr_grade({**p, **m, **d, "CG216-1.1": NOT_YET}) == "Distinction"
    assert ocr_grade({**p, **m, **d, "OCR7-D2": WORKING}) == "Merit"
    assert ocr_grade({**p, **m, "OCR7-M4": NOT_YET, **d}) == "Pass"
    assert ocr_grade({**p, "OCR7-P9": WORKING, **m, **d}) == "Not yet Pass"
    assert ocr_grade({"OCR7-4.1": MET}) == "Not yet Pass"


def test_the_ocr_estimate_follows_the_new_rules():
    """A learner who gets every OCR7 check right but whose reflections are marked at Pass level
    only: under the old one-item rule this was a Distinction; now it is a Pass."""
    criteria = [*(f"OCR7-P{n}" for n in range(1, 10)), *(f"OCR7-M{n}" for n in range(1, 5)),
                "OCR7-D1", "OCR7-D2"]
    # Every criterion gets two right checks and one reflection marked 3 of 6 (half: Pass level).
    scores = [check(1, tuple(criteria), "1.1"), check(1, tuple(criteria), "1.2"),
              reflection(3, 6, tuple(criteria))]
    evidence = build_evidence(scores, ["amara"], criteria)
    assert ocr_grade(evidence.states["amara"]) == "Pass"
    # Marked 4 of 6 (two thirds): Merit. Marked 6 of 6: Distinction.
    scores[2] = reflection(4, 6, tuple(criteria))
    assert ocr_grade(build_evidence(scores, ["amara"], criteria).states["amara"]) == "Merit"
    scores[2] = reflection(6, 6, tuple(criteria))
    assert ocr_grade(build_evidence(scores, ["amara"], criteria).states["amara"]) == \
        "Distinction"


def test_the_courses_observation_requirements_are_counted(course):
    needs = workplace_needs(course)
    # City & Guilds 216 LO2 and the NOS performance criteria allow witness testimony; NVQ PCs
    # 3-7 must be observed; knowledge criteria need nothing from the workplace.
    assert needs["CG216-2.1"] == "observation or witness"
    assert needs["CFACSC4-P21"] == "observation or witness"
    assert needs["CSP-P3"] == needs["CSP-P7"] == "observation"
    assert needs["CSP-P1"] == needs["CSP-P16"] == "observation or witness"
    assert needs["CG216-1.1"] is None and needs["OCR7-P7"] is None and needs["CSP-K1"] is None
    assert sum(v is not None for v in needs.values()) == 7 + 21 + 16
    observations = [seen(criteria=("CG216-2.1", "CG216-2.2", "CSP-S(a)", "CSP-P3")),
                    seen(criteria=("CG216-2.5",), date="2026-12-01"),
                    seen("witness", ("CG216-2.6", "CSP-S(b)", "CSP-P4")),  # not observed
                    seen(criteria=("CG216-2.3", "CSP-S(a)"), learner="ben")]
    # amara: two observations name CG216 LO2 criteria (the witness testimony does not count);
    # one NVQ PC of 3-7 observed (P3) and one scope point (a).
    assert [str(c) for c in requirement_counts(course, observations, "amara")] == [
        "CG216: 2 of 3 challenging customers observed",
        "CSP: 1 of 5 performance criteria 3-7 directly observed",
        "CSP: 1 of 2 scope points (a)-(d) directly observed"]


def test_level_shares_give_the_points_unit_8s_labelled_rubrics_give(course):
    """Unit 8's rubrics label lines Pass, Merit and Distinction: the points up to and including
    the Merit lines are the Merit bar, and full points the Distinction bar. The shares in the
    rules must give the same bars, so a reflection 'at that level' means what its rubric says."""
    checked = 0
    for assignment in course.assignments.values():
        for item in assignment.reflections:
            labels = [re.match(r"(Pass|Merit|Distinction)\b", r.look_for) for r in item.rubric]
            if not all(labels):
                continue
            names = [label.group(1) for label in labels]
            merit_bar = sum(r.points for r, n in zip(item.rubric, names, strict=True)
                            if n in ("Pass", "Merit"))
            total = Fraction(item.points)
            # The smallest whole mark at or above the share is the bar.
            assert -(-LEVEL_SHARES["M"] * total // 1) == merit_bar, item.id
            assert LEVEL_SHARES["D"] * total == total
            checked += 1
    assert checked >= 3


def test_every_merit_and_distinction_criterion_has_a_reflection(course):
    """Otherwise no learner could ever reach that grade under the rules."""
    written = {c for a in course.assignments.values() for r in a.reflections for c in r.criteria}
    for criterion in course.criteria:
        if re.fullmatch(r"OCR7-[MD]\d+", criterion):
            assert criterion in written, criterion


@pytest.mark.parametrize("kind", ["observation", "witness"])
def test_observations_of_another_learner_do_not_count(kind):
    evidence = build_evidence([reflection(3)], ["amara"], ["X"], {"X": "observation or witness"},
                              [seen(kind, learner="ben")])
    assert evidence.states["amara"]["X"] == WORKING


# --------------------------------------------------------------------------- workbook observe

ROSTER = "id,first_name,last_name,email\namara,Amara,Okoye,\nben,Ben,Li,\n"


@pytest.fixture(scope="module")
def observed_course(tmp_path_factory):
    """A copy of the course with amara and ben in its gradebook and nothing submitted."""
    from tests.conftest import copy_course
    from workbook import cli

    folder = copy_course(tmp_path_factory.mktemp("observe"))
    (folder / "roster.csv").write_text(ROSTER)
    assert cli.main(["--course-dir", str(folder), "learners", str(folder / "roster.csv")]) == 0
    return folder


@pytest.fixture
def course_dir(observed_course):
    (observed_course / "observations.csv").unlink(missing_ok=True)
    return observed_course


def observe(course_dir, *args):
    from workbook import cli

    return cli.main(["--course-dir", str(course_dir), "observe", *args])


GOOD = ["--criteria", "CG216-2.1,CG216-2.2", "--date", "2026-11-30", "--observer",
        "Dee Assessor", "--context", "Returns desk, angry customer with a faulty kettle",
        "--note", "Stayed calm"]


def test_observe_records_an_observation_beside_the_gradebook(course_dir, capsys):
    from workbook.tutor.observations import read_observations

    assert observe(course_dir, "amara", *GOOD) == 0
    assert observe(course_dir, "amara", *GOOD[:6], "--context", "Phone", "--kind",
                   "witness") == 0
    assert "2026-11-30" in capsys.readouterr().out
    assert read_observations(course_dir) == [
        Observation("amara", "2026-11-30", "observation", "Dee Assessor",
                    "Returns desk, angry customer with a faulty kettle",
                    ("CG216-2.1", "CG216-2.2"), "Stayed calm"),
        Observation("amara", "2026-11-30", "witness", "Dee Assessor", "Phone",
                    ("CG216-2.1", "CG216-2.2"), "")]
    assert (course_dir / "observations.csv").read_text().splitlines()[0] == \
        "learner,date,kind,observer,context,criteria,note"


@pytest.mark.parametrize(("change", "message"), [
    (["amra"], "learner: no learner 'amra' in the gradebook. Did you mean amara?"),
    (["amara", "--criteria", "CG216-21"], "criteria: unknown criterion 'CG216-21'. Did you "
                                          "mean CG216-2.1?"),
    (["amara", "--date", "30/11/2026"], "date: '30/11/2026' is not a date written as "
                                        "YYYY-MM-DD"),
    (["amara", "--date", "2999-01-01"], "date: 2999-01-01 is in the future"),
    (["amara", "--observer", " "], "observer: empty"),
    (["amara", "--criteria", " , ;"], "criteria: no criterion id given"),
    ([], "name the learner"),
])
def test_observe_refuses_bad_input_and_writes_nothing(course_dir, capsys, change, message):
    learner = change[:1] if change and not change[0].startswith("-") else []
    args = [*learner, *GOOD, *change[len(learner):]]
    assert observe(course_dir, *args) == 1
    assert message in capsys.readouterr().err
    assert not (course_dir / "observations.csv").exists()


IMPORT = ("learner,date,observer,context,criteria,kind,note\n"
          "amara,2026-11-02,Dee Assessor,Shop floor,CG216-2.1; CG216-2.5,,First\n"
          "amara,2026-11-09,Dee Assessor,Phone,CG216-2.3 CSP-P3 CSP-S(a),observation,\n"
          "ben,2026-11-10,Sam Lead,Desk,\"CG216-2.6, CG216-2.7\",witness,Testimony\n")


def test_an_import_adds_every_row(course_dir, capsys, tmp_path):
    from workbook.tutor.observations import read_observations

    (tmp_path / "in.csv").write_text(IMPORT)
    assert observe(course_dir, "--import", str(tmp_path / "in.csv")) == 0
    assert "3 added" in capsys.readouterr().out
    found = read_observations(course_dir)
    assert [(o.learner, o.kind, o.criteria) for o in found] == [
        ("amara", "observation", ("CG216-2.1", "CG216-2.5")),
        ("amara", "observation", ("CG216-2.3", "CSP-P3", "CSP-S(a)")),
        ("ben", "witness", ("CG216-2.6", "CG216-2.7"))]


def test_an_import_with_bad_rows_names_each_and_imports_nothing(course_dir, capsys, tmp_path):
    assert observe(course_dir, "amara", *GOOD) == 0
    before = (course_dir / "observations.csv").read_text()
    bad = IMPORT + ("bne,2026-11-11,Sam Lead,Desk,CG216-2.6,,\n"
                    "amara,2026-11-12,Sam Lead,Desk,CG216-2.6,watched,\n"
                    "amara,2026-11-13,,Desk,CSP-S(e),,\n")
    (tmp_path / "in.csv").write_text(bad)
    assert observe(course_dir, "--import", str(tmp_path / "in.csv")) == 1
    err = capsys.readouterr().err
    assert "nothing imported" in err
    assert "line 5, learner: no learner 'bne' in the gradebook. Did you mean ben?" in err
    assert "line 6, kind: 'watched' is not observation or witness" in err
    assert "line 7, observer: empty" in err
    assert (course_dir / "observations.csv").read_text() == before
    # The same file twice: the second import is refused row by row, so no customer counts twice.
    (tmp_path / "in.csv").write_text(IMPORT)
    assert observe(course_dir, "--import", str(tmp_path / "in.csv")) == 0
    after = (course_dir / "observations.csv").read_text()
    assert observe(course_dir, "--import", str(tmp_path / "in.csv")) == 1
    assert "line 2, already recorded" in capsys.readouterr().err
    assert observe(course_dir, "amara", *GOOD) == 1
    assert (course_dir / "observations.csv").read_text() == after
    (tmp_path / "in.csv").write_text("learner,date,context,criteria\n")
    assert observe(course_dir, "--import", str(tmp_path / "in.csv")) == 1
    assert "line 1: the header has no observer column" in capsys.readouterr().err


def test_the_evidence_command_shows_knowledge_and_observed_performance(course_dir, capsys,
                                                                       tmp_path):
    (tmp_path / "in.csv").write_text(IMPORT)
    assert observe(course_dir, "--import", str(tmp_path / "in.csv")) == 0
    from workbook import cli

    capsys.readouterr()
    assert cli.main(["--course-dir", str(course_dir), "evidence"]) == 0
    out = capsys.readouterr().out
    assert "Knowledge evidence" in out and "Observed performance" in out
    rows = [line for line in out.splitlines() if line.startswith("amara ")]
    # Met, then knowledge (nothing submitted), then observed: amara's two observations name
    # CG216-2.1, 2.3 and 2.5 (3 of 7 LO2 criteria) and NVQ PC3 (1 of 16).
    assert len(rows) == 3
    assert rows[2].split()[1:4] == ["3/7", "0/21", "1/16"]
    assert "CG216: 2 of 3 challenging customers observed" in rows[2]
    assert "CSP: 1 of 2 scope points (a)-(d) directly observed" in rows[2]
    ben = [line for line in out.splitlines() if line.startswith("ben ")][2]
    # ben's witness testimony meets 2.6 and 2.7 but does not count as a customer observed.
    assert ben.split()[1] == "2/7" and "CG216: 0 of 3 challenging customers observed" in ben


def test_the_evidence_pack_prints_observations_for_sign_off(course, tmp_path):
    from workbook.tutor.report import evidence_pack

    observations = [seen(criteria=("CG216-2.1",), date="2026-11-30"),
                    seen("witness", ("CG216-2.2",), date="2026-11-02"),
                    seen(criteria=("CG216-2.3",), learner="ben")]
    evidence = build_evidence([reflection(3, criteria=("CG216-2.1",))], ["amara"],
                              list(course.criteria), workplace_needs(course), observations)
    assert evidence.states["amara"]["CG216-2.1"] == MET
    page = evidence_pack(course, "amara", evidence, [], tmp_path, None,
                         observations[:2]).read_text()
    section = page.split("Workplace evidence", 1)[1]
    # Oldest first, each with its date, kind, observer, context and criteria.
    assert section.index("2026-11-02") < section.index("2026-11-30")
    assert "<td>witness testimony</td>" in section and "<td>Dee Assessor</td>" in section
    assert "<td>Returns desk</td>" in section and "<td>CG216-2.1</td>" in section
    assert "CG216: 1 of 3 challenging customers observed" in section
    assert "Sign-off" in section
    for role in ("Assessor", "Learner"):
        assert f"<td>{role}</td>" in section
    assert "<th>Signature</th>" in section and "<th>Date</th>" in section
    assert "observation 2026-11-30" in page  # beside the criterion it evidences


def test_help_states_the_rules_and_the_import_columns(capsys):
    from workbook import cli

    for command, words in (("evidence", ["two achieved checks", "two thirds",
                                         "witness", "Distinction"]),
                           ("observe", ["learner", "date", "observer", "context", "criteria",
                                        "kind", "note", "line number"])):
        with pytest.raises(SystemExit):
            cli.main([command, "--help"])
        out = capsys.readouterr().out
        for word in words:
            assert word in out, (command, word)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("workplace_evidence: observation or witness", "workplace_evidence: observed",
     "item 'CG216-2.1' in criteria, field 'workplace_evidence': must be one of observation, "
     "observation or witness (got 'observed')"),
    ("criteria: [CSP-S(a), CSP-S(b), CSP-S(c), CSP-S(d)]", "criteria: [CSP-S(a), CSP-S(e)]",
     "field 'criteria': unknown criterion id 'CSP-S(e)'"),
    ("criteria: [CSP-S(a), CSP-S(b), CSP-S(c), CSP-S(d)]", "criteria: [CSP-S(a), CG216-2.1]",
     "field 'criteria': CG216-2.1 is not a CSP criterion"),
    ("criteria: [CG216-2.1, CG216-2.2,", "criteria: [CG216-1.1, CG216-2.2,",
     "CG216-1.1 has no workplace_evidence, so it cannot be observed for this count"),
])
def test_workplace_evidence_in_the_course_data_is_checked(tmp_path, old, new, message):
    import shutil

    from tests.conftest import ROOT
    from workbook.content import ContentError
    from workbook.content.loader import load_course_uncached

    shutil.copytree(ROOT / "course_data", tmp_path / "course_data")
    path = tmp_path / "course_data" / "criteria.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ContentError, match=re.escape(message)):
        load_course_uncached(tmp_path)
