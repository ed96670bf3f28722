"""Mark my work in the browser edition (workbook/keymark.py, workbook/lite/marking.py): the
same marks as ``workbook autograde`` for the same notebooks, from a key file that holds no
answer, and a hand-in downloaded from the page that autograde takes like any other.

The marker is the module the site ships, run here in CPython against the key files
``workbook lite build`` writes (its own function, add_self_marking). The browser tests use the
built site of tests/test_lite.py.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest

from tests.browser_harness import open_address
from tests.conftest import ROOT, fresh_unit1, nbgrader
from tests.test_browser import (
    ARTEFACTS,
    DOCS,
    browser,  # noqa: F401 - the Chromium fixture
    shot,
)
from tests.test_browser import pytestmark as browser_marks_list
from tests.test_lite import address, page, site  # noqa: F401 - the offline site and page
from workbook import cli
from workbook.checks import cell_grade_id
from workbook.keymark import (
    _pbkdf2_python,
    answer_hash,
    load_key,
    mark_file,
    mark_notebook,
    pbkdf2_sha256,
)
from workbook.lite.marking import add_self_marking, answer_key_texts, key_leaks
from workbook.tutor.cohort import item_scores
from workbook.tutor.simulate import fill, right_answers, wrong_answers


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> Path:
    """The key files as ``workbook lite build`` writes them into the site's files/."""
    files = tmp_path_factory.mktemp("site-files")
    assert add_self_marking(ROOT, files) == 8
    return files


def _released(unit: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "release" / unit / f"{unit}.ipynb", as_version=4)


def _as_dict(nb: nbformat.NotebookNode) -> dict:
    return json.loads(nbformat.writes(nb))


def test_pbkdf2_in_python_is_hashlibs_own():
    """Pyodide may have no OpenSSL: the Python PBKDF2 must give hashlib's bytes."""
    import hashlib

    for password, salt, rounds in ((b"b", b"0" * 16, 1), (b"confused", b"\x01" * 16, 1000),
                                   (b"x" * 80, b"salt", 7)):
        assert _pbkdf2_python(password, salt, rounds) == hashlib.pbkdf2_hmac(
            "sha256", password, salt, rounds)
    assert pbkdf2_sha256(b"b", b"s", 3) == hashlib.pbkdf2_hmac("sha256", b"b", b"s", 3)


def test_a_key_file_holds_no_answer_only_its_hash(course, keys):
    for unit, assignment in course.assignments.items():
        key = load_key(unit, keys / "release" / unit)  # found from the notebook's folder
        text = json.dumps(key)
        assert all(t not in text for t in answer_key_texts(course))
        for check, entry in zip(assignment.checks, key["checks"], strict=True):
            assert "answer" not in entry and "explanation" not in entry
            assert entry["hash"] == answer_hash(entry["salt"], check.answer.casefold(),
                                                key["iterations"])
        assert len({c["salt"] for c in key["checks"]}) == len(key["checks"])
        assert all("rubric" not in r for r in key["reflections"])


def test_every_typed_form_of_the_right_answer_is_right_and_others_are_not(course, keys):
    """checks.FORMS: "b.", "(B)", "Option B", " Confused. " are the right answer."""
    assignment = course.assignment("unit1")
    key = load_key("unit1", keys)

    def typed(check):
        if check.kind == "letter":
            return {f'"{check.answer.lower()}."', f'"({check.answer})"',
                    f'" Option {check.answer.lower()} "'}
        return {f'"{check.answer.upper()}."', f'" {check.answer.capitalize()} "'}

    for number in range(3):  # each typed form in turn for every question
        answers = {c.variable: sorted(typed(c))[number % len(typed(c))]
                   for c in assignment.checks}
        result = mark_notebook(_as_dict(fill(_released("unit1"), answers)), key)
        assert result.score == result.max_score == assignment.autograded_points, answers
    wrong = mark_notebook(_as_dict(fill(_released("unit1"), wrong_answers(assignment))), key)
    assert wrong.score == 0 and {q.status for q in wrong.questions} == {"wrong"}


