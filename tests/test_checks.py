"""workbook.checks: the visible format checks in knowledge-check notebooks."""

from __future__ import annotations

import pytest

from workbook.checks import (
    FORMS,
    MISSING,
    SLIP,
    check_letter,
    check_word,
    format_problem,
    normalise,
    rule_source,
    written_form,
)

LETTERS = ["A", "B", "C", "D"]
WORDS = ["assertive", "aggressive", "passive"]
LETTER_CHOICES = '"A", "B", "C" or "D"'
WORD_CHOICES = '"assertive", "aggressive" or "passive"'
FORM_OK = "is in the right form. It will be marked after you hand in your work."


class Sly(str):
    """A str subclass, as a learner (or a rigged answer) might make."""


def letter_problem(value: object) -> str | None:
    return format_problem(value, "answer_2_1", LETTERS, "letter")


# --------------------------------------------------------------------------- format_problem


def test_missing_variable_says_the_answer_line_is_missing():
    assert letter_problem(MISSING) == (
        'The answer line is missing. The answer cell above should contain a line like '
        'answer_2_1 = "A". Type it back in with your answer, then run that cell again.')


@pytest.mark.parametrize("value", ["", "   "])
def test_blank_answer_says_not_answered_yet(value):
    assert letter_problem(value) == (
        f"You have not answered yet. Type one letter between the quotes: {LETTER_CHOICES}.")


@pytest.mark.parametrize("value", ["B", "b", " B ", "d\n", "B.", "(b)", "Option B", "b)",
                                   " option (c). ", "OPTION D"])
def test_letter_in_the_forms_people_type_is_accepted(value):
    assert letter_problem(value) is None


@pytest.mark.parametrize("value", ["E", "AB", "1", "B and C", "I think B", "Option", "()"])
def test_letter_not_among_the_choices_is_rejected_naming_them(value):
    assert letter_problem(value) == (
        f'"{value}" is not one of the choices. Type just one letter: {LETTER_CHOICES}.')


@pytest.mark.parametrize("value", [Sly("B"), 2, None, ["B"]], ids=["str-subclass", "int",
                                                                  "none", "list"])
def test_value_that_is_not_a_plain_str_is_rejected(value):
    assert letter_problem(value) == (
        'Type one letter between the quotes, for example answer_2_1 = "A". Keep the quotes. '
        f"Your answer should be {LETTER_CHOICES}.")


@pytest.mark.parametrize("value", ["passive", "PASSIVE", " Aggressive "])
def test_word_in_any_case_is_accepted(value):
    assert format_problem(value, "answer_2_2", WORDS, "word") is None


def test_word_not_among_the_choices_is_rejected_naming_them():
    assert format_problem("rude", "answer_2_2", WORDS, "word") == (
        f'"rude" is not one of the choices. Type just one word: {WORD_CHOICES}.')


def test_single_choice_is_named_without_or():
    assert format_problem("", "answer_9_1", ["yes"], "word") == (
        'You have not answered yet. Type one word between the quotes: "yes".')


# ---------------------------------------------------------------- check_letter, check_word


def test_check_letter_prints_a_tick_and_returns_none(capsys):
    assert check_letter("answer_2_1", namespace={"answer_2_1": " b "}) is None
    assert capsys.readouterr().out == f'✓ Your answer "b" {FORM_OK}\n'


def test_check_letter_prints_a_cross_with_the_problem(capsys):
    assert check_letter("answer_2_1", namespace={"answer_2_1": "E"}) is None
    assert capsys.readouterr().out == (
        f'✗ Check your answer: "E" is not one of the choices. Type just one letter: '
        f'{LETTER_CHOICES}.\n')


def test_check_letter_with_the_variable_missing_does_not_raise(capsys):
    assert check_letter("answer_2_1", namespace={}) is None
    assert capsys.readouterr().out.startswith("✗ Check your answer: The answer line is missing.")


