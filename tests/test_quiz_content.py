"""The real question banks, authority requests and law catalogue: enough of each kind, today's
law only, and employer details that come from the profile so a college can swap it."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import nbformat
import pytest
import yaml

from tests.conftest import ROOT, copy_course
from workbook.content.loader import load_course_uncached
from workbook.content.records import QUESTION_TYPES
from workbook.content.templating import pounds
from workbook.engine.authority import authority_bank, decide
from workbook.engine.laws import answer_laws
from workbook.widgets.organisation import organisation_html

LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))


# --------------------------------------------------------------------------- counts


def test_the_banks_hold_at_least_80_questions_35_on_policy_and_40_on_law(course):
    unit4, unit5 = (len(course.question_bank(u).questions) for u in ("unit4", "unit5"))
    assert unit4 >= 35 and unit5 >= 40 and unit4 + unit5 >= 80


@pytest.mark.parametrize("unit", ["unit4", "unit5"])
def test_each_bank_uses_every_type_topic_and_difficulty(course, unit):
    bank = course.question_bank(unit)
    types = Counter(q.type for q in bank.questions)
    assert set(types) == set(QUESTION_TYPES) and min(types.values()) >= 4
    topics = Counter(q.topic for q in bank.questions)
    assert set(topics) == {t.id for t in bank.topics} and min(topics.values()) >= 5
    assert set(Counter(q.difficulty for q in bank.questions)) == {1, 2, 3}


@pytest.mark.parametrize("unit", ["unit4", "unit5"])
def test_questions_only_use_their_units_criteria_and_cover_all_of_them(course, unit):
    taught = set(course.unit(unit).criteria)
    bank = course.question_bank(unit)
    used = {c for q in bank.questions for c in q.criteria}
    assert used <= taught
    assessed = used | {c for a in [course.assignments[unit]]
                       for item in (*a.checks, *a.reflections) for c in item.criteria}
    assert assessed == taught


@pytest.mark.parametrize("unit", ["unit1", "unit3", "unit4", "unit5", "unit6", "unit7"])
def test_the_right_answer_is_not_given_away_by_being_the_longest(course, unit):
    singles = [q for q in course.question_bank(unit).questions if q.type == "single"]
    longest = sum(max(q.options, key=lambda o: len(o.answer)).correct for q in singles)
    assert longest / len(singles) < 0.5, f"{longest} of {len(singles)}"


def test_the_authority_activity_has_both_answers_and_every_kind(course):
    requests = course.authority_set("unit4").requests
    assert len(requests) >= 12
    assert {r.kind for r in requests} == {"refund", "goodwill", "replacement", "policy", "refer"}
    inside = [decide(r, course.organisation).inside for r in requests]
    assert 0.3 <= sum(inside) / len(inside) <= 0.7


def test_which_law_covers_every_current_law_at_least_twice(course):
    catalogue = course.law_catalogue()
    counts = Counter(s.law for s in catalogue.situations)
    assert [law.id for law in answer_laws(catalogue) if counts[law.id] < 2] == []
    assert len(catalogue.situations) >= 12


# --------------------------------------------------------------------------- today's law


def old_act_patterns(catalogue) -> dict[str, re.Pattern]:
    """How text may name each replaced law: its full name, and its name without the year
    unless that is also the start of a current law's name ("Data Protection Act")."""
    current = [law.name for law in catalogue.current]
    patterns = {}
    for law in catalogue.replaced:
        stem = re.sub(r"\s+\d{4}$", "", law.name)
        names = [law.name] + ([stem] if not any(c.startswith(stem) for c in current) else [])
        patterns[law.id] = re.compile("|".join(re.escape(n) for n in names), re.I)
    return patterns


def texts_to_check(course) -> list[tuple[str, str]]:
    """(where, text) for every question, check, law entry and lesson cell, whole."""
    out = []
    for unit, bank in course.question_banks.items():
        for q in bank.questions:
            parts = [q.question, *q.choices]
            parts += [f"{o.answer} {o.feedback}" for o in q.options]
            parts += [f"{p.situation} {p.answer} {p.feedback}" for p in q.pairs]
            out.append((f"{unit} {q.id}", "\n".join(parts)))
    for unit, assignment in course.assignments.items():
        for check in assignment.checks:
            out.append((f"{unit} check {check.id}",
                        "\n".join([check.question, *check.options, check.explanation])))
        for reflection in assignment.reflections:
            out.append((f"{unit} {reflection.id}", reflection.prompt))
    for situation in course.law_catalogue().situations:
        out.append((situation.id, f"{situation.situation} {situation.why}"))
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for n, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "markdown":
                out.append((f"{path.name} cell {n}", cell.source))
    return out