def test_reflections_are_kept_for_the_tutor_and_feedback_shows_no_answer(course, keys):
    """The marks' wording is the full edition's; a wrong answer is never told the right one
    (the key does not know it), and reflections are listed for the tutor, never counted."""
    from workbook.marks import result_lines

    assignment = course.assignment("unit2")
    nb = fill(_released("unit2"), wrong_answers(assignment),
              {assignment.reflections[0].grade_id: "I stayed calm and listened."})
    result = mark_notebook(_as_dict(nb), load_key("unit2", keys))
    lines = "\n".join(result_lines(result))
    assert lines.startswith(f"You scored 0 out of {assignment.autograded_points:g}")
    assert f"Reflection 1 ({assignment.reflections[0].title}): for your tutor to mark." in lines
    assert "not written yet" in lines
    assert "right answer is" not in lines
    for check in assignment.checks:
        assert check.explanation not in lines
    assert all(t not in lines for t in answer_key_texts(course))


def test_a_missing_key_file_says_what_to_do(tmp_path):
    from workbook.marks import MarkError

    notebook = tmp_path / "unit1.ipynb"
    nbformat.write(_released("unit1"), notebook)
    with pytest.raises(MarkError, match="cannot find the marking file for unit1"):
        mark_file("unit1", notebook)


# ------------------------------------------------ the same marks as workbook autograde

def _bad_forms(check) -> list[str]:
    """Badly formed answers, each as the whole answer cell or the text after ``=``."""
    right = json.dumps(check.answer)
    other = json.dumps(next(c for c in check.choices if c != check.answer))
    var = check.variable
    return [
        '""',                                             # not answered
        check.answer,                                     # slip: quotes left out
        json.dumps("E" if check.kind == "letter" else "maybe"),  # not a choice
        f"x = 1 / 0\n{var} = {right}",                    # code that fails before the answer
        f"{var} = {right}\nprint('done')",                # code after a right answer
        f"{var} = {right}.upper()",                       # code in place of the answer
        f"# the answer line deleted\nprint({var!r})",     # no answer line at all
        f"{var} = {other}\n{var} = {right}",              # changed their mind: last line counts
        f"{var} = {right}\nx = [",                        # a syntax error: the cell never runs
        json.dumps(f"  {check.answer.lower()}.  "),       # a typed form of the right answer
    ]


def _bad_mix(assignment, shift: int) -> nbformat.NotebookNode:
    """Each question given one of the badly formed answers, in turn from ``shift``."""
    answers = {}
    for number, check in enumerate(assignment.checks):
        forms = _bad_forms(check)
        answers[check.variable] = forms[(number + shift) % len(forms)]
    return fill(_released(assignment.unit), answers)


def _learners(assignment, shift: int) -> dict[str, nbformat.NotebookNode]:
    released = _released(assignment.unit)
    mixed = _bad_mix(assignment, shift)
    # A cell the learner added after question 1, giving it a wrong answer; and question 2's
    # read-only format check edited to give the right answer (autograde puts it back).
    first, second = assignment.checks[0], assignment.checks[1]
    at = next(i for i, c in enumerate(mixed.cells) if cell_grade_id(c) == first.variable)
    other = next(c for c in first.choices if c != first.answer)
    mixed.cells.insert(at + 1, nbformat.v4.new_code_cell(f"{first.variable} = {other!r}"))
    for cell in mixed.cells:
        if cell_grade_id(cell) == "format_" + second.id.replace(".", "_"):
            cell.source += f"\n{second.variable} = {json.dumps(second.answer)}"
    return {"a_right": fill(released, right_answers(assignment)),
            "b_wrong": fill(released, wrong_answers(assignment)),
            "c_bad": mixed, "d_bad": _bad_mix(assignment, shift + 5)}


