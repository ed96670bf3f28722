"""What a lesson's one-line code cells call. Each returns a widget for Jupyter to display."""

from __future__ import annotations

from .content import load_course
from .content.glossary import load_glossary, terms_for
from .engine.authority import authority_bank
from .engine.laws import law_bank
from .engine.quiz import DEFAULT_QUIZ_SIZE
from .engine.sorting import DEFAULT_ROUND_SIZE
from .progress import ProgressStore
from .widgets.analysis import AnalysisForm, DevelopmentPlanner
from .widgets.course_map import course_map_view, where_is_my_work_view
from .widgets.examples import worked_examples_view
from .widgets.glossary import key_words_view
from .widgets.organisation import law_changes_view, organisation_view
from .widgets.quiz import QuizActivity
from .widgets.reflection import LessonReflection
from .widgets.reply import ReplyRewriter
from .widgets.scenario import ScenarioPlayer
from .widgets.sorting import SortingActivity


def sort_activity(unit: str, round_size: int = DEFAULT_ROUND_SIZE) -> SortingActivity:
    """The sorting activity for a unit's statement bank, with this learner's saved progress."""
    bank = load_course().statement_bank(unit)
    return SortingActivity(bank, ProgressStore(), round_size=round_size)


def worked_examples(unit: str):
    """The worked examples from a unit's statement bank."""
    return worked_examples_view(load_course().statement_bank(unit))


def quiz_activity(unit: str, size: int = DEFAULT_QUIZ_SIZE) -> QuizActivity:
    """A quiz drawn from a unit's question bank, with this learner's saved progress."""
    bank = load_course().question_bank(unit)
    return QuizActivity(bank, ProgressStore(), size=size)


def authority_activity(unit: str, size: int = DEFAULT_QUIZ_SIZE) -> QuizActivity:
    """"Inside my authority, or refer?": a unit's requests judged against the employer's
    limits, which decide every answer."""
    course = load_course()
    bank = authority_bank(course.authority_set(unit), course.organisation)
    return QuizActivity(bank, ProgressStore(), size=size, activity=f"{unit}-authority")


def law_activity(unit: str, size: int = DEFAULT_QUIZ_SIZE) -> QuizActivity:
    """"Which law applies?": situations from course_data/laws.yaml, the laws that answer them as
    options."""
    course = load_course()
    course.unit(unit)  # a clear error for a mistyped unit id
    return QuizActivity(law_bank(course.law_catalogue(), unit), ProgressStore(), size=size,
                        activity=f"{unit}-law-match")


def reply_activity(unit: str) -> ReplyRewriter:
    """Rewrite weak replies to customers and check them against a plain checklist."""
    return ReplyRewriter(load_course().rewrite_set(unit), ProgressStore())


def law_changes():
    """The older laws a course book may name, what replaced each and when."""
    return law_changes_view(load_course().law_catalogue())


def key_words(unit: str):
    """The words this unit's questions depend on, each with a plain meaning."""
    course = load_course()
    glossary = load_glossary(course.root, {u.id for u in course.units})
    return key_words_view(terms_for(glossary, course.unit(unit).id))


def organisation_policy(section: str):
    """One part of the employer's rules (course_data/organisation.yaml) as a card."""
    return organisation_view(load_course().organisation, section)


def scenario_player(scenario_id: str) -> ScenarioPlayer:
    """A branching conversation with a customer, with this learner's saved path."""
    return ScenarioPlayer(load_course().scenario(scenario_id), ProgressStore())


def scenario_analysis(scenario_id: str) -> AnalysisForm:
    """The guided analysis and options balance for a scenario."""
    course = load_course()
    return AnalysisForm(course.scenario(scenario_id), course.organisation, ProgressStore())


def development_planner() -> DevelopmentPlanner:
    """Build a dated schedule of what to get better at, with a timeline."""
    return DevelopmentPlanner(ProgressStore())


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
