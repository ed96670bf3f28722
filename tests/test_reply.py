"""Rewrite-a-reply: the checklist rules and the widget, through its Python twins."""

from __future__ import annotations

import json

import pytest

from workbook.content.records import RewriteSet, RewriteTask
from workbook.engine.reply import RULES, check_reply
from workbook.progress import ProgressStore
from workbook.widgets.reply import ReplyRewriter

GOOD = ("I'm sorry, that must be frustrating after waiting in all day. I'll book a new "
        "delivery for a day that suits you and refund the delivery charge today. "
        "Does that work for you?")
POOR = ("It's company policy that delivery times can change. You should have read the terms "
        "and conditions. The warehouse messed it up anyway, but I guarantee it comes tomorrow.")


def by_id(report):
    return {r.rule.id: r for r in report.results}


def test_a_good_reply_meets_every_point():
    report = check_reply(GOOD)
    assert report.passed == report.total == len(RULES) + 1
    assert report.summary.startswith(f"Your reply meets all {report.total} points")


def test_a_poor_reply_is_flagged_with_the_words_that_triggered_each_rule():
    results = by_id(check_reply(POOR))
    assert not results["rules"].passed
    assert results["rules"].found == ("company policy", "terms and conditions")
    assert results["blame-customer"].found == ("you should have",)
    assert results["blame-others"].found == ("the warehouse",)
    assert results["promise"].found == ("guarantee",)
    assert not results["feelings"].passed and not results["check"].passed
    assert results["feelings"].message.startswith("Not yet. Start by showing you understand")
    assert results["blame-customer"].message.startswith("Yes: “you should have”.")


def test_words_inside_other_words_do_not_count():
    results = by_id(check_reply("The ticketing of your sorrowful tale is remedial, sadly."))
    assert results["jargon"].passed and not results["feelings"].passed


def test_admitting_fault_and_long_sentences_are_flagged():
    long = " ".join(["word"] * 30) + "."
    report = check_reply("I'm sorry, it's completely our fault and we'll pay for everything. "
                         + long)
    assert not by_id(report)["liability"].passed
    assert by_id(report)["liability"].found == ("our fault", "we'll pay for", "completely our")
    assert len(report.long_sentences) == 1


def test_nothing_to_check_is_refused():
    with pytest.raises(ValueError, match="at least a sentence"):
        check_reply("ok")


TASKS = RewriteSet("unit9", "Rewrite", (
    RewriteTask("r-01", "Amira", "telephone", "Where is my sofa?", "Not my problem.", ("X",)),
    RewriteTask("r-02", "Tomasz", "email", "It broke!", "Read the manual.", ("X",))))


def test_the_rewriter_checks_keeps_drafts_per_task_and_restores_them(tmp_path):
    widget = ReplyRewriter(TASKS, ProgressStore(tmp_path))
    assert widget.reply.description == "Your better reply:"
    assert widget.task_select.description == "Message:"
    assert "Not my problem." in widget._task.value
    widget.write(GOOD)
    report = widget.check()
    assert widget.passed == report.total and "✓ Does it blame the customer?" in \
        widget._report.value
    widget.choose_task("r-02")
    assert widget.reply.value == "" and widget._report.value == ""
    widget.write("Too short")
    assert widget.check() is None
    assert widget.message.startswith("Nothing to check yet: write a reply of at least")
    saved = json.loads((tmp_path / "unit9-rewrite.json").read_text())
    assert saved["drafts"] == {"r-01": GOOD, "r-02": "Too short"}
    again = ReplyRewriter(TASKS, ProgressStore(tmp_path))
    assert again.reply.value == GOOD
    with pytest.raises(ValueError, match="no task 'r-09'"):
        again.choose_task("r-09")


def test_every_weak_reply_in_the_course_misses_at_least_three_points(course):
    for unit, tasks in course.rewrite_sets.items():
        for task in tasks.tasks:
            report = check_reply(task.poor_reply)
            assert report.total - report.passed >= 3, f"{unit} {task.id}"