@pytest.mark.slow
def test_the_browser_marker_gives_autogrades_marks_in_every_unit(course, keys,
                                                                  generated_course, tmp_path):
    """Every unit, with right, wrong and badly formed answers (typed forms, slips, code in an
    answer cell, empty, an added cell, an edited read-only cell): the key marker's points for
    each question equal what `workbook autograde` put in nbgrader's gradebook."""
    folder = tmp_path / "course"
    shutil.copytree(generated_course, folder, ignore=shutil.ignore_patterns(
        "submitted", "autograded", "feedback", "gradebook.db"))
    for unit in course.assignments:  # a fresh gradebook that knows every unit
        nbgrader(folder, "generate_assignment", unit, "--force")
    ours: dict[tuple[str, str, str], float] = {}
    for number, (unit, assignment) in enumerate(course.assignments.items()):
        key = load_key(unit, keys)
        for learner, nb in _learners(assignment, number).items():
            target = folder / "submitted" / learner / unit
            target.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, target / f"{unit}.ipynb")
            saved = json.loads((target / f"{unit}.ipynb").read_text(encoding="utf-8"))
            result = mark_notebook(saved, key)
            for check, q in zip(assignment.checks, result.questions, strict=True):
                ours[(learner, unit, check.id)] = q.earned
    for unit in course.assignments:
        assert cli.main(["--course-dir", str(folder), "autograde", unit, "--jobs", "2"]) == 0
    _, scores = item_scores(course, folder)
    theirs = {(s.learner, s.unit, s.item): s.score or 0.0 for s in scores if s.kind == "check"}
    assert set(theirs) == set(ours)
    differ = {k: (ours[k], theirs[k]) for k in ours if ours[k] != theirs[k]}
    assert differ == {}, f"browser marker vs autograde (ours, theirs): {differ}"
    # A loss would show: every unit has full marks, no marks and a mixture in it.
    for unit, assignment in course.assignments.items():
        right = sum(v for (who, u, _), v in ours.items() if u == unit and who == "a_right")
        assert right == assignment.autograded_points
        mixed = [v for (who, u, _), v in ours.items() if u == unit and who.startswith("c_")]
        assert 0 < sum(mixed) < assignment.autograded_points, (unit, mixed)


def test_no_text_of_the_answer_keys_is_anywhere_in_a_site(course, keys, tmp_path):
    """key_leaks (which the build runs) finds a key's text in any file, even inside a wheel;
    the key files the build writes hold none."""
    import zipfile

    out = tmp_path / "site"
    shutil.copytree(keys, out)
    assert key_leaks(out, course) == []
    check = course.assignment("unit3").checks[2]
    solution = f"{check.variable} = {json.dumps(check.answer)}"
    with zipfile.ZipFile(out / "some.whl", "w") as wheel:
        wheel.writestr("pkg/notes.py", f"# {solution}\n")
    reflection = course.assignment("unit5").reflections[0]
    (out / "page.json").write_text(json.dumps({"text": reflection.rubric[0].look_for}))
    assert key_leaks(out, course) == [f"page.json: {reflection.rubric[0].look_for[:60]}",
                                       f"some.whl:pkg/notes.py: {solution}"]


@pytest.mark.slow
def test_the_built_site_has_a_key_per_unit_and_no_answer_key_text(site, course):  # noqa: F811
    """`workbook lite build`'s own site: self_marking/ holds every unit's key, the answer keys
    folder is not there, and no text of the answer keys is in any file (or inside a wheel)."""
    assert sorted(p.name for p in (site / "files" / "self_marking").iterdir()) == sorted(
        f"{unit}.json" for unit in course.assignments)
    assert not (site / "files" / "course_data" / "assignments").exists()
    assert key_leaks(site, course) == []


# ------------------------------------------------ in the browser edition, by a learner

def browser_marks(test):
    """Marked as test_browser's tests are: browser, skipped without Chromium."""
    for mark in browser_marks_list:
        test = mark(test)
    return test


SCREENSHOT = "lite-self-marked"
"""In test-artifacts/browser/; with WORKBOOK_DOCS_SCREENSHOTS=1 also in docs/screenshots/."""


def _type_answer(tab, index: int, text: str) -> None:
    """Click into a cell's editor (through JupyterLab, as a learner's click does) and type the
    cell anew with the keyboard."""
    tab.evaluate("""(i) => { const nb = window.jupyterapp.shell.currentWidget.content;
        nb.activeCellIndex = i; nb.mode = 'edit'; nb.activeCell.editor.focus(); }""", index)
    tab.wait_for_function("() => window.jupyterapp.shell.currentWidget.content.activeCell"
                          ".editor.hasFocus()", timeout=10_000)
    tab.keyboard.press("Control+A")
    tab.keyboard.insert_text(text)
    tab.keyboard.press("Escape")
    typed = tab.evaluate("(i) => window.jupyterapp.shell.currentWidget.content.widgets[i]"
                          ".model.sharedModel.getSource()", index)
    assert typed == text


def _page_marks(tab) -> dict[str, bool]:
    """Question number to right or not, as the marks in the page say."""
    import re

    marks = {}
    for item in tab.locator(".wb-mark-my-work .wb-marks li").all_inner_texts():
        found = re.match(r"Question (\S+): (✓ Right|✗ Not right)", item)
        if found:
            marks[found.group(1)] = found.group(2) == "✓ Right"
    return marks


