"""Branching scenarios: loading, routing on mood and earlier choices, going back, every path,
and the checks that refuse a scenario with a gap, a loop or an unreachable node."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, copy_course
from workbook.content import ContentError
from workbook.content.loader import load_course_uncached
from workbook.engine.scenario import (
    advance,
    back,
    explore,
    mood_label,
    replay,
    start_walk,
    summarise,
)

EXAMPLE = ROOT / "tests" / "data" / "scenario-example.yaml"


def course_with_scenario(root: Path, change=None) -> Path:
    folder = root / "course_data" / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    if change:
        change(data)
    (folder / f"{data['id']}.yaml").write_text(yaml.safe_dump(data, sort_keys=False),
                                               encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    root = copy_course(tmp_path_factory.mktemp("scenario"))
    shutil.rmtree(root / "course_data" / "scenarios", ignore_errors=True)
    return load_course_uncached(course_with_scenario(root)).scenario("example-kettle")


def test_placeholders_are_filled_and_the_walk_starts_at_the_start(scenario, course):
    assert course.organisation.recording_procedure.system in scenario.situation
    walk = start_walk(scenario)
    assert walk.at == "open" and walk.mood == 2 and not walk.finished


def test_a_good_path_raises_the_mood_and_ends_resolved(scenario):
    walk = replay(scenario, ["open-listen", "fault-refund"])
    assert walk.finished and walk.ending.kind == "resolved"
    assert walk.moods == (2, 4, 7)
    summary = summarise(walk)
    assert (summary.good, summary.okay, summary.poor) == (2, 0, 0)
    assert summary.helped == ("active listening", "explaining the organisation's position")
    assert summary.text.splitlines()[0] == "Resolved: Refund agreed on the call."
    assert "from 2 (upset) to 7 (calmer) out of 10" in summary.text


def test_an_earlier_choice_changes_where_a_later_one_leads(scenario):
    walk = replay(scenario, ["open-argue", "fault-refund"])
    assert walk.ending.id == "followup"
    assert "What to avoid next time: arguing back." in summarise(walk).text


def test_mood_stays_between_0_and_10_and_a_low_mood_routes_away(scenario):
    from dataclasses import replace
    low = replace(scenario, mood_start=1)
    walk = advance(start_walk(low), "open-argue")
    assert walk.mood == 0 and walk.at == "leaves"
    assert mood_label(0) == "very upset" and mood_label(10) == "reassured"


def test_back_undoes_the_last_choice(scenario):
    walk = replay(scenario, ["open-listen", "fault-blame"])
    assert walk.ending.id == "leaves"
    walk = back(walk)
    assert walk.at == "fault" and walk.mood == 4
    assert back(back(walk)).at == "open"


def test_a_choice_from_elsewhere_is_refused_by_name(scenario):
    with pytest.raises(ValueError, match="'fault-refund' is not a choice at this point of "
                                         "'example-kettle' \\(choose one of open-listen, "
                                         "open-argue\\)"):
        advance(start_walk(scenario), "fault-refund")
    with pytest.raises(ValueError, match="has ended"):
        advance(replay(scenario, ["open-listen", "fault-refund"]), "open-listen")
    with pytest.raises(ValueError, match="has not ended"):
        summarise(start_walk(scenario))


def test_explore_finds_every_path_and_every_one_ends(scenario):
    explored = explore(scenario)
    assert explored.paths == (
        ("open-argue", "fault-blame"), ("open-argue", "fault-manager"),
        ("open-argue", "fault-refund"), ("open-listen", "fault-blame"),
        ("open-listen", "fault-manager"), ("open-listen", "fault-refund"))
    assert explored.endings == {"resolved", "followup", "escalated", "leaves"}
    for path in explored.paths:
        assert replay(scenario, path).finished


def _choice(data, choice_id):
    return next(c for n in data["nodes"] for c in n["choices"] if c["id"] == choice_id)


def _dangling(data):
    _choice(data, "fault-blame")["next"] = "nowhere"


def _loop(data):
    _choice(data, "fault-manager")["next"] = "open"


def _unreachable(data):
    data["nodes"].append({"id": "lost", "says": "Hello?", "choices": [
        {**_choice(data, "fault-refund"), "id": "lost-a", "routes": []},
        {**_choice(data, "fault-blame"), "id": "lost-b"}]})
    for c in data["nodes"][-1]["choices"]:
        c.pop("routes", None)


def _unused_ending(data):
    data["endings"].append({"id": "safety", "kind": "safety", "title": "Help called",
                            "summary": "A manager came."})


def _bad_route(data):
    _choice(data, "fault-refund")["routes"][0]["if"] = {"chose": ["open-shout"]}


def _twice(data):
    _choice(data, "fault-blame")["id"] = "fault-refund"


@pytest.mark.parametrize("change, item, field, problem", [
    (_dangling, "node 'fault'", "next",
     "choice 'fault-blame' leads to 'nowhere', which is not a node or ending in this scenario"),
    (_loop, "node 'fault'", "choices",
     "choice 'fault-manager' leads back to 'open', so a conversation could go round for ever"),
    (_unreachable, "node 'lost'", None, "no path through the scenario reaches this node"),
    (_unused_ending, "ending 'safety'", None,
     "no path through the scenario reaches this ending"),
    (_bad_route, "node 'fault'", "routes", "choice 'fault-refund' has a route that depends on "
     "'open-shout', which is not a choice in this scenario"),
    (_twice, None, "nodes", "choice id 'fault-refund' is used twice"),
])
def test_a_broken_scenario_is_refused_naming_the_scenario_and_node(tmp_path, change, item,
                                                                     field, problem):
    root = course_with_scenario(copy_course(tmp_path), change)
    with pytest.raises(ContentError) as info:
        load_course_uncached(root)
    error = info.value
    assert error.file == "course_data/scenarios/example-kettle.yaml"
    assert (error.item, error.field) == (item, field)
    assert error.problem.startswith(problem)


def test_the_file_name_must_match_the_id(tmp_path):
    root = course_with_scenario(copy_course(tmp_path))
    folder = root / "course_data" / "scenarios"
    (folder / "example-kettle.yaml").rename(folder / "kettle.yaml")
    with pytest.raises(ContentError, match="must be named example-kettle.yaml"):
        load_course_uncached(root)