def test_text_naming_an_old_act_also_says_what_replaced_it(course):
    catalogue = course.law_catalogue()
    problems = []
    for where, text in texts_to_check(course):
        for law_id, pattern in old_act_patterns(catalogue).items():
            if not pattern.search(text):
                continue
            law = catalogue.law(law_id)
            successors = [catalogue.law(i).name for i in law.replaced_by]
            if "replace" not in text.lower() or not any(
                    s.split(" and ")[0].lower() in text.lower() for s in successors):
                problems.append(f"{where} names {law.name} without saying it was replaced "
                                f"by {' / '.join(successors)}")
    assert problems == []


def test_replaced_laws_are_never_a_right_answer(course):
    catalogue = course.law_catalogue()
    patterns = old_act_patterns(catalogue).values()
    for bank in course.question_banks.values():
        for q in bank.questions:
            right = [o.answer for o in q.options if o.correct] + [p.answer for p in q.pairs]
            assert not [a for a in right if any(p.search(a) for p in patterns)], q.id


def test_the_law_catalogue_dates_match_the_reference_facts(course):
    catalogue = course.law_catalogue()
    assert {law.id for law in answer_laws(catalogue)} == {
        "consumer-rights-act-2015", "consumer-contracts-regulations-2013", "dmcc-act-2024",
        "data-protection-act-2018", "equality-act-2010", "health-and-safety-at-work-act-1974"}
    dates = {law.id: (law.status, law.in_force) for law in catalogue.laws}
    assert dates["sentencing-act-2020"] == ("current", "28 June 2022")
    assert dates["protection-of-workers-scotland-act-2021"] == ("current", "24 August 2021")
    assert dates["riddor-2013"] == ("current", "1 October 2013")
    for passed in ("crime-and-policing-act-2026", "employment-rights-act-2025"):
        assert dates[passed][0] == "passed" and "not confirmed" in dates[passed][1]
    assert "29 April 2026" in dates["crime-and-policing-act-2026"][1]
    assert "from 19 June 2026" in dates["data-use-and-access-act-2025"][1]
    assert "s.40A from 26 October 2024" in dates["equality-act-2010"][1]
    uk_gdpr = dates["data-protection-act-2018"][1]
    assert "UK GDPR: 1 January 2021" in uk_gdpr and "EU GDPR" in uk_gdpr
    replaced = {law.id: (law.replaced_by, law.replaced_on) for law in catalogue.replaced}
    assert replaced["sale-of-goods-act-1979"] == (("consumer-rights-act-2015",),
                                                  "1 October 2015")
    assert replaced["unfair-trading-regulations-2008"] == (("dmcc-act-2024",), "6 April 2025")
    assert replaced["disability-discrimination-act-1995"][0] == ("equality-act-2010",)
    assert replaced["data-protection-act-1998"][0] == ("data-protection-act-2018",)


# --------------------------------------------------------------------------- the profile


def employer_words(org) -> list[str]:
    words = [org.name, org.short_name] + [r.title for r in org.roles]
    limits = {v for r in org.roles for v in (r.limits.refund, r.limits.goodwill,
                                             r.limits.replacement)}
    return words + [pounds(v) for v in sorted(limits, reverse=True)] + [
        f"£{v}" for v in sorted(limits, reverse=True) if v >= 1000]


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.name for p in LESSONS])
def test_lesson_text_leaves_employer_details_to_the_profile(course, lesson):
    nb = nbformat.read(lesson, as_version=4)
    found = []
    for n, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for word in employer_words(course.organisation):
            if re.search(re.escape(word) + r"(?![\d,])", cell.source):
                found.append(f"cell {n}: {word}")
    assert found == []


def raw_texts(relative: str) -> str:
    return (ROOT / relative).read_text(encoding="utf-8")


