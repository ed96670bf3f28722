"""Knowledge checks and quiz banks cannot be passed by guessing a pattern.

The letter and word checks are read from the GENERATED source notebooks (what learners are
given, after templating), the true/false and single-answer quiz questions from the banks:

- no answer letter is right in more than 35% of a unit's letter questions, or of all of them;
- "always type the first listed word" scores under 40% in every unit, and no fixed word
  position (first, middle, last) is right in half the word questions of the course;
- true/false keys are between 40% and 60% "True";
- the right option is the longest in under a third of single-answer questions, per unit
  and overall, and ruling out the longest and shortest options and guessing among the rest
  scores under 40% in every unit;
- option order is the order written in the data, and building twice gives the same notebook.

Quiz banks shuffle single and multiple options per attempt (seeded, see engine/quiz.py), so
their letter positions are not a pattern; true/false is always shown True then False, so the
keys themselves must be balanced.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import nbformat
import pytest

from tests.conftest import ROOT
from workbook.tutor.sources import build_source_notebook, render, source_path

UNITS = [f"unit{n}" for n in range(1, 9)]
MAX_LETTER_SHARE = 0.35
MAX_POSITION_SHARE = 0.40
LONGEST_SHARE = 1 / 3

OPTION_LINE = re.compile(r"^- \*\*([A-F])\.\*\* (.*)$", re.M)
KEY = re.compile(r"the answer is \*\*(.+?)\*\*")
WORDS = re.compile(r"\*Type one word, (.+), in the answer cell below\.\*")


@dataclass(frozen=True)
class ShownCheck:
    """One knowledge check as the learner sees it in the generated notebook."""

    number: str
    key: str
    options: tuple[tuple[str, str], ...]
    """Letter questions: (letter, text) in the order shown; empty for word questions."""
    words: tuple[str, ...]
    """Word questions: the words in the order the instruction lists them."""
    body: str
    """The question text above the options or instruction."""


def shown_checks(unit: str) -> list[ShownCheck]:
    nb = nbformat.read(ROOT / "source" / unit / f"{unit}.ipynb", as_version=4)
    checks = []
    for cell in nb.cells:
        if cell.cell_type != "markdown" or not cell.source.startswith("### Question"):
            continue
        number = cell.source.splitlines()[0].removeprefix("### Question ")
        key = KEY.search(cell.source)
        assert key, f"{unit} question {number}: no key in the mark scheme"
        options = tuple(OPTION_LINE.findall(cell.source))
        words = WORDS.search(cell.source)
        assert bool(options) != bool(words), f"{unit} question {number}: neither letters nor words"
        body = cell.source.split("\n- **")[0].split("\n*Type one")[0]
        checks.append(ShownCheck(number, key.group(1), options,
                                 tuple(re.split(r", | or ", words.group(1))) if words else (),
                                 body))
    assert checks, f"source/{unit} has no questions"
    return checks


def letter_checks(unit: str) -> list[ShownCheck]:
    return [c for c in shown_checks(unit) if c.options]


def word_checks(unit: str) -> list[ShownCheck]:
    return [c for c in shown_checks(unit) if c.words]


def letter_shares(checks: list[ShownCheck]) -> dict[str, float]:
    counts = Counter(c.key for c in checks)
    return {letter: counts[letter] / len(checks) for letter in "ABCDEF" if counts[letter]}


def key_is_longest(texts: list[str], right: str) -> bool:
    """Whether the right option is (or ties for) the longest: a length cue a guesser can use."""
    return len(right) >= max(len(t) for t in texts)


def longest_share_of_checks(checks: list[ShownCheck]) -> float:
    longest = sum(key_is_longest([t for _, t in c.options], dict(c.options)[c.key])
                  for c in checks)
    return longest / len(checks)


@pytest.mark.parametrize("unit", UNITS)
def test_no_letter_is_right_in_more_than_35_percent_of_a_units_letter_questions(unit):
    checks = letter_checks(unit)
    assert len(checks) >= 3, f"{unit}: too few letter questions to balance"
    shares = letter_shares(checks)
    assert max(shares.values()) <= MAX_LETTER_SHARE, (
        f"{unit}: typing one letter everywhere scores too much: "
        + ", ".join(f"{k} {v:.0%}" for k, v in sorted(shares.items())))


def test_no_letter_is_right_in_more_than_35_percent_of_all_letter_questions():
    checks = [c for unit in UNITS for c in letter_checks(unit)]
    shares = letter_shares(checks)
    assert max(shares.values()) <= MAX_LETTER_SHARE, shares
    assert set(shares) >= set("ABCD"), f"some letter is never the answer: {shares}"


@pytest.mark.parametrize("unit", UNITS)
def test_always_the_first_listed_word_scores_under_40_percent_in_every_unit(unit):
    checks = word_checks(unit)
    if not checks:
        pytest.skip(f"{unit} has no word questions")
    first = [c.number for c in checks if c.words[0] == c.key]
    assert len(first) / len(checks) < MAX_POSITION_SHARE, (
        f"{unit}: the first word listed is right in questions {first} of {len(checks)}")


def word_position(check: ShownCheck) -> str:
    """Where the right word is in its list: first, middle (of three or more) or last."""
    index = check.words.index(check.key)
    return "first" if index == 0 else "last" if index == len(check.words) - 1 else "middle"


@pytest.mark.parametrize("position", ["first", "middle", "last"])
def test_no_fixed_word_position_is_right_in_half_the_word_questions(position):
    checks = [c for unit in UNITS for c in word_checks(unit)]
    hits = [c.number for c in checks if word_position(c) == position]
    assert len(hits) / len(checks) < 0.5, (
        f"the {position} word is right in {len(hits)} of {len(checks)}")


@pytest.mark.parametrize("unit", UNITS)
def test_a_question_that_names_its_words_names_them_in_the_listed_order(unit):
    """Otherwise "the first word" would mean one thing in the question and another below it."""
    for check in word_checks(unit):
        named = [w for w in re.findall(r"`([a-z-]+)`", check.body) if w in check.words]
        named = list(dict.fromkeys(named))
        if len(named) == len(check.words):
            assert tuple(named) == check.words, (unit, check.number, named, check.words)


@pytest.mark.parametrize("unit", UNITS)
def test_the_right_letter_option_is_the_longest_in_under_a_third_of_a_units_checks(unit):
    checks = letter_checks(unit)
    assert longest_share_of_checks(checks) < LONGEST_SHARE, [
        c.number for c in checks
        if key_is_longest([t for _, t in c.options], dict(c.options)[c.key])]


def test_the_right_letter_option_is_the_longest_in_under_a_third_of_all_checks():
    checks = [c for unit in UNITS for c in letter_checks(unit)]
    assert longest_share_of_checks(checks) < LONGEST_SHARE


def middle_guess_score(checks: list[ShownCheck]) -> float:
    """The expected score of a guesser who rules out the longest and the shortest options and
    picks at random from the rest: what "the right answer is never the longest" would earn."""
    score = 0.0
    for check in checks:
        lengths = {letter: len(text) for letter, text in check.options}
        middle = [k for k, n in lengths.items()
                  if min(lengths.values()) < n < max(lengths.values())]
        if check.key in middle:
            score += 1 / len(middle)
    return score / len(checks)


@pytest.mark.parametrize("unit", UNITS)
def test_guessing_among_the_middle_length_options_scores_under_40_percent(unit):
    assert middle_guess_score(letter_checks(unit)) < MAX_POSITION_SHARE


def test_true_false_keys_are_between_40_and_60_percent_true(course):
    keys = [q.options[0].correct for bank in course.question_banks.values()
            for q in bank.questions if q.type == "true-false"]
    assert keys, "no true/false questions found"
    share = sum(keys) / len(keys)
    assert 0.40 <= share <= 0.60, f"{sum(keys)} of {len(keys)} true/false keys are True"


def test_true_false_options_are_true_then_false(course):
    for bank in course.question_banks.values():
        for q in bank.questions:
            if q.type == "true-false":
                assert [o.answer for o in q.options] == ["True", "False"], q.id
                assert len(q.correct_options) == 1, q.id


def _single_longest(bank) -> list[str]:
    return [q.id for q in bank.questions if q.type == "single"
            and key_is_longest([o.answer for o in q.options],
                               next(o.answer for o in q.options if o.correct))]


@pytest.mark.parametrize("unit", ["unit1", "unit3", "unit4", "unit5", "unit6", "unit7"])
def test_the_right_option_is_the_longest_in_under_a_third_of_a_banks_single_questions(
        course, unit):
    bank = course.question_bank(unit)
    singles = [q for q in bank.questions if q.type == "single"]
    longest = _single_longest(bank)
    assert len(longest) / len(singles) < LONGEST_SHARE, longest


def test_the_right_option_is_the_longest_in_under_a_third_of_all_single_questions(course):
    singles = [q for b in course.question_banks.values() for q in b.questions
               if q.type == "single"]
    longest = [i for b in course.question_banks.values() for i in _single_longest(b)]
    assert len(longest) / len(singles) < LONGEST_SHARE, longest


@pytest.mark.parametrize("unit", UNITS)
def test_option_order_is_the_order_written_in_the_data(course, unit):
    """Letters and words come from course_data, not a fixed position, so a tutor who moves
    the right answer in the YAML moves it in the notebook."""
    assignment = course.assignment(unit)
    shown = {c.number: c for c in shown_checks(unit)}
    for check in assignment.checks:
        seen = shown[check.number]
        if check.kind == "letter":
            assert [letter for letter, _ in seen.options] == list(check.options)
            assert [text for _, text in seen.options] == list(check.options.values())
        else:
            assert seen.words == check.words
        assert seen.key == check.answer


@pytest.mark.parametrize("unit", ["unit3", "unit8"])
def test_building_twice_gives_the_same_notebook(course, unit):
    assignment = course.assignment(unit)
    first = render(build_source_notebook(course, assignment))
    second = render(build_source_notebook(course, assignment))
    assert first == second
    assert first == source_path(course, unit).read_text(encoding="utf-8")
