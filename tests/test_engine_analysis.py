"""The structured analysis, options balance and development schedule engines."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from workbook.engine.analysis import (
    Analysis,
    FollowUp,
    OptionPlan,
    add_option,
    authority_finding,
    check_analysis,
    fairest,
    options_chart,
    options_table,
    score_option,
)
from workbook.engine.development import (
    Goal,
    Plan,
    add_goal,
    check_plan,
    parse_date,
    plan_table,
    remove_goal,
    timeline_chart,
)

TODAY = dt.date(2026, 11, 24)
FULL = {"satisfaction": 4, "speed": 4, "cost": 3, "policy": 5, "reputation": 4}


@pytest.fixture
def org(course):
    return course.organisation


def limit(org, kind, position=1):
    return getattr(org.role(org.escalation_chain[position - 1]).limits, kind)


def complete(org) -> Analysis:
    analysis = Analysis(
        "example", causes=("The fridge failed after 5 weeks.",),
        indicators=("Raised voice", "Said it was the second visit"),
        information=("Order date from the records", "Photos of the fault"),
        needs=("A working fridge quickly", "To feel listened to"))
    analysis = add_option(analysis, OptionPlan("Repair in 3 days", "repair", 0, None, FULL))
    analysis = add_option(analysis, OptionPlan("Replace now", "replace",
                                               limit(org, "replacement") - 10, None,
                                               {**FULL, "satisfaction": 5}))
    return Analysis(**{**analysis.__dict__, "recommended": "Replace now",
                       "justification": "A replacement gets the customer a working fridge "
                       "this week, which is what she needs most, and it costs the organisation "
                       "little more than a repair visit while keeping her as a customer.",
                       "follow_up": FollowUp("Check it arrived and works", "Me",
                                             TODAY + dt.timedelta(days=3), "Phone call")})


def test_a_complete_analysis_has_nothing_to_add(org):
    assert check_analysis(complete(org), org, TODAY) == ()


def test_an_empty_analysis_lists_every_missing_part_in_form_order(org):
    found = check_analysis(Analysis("example"), org, TODAY)
    assert [f.part for f in found] == ["causes", "indicators", "information", "needs",
                                       "options", "recommended", "justification",
                                       "follow_up", "follow_up", "follow_up", "follow_up"]
    assert found[1].message == "Add at least 2 signs you noticed (you have 0)."


def test_over_the_limit_without_a_referral_is_flagged_from_the_profile(org):
    over = limit(org, "refund") + 50
    option = OptionPlan("Full refund", "refund", over)
    message = authority_finding(option, org)
    assert message.startswith(f"£{over:,} is over your refund limit of "
                              f"£{limit(org, 'refund'):,} as ")
    assert message.endswith("so say who you will refer it to.")
    assert authority_finding(OptionPlan("Full refund", "refund", over, refer_to=2), org) is None
    too_much = limit(org, "refund", 2) + 1
    assert "refer it higher" in authority_finding(
        OptionPlan("Big refund", "refund", too_much, refer_to=2), org)
    assert authority_finding(OptionPlan("Advice", "advice", 0), org) is None


def test_goodwill_and_credit_notes_count_against_the_goodwill_limit(org):
    cap = limit(org, "goodwill")
    assert authority_finding(OptionPlan("Voucher", "credit-note", cap), org) is None
    assert "goodwill limit" in authority_finding(OptionPlan("Voucher", "credit-note", cap + 1),
                                                 org)


def test_recommending_a_worse_balanced_option_asks_for_a_reason(org):
    analysis = complete(org)
    analysis = score_option(analysis, "Replace now", "policy", 1)
    analysis = score_option(analysis, "Replace now", "reputation", 1)
    found = check_analysis(analysis, org, TODAY)
    assert [f.part for f in found] == ["recommended"]
    assert "“Repair in 3 days” balances the customer and the organisation better" in \
        found[0].message
    assert fairest(analysis.options).name == "Repair in 3 days"


def test_a_justification_must_speak_for_both_sides_and_follow_up_be_ahead(org):
    analysis = complete(org)
    analysis = Analysis(**{**analysis.__dict__, "justification": " ".join(["fine"] * 30),
                           "follow_up": FollowUp("x", "y", TODAY - dt.timedelta(days=1), "z")})
    messages = [f.message for f in check_analysis(analysis, org, TODAY)]
    assert messages == ["Say why it is fair to both the customer and the organisation.",
                        "The follow-up date is in the past."]


def test_bad_options_and_scores_are_refused_clearly():
    analysis = Analysis("x")
    with pytest.raises(ValueError, match="action must be one of repair"):
        add_option(analysis, OptionPlan("A", "magic"))
    analysis = add_option(analysis, OptionPlan("A", "repair"))
    with pytest.raises(ValueError, match="already an option called 'A'"):
        add_option(analysis, OptionPlan("A", "refund"))
    with pytest.raises(ValueError, match="a score is a whole number from 1 to 5"):
        score_option(analysis, "A", "cost", 6)
    with pytest.raises(KeyError, match="no option called 'B'"):
        score_option(analysis, "B", "cost", 3)


def test_the_options_table_and_chart_are_data(org):
    analysis = complete(org)
    table = options_table(analysis)
    assert [row[0] for row in table.rows] == ["Repair in 3 days", "Replace now"]
    row = table.row("Replace now")
    assert (row["Customer total"], row["Organisation total"], row["Recommended"]) == (9, 12, "Yes")
    assert table.row("Repair in 3 days")["Recommended"] == ""
    chart = options_chart(analysis)
    assert (chart.title, chart.y_label, chart.y_max) == ("Options balance (★ = recommended)",
                                                         "Total score", 15)
    assert chart.groups == ("Repair in 3 days", "★ Replace now")
    repair = analysis.options[0].organisation_total
    assert chart.series[1] == ("For the organisation (out of 15)", (repair, 12))
    with pytest.raises(dataclasses.FrozenInstanceError):
        chart.title = "changed"


def goal(area, start, weeks, evidence="My team leader sees me do it"):
    begin = parse_date(start)
    return Goal(area, "Shadow a colleague", "My team leader", begin,
                begin + dt.timedelta(weeks=weeks), evidence)


def test_a_development_plan_is_kept_in_date_order_with_a_table_and_timeline():
    plan = Plan()
    plan = add_goal(plan, goal("Calm an angry caller", "15/12/2026", 4))
    plan = add_goal(plan, goal("Explain refund rules simply", "2026-12-01", 2))
    plan = add_goal(plan, goal("Record calls fully", "5/1/2027", 6))
    assert [g.area for g in plan.goals] == ["Explain refund rules simply",
                                            "Calm an angry caller", "Record calls fully"]
    assert check_plan(plan, TODAY) == ()
    table = plan_table(plan)
    assert table.columns[:4] == ("Goal", "Start", "End", "Weeks")
    assert table.row(1)["Start"] == "01 Dec 2026" and table.row(3)["Weeks"] == 6
    timeline = timeline_chart(plan)
    assert timeline.title == "My development timeline"
    assert timeline.rows[0] == ("1. Explain refund rules simply", dt.date(2026, 12, 1),
                                dt.date(2026, 12, 15))
    assert len(remove_goal(plan, 2).goals) == 2


def test_plan_mistakes_are_named():
    with pytest.raises(ValueError, match="'31/31/2026' is not a date: write it like 1/12/2026"):
        parse_date("31/31/2026")
    with pytest.raises(ValueError, match="end date must be after the start date"):
        add_goal(Plan(), goal("A", "1/12/2026", 0))
    with pytest.raises(ValueError, match="keep each goal to 26 weeks or less"):
        add_goal(Plan(), goal("A", "1/12/2026", 30))
    plan = add_goal(Plan(), goal("Calm callers", "1/1/2026", 2, "I will know"))
    messages = [f.message for f in check_plan(plan, TODAY)]
    assert messages == ["Add at least 3 goals (you have 1).",
                        "Goal 1 ends before today; plan ahead.",
                        "Goal 1: say more about how you will know you have improved."]
