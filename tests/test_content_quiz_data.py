"""Question banks, authority requests and the law catalogue: each kind of mistake a content
writer can make is refused with a message naming the file, the item and the field."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from tests.conftest import copy_course
from workbook.content import ContentError
from workbook.content.loader import load_course_uncached
from workbook.content.templating import pounds

QUESTIONS = {
    "schema_version": 1, "unit": "unit4", "title": "Quiz for {org.short}",
    "topics": [{"id": "authority", "title": "Your limits"}],
    "questions": [
        {"id": "q4-001", "type": "single", "topic": "authority", "difficulty": 1,
         "criteria": ["CG216-1.6"],
         "question": "Tomasz wants {role1.refund+40} back. Who signs it off?",
         "options": [{"answer": "A {role2}.", "correct": True, "feedback": "Over your limit."},
                     {"answer": "You do.", "correct": False, "feedback": "It is over it."}]},
        {"id": "q4-002", "type": "true-false", "topic": "authority", "difficulty": 2,
         "criteria": ["CG216-1.6"], "question": "Mei asks. True or false: refer it.",
         "options": [{"answer": "True", "correct": True, "feedback": "Yes."},
                     {"answer": "False", "correct": False, "feedback": "No."}]},
        {"id": "q4-003", "type": "match", "topic": "authority", "difficulty": 3,
         "criteria": ["CG216-1.6"], "question": "Who deals with each?",
         "choices": ["{role1}", "{role2}"],
         "pairs": [{"situation": "A small refund.", "answer": "{role1}", "feedback": "Yours."},
                   {"situation": "A big one.", "answer": "{role2}", "feedback": "Theirs."}]},
    ],
}
AUTHORITY = {
    "schema_version": 1, "unit": "unit4", "title": "Inside my authority, or refer?",
    "requests": [
        {"id": "a-01", "customer": "Amira", "channel": "telephone", "kind": "refund",
         "amount": "role1.refund+40", "situation": "Amira is owed {amount}.",
         "criteria": ["CG216-1.6"]},
        {"id": "a-02", "customer": "Deepak", "channel": "email", "kind": "goodwill",
         "amount": 10, "already_given": "role1.goodwill-5",
         "situation": "{already} given; he wants {amount} more.", "criteria": ["CG216-1.6"]},
        {"id": "a-03", "customer": "Gwen", "channel": "letter", "kind": "refer",
         "reason": "Only a manager decides this.", "situation": "Gwen wants a ban lifted.",
         "criteria": ["CG216-1.6"]},
    ],
}
LAWS = {
    "schema_version": 1,
    "laws": [
        {"id": "consumer-rights-act-2015", "name": "Consumer Rights Act 2015",
         "status": "current", "covers": "Goods and services.",
         "source": {"section": "s.9", "in_force": "1 October 2015",
                    "reference": "legislation.gov.uk/ukpga/2015/15"}},
        {"id": "sale-of-goods-act-1979", "name": "Sale of Goods Act 1979",
         "status": "replaced", "replaced_by": ["consumer-rights-act-2015"],
         "replaced_on": "1 October 2015", "covers": "Replaced for consumer sales.",
         "source": {"section": "the whole Act", "in_force": "replaced 1 October 2015",
                    "reference": "House of Commons Library"}},
        {"id": "crime-and-policing-act-2026", "name": "Crime and Policing Act 2026",
         "status": "passed", "covers": "Assaulting a retail worker.",
         "source": {"section": "the offence", "in_force": "not confirmed",
                    "reference": "Home Office factsheet", "confirmed": False}},
    ],
    "situations": [{"id": "law-01", "situation": "Kwame's kettle broke.",
                    "law": "consumer-rights-act-2015", "why": "Faulty goods.",
                    "criteria": ["SYN-KC5"],
                    "source": {"section": "s.22", "in_force": "1 October 2015",
                               "reference": "legislation.gov.uk/ukpga/2015/15/section/22"}}],
    "facts": [{"id": "fact-01", "says": "A new offence.", "law": "crime-and-policing-act-2026",
               "source": {"section": "the offence", "in_force": "not confirmed",
                          "reference": "Home Office factsheet", "confirmed": False},
               "taught_in": [{"file": "notebooks/07_staying_safe.ipynb",
                              "phrase": "retail worker"}]}],
}
FILES = {"questions": ("course_data/questions/unit4.yaml", QUESTIONS),
         "authority": ("course_data/authority/unit4.yaml", AUTHORITY),
         "laws": ("course_data/laws.yaml", LAWS)}


def course_with(tmp_path: Path, kind: str, change=None) -> Path:
    """A copy of the course with a small known file of one kind, edited by ``change``."""
    root = copy_course(tmp_path)
    relative, base = FILES[kind]
    data = copy.deepcopy(base)
    if change:
        change(data)
    (root / relative).parent.mkdir(parents=True, exist_ok=True)
    (root / relative).write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                                 encoding="utf-8")
    return root


def error(root: Path) -> ContentError:
    with pytest.raises(ContentError) as info:
        load_course_uncached(root)
    return info.value


def test_small_files_load_with_placeholders_filled(tmp_path, course):
    org = course.organisation
    adviser, leader = (org.role(r) for r in org.escalation_chain[:2])
    root = course_with(tmp_path, "questions")
    (root / FILES["authority"][0]).parent.mkdir(parents=True, exist_ok=True)
    (root / FILES["authority"][0]).write_text(yaml.safe_dump(AUTHORITY), encoding="utf-8")
    loaded = load_course_uncached(root)
    bank = loaded.question_bank("unit4")
    assert bank.title == f"Quiz for {org.short_name}"
    first = bank.by_id("q4-001")
    assert pounds(adviser.limits.refund + 40) in first.question
    assert first.options[0].answer == f"A {leader.title}."
    assert bank.by_id("q4-003").choices == (adviser.title, leader.title)
    requests = loaded.authority_set("unit4").requests
    assert requests[0].amount == adviser.limits.refund + 40
    assert requests[1].already_given == adviser.limits.goodwill - 5
    given = pounds(adviser.limits.goodwill - 5)
    assert requests[1].situation == f"{given} given; he wants £10 more."


def _set(path: str, value):
    """A change that sets one field, e.g. ``questions.0.topic``."""
    def change(data):
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        if value is DELETE:
            del node[int(last) if last.isdigit() else last]
        else:
            node[int(last) if last.isdigit() else last] = value
    return change


DELETE = object()
Q1, Q2, Q3 = "'q4-001' in questions", "'q4-002' in questions", "'q4-003' in questions"


@pytest.mark.parametrize("kind, path, value, item, field, problem", [
    ("questions", "questions.0.id", "q5-001", "'q5-001' in questions", "id",
     "question ids in unit4 start with q4-"),
    ("questions", "questions.0.topic", "law", Q1, "topic",
     "unknown topic 'law' (the file's topics are authority)"),
    ("questions", "questions.0.criteria", ["CG216-9.9"], Q1, "criteria",
     "unknown criterion id 'CG216-9.9'"),
    ("questions", "questions.0.options.1.correct", True, Q1, "options",
     "a single question has exactly one correct option (this one has 2)"),
    ("questions", "questions.0.options.1.answer", "A {role2}.", Q1, "options",
     "two options have the same answer text"),
    ("questions", "questions.1.options.0.answer", "Yes", Q2, "options",
     'a true-false question has two options, "True" then "False" (got \'Yes\', \'False\')'),
    ("questions", "questions.2.pairs.1.answer", "{role3}", Q3, "pairs.2.answer",
     "'{role3}' is not one of the choices"),
    ("questions", "questions.2.choices", DELETE, Q3, "choices",
     "is missing (a match question needs choices)"),
    ("questions", "questions.0.question", "Ask your {rol2}.", Q1, "question",
     "unknown placeholder {rol2}: use {org}, {org.short}, {system}, {role1}..{roleN} for "
     "role titles, or {role1.refund}, {role1.goodwill}, {role1.replacement} with an optional "
     "+N or -N"),
    ("authority", "requests.0.reason", "Because.", "'a-01' in requests", "reason",
     "the reason for a refund request is worked out from the limits; leave reason out"),
    ("authority", "requests.2.reason", DELETE, "'a-03' in requests", "reason",
     "is missing (a refer request needs a reason)"),
    ("authority", "requests.0.amount", DELETE, "'a-01' in requests", "amount",
     "is missing (a refund request needs an amount)"),
    ("authority", "requests.2.already_given", 5, "'a-03' in requests", "already_given",
     "only goodwill requests have already_given"),
    ("authority", "requests.0.as_role", 4, "'a-01' in requests", "as_role",
     "as_role must be below the top of the escalation chain (1 to 3), so there is someone "
     "to refer to"),
    ("authority", "requests.0.amount", "role1.refnd+40", "'a-01' in requests", "amount",
     "'role1.refnd+40' is not an amount: write whole pounds such as 120, or a limit such as "
     "role1.refund+40"),
    ("laws", "laws.1.replaced_on", DELETE, "'sale-of-goods-act-1979' in laws", "replaced_on",
     "is missing (a replaced law says what replaced it and when)"),
    ("laws", "laws.1.replaced_by", ["sale-of-goods-act-1979"],
     "'sale-of-goods-act-1979' in laws", "replaced_by",
     "'sale-of-goods-act-1979' is not the id of a current law in laws"),
    ("laws", "situations.0.law", "sale-of-goods-act-1979", "'law-01' in situations", "law",
     "'sale-of-goods-act-1979' is not the id of a current law in laws"),
    ("laws", "situations.0.law", "crime-and-policing-act-2026", "'law-01' in situations",
     "law", "'crime-and-policing-act-2026' is not the id of a current law in laws"),
    ("laws", "laws.0.source", DELETE, "'consumer-rights-act-2015' in laws", "source",
     "is missing"),
    ("laws", "situations.0.source.section", DELETE, "'law-01' in situations",
     "source.section", "is missing"),
    ("laws", "laws.2.source.confirmed", True, "'crime-and-policing-act-2026' in laws",
     "source.confirmed", "a passed law has confirmed: false"),
    ("laws", "laws.0.source.confirmed", False, "'consumer-rights-act-2015' in laws",
     "source.confirmed", "a passed law has confirmed: false"),
    ("laws", "facts.0.law", "sale-of-goods-act-1979", "'fact-01' in facts", "law",
     "'sale-of-goods-act-1979' is not the id of a current or passed law"),
])
def test_mistakes_are_named_by_file_item_and_field(tmp_path, kind, path, value, item, field,
                                                    problem):
    found = error(course_with(tmp_path, kind, _set(path, value)))
    assert (found.file, found.item, found.field) == (FILES[kind][0], item, field)
    assert found.problem.startswith(problem)


def test_a_schema_mistake_in_a_question_is_named(tmp_path):
    found = error(course_with(tmp_path, "questions", _set("questions.0.difficulty", 4)))
    assert found.file == FILES["questions"][0] and found.item == Q1
    assert found.field == "difficulty"


def test_a_question_file_for_an_unknown_unit_is_refused(tmp_path):
    found = error(course_with(tmp_path, "questions", _set("unit", "unit12")))
    assert "unknown unit 'unit12'" in found.problem
