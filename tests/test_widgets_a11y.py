"""The Python side of the activities' accessibility (issue 19, item 5): one status line per
activity kept for its whole life, the page script shown with each activity, and focus sent to
the next control after each action. The browser suite (tests/test_browser_a11y.py) measures
what a learner gets."""

from __future__ import annotations

from unittest import mock

import pytest

from workbook.widgets.common import page_script
from workbook.widgets.scenario import ScenarioPlayer
from workbook.widgets.sorting import SortingActivity


@pytest.fixture
def bank(course):
    return course.statement_bank("unit2")


def focused(widget) -> list:
    """Record the focus requests sent to a widget's front end."""
    calls = []
    widget.focus = lambda: calls.append(widget)
    return calls


def test_the_status_line_is_one_live_element_updated_in_place(bank):
    activity = SortingActivity(bank, seed=4)
    status = activity._status
    assert "wb-live" in status._dom_classes and "wb-act" in activity._dom_classes
    for statement_id in activity.round_ids:
        activity.select(statement_id, "passive")
    activity.check()
    activity.retry()
    assert activity._status is status and status in activity.children
    assert "role='status'" not in status.value  # the element itself is the live region
    assert activity.message in status.value.replace("&#x27;", "'")


def test_focus_goes_to_the_next_thing_to_do(bank):
    activity = SortingActivity(bank, seed=4)
    to_retry, to_first = focused(activity.retry_button), focused(activity._slots[0].radio)
    for statement_id in activity.round_ids:
        activity.select(statement_id, "passive")
    activity.check()
    assert to_retry == [activity.retry_button]
    activity.retry()
    assert to_first == [activity._slots[0].radio]


def test_say_this_announces_the_customers_words_and_mood_and_focuses_the_replies(course):
    scenario = next(iter(course.scenarios.values()))
    player = ScenarioPlayer(scenario, learner="amira")
    to_replies = focused(player.replies)
    status = player._status
    player.choose(1)
    assert player._status is status and to_replies == [player.replies]
    if not player.finished:
        assert player.walk.node.says in player.message
    assert f"Mood: {player.mood} out of 10" in player.message


def test_showing_an_activity_adds_the_page_script_first(bank):
    activity = SortingActivity(bank, seed=4)
    shown = []
    with mock.patch("IPython.display.display", side_effect=lambda *a, **k: shown.append(a)):
        activity._ipython_display_()
    assert shown[0][0] == {"application/javascript": page_script()}  # no text/plain to show
    assert "data-lm-suppress-shortcuts" in page_script() and "radiogroup" in page_script()
    assert "application/vnd.jupyter.widget-view+json" in shown[1][0]
