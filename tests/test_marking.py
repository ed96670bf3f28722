"""The course's own autograde steps (workbook/tutor/marking.py): the second marking from the
answer as written, what an answer cell holds besides an answer, and cutting huge output."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from tests.conftest import ROOT
from workbook.tutor.marking import (
    MAX_CHARACTERS,
    CrossCheck,
    ExecutionTags,
    LimitOutputSize,
    code_beyond_answer,
    written_answer,
)

V = "answer_1_2"


def test_the_written_answer_is_the_last_plain_line():
    assert written_answer([f'# Question 2\n{V} = ""\n'], V) == ""
    assert written_answer([f'{V} = "B"'], V) == "B"
    assert written_answer([f'{V} = "B"', f'print({V})\nx = {V}\n{V} = "C"'], V) == "C"
    assert written_answer(['x = 1', f'{V} = "B"\nprint("done")'], V) == "B"
    assert written_answer(["no answer here"], V) is None


def test_an_answer_set_any_other_way_is_not_an_answer_as_written():
    for source in (f'{V} = "A"\nglobals()["{V}"] = "B"', f'for {V} in "AB": pass',
                   f'{V} = 5', f'import x as {V}', f'{V} = "A"\nif True:\n    {V} = "B"',
                   f'exec("{V} = 1")', f'def f():\n    global {V}\n    {V} = "B"',
                   f'{V} = "B"\nget_ipython().user_ns["{V}"] = "C"', f'{V} += "B"'):
        assert written_answer([source], V) is None, source


def test_code_beyond_an_answer_is_named_in_a_few_words():
    assert code_beyond_answer(f'# my answer\n{V} = "B"', V) == []
    assert code_beyond_answer(f'{V} = "B', V) == []  # a typing slip, not a trick
    assert code_beyond_answer(f'{V} = B', V) == []  # quotes deleted: a slip too
    assert code_beyond_answer(
        f'import os\nfrom sys import path\nclass A: pass\ndef f(): pass\ntype = str = A\n'
        f'os.environ["X"] = "1"\ncount = 0\nwhile True: break\nprint(1)\n{V} = A()', V) == [
        "imports os", "imports from sys", "defines a class A", "defines a function f",
        "replaces the built-ins type and str", "changes os.environ['X']",
        "sets another variable (count)", "has a loop", "runs other code",
        f"sets {V} to something other than text in quotes"]


def graded(answer_source: str, check_outputs: list) -> nbformat.NotebookNode:
    answer = new_code_cell(answer_source, metadata={"nbgrader": {"grade_id": V}})
    check = new_code_cell("# Marked after you hand in your work.",
                          metadata={"nbgrader": {"grade_id": "check_1_2", "grade": True}})
    check.outputs = check_outputs
    return new_notebook(cells=[answer, check])


def test_the_second_marking_takes_away_a_mark_the_kernel_gave_a_wrong_written_answer(course):
    right = course.assignment("unit1").checks[1].answer
    resources = {"nbgrader": {"assignment": "unit1"}}
    marker = CrossCheck(course_root=str(ROOT))
    nb, _ = marker.preprocess(graded(f'{V} = "{right.lower()} "', []), resources)
    assert nb.cells[1].outputs == [] and "workbook" not in nb.cells[1].metadata
    nb, _ = marker.preprocess(graded(f'{V} = "Z"\nget_ipython().ast_transformers.append(T())',
                                     []), resources)
    assert [o.ename for o in nb.cells[1].outputs] == ["NotMarkedRight"]
    assert nb.cells[1].outputs[0].traceback == ["This answer did not earn the mark."]
    assert nb.cells[1].metadata["workbook"]["cross_check"].startswith("passed in the notebook")
    failed = [new_output("error", ename="NotMarkedRight", evalue="", traceback=[])]
    nb, _ = marker.preprocess(graded(f'{V} = "{right}"', failed), resources)
    assert len(nb.cells[1].outputs) == 1  # a failed check stays failed, nothing added


def test_huge_output_is_cut_and_its_size_noted():
    cell = new_code_cell("print('x' * 50_000_000)")
    cell.outputs = [new_output("stream", name="stdout", text="x" * 50_000_000),
                    new_output("display_data", data={"text/plain": "y" * 10})]
    small = new_code_cell("print(1)")
    small.outputs = [new_output("stream", name="stdout", text="1\n")]
    nb, _ = LimitOutputSize().preprocess(new_notebook(cells=[cell, small]), {})
    assert sum(len(o.get("text", "")) for o in nb.cells[0].outputs) < MAX_CHARACTERS + 100
    assert nb.cells[0].outputs[0].text.endswith("... Output cut here (too long) ...\n")
    assert nb.cells[0].metadata["workbook"]["output_characters"] == 50_000_010
    assert nb.cells[1].outputs[0].text == "1\n" and "workbook" not in nb.cells[1].metadata


def test_no_cell_can_be_tagged_to_be_skipped_or_to_run_past_its_error():
    def cell(grade_id, tags=None):
        made = new_code_cell("pass", metadata={"nbgrader": {"grade_id": grade_id}})
        if tags is not None:
            made.metadata["tags"] = tags
        return made

    nb = new_notebook(cells=[
        cell("answer_1_1", ["skip-execution", "mine"]), cell("format_1_1"),
        cell("check_1_1", ["raises-exception", "skip-execution"]), cell("check_1_2")])
    nb, _ = ExecutionTags().preprocess(nb, {})
    assert [c.metadata.get("tags") for c in nb.cells] == [["mine"], None, [], None]
