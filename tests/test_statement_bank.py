"""The unit 2 statement bank: the content the course promises (size, balance, variety, and
short, one-sentence reasons)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from workbook.content import CATEGORIES, CHANNELS
from workbook.content.records import Statement, StatementBank

# Abbreviations whose full stop does not end a sentence.
ABBREVIATIONS = ("Mr.", "Mrs.", "Ms.", "Dr.", "e.g.", "i.e.", "etc.", "St.")


def bank_counts(bank: StatementBank) -> dict[str, dict[str, int]]:
    """How many statements the bank has per category and per channel (zeros included)."""
    return {
        "category": {c: sum(s.category == c for s in bank.statements) for c in CATEGORIES},
        "channel": {c: sum(s.channel == c for s in bank.statements) for c in CHANNELS},
    }


def is_one_sentence(reason: str) -> bool:
    """Ends with a full stop, and no earlier sentence ends: a full stop, question or exclamation
    mark (perhaps closing a quotation) followed by a space and a capital letter. A quoted 'Next!'
    inside the sentence and abbreviations such as "Mr." do not end it."""
    text = reason
    for abbreviation in ABBREVIATIONS:
        text = text.replace(abbreviation + " ", abbreviation.replace(".", "") + " ")
    return text.endswith(".") and not re.search(r"[.!?][\"')]*\s+[\"']?[A-Z]", text)


# Each speaker name's heritage group and gender, as a UK reader is likely to read it.
NAME_GROUPS = yaml.safe_load((Path(__file__).parent / "data" / "name_groups.yaml").read_text())


def spread(bank: StatementBank, trait: int) -> dict[str, dict[str, int]]:
    """For each value of a name trait (0: heritage group, 1: gender), how many statements of
    each category are spoken by a name with it (zeros included)."""
    counts: dict[str, dict[str, int]] = {}
    for s in bank.statements:
        row = counts.setdefault(NAME_GROUPS[s.name][trait], dict.fromkeys(CATEGORIES, 0))
        row[s.category] += 1
    return counts


def uneven(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """The rows whose categories differ by more than one statement."""
    return {k: row for k, row in counts.items() if max(row.values()) - min(row.values()) > 1}


def words(text: str) -> int:
    return len(text.split())


@pytest.fixture(scope="module")
def bank(course) -> StatementBank:
    return course.statement_bank("unit2")


def make(ident: str, category: str, channel: str) -> Statement:
    return Statement(id=ident, speaker="customer", name="Sam", internal=False, channel=channel,
                     setting="retail", cue="", text="Hello.", category=category,
                     passive_aggressive=False, worked_example=False, reason="Because.")


# --------------------------------------------------------------------------- the helpers


def test_bank_counts_gives_a_count_per_category_and_per_channel():
    small = StatementBank("unit9", (make("st-001", "assertive", "email"),
                                    make("st-002", "assertive", "sms"),
                                    make("st-003", "passive", "email")))
    assert bank_counts(small) == {
        "category": {"assertive": 2, "aggressive": 0, "passive": 1},
        "channel": {"face-to-face": 0, "telephone": 0, "email": 2, "letter": 0,
                    "social-media": 0, "sms": 1},
    }


def test_spread_counts_each_group_per_category_and_uneven_finds_a_lopsided_group():
    small = StatementBank("unit9", (make("st-001", "aggressive", "email"),
                                    make("st-002", "aggressive", "sms"),
                                    make("st-003", "passive", "email")))
    counts = spread(small, 0)  # "Sam" is in the table
    group = NAME_GROUPS["Sam"][0]
    assert counts == {group: {"assertive": 0, "aggressive": 2, "passive": 1}}
    assert uneven(counts) == counts


def test_bank_counts_of_the_real_bank_add_up_to_its_size(bank):
    counts = bank_counts(bank)
    assert sum(counts["category"].values()) == len(bank.statements)
    assert sum(counts["channel"].values()) == len(bank.statements)


@pytest.mark.parametrize("reason, expected", [
    ("She says what she wants, calmly.", True),
    ("He speaks to Mr. Khan politely and offers a fix.", True),
    ("He is calm. He offers a fix.", False),
    ("Is he calm? He offers a fix.", False),
    ("He said 'Stop!' Then he left.", False),
    ("Dismissing them with 'Next!' ignores their needs.", True),
    ("He is calm", False),
    ("He is calm!", False),
])
def test_one_sentence_rule(reason, expected):
    assert is_one_sentence(reason) is expected


# --------------------------------------------------------------------------- size and balance


def test_bank_has_at_least_60_statements(bank):
    assert len(bank.statements) >= 60


def test_each_category_has_at_least_20_statements(bank):
    assert all(n >= 20 for n in bank_counts(bank)["category"].values()), bank_counts(bank)


def test_at_least_8_passive_aggressive_lines_all_category_aggressive(bank):
    passive_aggressive = [s for s in bank.statements if s.passive_aggressive]
    assert len(passive_aggressive) >= 8
    assert {s.category for s in passive_aggressive} == {"aggressive"}


def test_every_channel_is_used_at_least_8_times(bank):
    assert all(n >= 8 for n in bank_counts(bank)["channel"].values()), bank_counts(bank)


def test_both_speakers_present_with_at_least_20_staff_lines(bank):
    speakers = Counter(s.speaker for s in bank.statements)
    assert set(speakers) == {"customer", "staff"}
    assert speakers["staff"] >= 20


def test_at_least_6_internal_customers(bank):
    assert sum(s.internal for s in bank.statements) >= 6


def test_at_least_6_different_settings(bank):
    assert len({s.setting for s in bank.statements}) >= 6


def test_exactly_2_worked_examples_per_category(bank):
    worked = Counter(s.category for s in bank.worked_examples)
    assert worked == {c: 2 for c in CATEGORIES}


# --------------------------------------------------------------------------- wording


def test_every_reason_is_one_sentence(bank):
    assert [s.id for s in bank.statements if not is_one_sentence(s.reason)] == []


def test_every_reason_is_at_most_30_words(bank):
    assert [(s.id, words(s.reason)) for s in bank.statements if words(s.reason) > 30] == []


def test_every_text_is_at_most_35_words(bank):
    assert [(s.id, words(s.text)) for s in bank.statements if words(s.text) > 35] == []


def test_ids_are_unique(bank):
    ids = [s.id for s in bank.statements]
    assert len(ids) == len(set(ids))


def test_every_speaker_name_is_in_the_name_group_table(bank):
    assert sorted({s.name for s in bank.statements} - set(NAME_GROUPS)) == []


def test_no_heritage_group_leans_towards_one_behaviour(bank):
    """Aggressive speakers must not be mostly one group while another group is mostly passive:
    every group's names are spread evenly, at most one statement apart between categories."""
    assert uneven(spread(bank, 0)) == {}


def test_no_gender_leans_towards_one_behaviour(bank):
    assert uneven(spread(bank, 1)) == {}


def test_minority_ethnic_names_are_a_fair_share_of_every_category(bank):
    counts = Counter(s.category for s in bank.statements
                     if NAME_GROUPS[s.name][0] != "british-irish")
    assert max(counts.values()) - min(counts[c] for c in CATEGORIES) <= 1, counts


def test_names_are_varied(bank):
    assert len({s.name for s in bank.statements}) >= 40
