"""The real scenarios: enough of them, across channels, customers and causes, and every path
through each one walked to an ending."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.test_charts import shown_svg, texts
from workbook.content.records import TECHNIQUES
from workbook.engine.scenario import explore, replay, summarise

SCENARIO_FILES = sorted((ROOT / "course_data" / "scenarios").glob("*.yaml"))
IDS = [p.stem for p in SCENARIO_FILES]


def test_there_are_at_least_eight_scenarios_across_channels_customers_and_causes(course):
    scenarios = list(course.scenarios.values())
    assert len(scenarios) >= 8
    assert {"face-to-face", "telephone", "email", "social-media", "sms", "letter"} <= {
        s.channel for s in scenarios}
    types = {t for s in scenarios for t in s.customer.types}
    assert {"angry", "aggressive", "abusive", "confused", "upset", "indecisive",
            "special-requirements", "internal"} <= types
    assert {"out-of-stock", "faulty-product", "late-or-lost-delivery", "service-complaint",
            "technical-misunderstanding"} <= {s.cause for s in scenarios}
    kinds = {e.kind for s in scenarios for e in s.endings}
    assert {"resolved", "resolved-follow-up", "escalated-properly", "escalated-badly",
            "customer-leaves", "safety"} <= kinds


@pytest.mark.parametrize("scenario_id", IDS)
def test_every_path_ends_and_every_ending_is_reached(course, scenario_id):
    scenario = course.scenario(scenario_id)
    explored = explore(scenario)
    assert len(scenario.endings) >= 3
    assert explored.endings == {e.id for e in scenario.endings}
    for path in explored.paths:
        walk = replay(scenario, path)
        assert walk.finished
        summary = summarise(walk)
        assert summary.good + summary.okay + summary.poor == len(path)
        assert summary.ending.title in summary.text.splitlines()[0]


@pytest.mark.parametrize("scenario_id", IDS)
def test_branches_depend_on_mood_and_on_earlier_choices(course, scenario_id):
    scenario = course.scenario(scenario_id)
    routes = [r for n in scenario.nodes for c in n.choices for r in c.routes]
    assert any(r.mood_below is not None or r.mood_at_least is not None for r in routes)
    assert any(r.chose or r.not_chose for r in routes)


@pytest.mark.parametrize("scenario_id", IDS)
def test_every_choice_explains_itself_and_there_are_good_and_poor_ones(course, scenario_id):
    scenario = course.scenario(scenario_id)
    choices = [c for n in scenario.nodes for c in n.choices]
    assert {"good", "poor"} <= {c.quality for c in choices}
    assert all(c.technique in TECHNIQUES and len(c.feedback.split()) >= 8 for c in choices)


def test_one_scenario_needs_escalation_beyond_authority_and_one_the_safety_procedure(course):
    scenarios = course.scenarios.values()
    assert any(c.technique == "referring" and c.quality == "good"
               for s in scenarios for n in s.nodes for c in n.choices)
    assert any(c.technique == "safety-procedure"
               for s in scenarios for n in s.nodes for c in n.choices)


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=IDS)
def test_scenario_files_use_placeholders_not_the_employers_details(course, path):
    text = path.read_text(encoding="utf-8")
    org = course.organisation
    for word in [org.name, org.short_name, *(r.title for r in org.roles)]:
        assert word not in text, f"{path.name} names {word!r}: use a placeholder"


@pytest.mark.parametrize("scenario_id", IDS)
def test_the_player_reaches_an_ending_and_draws_the_mood_chart(course, scenario_id):
    from workbook.widgets.scenario import ScenarioPlayer

    scenario = course.scenario(scenario_id)
    best = max(explore(scenario).paths, key=lambda p: replay(scenario, p).mood)
    player = ScenarioPlayer(scenario)
    for choice in best:
        player.choose(choice)
    assert player.finished
    moods = [t for t in texts(shown_svg(player.chart)) if t.isdigit()]
    assert moods[-len(player.walk.moods):] == [str(m) for m in player.walk.moods]
    assert "Mood turn by turn:" in player._ending.value
