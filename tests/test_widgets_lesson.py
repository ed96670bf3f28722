"""The other lesson views: worked examples, reflection box, course map, where is my work."""

from __future__ import annotations

import sys
from pathlib import Path

import ipywidgets as widgets

from workbook import lessons
from workbook.progress import ProgressStore
from workbook.widgets.course_map import course_map_view, unit_status, where_is_my_work_view
from workbook.widgets.examples import worked_examples_view
from workbook.widgets.reflection import LessonReflection


def test_worked_examples_show_each_example_with_its_label_and_reason(course):
    bank = course.statement_bank("unit2")
    view = worked_examples_view(bank)
    assert isinstance(view, widgets.HTML)
    for number in range(1, len(bank.worked_examples) + 1):
        assert f"Example {number}" in view.value
    assert view.value.count("wb-tag") >= len(bank.worked_examples)
    assert "(passive-aggressive)" in view.value


def test_reflection_saves_and_comes_back(private_progress):
    box = LessonReflection("unit2", ProgressStore(private_progress))
    assert box.box.description == "Your reflection:"
    box.write("I go quiet when people shout. Next time I will say what I can do.")
    assert box.message.startswith("Saved at ") and "(15 words)" in box.message
    again = LessonReflection("unit2", ProgressStore(private_progress))
    assert again.text.startswith("I go quiet") and again.box.value == again.text
    assert again.message == "Your last reflection has been loaded."


def test_typing_in_the_box_saves_through_the_same_twin(private_progress):
    box = LessonReflection("unit2", ProgressStore(private_progress))
    box.box.value = "Typed in the browser."
    reopened = LessonReflection("unit2", ProgressStore(private_progress))
    assert reopened.text == "Typed in the browser."


def test_course_map_lists_all_units_and_marks_which_are_ready(course):
    view = course_map_view(course)
    for unit in course.units:
        assert unit.title.replace("&", "&amp;") in view.value
    assert all(unit_status(course, u.id) == (True, True) for u in course.units)
    assert "8 of 8 units are ready to study." in view.value
    assert "<th scope='col'>" in view.value


def test_a_unit_whose_lesson_is_missing_is_marked_not_ready(tmp_path):
    from tests.conftest import copy_course
    from workbook.content.loader import load_course_uncached

    root = copy_course(tmp_path)
    (root / "notebooks" / "06_solving_and_balancing.ipynb").unlink()
    course = load_course_uncached(root)
    assert unit_status(course, "unit6")[0] is False
    assert "7 of 8 units are ready to study." in course_map_view(course).value


def test_where_is_my_work_names_the_folder_and_saved_files(private_progress):
    store = ProgressStore(private_progress)
    assert "Nothing saved yet" in where_is_my_work_view(store).value
    store.save("unit2-reflection", {"text": "x"})
    view = where_is_my_work_view(store)
    assert str(private_progress) in view.value and "unit2-reflection.json" in view.value


def test_in_the_browser_edition_the_folder_is_named_as_the_file_list_shows_it(monkeypatch):
    """Pyodide keeps progress under /drive, which the learner never sees: the file list on the
    left shows that folder as my_progress/<learner>."""
    monkeypatch.setattr(sys, "platform", "emscripten")
    view = where_is_my_work_view(ProgressStore(Path("/drive/my_progress/Ann")))
    assert "<code>my_progress/Ann</code> (in the file list on the left)" in view.value, view.value
    assert "/drive" not in view.value


def test_lesson_functions_return_widgets_and_use_the_learners_folder(private_progress):
    activity = lessons.sort_activity("unit2")
    assert isinstance(activity, widgets.VBox)
    assert (private_progress / "unit2-sorting.json").is_file()
    for view in (lessons.worked_examples("unit2"), lessons.course_map(),
                 lessons.where_is_my_work(), lessons.lesson_reflection("unit2")):
        assert isinstance(view, widgets.DOMWidget)


def test_import_workbook_is_light():
    import subprocess
    import sys

    code = ("import sys, workbook; heavy = [m for m in ('ipywidgets', 'pandas', 'matplotlib', "
            "'nbformat', 'jsonschema', 'yaml') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_an_activity_without_a_chart_does_not_import_matplotlib(tmp_path):
    """matplotlib is imported by the first chart, not by a lesson's first activity (it was most
    of that activity's start-up; benchmarks/learner_startup.py)."""
    import os
    import subprocess
    import sys

    code = ("import sys, workbook; workbook.sort_activity('unit2'); "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "WORKBOOK_PROGRESS_DIR": str(tmp_path)})
    assert out.stdout.strip() == "False"


def test_where_is_my_work_explains_backups_only_in_the_browser_edition(private_progress,
                                                                        monkeypatch):
    store = ProgressStore(private_progress)
    assert "this web browser" not in where_is_my_work_view(store).value
    monkeypatch.setattr("sys.platform", "emscripten")
    text = where_is_my_work_view(store).value
    assert "this web browser, for this website only" in text
    assert "Download" in text and "Upload" in text