def test_check_letter_honours_other_letters(capsys):
    check_letter("answer_2_1", letters="AB", namespace={"answer_2_1": "C"})
    assert capsys.readouterr().out == (
        '✗ Check your answer: "C" is not one of the choices. Type just one letter: "A" or "B".\n')


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
        f'✗ Check your answer: "rude" is not one of the choices. Type just one word: '
        f'{WORD_CHOICES}.\n')


def test_without_namespace_a_variable_the_caller_lacks_is_missing(notebook, capsys):
    exec('check_letter("answer_2_9")', notebook)
    assert capsys.readouterr().out.startswith("✗ Check your answer: The answer line is missing.")


@pytest.mark.parametrize("value", ["Assertive.", " passive. ", "AGGRESSIVE"])
def test_word_with_a_full_stop_or_any_case_is_accepted(value):
    assert format_problem(value, "answer_2_2", WORDS, "word") is None


@pytest.mark.parametrize("value", ["passive-aggressive", "assertive!", "(passive)",
                                   "The customer was assertive", "Option passive"])
def test_anything_else_for_a_word_is_rejected_saying_what_to_type(value):
    assert format_problem(value, "answer_2_2", WORDS, "word") == (
        f'"{value}" is not one of the choices. Type just one word: {WORD_CHOICES}.')


# --------------------------------------------------------------- one rule, in and out of the kernel
def typed_forms() -> list[object]:
    """Several thousand answers as people might type them, right forms and wrong."""
    cores = ["a", "B", "c", "D", "e", "ab", "", "assertive", "Passive", "AGGRESSIVE",
             "passive-aggressive", "yes", "1", "b c", "ß", "İ"]
    before = ["", " ", "\t", "option ", "Option", "OPTION  ", "(", "option (", "opt ", ". "]
    after = ["", ".", ")", ").", " ", "!", "..", " .", ")\n", ".)"]
    forms: list[object] = [b + c + a for b in before for c in cores for a in after]
    return forms + [None, 2, b"B", ["B"], Sly("B")]


def disagreements(checks: list[dict]) -> dict:
    """Run each hidden check (``{"id", "variable", "kind", "answer", "source"}``) on every
    typed form: how many runs, and where the check and ``sources.is_right`` disagree."""
    from types import SimpleNamespace

    from workbook.tutor.sources import is_right

    runs, differ = 0, []
    for check in checks:
        code = compile(check["source"], "<hidden check>", "exec")
        for value in typed_forms():
            try:
                exec(code, {check["variable"]: value})
                passed = True
            except BaseException as error:  # the check raises its own NotMarkedRight
                passed = False
                if type(error).__name__ != "NotMarkedRight":
                    differ.append(f"{check['id']} {value!r}: {type(error).__name__}")
            if passed != is_right(SimpleNamespace(**check), value):
                differ.append(f"{check['id']} {value!r}: the hidden check says {passed}")
            runs += 1
    return {"runs": runs, "differ": differ}


