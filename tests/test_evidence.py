"""The evidence rules and the OCR grade estimate, with hand-worked examples."""

from __future__ import annotations

from workbook.tutor.evidence import (
    MET,
    NOT_YET,
    WORKING,
    ItemScore,
    build_evidence,
    criterion_state,
    ocr_grade,
)


def check(score, criteria=("X",), item="1.1"):
    return ItemScore("amara", "unit1", item, "check", score, 1, criteria)


def reflection(score, points=4, criteria=("X",)):
    return ItemScore("amara", "unit1", "1.r1", "reflection", score, points, criteria)


def test_item_status_full_marks_half_marks_and_pending():
    assert check(1).status == "achieved" and check(0).status == "missed"
    assert reflection(2).status == "achieved" and reflection(1.5).status == "missed"
    assert reflection(None).status == "pending"


def test_criterion_states_by_hand():
    assert criterion_state([]) == NOT_YET
    assert criterion_state([check(1)]) == MET
    assert criterion_state([check(0)]) == WORKING
    assert criterion_state([check(1), check(0)]) == MET          # 1 missed of 2 marked
    assert criterion_state([check(1), check(0), check(0)]) == WORKING  # 2 missed of 3
    assert criterion_state([reflection(None)]) == WORKING
    assert criterion_state([reflection(None), check(1)]) == MET


def test_the_matrix_covers_every_learner_and_criterion():
    scores = [check(1, ("A", "B")), check(0, ("B",), item="1.2"),
              ItemScore("ben", "unit1", "1.1", "check", 0, 1, ("A", "B"))]
    evidence = build_evidence(scores, ["amara", "ben", "chloe"], ["A", "B", "C"])
    assert evidence.states["amara"] == {"A": MET, "B": MET, "C": NOT_YET}
    assert evidence.states["ben"] == {"A": WORKING, "B": WORKING, "C": NOT_YET}
    assert evidence.states["chloe"] == {"A": NOT_YET, "B": NOT_YET, "C": NOT_YET}
    assert evidence.counts("amara") == {NOT_YET: 1, WORKING: 0, MET: 2}
    assert evidence.needs_next("ben") == ["A", "B", "C"]
    assert evidence.needs_next("amara") == ["C"]


def test_ocr_grade_needs_every_p_then_m_then_d():
    p = {f"OCR7-P{n}": MET for n in range(1, 10)}
    m = {f"OCR7-M{n}": MET for n in range(1, 5)}
    d = {"OCR7-D1": MET, "OCR7-D2": MET}
    assert ocr_grade({**p, **m, **d, "CG216-1.1": NOT_YET}) == "Distinction"
    assert ocr_grade({**p, **m, **d, "OCR7-D2": WORKING}) == "Merit"
    assert ocr_grade({**p, **m, "OCR7-M4": NOT_YET, **d}) == "Pass"
    assert ocr_grade({**p, "OCR7-P9": WORKING, **m, **d}) == "Not yet Pass"
    assert ocr_grade({"OCR7-4.1": MET}) == "Not yet Pass"