@pytest.mark.slow
@browser_marks
def test_a_learner_marks_in_the_page_then_downloads_and_autograde_agrees(
        page, address, course, generated_course, tmp_path, capsys):  # noqa: F811
    """In the lite edition a learner answers (some right, one a typed form, some wrong),
    presses Mark my work and sees the marks (screenshot: SCREENSHOT); then downloads the
    notebook with File → Download. That file, handed in through a Moodle download, gets the
    same marks from `workbook collect --from` and `workbook autograde`."""
    unit = "unit1"  # fresh_unit1 below: a course folder with unit 1 released afresh
    assignment = course.assignment(unit)
    released = _released(unit)
    index = {c.metadata.get("nbgrader", {}).get("grade_id"): i
             for i, c in enumerate(released.cells)}
    open_address(page, f"{address}/lab/index.html?path=release/{unit}/{unit}.ipynb",
                      True, 180_000)
    wrong = wrong_answers(assignment)
    answers = {}
    for number, check in enumerate(assignment.checks):
        if number in (1, 4):
            answers[check.variable] = wrong[check.variable]
        elif number == 2:
            answers[check.variable] = json.dumps(f" ({check.answer.lower()}) "
                                                 if check.kind == "letter"
                                                 else f"{check.answer.upper()}.")
        else:
            answers[check.variable] = json.dumps(check.answer)
    for variable, typed in answers.items():
        _type_answer(page, index[variable], f"{variable} = {typed}")
    reflection = assignment.reflections[0]
    _type_answer(page, index[reflection.grade_id], "She kept asking the same thing, so I "
                 "slowed down and checked she understood each step.")
    page.evaluate("""() => { const nb = window.jupyterapp.shell.currentWidget.content;
        nb.activeCellIndex = nb.widgets.length - 1; nb.scrollToItem(nb.widgets.length - 1); }""")
    button = page.locator(".wb-mark-my-work button", has_text="Mark my work")
    button.scroll_into_view_if_needed()
    button.click()
    score = page.locator(".wb-mark-my-work .wb-score")
    score.wait_for(state="visible", timeout=120_000)
    expected = len(assignment.checks) - 2
    assert score.inner_text().startswith(
        f"You scored {expected} out of {assignment.autograded_points}"), score.inner_text()
    in_page = _page_marks(page)
    assert list(in_page.values()).count(True) == expected
    notes = page.locator(".wb-mark-my-work .wb-marks li", has_text="Reflection").all_inner_texts()
    assert notes[0].endswith("for your tutor to mark.") and "not written yet" in notes[1]
    shot(page, ".wb-mark-my-work-browser", SCREENSHOT)
    if os.environ.get("WORKBOOK_DOCS_SCREENSHOTS"):
        shutil.copy2(ARTEFACTS / f"{SCREENSHOT}.png", DOCS / f"{SCREENSHOT}.png")

    page.locator(".lm-MenuBar-itemLabel", has_text="File").click()
    with page.expect_download() as download:
        page.locator(".lm-Menu-itemLabel", has_text="Download").first.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    # JupyterLite names the download after its path in the site; autograde takes a lone
    # notebook under another name as the unit's.
    assert saved.name == f"release_{unit}_{unit}.ipynb"

    folder, _ = fresh_unit1(generated_course, tmp_path)
    (tmp_path / "roster.csv").write_text(
        "id,first_name,last_name,email\njsmith01,Jade,Smith,jade.smith@college.ac.uk\n",
        encoding="utf-8")
    assert cli.main(["learners", str(tmp_path / "roster.csv"), "--course-dir", str(folder)]) == 0
    moodle = tmp_path / "moodle.zip"
    import zipfile

    with zipfile.ZipFile(moodle, "w") as archive:
        archive.write(saved, f"Jade Smith_101_assignsubmission_file_/{saved.name}")
    assert cli.main(["collect", unit, "--from", str(moodle), "--course-dir", str(folder)]) == 0
    assert "1 learner(s) imported" in capsys.readouterr().out
    assert cli.main(["--course-dir", str(folder), "autograde", unit]) == 0
    _, scores = item_scores(course, folder)
    graded = {s.item.split(".", 1)[1]: (s.score or 0.0) > 0 for s in scores
              if s.kind == "check" and s.learner == "jsmith01" and s.unit == unit}
    assert graded == in_page
