"""One way to render (issue 21, item 3): every page and widget comes from the Jinja2 templates
in workbook/assets/templates/, autoescaped, so what a learner types shows as the text it is."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from jinja2 import UndefinedError

from tests.conftest import copy_course
from tests.test_engine_scenario import course_with_scenario
from workbook.content.loader import load_course_uncached
from workbook.engine.figures import Table
from workbook.progress import ProgressStore
from workbook.render import TEMPLATES, render
from workbook.widgets.analysis import AnalysisForm, DevelopmentPlanner

TYPED = "<script>alert(1)</script> & <b>bold</b>"
SAFE = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
TODAY = dt.date(2026, 11, 24)


def shows_as_text(html: str, before: str) -> None:
    assert "<script>" not in html and "<b>bold" not in html
    assert f"{before}{SAFE}" in html, before


def test_a_template_escapes_what_it_is_given_and_names_what_is_missing():
    html = render("widgets/table.html.j2", table=Table(("Goal", "How"), ((1, TYPED), (2, None))))
    shows_as_text(html, "<td>")
    assert "<th scope=\"row\">2</th><td>–</td>" in html  # a blank shows as a dash
    with pytest.raises(UndefinedError, match="'table' is undefined"):
        render("widgets/table.html.j2")


def test_every_template_lives_in_the_one_folder():
    names = {p.name for p in TEMPLATES.iterdir()}
    assert {"report", "selfmark", "widgets", "workbook_feedback"} <= names


@pytest.fixture(scope="module")
def scenario_and_org(tmp_path_factory):
    root = copy_course(tmp_path_factory.mktemp("render"))
    shutil.rmtree(root / "course_data" / "scenarios", ignore_errors=True)
    course = load_course_uncached(course_with_scenario(root))
    return course.scenario("example-kettle"), course.organisation


def test_what_a_learner_types_into_the_analysis_shows_as_text(scenario_and_org, tmp_path):
    scenario, org = scenario_and_org
    form = AnalysisForm(scenario, org, ProgressStore(tmp_path), today=TODAY)
    form.add_option(f"Refund {TYPED}", "refund", 20, None,
                    {"satisfaction": 4, "speed": 4, "cost": 4, "policy": 5, "reputation": 4})
    form.add_option("Repair", "repair", 0, None,
                    {"satisfaction": 1, "speed": 1, "cost": 5, "policy": 5, "reputation": 1})
    form.recommend("Repair", "Short.")
    form.check()
    shows_as_text(form._table.value, "Refund ")
    shows_as_text(form._findings.value, "By your own scores “Refund ")
    planner = DevelopmentPlanner(ProgressStore(tmp_path), today=TODAY)
    planner.add_goal(f"Stay calm {TYPED}", f"Practise {TYPED}", "My team leader",
                     "1/12/2026", "22/12/2026", f"Two calls {TYPED}")
    for before in ("Stay calm ", "Practise ", "Two calls "):
        shows_as_text(planner._table.value, before)
