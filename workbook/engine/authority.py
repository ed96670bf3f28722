""""Inside my authority, or refer?": work out the right call from the organisation's limits.

The answer and its reason come from ``course_data/organisation.yaml``, never from the request
file, so when a college swaps in its own limits every answer follows. Requests become
single-choice questions, so the quiz engine and widget run the activity.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..content.records import (
    CHANNEL_NAMES,
    AuthorityRequest,
    AuthoritySet,
    Option,
    Organisation,
    Question,
    QuestionBank,
    Role,
    Topic,
)
from ..content.templating import pounds

TOPIC = Topic("authority", "Inside my authority, or refer?")
INSIDE = "I can agree this myself."


@dataclass(frozen=True)
class AuthorityDecision:
    inside: bool
    """True when the learner's role may agree the request on its own."""
    role: Role
    """The role the learner plays."""
    refer_to: Role
    """The next role up the escalation chain."""
    reason: str


def with_article(title: str) -> str:
    """``a Team Leader``, ``an Area Manager``."""
    return ("an " if title[:1].lower() in "aeiou" else "a ") + title


def decide(request: AuthorityRequest, organisation: Organisation) -> AuthorityDecision:
    """Whether the request is inside the learner's authority, and why."""
    chain = organisation.escalation_chain
    role = organisation.role(chain[request.as_role - 1])
    refer_to = organisation.role(chain[request.as_role])
    limits = role.limits
    amount = pounds(request.amount)
    up = with_article(refer_to.title)
    if request.kind == "policy":
        return AuthorityDecision(True, role, refer_to, request.reason)
    if request.kind == "refer":
        return AuthorityDecision(False, role, refer_to, request.reason)
    if request.kind == "refund":
        inside = request.amount <= limits.refund
        reason = (f"As {with_article(role.title)}, you can put through an owed refund of up to "
                  f"{pounds(limits.refund)} yourself. ")
        reason += (f"{amount} is within that, so you can agree it." if inside else
                   f"{amount} is over that, so {up} signs it off. The customer is owed it, so "
                   "they still get it: never say no or make them wait because of your limit.")
    elif request.kind == "replacement":
        inside = request.amount <= limits.replacement
        reason = (f"As {with_article(role.title)}, you can agree a like-for-like replacement "
                  f"worth up to {pounds(limits.replacement)}. ")
        reason += (f"{amount} is within that, so you can agree it." if inside else
                   f"{amount} is over that, so {up} signs it off.")
    else:
        total = request.already_given + request.amount
        inside = total <= limits.goodwill
        reason = (f"As {with_article(role.title)}, your goodwill limit is "
                  f"{pounds(limits.goodwill)} for the whole complaint. ")
        if request.already_given:
            reason += (f"{pounds(request.already_given)} has already been given, so another "
                       f"{amount} makes {pounds(total)} in all. ")
        reason += ("That is within your limit, so you can agree it." if inside else
                   f"That is over your limit, so ask {up}. Never split a gesture into smaller "
                   "amounts to stay under a limit.")
    return AuthorityDecision(inside, role, refer_to, reason)


def authority_question(request: AuthorityRequest, organisation: Organisation) -> Question:
    """The request as a two-option question: agree it yourself, or refer it up."""
    decision = decide(request, organisation)
    refer = f"Refer it to {with_article(decision.refer_to.title)}."
    heading = f"{request.customer} · {CHANNEL_NAMES[request.channel]}"
    ask = (f"You are {with_article(decision.role.title)}. Can you agree this yourself, or do "
           "you refer it?")
    options = (
        Option(INSIDE, decision.inside,
               ("Yes. " if decision.inside else "Not this time. ") + decision.reason),
        Option(refer, not decision.inside,
               ("Yes. " if not decision.inside else "No need. ") + decision.reason),
    )
    difficulty = 1 if request.kind in ("policy", "refer") else (
        3 if request.already_given else 2)
    return Question(id=request.id, type="single", topic=TOPIC.id, difficulty=difficulty,
                    criteria=request.criteria,
                    question=f"{heading}\n\n{request.situation}\n\n{ask}", options=options)


def authority_bank(requests: AuthoritySet, organisation: Organisation) -> QuestionBank:
    """Every request as a question, ready for the quiz engine."""
    return QuestionBank(requests.unit, requests.title, (TOPIC,),
                        tuple(authority_question(r, organisation) for r in requests.requests))
