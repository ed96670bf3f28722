"""workbook.checks: the visible format checks in knowledge-check notebooks."""

from __future__ import annotations

import pytest

from workbook.checks import MISSING, check_letter, check_word, format_problem

LETTERS = ["A", "B", "C", "D"]
WORDS = ["assertive", "aggressive", "passive"]
LETTER_CHOICES = '"A", "B", "C" or "D"'
WORD_CHOICES = '"assertive", "aggressive" or "passive"'
FORM_OK = "is in the right form. It will be marked after you hand in your work."


class Sly(str):
    """A str subclass, as a learner (or a rigged answer) might make."""


def letter_problem(value: object) -> str | None:
    return format_problem(value, "answer_2_1", LETTERS, "one letter")


# --------------------------------------------------------------------------- format_problem


def test_missing_variable_says_the_answer_line_is_missing():
    assert letter_problem(MISSING) == (
        'The answer line is missing. The answer cell above should contain a line like '
        'answer_2_1 = "A". Type it back in with your answer, then run that cell again.')


@pytest.mark.parametrize("value", ["", "   "])
def test_blank_answer_says_not_answered_yet(value):
    assert letter_problem(value) == (
        f"You have not answered yet. Type one letter between the quotes: {LETTER_CHOICES}.")


@pytest.mark.parametrize("value", ["B", "b", " B ", "d\n"])
def test_letter_in_any_case_with_spaces_is_accepted(value):
    assert letter_problem(value) is None


@pytest.mark.parametrize("value", ["E", "AB", "1"])
def test_letter_not_among_the_choices_is_rejected_naming_them(value):
    assert letter_problem(value) == f'"{value}" is not one of the choices. Type {LETTER_CHOICES}.'


@pytest.mark.parametrize("value", [Sly("B"), 2, None, ["B"]], ids=["str-subclass", "int",
                                                                  "none", "list"])
def test_value_that_is_not_a_plain_str_is_rejected(value):
    assert letter_problem(value) == (
        'Type one letter between the quotes, for example answer_2_1 = "A". Keep the quotes. '
        f"Your answer should be {LETTER_CHOICES}.")


@pytest.mark.parametrize("value", ["passive", "PASSIVE", " Aggressive "])
def test_word_in_any_case_is_accepted(value):
    assert format_problem(value, "answer_2_2", WORDS, "one word") is None


def test_word_not_among_the_choices_is_rejected_naming_them():
    assert format_problem("rude", "answer_2_2", WORDS, "one word") == (
        f'"rude" is not one of the choices. Type {WORD_CHOICES}.')


def test_single_choice_is_named_without_or():
    assert format_problem("", "answer_9_1", ["yes"], "one word") == (
        'You have not answered yet. Type one word between the quotes: "yes".')


# ---------------------------------------------------------------- check_letter, check_word


def test_check_letter_prints_a_tick_and_returns_none(capsys):
    assert check_letter("answer_2_1", namespace={"answer_2_1": " b "}) is None
    assert capsys.readouterr().out == f'✓ Your answer "b" {FORM_OK}\n'


def test_check_letter_prints_a_cross_with_the_problem(capsys):
    assert check_letter("answer_2_1", namespace={"answer_2_1": "E"}) is None
    assert capsys.readouterr().out == (
        f'✗ Check your answer: "E" is not one of the choices. Type {LETTER_CHOICES}.\n')


def test_check_letter_with_the_variable_missing_does_not_raise(capsys):
    assert check_letter("answer_2_1", namespace={}) is None
    assert capsys.readouterr().out.startswith("✗ Check your answer: The answer line is missing.")


def test_check_letter_honours_other_letters(capsys):
    check_letter("answer_2_1", letters="AB", namespace={"answer_2_1": "C"})
    assert capsys.readouterr().out == (
        '✗ Check your answer: "C" is not one of the choices. Type "A" or "B".\n')


def test_check_word_prints_a_tick_for_any_case(capsys):
    assert check_word("answer_2_2", WORDS, namespace={"answer_2_2": "Passive"}) is None
    assert capsys.readouterr().out == f'✓ Your answer "Passive" {FORM_OK}\n'


def test_check_word_prints_a_cross_for_an_int(capsys):
    assert check_word("answer_2_2", WORDS, namespace={"answer_2_2": 3}) is None
    assert capsys.readouterr().out == (
        '✗ Check your answer: Type one word between the quotes, for example '
        f'answer_2_2 = "assertive". Keep the quotes. Your answer should be {WORD_CHOICES}.\n')


# --------------------------------------------------------------------------- the caller's globals

NOTEBOOK = '''
from workbook.checks import check_letter, check_word
answer_2_1 = " c "
answer_2_2 = "rude"

def check_cell():
    check_letter("answer_2_1")
'''


@pytest.fixture
def notebook() -> dict:
    """A notebook-like module namespace, as a kernel's globals would be."""
    namespace = {"__name__": "__main__"}
    exec(compile(NOTEBOOK, "<notebook>", "exec"), namespace)
    return namespace


def test_without_namespace_it_reads_the_callers_module_globals(notebook, capsys):
    exec('check_letter("answer_2_1")', notebook)
    assert capsys.readouterr().out == f'✓ Your answer "c" {FORM_OK}\n'


def test_without_namespace_a_function_uses_its_module_globals(notebook, capsys):
    notebook["check_cell"]()
    assert capsys.readouterr().out == f'✓ Your answer "c" {FORM_OK}\n'


def test_without_namespace_check_word_reads_the_callers_globals(notebook, capsys):
    exec('check_word("answer_2_2", ["assertive", "aggressive", "passive"])', notebook)
    assert capsys.readouterr().out == (
        f'✗ Check your answer: "rude" is not one of the choices. Type {WORD_CHOICES}.\n')


def test_without_namespace_a_variable_the_caller_lacks_is_missing(notebook, capsys):
    exec('check_letter("answer_2_9")', notebook)
    assert capsys.readouterr().out.startswith("✗ Check your answer: The answer line is missing.")
