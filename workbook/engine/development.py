"""A development schedule (OCR Unit 7 M4): what to get better at, how, with whose help, when,
and how you will know, as a dated table and a timeline chart."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from .analysis import Finding

MIN_GOALS = 3
MAX_WEEKS = 26


@dataclass(frozen=True)
class Goal:
    area: str
    """What to get better at, e.g. "Staying calm when a customer shouts"."""
    action: str
    """How: a course, shadowing a colleague, practice, reading."""
    support: str
    """Who or what helps."""
    start: dt.date
    end: dt.date
    evidence: str
    """How you will know you have improved."""

    @property
    def weeks(self) -> int:
        return max(1, round((self.end - self.start).days / 7))


@dataclass(frozen=True)
class Plan:
    goals: tuple[Goal, ...] = ()


def parse_date(text: str | dt.date) -> dt.date:
    """A date from ``2026-12-01`` or ``1/12/2026`` (UK order); ``ValueError`` says how."""
    if isinstance(text, dt.date):
        return text
    value = str(text).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a date: write it like 1/12/2026 (day/month/year)")


def add_goal(plan: Plan, goal: Goal) -> Plan:
    for name in ("area", "action", "support", "evidence"):
        if not getattr(goal, name).strip():
            raise ValueError(f"fill in {name} for this goal")
    if goal.end <= goal.start:
        raise ValueError("the end date must be after the start date")
    if (goal.end - goal.start).days > MAX_WEEKS * 7:
        raise ValueError(f"keep each goal to {MAX_WEEKS} weeks or less; split a longer one")
    return replace(plan, goals=tuple(sorted((*plan.goals, goal), key=lambda g: g.start)))


def remove_goal(plan: Plan, number: int) -> Plan:
    """Remove the goal with this 1-based number in date order."""
    if not 1 <= number <= len(plan.goals):
        raise ValueError(f"there is no goal {number} (1 to {len(plan.goals)})")
    return replace(plan, goals=plan.goals[: number - 1] + plan.goals[number:])


def check_plan(plan: Plan, today: dt.date | None = None) -> tuple[Finding, ...]:
    today = today or dt.date.today()
    found = []
    if len(plan.goals) < MIN_GOALS:
        found.append(Finding("goals", f"Add at least {MIN_GOALS} goals (you have "
                                      f"{len(plan.goals)})."))
    for number, goal in enumerate(plan.goals, start=1):
        if goal.end < today:
            found.append(Finding("goals", f"Goal {number} ends before today; plan ahead."))
        if len(goal.evidence.split()) < 4:
            found.append(Finding("goals", f"Goal {number}: say more about how you will know you "
                                          "have improved."))
    areas = [g.area.strip().lower() for g in plan.goals]
    if len(set(areas)) < len(areas):
        found.append(Finding("goals", "Two goals are about the same thing; make each one "
                                      "different."))
    return tuple(found)


PLAN_COLUMNS = ("Start", "End", "Weeks", "What to get better at", "How", "Support",
                "How I will know")


def plan_rows(plan: Plan) -> list[dict[str, object]]:
    """One row per goal, in date order, with the :data:`PLAN_COLUMNS` (no pandas: the
    browser edition has none)."""
    return [{"Start": g.start.strftime("%d %b %Y"), "End": g.end.strftime("%d %b %Y"),
             "Weeks": g.weeks, "What to get better at": g.area, "How": g.action,
             "Support": g.support, "How I will know": g.evidence} for g in plan.goals]


def plan_table(plan: Plan):
    """:func:`plan_rows` as a pandas table, numbered from 1 ("Goal")."""
    import pandas as pd

    rows = plan_rows(plan)
    table = pd.DataFrame(rows, columns=list(PLAN_COLUMNS))
    table.index = range(1, len(rows) + 1)
    table.index.name = "Goal"
    return table


def timeline_chart(plan: Plan) -> str:
    """Each goal as a numbered bar from its start to its finish date, as SVG."""
    from ..charts import timeline_chart as chart

    return chart("My development timeline",
                 [(f"{n}. {g.area}", g.start, g.end) for n, g in enumerate(plan.goals, start=1)])
