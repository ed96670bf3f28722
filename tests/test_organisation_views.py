"""The employer cards lessons show: every section renders the profile's own details."""

from __future__ import annotations

import pytest

from workbook.content.templating import pounds
from workbook.widgets.organisation import SECTIONS, organisation_html, organisation_view


@pytest.fixture
def org(course):
    return course.organisation


@pytest.mark.parametrize("section", list(SECTIONS))
def test_every_section_renders_a_card_naming_the_employer(org, section):
    html = organisation_html(org, section)
    assert html.startswith("<div class='wb-line'>") and "<h3>" in html
    assert f"Where you work in this course: {org.name.replace('&', '&amp;')}" in html


def test_limits_show_every_role_and_amount_in_chain_order(org):
    html = organisation_html(org, "limits")
    titles = [org.role(r).title for r in org.escalation_chain]
    positions = [html.index(f"<th scope='row'>{t}</th>") for t in titles]
    assert positions == sorted(positions)
    for role_id in org.escalation_chain:
        limits = org.role(role_id).limits
        for amount in (limits.refund, limits.goodwill, limits.replacement):
            assert f"<td>{pounds(amount)}</td>" in html
    assert "<caption" in html and "scope='col'" in html  # a table screen readers can follow


def test_sections_carry_the_profile_text(org):
    assert org.abusive_behaviour_policy.steps[0].step in organisation_html(org,
                                                                          "abusive-behaviour")
    assert org.recording_procedure.system in organisation_html(org, "recording")
    assert "Web chat" in organisation_html(org, "customer-service-policy")
    assert org.standards_of_behaviour.customers[0].split(".")[0] in organisation_html(
        org, "standards")


def test_an_unknown_section_is_named_with_the_choices(org):
    with pytest.raises(ValueError, match="no organisation section 'limit'; choose one of "
                                         "about, service-offer"):
        organisation_html(org, "limit")


def test_the_view_is_one_html_widget(org):
    view = organisation_view(org, "escalation")
    assert type(view).__name__ == "HTML" and "<style>" in view.value