def test_the_hidden_check_and_is_right_read_every_answer_the_same_way(course):
    """Each different hidden check of units 1, 2 and 5 against every typed form. Checks of the
    same kind and answer differ only in the answer variable's name (sources.hidden_check_source),
    so one of them stands for the rest. They run in a new Python, as in a learner's kernel: a
    failing check looks through every class Python has loaded, which in this test process (all
    the suite's libraries) makes each run several times slower."""
    import json
    import subprocess
    import sys

    from tests.conftest import ROOT
    from workbook.tutor.sources import hidden_check_source

    checks = {(check.kind, check.answer): check for unit in ("unit1", "unit2", "unit5")
              for check in course.assignment(unit).checks}
    assert {kind for kind, _ in checks} == {"letter", "word"} and len(checks) >= 10
    given = [{"id": c.id, "variable": c.variable, "kind": c.kind, "answer": c.answer,
              "source": hidden_check_source(c)} for c in checks.values()]
    run = subprocess.run(
        [sys.executable, "-c", "import json, sys; from tests.test_checks import disagreements; "
         "print(json.dumps(disagreements(json.load(sys.stdin))))"],
        input=json.dumps(given), capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    assert found["differ"] == []
    assert found["runs"] == len(given) * len(typed_forms()) > 15_000


def test_the_rule_in_the_hidden_cell_is_the_rule_in_python():
    for kind in FORMS:
        for value in typed_forms():
            if type(value) is str:
                assert eval("value" + rule_source(kind), {"value": value}) == normalise(
                    value, kind), (kind, value)
    assert normalise("Option (b).", "letter") == "b" and normalise("b", "word") == "b"


@pytest.mark.parametrize("source, form", [
    ('answer_2_6 = "B"', "B"), ('answer_2_6 = "B"  # my answer', "B"),
    ("answer_2_6 = 'Option b'", "Option b"), ("# nothing", MISSING),
    ("answer_2_6 = A", SLIP), ('answer_2_6 = "A', SLIP), ("answer_2_6 = The customer was rude",
                                                          SLIP),
    ('answer_2_6 = "A" + "B"', SLIP), ("answer_2_6 =", SLIP), ('answer_2_6 == "A"', MISSING),
    ('answer_2_6 = ""\nanswer_2_6 = "C"', "C")])
def test_the_written_form_is_read_from_the_cell_source(source, form):
    assert written_form(source, "answer_2_6") == form


def test_a_slip_in_the_last_run_answer_cell_is_named_though_an_old_answer_is_kept(capsys):
    namespace = {"answer_2_6": "B", "_ih": ["", 'answer_2_6 = "B"', "answer_2_6 = C"]}
    check_letter("answer_2_6", namespace=namespace)
    assert capsys.readouterr().out == (
        "✗ Check your answer: The answer line is not written the right way. Type one letter "
        'between two quotes, for example answer_2_6 = "A", then run that cell again. Your '
        f"answer should be {LETTER_CHOICES}.\n")
    namespace["_ih"].append('answer_2_6 = "c."')
    namespace["answer_2_6"] = "c."
    check_letter("answer_2_6", namespace=namespace)
    assert capsys.readouterr().out == f'✓ Your answer "c." {FORM_OK}\n'


@pytest.mark.slow
def test_slips_never_stop_run_all_and_every_visible_check_speaks(course, tmp_path):
    """Run All as JupyterLab runs it (nbclient stopping at an error, as nbgrader's executor
    does unless told otherwise), on a released notebook with slips in several answer cells."""
    import nbformat
    from nbclient import NotebookClient

    from tests.conftest import ROOT
    from workbook.tutor.simulate import fill, right_answers

    assignment = course.assignment("unit2")
    checks = assignment.checks
    answers = {**right_answers(assignment), checks[1].variable: "A",
               checks[3].variable: '"A', checks[5].variable: "The customer was rude",
               checks[7].variable: '"passive-aggressive"',
               checks[8].variable: f'"Option {checks[8].answer}"' if checks[8].kind == "letter"
               else f'"{checks[8].answer.capitalize()}."'}
    nb = fill(nbformat.read(ROOT / "release" / "unit2" / "unit2.ipynb", as_version=4), answers)
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    said = {c.metadata["nbgrader"]["grade_id"]: "".join(o.get("text", "") for o in c.outputs)
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith(
                "format_")}
    assert len(said) == len(checks)
    slip = "✗ Check your answer: The answer line is not written the right way."
    for n, check in enumerate(checks):
        message = said["format_" + check.variable.removeprefix("answer_")]
        if n in (1, 3, 5):
            assert message.startswith(slip), (n, message)
        elif n == 7:
            assert message.startswith('✗ Check your answer: "passive-aggressive" is not one of '
                                      "the choices."), message
        else:
            assert message.startswith("✓ Your answer"), (n, message)
