"""Rewrite-a-reply: check a learner's reply to an upset customer against a short checklist.

No black box: each rule is a plain question ("Does it blame the customer?") answered by looking
for listed words and phrases, and the result quotes the words that triggered it, so a learner
can see exactly why. The lists are below; a tutor can read them. A checklist is a guide, not a
mark: a reply can pass every rule and still need a human eye.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    question: str
    """The checklist line the learner sees."""
    wanted: bool
    """True when a good reply should do this; False when it should not."""
    phrases: tuple[str, ...]
    advice: str
    """What to do when the reply falls short on this rule."""


RULES: tuple[Rule, ...] = (
    Rule("feelings", "Does it acknowledge how the customer feels?", True,
         ("sorry", "i understand", "i can see", "i can hear", "must be", "frustrating",
          "upsetting", "annoying", "worrying", "i appreciate", "thank you for telling"),
         "Start by showing you understand how they feel, e.g. \"I'm sorry, that must be "
         "frustrating.\""),
    Rule("next-step", "Does it say what will happen next?", True,
         ("i will", "i'll", "we will", "we'll", "next step", "today", "tomorrow", "by monday",
          "by tuesday", "by wednesday", "by thursday", "by friday", "within", "i am going to",
          "i'm going to", "let me"),
         "Say what you will do and when, e.g. \"I'll book the engineer today.\""),
    Rule("check", "Does it check the customer understands or agrees?", True,
         ("?", "does that", "is that ok", "is that okay", "would that", "let me know"),
         "End with a question that checks they understand or agree, e.g. \"Does that work "
         "for you?\""),
    Rule("liability", "Does it admit fault or promise payment before the facts are known?",
         False,
         ("our fault", "my fault", "we are to blame", "we're to blame", "we are liable",
          "we're liable", "we will pay for", "we'll pay for", "we admit", "i admit",
          "it's all our", "completely our"),
         "Say sorry for how it feels, not for a fault nobody has checked yet. Find out the "
         "facts first."),
    Rule("blame-customer", "Does it blame the customer?", False,
         ("you should have", "your fault", "you didn't", "you did not", "if you had",
          "you must have", "you failed", "you forgot", "you need to read"),
         "Leave out anything that suggests it is their fault. Focus on putting it right."),
    Rule("blame-others", "Does it blame a colleague or another team?", False,
         ("not my fault", "not my job", "the warehouse", "the drivers", "the driver's fault",
          "another department", "head office's fault", "they messed up", "nothing to do with me"),
         "The customer sees one organisation. Take ownership instead of passing blame."),
    Rule("rules", "Does it just read the rules back?", False,
         ("company policy", "policy states", "it's policy", "it is policy", "as per",
          "terms and conditions", "t&cs", "clause", "the rules say"),
         "Give the reason behind a decision in plain words, then what you can do."),
    Rule("jargon", "Does it use jargon?", False,
         ("escalate", "escalation", "sla", "rma", "ticket", "ancillary", "transaction",
          "pursuant", "remedy", "in due course", "actioned", "liaise"),
         "Use everyday words, e.g. \"pass it to my team leader\" instead of \"escalate\"."),
    Rule("promise", "Does it promise what you may not be able to deliver?", False,
         ("guarantee", "i promise", "definitely", "100%", "never happen again",
          "first thing tomorrow, no problem", "whatever you want"),
         "Only promise what you know you can do. Say what you will try, and when you will "
         "update them."),
)

LONG_SENTENCE = 25
"""Words in a sentence above which the reply is flagged as hard to follow."""


@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    passed: bool
    found: tuple[str, ...]
    """The phrases that were found in the reply."""

    @property
    def message(self) -> str:
        found = ", ".join(f"“{f}”" for f in self.found)
        if self.rule.wanted:
            return (f"Yes (found {found})." if self.passed else f"Not yet. {self.rule.advice}")
        return ("No." if self.passed else f"Yes: {found}. {self.rule.advice}")


@dataclass(frozen=True)
class ReplyReport:
    text: str
    results: tuple[RuleResult, ...]
    long_sentences: tuple[str, ...]

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results) + (not self.long_sentences)

    @property
    def total(self) -> int:
        return len(self.results) + 1

    @property
    def summary(self) -> str:
        if self.passed == self.total:
            return (f"Your reply meets all {self.total} points on the checklist. Read it aloud: "
                    "does it sound like you, calm and kind?")
        return (f"Your reply meets {self.passed} of {self.total} points on the checklist. "
                "Change it and check again.")


def _find(text: str, phrases: tuple[str, ...]) -> tuple[str, ...]:
    lowered = " " + re.sub(r"\s+", " ", text.lower().replace("’", "'")) + " "
    found = []
    for phrase in phrases:
        if phrase == "?":
            if "?" in lowered:
                found.append("?")
            continue
        if re.search(r"(?<![a-z])" + re.escape(phrase) + r"(?![a-z])", lowered):
            found.append(phrase)
    return tuple(found)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s.strip()]


def check_reply(text: str) -> ReplyReport:
    """Check a reply against every rule. ``ValueError`` if there is nothing to check."""
    if len(text.split()) < 5:
        raise ValueError("write a reply of at least a sentence (5 words or more) first")
    results = []
    for rule in RULES:
        found = _find(text, rule.phrases)
        passed = bool(found) if rule.wanted else not found
        results.append(RuleResult(rule, passed, found))
    long = tuple(s for s in sentences(text) if len(s.split()) > LONG_SENTENCE)
    return ReplyReport(text, tuple(results), long)
