"""The scenario player, driven through its Python twins (no browser)."""

from __future__ import annotations

import json
import shutil
from html import unescape

import pytest

from tests.conftest import copy_course
from tests.test_charts import shown_svg, texts
from tests.test_engine_scenario import course_with_scenario
from workbook.content.loader import load_course_uncached
from workbook.progress import ProgressStore
from workbook.widgets.scenario import ScenarioPlayer, mood_meter_html


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    root = copy_course(tmp_path_factory.mktemp("player"))
    shutil.rmtree(root / "course_data" / "scenarios", ignore_errors=True)
    return load_course_uncached(course_with_scenario(root)).scenario("example-kettle")


def test_the_first_turn_shows_the_customer_replies_and_the_mood(scenario):
    player = ScenarioPlayer(scenario)
    assert player.at == "open" and player.mood == 2 and not player.finished
    assert player.replies.description == "Your reply:" and player.replies.value is None
    assert [label[:3] for label, _ in player.replies.options] == ["A. ", "B. "]
    assert "This is the second time I've rung!" in unescape(player._turn.value)
    assert "Her voice is loud and fast." in player._turn.value
    assert player.back_button.disabled
    assert [b.description for b in (player.say_button, player.back_button,
                                    player.restart_button)] == [
        "Say this", "Go back one step", "Start again"]


def test_the_mood_meter_is_a_number_and_words_not_colour_alone():
    html = mood_meter_html(3)
    assert "Customer's mood:</strong> 3 out of 10 (upset)" in html
    assert "aria-valuenow='3'" in html and "■■■□□□□□□□" in html


def test_each_reply_is_explained_naming_the_technique(scenario):
    player = ScenarioPlayer(scenario)
    player.choose("open-argue")
    assert player.choices_made == ["open-argue"] and player.mood == 1
    text = player._transcript.value
    assert "✗ Poor choice." in text and "Technique: arguing back." in text
    assert "(Mood 2 → 1.)" in text


def test_an_ending_shows_the_summary_the_path_and_a_chart(scenario):
    player = ScenarioPlayer(scenario)
    player.choose("open-listen")
    player.choose("fault-refund")
    assert player.finished and player.at == "resolved"
    assert "The end: Resolved: Refund agreed on the call." in player._ending.value
    assert "Mood turn by turn: 2 → 4 → 7 (out of 10)." in player._ending.value
    assert player.chart in player.children and player.chart_svg == player.chart.svg
    words = texts(shown_svg(player.chart))
    assert words[0] == f"{scenario.customer.name}'s mood, turn by turn"
    assert {"Start", "1", "2", "4", "7", "Customer's mood"} <= set(words)
    assert 'alt="Line chart of' in player.chart.value
    assert "2, 4, 7 out of 10." in player.chart.value
    assert player.endings_reached == ["Resolved"]
    with pytest.raises(ValueError, match="the conversation has ended"):
        player.choose(1)


def test_say_this_without_a_reply_asks_for_one(scenario):
    player = ScenarioPlayer(scenario)
    player.say_button.click()
    assert player.message == "Choose a reply first, then press “Say this”."
    player.replies.value = "open-listen"
    player.say_button.click()
    assert player.at == "fault"


def test_back_and_restart(scenario):
    player = ScenarioPlayer(scenario)
    player.choose("open-listen")
    player.choose("fault-blame")
    assert player.at == "leaves"
    player.back()
    assert player.at == "fault" and player.mood == 4 and not player.finished
    player.restart()
    assert player.at == "open" and player.choices_made == []
    player.back()
    assert player.message == "You are at the start, so there is nothing to go back to."


def test_choices_and_endings_survive_a_restart_of_the_kernel(scenario, tmp_path):
    player = ScenarioPlayer(scenario, ProgressStore(tmp_path))
    player.choose("open-listen")
    player.choose("fault-manager")
    player.back()
    saved = json.loads((tmp_path / "scenario-example-kettle.json").read_text())
    assert saved["choices"] == ["open-listen"] and saved["runs"][0]["kind"] == "escalated-badly"
    again = ScenarioPlayer(scenario, ProgressStore(tmp_path))
    assert again.at == "fault" and again.choices_made == ["open-listen"]
    assert again.message == "Welcome back! The conversation carries on where you left it."
    assert again.endings_reached == ["Passed on badly"]


def test_a_saved_path_that_no_longer_fits_starts_again_and_keeps_endings(scenario, tmp_path):
    ProgressStore(tmp_path).save("scenario-example-kettle", {
        "version": 1, "choices": ["open-listen", "fault-gone"],
        "runs": [{"choices": [], "ending": "resolved", "kind": "resolved"}]})
    player = ScenarioPlayer(scenario, ProgressStore(tmp_path))
    assert player.at == "open" and player.endings_reached == ["Resolved"]
    assert player.message.startswith("This scenario has changed since you last played it")


def test_a_new_turn_reaches_the_page_with_no_reply_chosen(scenario):
    """Each message the replies send the page leaves nothing chosen: the page never shows a
    reply as chosen that the learner did not choose (it once showed reply A for a moment)."""
    player = ScenarioPlayer(scenario)
    sent = []
    player.replies._send = lambda msg, buffers=None: sent.append(msg.get("state", {}))
    player.replies.value = player.replies.options[0][1]  # the learner chooses A
    sent.clear()
    player._say_selected()  # and presses "Say this"
    assert not player.finished and player.at != "open"
    assert any("_options_labels" in state for state in sent)
    assert all(state.get("index", None) is None for state in sent), sent
