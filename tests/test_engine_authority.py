""""Inside my authority, or refer?" and "Which law applies?": answers worked out from the
organisation's limits and the law catalogue, never typed into the request files."""

from __future__ import annotations

from dataclasses import replace

import pytest

from workbook.content.records import (
    AuthorityRequest,
    AuthoritySet,
    Law,
    LawCatalogue,
    LawSituation,
    LawSource,
)
from workbook.content.templating import pounds
from workbook.engine.authority import INSIDE, authority_bank, authority_question, decide
from workbook.engine.laws import answer_laws, law_bank, law_question


@pytest.fixture
def org(course):
    return course.organisation


def limits(org, position=1):
    return org.role(org.escalation_chain[position - 1]).limits


def request(kind, amount=0, already=0, as_role=1, reason=""):
    return AuthorityRequest("a-99", "Precious", "web-chat", as_role, kind, amount, already,
                            "Precious wants something.", reason, ("CG216-1.6",))


@pytest.mark.parametrize("kind", ["refund", "replacement"])
def test_at_the_limit_is_inside_and_a_pound_over_is_referred(org, kind):
    limit = getattr(limits(org), kind)
    assert decide(request(kind, limit), org).inside
    over = decide(request(kind, limit + 1), org)
    assert not over.inside and over.refer_to.id == org.escalation_chain[1]
    assert pounds(limit + 1) in over.reason and pounds(limit) in over.reason


def test_an_owed_refund_over_the_limit_is_still_given(org):
    reason = decide(request("refund", limits(org).refund + 40), org).reason
    assert "they still get it" in reason


def test_goodwill_counts_what_was_already_given_on_the_complaint(org):
    cap = limits(org).goodwill
    assert decide(request("goodwill", cap - 10, already=10), org).inside
    over = decide(request("goodwill", cap - 9, already=10), org)
    assert not over.inside
    assert f"{pounds(10)} has already been given" in over.reason
    assert f"makes {pounds(cap + 1)} in all" in over.reason
    assert "Never split" in over.reason


def test_a_team_leader_refers_to_the_next_role_up(org):
    decision = decide(request("refund", limits(org, 2).refund + 1, as_role=2), org)
    assert decision.role.id == org.escalation_chain[1]
    assert decision.refer_to.id == org.escalation_chain[2] and not decision.inside


def test_policy_is_always_inside_and_refer_never_with_the_authors_reason(org):
    assert decide(request("policy", reason="Rebooking is yours."), org).inside
    refer = decide(request("refer", reason="Only managers ban customers."), org)
    assert not refer.inside and refer.reason == "Only managers ban customers."


def test_the_question_has_two_options_with_the_reason_on_both(org):
    question = authority_question(request("refund", limits(org).refund + 1), org)
    first, second = question.options
    assert first.answer == INSIDE and not first.correct
    assert second.answer.startswith("Refer it to a") and second.correct
    assert first.feedback.startswith("Not this time. ") and second.feedback.startswith("Yes. ")
    assert question.question.startswith("Precious · web chat\n\nPrecious wants something.")


def test_swapping_limits_swaps_the_answer_with_no_change_to_the_request(org):
    ask = request("refund", 200)
    higher = replace(org, roles=tuple(
        replace(r, limits=replace(r.limits, refund=250)) if r.id == org.escalation_chain[0]
        else r for r in org.roles))
    assert decide(ask, org).inside is (200 <= limits(org).refund)
    assert decide(ask, higher).inside


def test_the_bank_keeps_the_request_order_ids_and_criteria(org):
    requests = AuthoritySet("unit4", "Inside my authority, or refer?", (
        request("policy", reason="Yours."), replace(request("refer", reason="Not yours."),
                                                    id="a-98")))
    bank = authority_bank(requests, org)
    assert [q.id for q in bank.questions] == ["a-99", "a-98"]
    assert all(q.criteria == ("CG216-1.6",) and q.type == "single" for q in bank.questions)


SOURCE = LawSource("s.1", "2015", "legislation.gov.uk")
CATALOGUE = LawCatalogue(
    laws=(Law("consumer-rights-act-2015", "Consumer Rights Act 2015", "current",
              "Goods and services.", SOURCE),
          Law("sentencing-act-2020", "Sentencing Act 2020", "current", "Sentences.", SOURCE),
          Law("equality-act-2010", "Equality Act 2010", "current", "Covers fair treatment.",
              SOURCE),
          Law("sale-of-goods-act-1979", "Sale of Goods Act 1979", "replaced", "Old.", SOURCE,
              ("consumer-rights-act-2015",), "1 October 2015")),
    situations=(LawSituation("law-01", "Kwame's kettle broke.", "consumer-rights-act-2015",
                             "It is faulty goods.", ("SYN-KC5",), SOURCE),
                LawSituation("law-02", "A ramp is missing.", "equality-act-2010",
                             "Adjustments.", ("SYN-KC5",), SOURCE)))


def test_which_law_offers_only_current_laws_and_explains_each():
    question = law_question(CATALOGUE.situations[0], CATALOGUE)
    assert [o.answer for o in question.options] == ["Consumer Rights Act 2015",
                                                    "Equality Act 2010"]
    assert [o.correct for o in question.options] == [True, False]
    assert question.options[0].feedback == "Yes. It is faulty goods."
    # A wrong law says what it is about and which law this situation needs, in a few words
    # (not every law's full description: the issue saw six paragraphs).
    assert question.options[1].feedback == (
        "Not this one. Equality Act 2010 is about something else. It covers fair treatment. This "
        "situation needs Consumer Rights Act 2015.")
    assert law_bank(CATALOGUE, "unit5").questions[0] == question


def test_which_law_leaves_out_current_laws_that_answer_no_situation():
    """The Sentencing Act is current, but no situation is about it, so it is not an option."""
    assert [law.id for law in answer_laws(CATALOGUE)] == ["consumer-rights-act-2015",
                                                          "equality-act-2010"]
