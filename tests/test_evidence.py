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
