"""Employer placeholders in course text: ``{org}``, ``{role2}``, ``{role1.refund+50}``.

Questions, knowledge checks and activities are written once and filled in from
``course_data/organisation.yaml``, so a college can swap in its own workplace and every name,
role title and money limit follows. Amounts that decide an answer are written relative to a
limit (``{role1.refund+40}``), so the right answer stays right when the limits change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .records import Organisation

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_ROLE = re.compile(r"^role([1-9][0-9]*)(?:\.(refund|goodwill|replacement)(?:([+-])([0-9]+))?)?$")
_AMOUNT = re.compile(r"^role([1-9][0-9]*)\.(refund|goodwill|replacement)(?:([+-])([0-9]+))?$")

HELP = ("use {org}, {org.short}, {system}, {role1}..{roleN} for role titles, or "
        "{role1.refund}, {role1.goodwill}, {role1.replacement} with an optional +N or -N")


class TemplateError(ValueError):
    """A placeholder the workbook does not know; the message says which and what is allowed."""


def pounds(amount: int) -> str:
    """Whole pounds as a learner reads them: ``£1,250``."""
    return f"£{amount:,}"


@dataclass(frozen=True)
class EmployerText:
    """Fills placeholders from one organisation profile."""

    organisation: Organisation

    def role_at(self, position: int):
        """The role at a 1-based position in the escalation chain (1 = the learner's role)."""
        chain = self.organisation.escalation_chain
        if not 1 <= position <= len(chain):
            raise TemplateError(
                f"role{position} does not exist: the escalation chain in organisation.yaml has "
                f"{len(chain)} roles (role1 to role{len(chain)})")
        return self.organisation.role(chain[position - 1])

    def amount(self, expression: str | int) -> int:
        """Whole pounds from ``150`` or ``"role1.refund+40"`` (never below zero)."""
        if isinstance(expression, int):
            return expression
        text = expression.strip().strip("{}").replace(" ", "")
        if text.isdigit():
            return int(text)
        match = _AMOUNT.match(text)
        if not match:
            raise TemplateError(
                f"{expression!r} is not an amount: write whole pounds such as 120, or a limit "
                "such as role1.refund+40")
        position, kind, sign, offset = match.groups()
        value = getattr(self.role_at(int(position)).limits, kind)
        if sign:
            value += int(offset) if sign == "+" else -int(offset)
        if value < 0:
            raise TemplateError(f"{expression!r} comes to less than £0 with this profile")
        return value

    def value(self, name: str) -> str:
        org = self.organisation
        if name == "org":
            return org.name
        if name == "org.short":
            return org.short_name
        if name == "system":
            return org.recording_procedure.system
        match = _ROLE.match(name)
        if not match:
            raise TemplateError(f"unknown placeholder {{{name}}}: {HELP}")
        role = self.role_at(int(match.group(1)))
        if match.group(2) is None:
            return role.title
        return pounds(self.amount(name))

    def render(self, text: str, extra: dict[str, str] | None = None) -> str:
        """``text`` with every placeholder filled in; ``extra`` adds names such as ``amount``."""
        extra = extra or {}

        def fill(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            if name in extra:
                return extra[name]
            return self.value(name)

        return PLACEHOLDER.sub(fill, text)
