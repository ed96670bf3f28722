"""What a lesson's one-line code cells call. Each returns a widget for Jupyter to display."""

from __future__ import annotations

from .content import load_course
from .engine.sorting import DEFAULT_ROUND_SIZE
from .progress import ProgressStore
from .widgets.course_map import course_map_view, where_is_my_work_view
from .widgets.examples import worked_examples_view
from .widgets.reflection import LessonReflection
from .widgets.sorting import SortingActivity


def sort_activity(unit: str, round_size: int = DEFAULT_ROUND_SIZE) -> SortingActivity:
    """The sorting activity for a unit's statement bank, with this learner's saved progress."""
    bank = load_course().statement_bank(unit)
    return SortingActivity(bank, ProgressStore(), round_size=round_size)


def worked_examples(unit: str):
    """The worked examples from a unit's statement bank."""
    return worked_examples_view(load_course().statement_bank(unit))


def lesson_reflection(unit: str) -> LessonReflection:
    """A private reflection box for a lesson, saved on the learner's computer."""
    load_course().unit(unit)  # a clear error for a mistyped unit id
    return LessonReflection(unit, ProgressStore())


def course_map():
    """The table of units, showing which are ready."""
    return course_map_view(load_course())


def where_is_my_work():
    """Where this learner's activity progress is saved."""
    return where_is_my_work_view(ProgressStore())
