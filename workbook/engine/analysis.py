"""Structured scenario analysis and the options balance (OCR Unit 7 P1-P7, M1, M3, D1, D2).

A learner works through a scenario on paper, as it were: causes and the signs they saw, the
information to gather and how, the customer's needs, the possible actions, each scored for the
customer and for the organisation, the recommended action with a justification, and a
follow-up plan. :func:`check_analysis` says what is missing or does not fit, with transparent
rules (no black box): for example, recommending an amount above the learner's own limit
without saying who it is referred to is flagged, using the limits in the organisation profile.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..content.records import Organisation
from ..content.templating import pounds

ACTIONS = {
    "repair": "Repair", "replace": "Replacement", "refund": "Refund",
    "credit-note": "Credit note or voucher", "alternative": "Alternative product",
    "goodwill": "Goodwill gesture", "support": "Support or help to use it",
    "advice": "Advice or information", "refer": "Refer to manufacturer, supplier or manager",
}
"""Kinds of action a learner can put forward, and how each is shown."""

LIMIT_FOR = {"refund": "refund", "credit-note": "goodwill", "goodwill": "goodwill",
             "replace": "replacement", "alternative": "replacement"}
"""Which of a role's limits an action's cost counts against."""

CUSTOMER_FACTORS = {"satisfaction": "Customer satisfaction", "speed": "Speed for the customer"}
ORGANISATION_FACTORS = {"cost": "Cost to the organisation (5 = cheapest)",
                        "policy": "Fits policy and the law", "reputation": "Reputation"}
FACTORS = {**CUSTOMER_FACTORS, **ORGANISATION_FACTORS}
SCORE_MIN, SCORE_MAX = 1, 5

MIN_ITEMS = {"causes": 1, "indicators": 2, "information": 2, "needs": 2}
BOTH_SIDES = re.compile(r"\b(organisation|company|business|shop|store|us|we)\b", re.I)
CUSTOMER_SIDE = re.compile(r"\b(customer|they|their|she|he|her|him)\b", re.I)


@dataclass(frozen=True)
class OptionPlan:
    """One possible action and how it scores."""

    name: str
    action: str
    """A key of :data:`ACTIONS`."""
    cost: int = 0
    """Whole pounds the organisation pays or refunds (0 if none)."""
    refer_to: int | None = None
    """Position in the escalation chain of the colleague who would agree it, if referred."""
    scores: dict[str, int] = field(default_factory=dict)
    """Factor key to a score from 1 (poor) to 5 (good)."""

    @property
    def customer_total(self) -> int:
        return sum(self.scores.get(f, 0) for f in CUSTOMER_FACTORS)

    @property
    def organisation_total(self) -> int:
        return sum(self.scores.get(f, 0) for f in ORGANISATION_FACTORS)


@dataclass(frozen=True)
class FollowUp:
    what: str = ""
    who: str = ""
    when: dt.date | None = None
    how: str = ""
    """How the customer is contacted, e.g. a phone call at a time they chose."""


@dataclass(frozen=True)
class Analysis:
    scenario: str
    causes: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    """Signs in words, tone, body language or writing that showed how the customer felt."""
    information: tuple[str, ...] = ()
    """What to find out, and how (questions, records, photos ...)."""
    needs: tuple[str, ...] = ()
    options: tuple[OptionPlan, ...] = ()
    recommended: str = ""
    """The name of the recommended option."""
    justification: str = ""
    follow_up: FollowUp = FollowUp()

    def option(self, name: str) -> OptionPlan:
        for option in self.options:
            if option.name == name:
                return option
        known = ", ".join(o.name for o in self.options) or "none yet"
        raise KeyError(f"no option called {name!r} (options: {known})")


@dataclass(frozen=True)
class Finding:
    """Something to add or fix; ``part`` names the part of the form."""

    part: str
    message: str


def add_option(analysis: Analysis, option: OptionPlan) -> Analysis:
    if not option.name.strip():
        raise ValueError("give the option a short name, e.g. 'Repair within 5 days'")
    if option.action not in ACTIONS:
        raise ValueError(f"action must be one of {', '.join(ACTIONS)} (got {option.action!r})")
    if option.cost < 0:
        raise ValueError("cost is in whole pounds and cannot be below 0")
    if any(o.name == option.name for o in analysis.options):
        raise ValueError(f"there is already an option called {option.name!r}")
    for factor, value in option.scores.items():
        _check_score(factor, value)
    return replace(analysis, options=(*analysis.options, option))


def score_option(analysis: Analysis, name: str, factor: str, value: int) -> Analysis:
    _check_score(factor, value)
    option = analysis.option(name)
    updated = replace(option, scores={**option.scores, factor: value})
    return replace(analysis, options=tuple(updated if o.name == name else o
                                           for o in analysis.options))


def _check_score(factor: str, value: int) -> None:
    if factor not in FACTORS:
        raise ValueError(f"factor must be one of {', '.join(FACTORS)} (got {factor!r})")
    if not isinstance(value, int) or not SCORE_MIN <= value <= SCORE_MAX:
        raise ValueError(f"a score is a whole number from {SCORE_MIN} to {SCORE_MAX} "
                         f"(got {value!r})")


def authority_finding(option: OptionPlan, organisation: Organisation,
                      as_role: int = 1) -> str | None:
    """Why the option needs a referral the learner has not named, or None if it is fine."""
    kind = LIMIT_FOR.get(option.action)
    if kind is None or not option.cost:
        return None
    chain = organisation.escalation_chain
    role = organisation.role(chain[as_role - 1])
    limit = getattr(role.limits, kind)
    if option.cost <= limit:
        return None
    if option.refer_to is not None and option.refer_to > as_role:
        referred = organisation.role(chain[option.refer_to - 1])
        if option.cost <= getattr(referred.limits, kind) or option.refer_to == len(chain):
            return None
        return (f"{pounds(option.cost)} is over the {kind} limit of the {referred.title} too "
                f"({pounds(getattr(referred.limits, kind))}); refer it higher.")
    return (f"{pounds(option.cost)} is over your {kind} limit of {pounds(limit)} as "
            f"{role.title}, so say who you will refer it to.")


def check_analysis(analysis: Analysis, organisation: Organisation,
                   today: dt.date | None = None) -> tuple[Finding, ...]:
    """Everything missing or inconsistent, in the order of the form; empty when complete."""
    today = today or dt.date.today()
    found: list[Finding] = []
    labels = {"causes": "causes", "indicators": "signs you noticed",
              "information": "information to gather", "needs": "customer's needs"}
    for part, least in MIN_ITEMS.items():
        items = [i for i in getattr(analysis, part) if i.strip()]
        if len(items) < least:
            found.append(Finding(part, f"Add at least {least} {labels[part]} "
                                       f"(you have {len(items)})."))
    if len(analysis.options) < 2:
        found.append(Finding("options", "Put forward at least 2 options, so you can compare "
                                        f"them (you have {len(analysis.options)})."))
    for option in analysis.options:
        missing = [FACTORS[f].split(" (")[0].lower() for f in FACTORS if f not in option.scores]
        if missing:
            found.append(Finding("options", f"Score “{option.name}” for: {', '.join(missing)}."))
        problem = authority_finding(option, organisation)
        if problem:
            found.append(Finding("options", f"“{option.name}”: {problem}"))
    names = [o.name for o in analysis.options]
    if not analysis.recommended:
        found.append(Finding("recommended", "Choose the option you recommend."))
    elif analysis.recommended not in names:
        found.append(Finding("recommended", f"“{analysis.recommended}” is not one of your "
                                            "options."))
    else:
        best = fairest(analysis.options)
        chosen = analysis.option(analysis.recommended)
        if (best is not None and _balance(best) > _balance(chosen)
                and best.name.lower() not in analysis.justification.lower()):
            found.append(Finding("recommended", f"By your own scores “{best.name}” balances "
                                 "the customer and the organisation better. Recommend it, or "
                                 "say in your justification why not."))
    words = len(analysis.justification.split())
    if words < 25:
        found.append(Finding("justification", "Explain why you recommend it in at least 25 "
                                              f"words (you have {words})."))
    elif not (BOTH_SIDES.search(analysis.justification)
              and CUSTOMER_SIDE.search(analysis.justification)):
        found.append(Finding("justification", "Say why it is fair to both the customer and the "
                                              "organisation."))
    follow = analysis.follow_up
    for value, message in ((follow.what, "what you will check"),
                           (follow.who, "who will do it"),
                           (follow.how, "how you will contact the customer")):
        if not value.strip():
            found.append(Finding("follow_up", f"Say {message} in the follow-up."))
    if follow.when is None:
        found.append(Finding("follow_up", "Give a date for the follow-up."))
    elif follow.when < today:
        found.append(Finding("follow_up", "The follow-up date is in the past."))
    return tuple(found)


def option_columns() -> list[str]:
    return ["Option", "Action", "Cost (£)", *FACTORS.values(), "Customer total",
            "Organisation total", "Recommended"]


def option_rows(analysis: Analysis) -> list[dict[str, object]]:
    """The options balance, one row per option with the :func:`option_columns`: a column per
    factor (None when not scored), the customer and organisation totals, and which one is
    recommended (no pandas: the browser edition has none)."""
    rows = []
    for option in analysis.options:
        row = {"Option": option.name, "Action": ACTIONS[option.action],
               "Cost (£)": option.cost}
        row |= {label: option.scores.get(key) for key, label in FACTORS.items()}
        row |= {"Customer total": option.customer_total,
                "Organisation total": option.organisation_total,
                "Recommended": "Yes" if option.name == analysis.recommended else ""}
        rows.append(row)
    return rows


def options_table(analysis: Analysis):
    """:func:`option_rows` as a pandas table, indexed by option name."""
    import pandas as pd

    return pd.DataFrame(option_rows(analysis), columns=option_columns()).set_index("Option")


def options_chart(analysis: Analysis) -> str:
    """Customer and organisation totals side by side for each option, as SVG: plain dark bars
    for the customer, hatched bars for the organisation (they read apart without colour), ★
    marking the recommended option."""
    from ..charts import bar_chart

    most = SCORE_MAX * len(ORGANISATION_FACTORS)
    return bar_chart(
        "Options balance (★ = recommended)",
        [("★ " if o.name == analysis.recommended else "") + o.name for o in analysis.options],
        [(f"For the customer (out of {SCORE_MAX * len(CUSTOMER_FACTORS)})",
          [o.customer_total for o in analysis.options]),
         (f"For the organisation (out of {most})",
          [o.organisation_total for o in analysis.options])],
        "Total score", most)


def _balance(option: OptionPlan) -> tuple[float, int]:
    """The weaker side's average score, then the overall total: higher is fairer to both."""
    return (min(option.customer_total / len(CUSTOMER_FACTORS),
                option.organisation_total / len(ORGANISATION_FACTORS)),
            option.customer_total + option.organisation_total)


def fairest(options: Sequence[OptionPlan]) -> OptionPlan | None:
    """The option that is fairest to both sides by the learner's own scores."""
    return max(options, key=_balance) if options else None
