"""course_data/laws.yaml: every statement of law is traceable to its source (section, date in
force, reference), facts not confirmed in force are worded as uncertain where they are taught,
and each point of law is taught where the catalogue says."""

from __future__ import annotations

import re

import nbformat
import pytest

from tests.conftest import ROOT
from workbook.engine.laws import law_question

YEAR = re.compile(r"\b(19|20)\d\d\b")
UNCERTAIN = ("not confirmed", "not yet confirmed")


def words(text: str) -> str:
    """Text with runs of white space made single spaces, so a phrase may cross a line break."""
    return " ".join(text.split())


def teaching_blocks(relative: str) -> list[str]:
    """The places a file teaches from: each line of a lesson's markdown (a paragraph, a bullet
    or a table row), so a warning must sit next to the point it qualifies; a data file is one
    block."""
    path = ROOT / relative
    if path.suffix == ".ipynb":
        return [words(line) for c in nbformat.read(path, as_version=4).cells
                if c.cell_type == "markdown" for line in c.source.splitlines() if line.strip()]
    return [words(path.read_text(encoding="utf-8"))]


def statements(catalogue):
    yield from ((f"law {law.id}", law.source) for law in catalogue.laws)
    yield from ((f"situation {s.id}", s.source) for s in catalogue.situations)
    yield from ((f"fact {f.id}", f.source) for f in catalogue.facts)


def test_every_law_statement_has_a_section_a_dated_start_and_a_reference(course):
    catalogue = course.law_catalogue()
    problems = [where for where, source in statements(catalogue)
                if not (source.section.strip() and source.reference.strip()
                        and YEAR.search(source.in_force))]
    assert problems == []
    assert len(list(statements(catalogue))) >= len(catalogue.laws) + 19 + 15


def test_a_law_not_confirmed_in_force_says_so_in_its_dates(course):
    for law in course.law_catalogue().laws:
        if law.status == "passed" or not law.source.confirmed:
            assert law.status == "passed" and not law.source.confirmed, law.id
            assert "not confirmed" in law.in_force, law.id


def test_every_fact_is_taught_where_the_catalogue_says_and_uncertain_ones_say_so(course):
    catalogue = course.law_catalogue()
    assert catalogue.facts
    problems = []
    for fact in catalogue.facts:
        for relative, phrase in fact.taught_in:
            blocks = [b for b in teaching_blocks(relative) if words(phrase) in b]
            if not blocks:
                problems.append(f"{fact.id}: {phrase!r} is not in {relative}")
            elif not fact.source.confirmed and not any(
                    u in b for b in blocks for u in UNCERTAIN):
                problems.append(f"{fact.id}: {relative} does not say it is not confirmed")
    assert problems == []


def test_every_passed_law_is_behind_a_fact_worded_as_uncertain(course):
    catalogue = course.law_catalogue()
    uncertain = {f.law for f in catalogue.facts if not f.source.confirmed}
    assert {law.id for law in catalogue.laws if law.status == "passed"} <= uncertain


@pytest.mark.parametrize("law_id", ["crime-and-policing-act-2026", "employment-rights-act-2025"])
def test_the_staying_safe_lesson_never_states_an_unconfirmed_law_as_in_force(law_id, course):
    name = course.law_catalogue().law(law_id).name
    cells = [b for b in teaching_blocks("notebooks/07_staying_safe.ipynb") if name in b]
    assert cells and all(any(u in c for u in UNCERTAIN) for c in cells)


def test_a_hidden_delivery_charge_is_keyed_to_the_dmcc_act_and_no_option_contradicts_it(course):
    catalogue = course.law_catalogue()
    situation = next(s for s in catalogue.situations if s.id == "law-05")
    assert situation.law == "dmcc-act-2024"
    question = law_question(situation, catalogue)
    ccr = catalogue.law("consumer-contracts-regulations-2013").name
    feedback = next(o.feedback for o in question.options if o.answer == ccr).lower()
    assert not re.search(r"price|charge|fee", feedback), feedback
    lesson = " ".join(teaching_blocks("notebooks/05_law_and_ethics.ipynb"))
    assert "delivery charge" in lesson and "hidden fees" in lesson


def test_the_fridge_freezer_scenario_never_makes_free_delivery_a_decision(course):
    scenario = course.scenario("fridge-freezer-refund")
    texts = [scenario.situation] + [c.say for n in scenario.nodes for c in n.choices] + [
        e.summary for e in scenario.endings]
    assert any("at our cost" in t for t in texts)
    assert not [t for t in texts if re.search(r"food and delivery covered|free delivery and",
                                               t)]
