"""Employer placeholders: names, role titles and limits filled in from the profile."""

from __future__ import annotations

import pytest

from workbook.content.templating import EmployerText, TemplateError, pounds


@pytest.fixture
def text(course):
    return EmployerText(course.organisation)


def test_pounds_are_whole_with_thousands_separators():
    assert (pounds(0), pounds(25), pounds(1250), pounds(10000)) == ("£0", "£25", "£1,250",
                                                                    "£10,000")


def test_names_titles_and_system_are_filled_from_the_profile(text, course):
    org = course.organisation
    chain = [org.role(r) for r in org.escalation_chain]
    filled = text.render("{org} ({org.short}): ask a {role2}, not a {role4}. Log it in {system}.")
    assert filled == (f"{org.name} ({org.short_name}): ask a {chain[1].title}, not a "
                      f"{chain[3].title}. Log it in {org.recording_procedure.system}.")


def test_limits_can_be_shifted_by_whole_pounds(text, course):
    adviser = course.organisation.role(course.organisation.escalation_chain[0]).limits
    assert text.render("{role1.refund}") == pounds(adviser.refund)
    assert text.render("{ role1.refund+40 }") == pounds(adviser.refund + 40)
    assert text.render("{role1.goodwill-5}") == pounds(adviser.goodwill - 5)
    assert text.amount("role1.replacement+1") == adviser.replacement + 1
    assert text.amount(" 120 ") == 120 and text.amount(75) == 75


def test_extra_names_fill_in_before_the_profile(text):
    assert text.render("Owed: {amount}.", {"amount": "£12"}) == "Owed: £12."


@pytest.mark.parametrize("template, message", [
    ("{orgs}", r"unknown placeholder \{orgs\}: use \{org\}"),
    ("{role9}", "role9 does not exist: the escalation chain in organisation.yaml has 4 roles"),
    ("{role1.bonus}", r"unknown placeholder \{role1.bonus\}"),
    ("{role1.goodwill-1000}", "comes to less than £0 with this profile"),
])
def test_unknown_or_impossible_placeholders_are_named(text, template, message):
    with pytest.raises(TemplateError, match=message):
        text.render(template)


def test_an_amount_must_be_pounds_or_a_limit(text):
    with pytest.raises(TemplateError, match="'£120' is not an amount: write whole pounds"):
        text.amount("£120")
