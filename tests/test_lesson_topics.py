"""Topics the syllabus asks for are taught in a lesson cell tagged with that criterion, so each
lesson's criteria metadata stays true, and content a college would ask to change stays changed."""

from __future__ import annotations

import nbformat
import pytest

from tests.conftest import ROOT


def tagged_text(lesson: str, criterion: str) -> str:
    """The markdown of the lesson's cells tagged with ``criterion``, in lower case."""
    nb = nbformat.read(ROOT / "notebooks" / lesson, as_version=4)
    return " ".join(c.source for c in nb.cells if c.cell_type == "markdown" and criterion in
                    c.metadata.get("workbook", {}).get("criteria", ())).lower()


def lesson_text(lesson: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / lesson, as_version=4)
    return " ".join(c.source for c in nb.cells if c.cell_type == "markdown").lower()


@pytest.mark.parametrize("lesson, criterion, words", [
    ("01_recognising_challenging_customers.ipynb", "OCR7-1.1",
     ["gender", "where they live", "ethnicity", "religion", "language", "disability",
      "internal customer", "specialist"]),
    ("01_recognising_challenging_customers.ipynb", "OCR7-1.1",
     ["bereavement", "debt", "illness", "priority services register", "adhd", "dyslexia",
      "learning disabilit"]),
    ("03_listening_questioning_calming.ipynb", "OCR7-2.2",
     ["open", "notes", "demonstration", "observation", "photos",
      "repeat key points"]),
    ("03_listening_questioning_calming.ipynb", "OCR7-3.1",
     ["plain words", "specialist", "sympathy", "calm", "tone"]),
    ("03_listening_questioning_calming.ipynb", "SYN-EMP2",
     ["lara", "laer", "**explore**", "heat"]),
    ("05_law_and_ethics.ipynb", "CFACSC4-K21", ["code of practice", "iso 10002"]),
    ("05_law_and_ethics.ipynb", "CFACSC4-K20", ["company information is private too"]),
    ("05_law_and_ethics.ipynb", "CFACSC4-K16",
     ["data minimisation", "purpose limitation", "storage limitation", "power of attorney"]),
    ("05_law_and_ethics.ipynb", "CFACSC4-K18", ["riddor", "normal duties for more than 7 days"]),
    ("07_staying_safe.ipynb", "CFACSC4-K12",
     ["work alone", "risk assessment", "check-ins", "alarm", "leave"]),
    ("07_staying_safe.ipynb", "CFACSC4-K18",
     ["report a crime yourself", "aggravating factor", "36%", "november 2023", "42%",
      "support"]),
])
def test_a_syllabus_topic_is_taught_in_a_cell_tagged_with_its_criterion(lesson, criterion,
                                                                         words):
    text = tagged_text(lesson, criterion)
    assert [w for w in words if w not in text] == []


@pytest.mark.parametrize("lesson", ["05_law_and_ethics.ipynb", "06_solving_and_balancing.ipynb",
                                    "07_staying_safe.ipynb"])
def test_outdated_or_wrong_claims_are_gone(lesson):
    text = lesson_text(lesson)
    for wrong in ("never be alone**", "more loyal than before", "small claims court",
                  "free of charge", "keep someone off work"):
        assert wrong not in text, wrong


def test_the_employer_policy_lets_staff_report_crimes_and_plans_lone_working(course):
    org = course.organisation
    steps = " ".join(s.detail for s in org.abusive_behaviour_policy.steps)
    assert "can also report it themselves" in steps
    rules = " ".join(org.safety.rules).lower()
    assert "risk assessment" in rules and "personal alarm" in rules and "checks in" in rules
    assert "never be alone" not in rules