@pytest.mark.parametrize("relative", [*(f"course_data/questions/unit{n}.yaml"
                                        for n in (1, 3, 4, 5, 6, 7)),
                                      *(f"course_data/assignments/unit{n}.yaml"
                                        for n in (1, 3, 6, 7)),
                                      "course_data/rewrites/unit3.yaml",
                                      "course_data/authority/unit4.yaml",
                                      "course_data/assignments/unit4.yaml",
                                      "course_data/assignments/unit5.yaml",
                                      "course_data/assignments/unit8.yaml"])
def test_content_files_use_placeholders_not_the_employers_details(course, relative):
    text = raw_texts(relative)
    org = course.organisation
    for word in [org.name, org.short_name, *(r.title for r in org.roles)]:
        assert word not in text, f"{relative} names {word!r}: use a placeholder"


SECOND = {"name": "Harbourside Leisure Trust", "short_name": "Harbourside",
          "titles": ["Leisure Assistant", "Duty Supervisor", "Centre Manager",
                     "Customer Experience Lead"],
          "limits": [(200, 30, 350), (600, 90, 900), (3000, 300, 3000), (12000, 1200, 12000)]}


@pytest.fixture(scope="module")
def swapped(tmp_path_factory) -> Path:
    """A copy of the course with a different employer: names, titles and limits."""
    root = copy_course(tmp_path_factory.mktemp("swapped"))
    path = root / "course_data/organisation.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["name"], data["short_name"] = SECOND["name"], SECOND["short_name"]
    chain = data["escalation_chain"]
    for role in data["roles"]:
        position = chain.index(role["id"])
        role["title"] = SECOND["titles"][position]
        role["limits"] = dict(zip(("refund", "goodwill", "replacement"),
                                  SECOND["limits"][position], strict=True))
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return root


def test_swapping_the_profile_changes_quiz_text_with_no_code_change(course, swapped):
    other = load_course_uncached(swapped)
    changed = 0
    for unit in ("unit4", "unit5"):
        for mine, theirs in zip(course.question_bank(unit).questions,
                                other.question_bank(unit).questions, strict=True):
            text = " ".join([theirs.question, *(o.answer + o.feedback for o in theirs.options),
                             *theirs.choices])
            assert course.organisation.short_name not in text
            if mine != theirs:
                changed += 1
    assert changed >= 10
    everything = str(other.question_bank("unit4"))
    assert "Duty Supervisor" in everything and "Harbourside" in everything


def test_swapping_the_profile_changes_authority_answers_from_the_new_limits(swapped):
    other = load_course_uncached(swapped)
    bank = authority_bank(other.authority_set("unit4"), other.organisation)
    assert all("Leisure Assistant" in q.question or "Duty Supervisor" in q.question
               for q in bank.questions)
    for request in other.authority_set("unit4").requests:
        decision = decide(request, other.organisation)
        refund, goodwill, replacement = SECOND["limits"][request.as_role - 1]
        limit = {"refund": refund, "goodwill": goodwill, "replacement": replacement}
        if request.kind in limit:
            assert decision.inside == (request.amount + request.already_given
                                       <= limit[request.kind])


def test_swapping_the_profile_changes_the_lessons_cards(swapped, monkeypatch):
    import workbook

    monkeypatch.setenv("WORKBOOK_COURSE_DIR", str(swapped))
    card = workbook.organisation_policy("limits").value
    assert "Harbourside Leisure Trust" in card and "Brookmere" not in card
    assert "<td>£200</td>" in card and "Leisure Assistant" in card
    quiz = workbook.quiz_activity("unit4")
    shown = " ".join(w.value for row in quiz._items_box.children for w in row.children
                     if hasattr(w, "value") and isinstance(w.value, str))
    assert "Brookmere" not in shown and "Customer Service Adviser" not in shown
    assert organisation_html(load_course_uncached(swapped).organisation, "about").count(
        "Harbourside") >= 1


@pytest.mark.parametrize("unit", [f"unit{n}" for n in range(1, 9)])
def test_a_knowledge_check_answer_is_not_given_away_by_being_the_longest(course, unit):
    letters = [c for c in course.assignment(unit).checks if c.kind == "letter"]
    longest = sum(max(c.options, key=lambda k: len(c.options[k])) == c.answer for c in letters)
    assert longest / len(letters) < 0.5, f"{longest} of {len(letters)}"
