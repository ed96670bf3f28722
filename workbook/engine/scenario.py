"""Branching scenarios: walk a conversation choice by choice, move the customer's mood, follow
routes that depend on the mood and on earlier choices, go back, and sum up the ending.

Pure functions over frozen records. A walk is only ever the list of choice ids made, replayed
from the start, so saving, restoring and going back can never disagree with the rules.
:func:`explore` walks every possible path; the loader uses it to refuse a scenario with a node
that cannot be reached or a path that never ends, and the tests walk every path it finds.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..content.records import (
    ENDING_KINDS,
    MOOD_MAX,
    MOOD_MIN,
    TECHNIQUES,
    Choice,
    Ending,
    Scenario,
    ScenarioNode,
)

MOOD_LABELS = ((1, "very upset"), (3, "upset"), (5, "unsettled"), (7, "calmer"),
               (MOOD_MAX, "reassured"))
PATH_LIMIT = 20_000


def mood_label(mood: int) -> str:
    """Words for a mood from 0 (very upset) to 10 (reassured)."""
    return next(label for top, label in MOOD_LABELS if mood <= top)


def clamp(mood: int) -> int:
    return max(MOOD_MIN, min(MOOD_MAX, mood))


def next_step(choice: Choice, mood_after: int, chosen: Iterable[str]) -> str:
    """Where a choice leads: the first route whose conditions hold, else its ``next``.
    ``chosen`` is every choice id made so far, this one included."""
    made = set(chosen)
    for route in choice.routes:
        if route.mood_below is not None and not mood_after < route.mood_below:
            continue
        if route.mood_at_least is not None and not mood_after >= route.mood_at_least:
            continue
        if not set(route.chose) <= made or set(route.not_chose) & made:
            continue
        return route.next
    return choice.next


@dataclass(frozen=True)
class Step:
    node: ScenarioNode
    choice: Choice
    mood_before: int
    mood_after: int


@dataclass(frozen=True)
class Walk:
    """Where a learner has got to in a scenario."""

    scenario: Scenario
    steps: tuple[Step, ...]
    at: str
    """The id of the current node, or of the ending once finished."""

    @property
    def finished(self) -> bool:
        return self.scenario.is_ending(self.at)

    @property
    def node(self) -> ScenarioNode | None:
        return None if self.finished else self.scenario.node(self.at)

    @property
    def ending(self) -> Ending | None:
        return self.scenario.ending(self.at) if self.finished else None

    @property
    def mood(self) -> int:
        return self.steps[-1].mood_after if self.steps else self.scenario.mood_start

    @property
    def moods(self) -> tuple[int, ...]:
        """The mood at the start and after every choice."""
        return (self.scenario.mood_start, *(s.mood_after for s in self.steps))

    @property
    def choice_ids(self) -> tuple[str, ...]:
        return tuple(s.choice.id for s in self.steps)


def best_choice(node: ScenarioNode) -> int:
    """The position in ``node.choices`` of the best reply: the good choice that lifts the mood
    most (the first such when two tie)."""
    return max(range(len(node.choices)),
               key=lambda i: (node.choices[i].quality == "good", node.choices[i].mood, -i))


def _rng(*parts: str) -> random.Random:
    key = "\x1f".join(parts).encode()
    return random.Random(int.from_bytes(hashlib.sha256(key).digest()[:8], "big"))


def reply_order(scenario: Scenario, node: ScenarioNode, learner: str) -> tuple[int, ...]:
    """The order a learner sees a node's replies in: positions in ``node.choices``.

    Made from the learner, the scenario and the node, so the same learner always sees the same
    order at the same point (going back, restarting or reopening changes nothing) and another
    learner sees another. Authors write the best reply first; here the best reply's place comes
    from a shuffled deal of places over the scenario's nodes, so across a scenario it sits at
    A, B, C ... about equally often, and the other replies are shuffled around it.
    """
    count = len(node.choices)
    deal = _rng(learner, scenario.id, "places")
    deck: list[int] = []
    place = 0
    for other in scenario.nodes:  # deal a place to each node in turn, up to this one
        if len(other.choices) < 2:
            continue
        while True:
            if not deck:
                deck = list(range(max(len(n.choices) for n in scenario.nodes)))
                deal.shuffle(deck)
            place = deck.pop()
            if place < len(other.choices):
                break
        if other.id == node.id:
            break
    rest = [i for i in range(count) if i != best_choice(node)]
    _rng(learner, scenario.id, node.id).shuffle(rest)
    rest.insert(min(place, len(rest)), best_choice(node))
    return tuple(rest)


def start_walk(scenario: Scenario) -> Walk:
    return Walk(scenario, (), scenario.start)


def advance(walk: Walk, choice_id: str) -> Walk:
    """Make a choice at the current node; ``ValueError`` naming the choices if it is not one."""
    node = walk.node
    if node is None:
        raise ValueError(f"scenario {walk.scenario.id!r} has ended: go back or start again")
    choice = next((c for c in node.choices if c.id == choice_id), None)
    if choice is None:
        raise ValueError(f"{choice_id!r} is not a choice at this point of {walk.scenario.id!r} "
                         f"(choose one of {', '.join(c.id for c in node.choices)})")
    mood = clamp(walk.mood + choice.mood)
    step = Step(node, choice, walk.mood, mood)
    return Walk(walk.scenario, (*walk.steps, step),
                next_step(choice, mood, (*walk.choice_ids, choice.id)))


def back(walk: Walk) -> Walk:
    """Undo the last choice (at the start, stay there)."""
    return replay(walk.scenario, walk.choice_ids[:-1])


def replay(scenario: Scenario, choice_ids: Sequence[str]) -> Walk:
    walk = start_walk(scenario)
    for choice_id in choice_ids:
        walk = advance(walk, choice_id)
    return walk


# --------------------------------------------------------------------------- every path


@dataclass(frozen=True)
class Exploration:
    paths: tuple[tuple[str, ...], ...]
    """Every complete path, as the choice ids made."""
    reached: frozenset[str]
    """Every node and ending some path reaches."""
    endings: frozenset[str]
    """Every ending some path reaches."""


class ScenarioShapeError(ValueError):
    """A scenario loops or branches without end; ``node`` names where."""

    def __init__(self, message: str, node: str):
        super().__init__(message)
        self.node = node


def explore(scenario: Scenario, limit: int = PATH_LIMIT) -> Exploration:
    """Walk every path. A node may appear once per path, so every path ends."""
    paths: list[tuple[str, ...]] = []
    reached: set[str] = set()
    stack = [start_walk(scenario)]
    while stack:
        walk = stack.pop()
        reached.add(walk.at)
        if walk.finished:
            paths.append(walk.choice_ids)
            if len(paths) > limit:
                raise ScenarioShapeError(f"has more than {limit} paths; make it simpler",
                                         scenario.start)
            continue
        seen = {s.node.id for s in walk.steps} | {walk.at}
        for choice in walk.node.choices:
            following = advance(walk, choice.id)
            if following.at in seen:
                raise ScenarioShapeError(
                    f"choice {choice.id!r} leads back to {following.at!r}, so a conversation "
                    "could go round for ever", walk.at)
            stack.append(following)
    endings = frozenset(r for r in reached if scenario.is_ending(r))
    return Exploration(tuple(sorted(paths)), frozenset(reached), endings)


# --------------------------------------------------------------------------- the ending


@dataclass(frozen=True)
class RunSummary:
    ending: Ending
    good: int
    okay: int
    poor: int
    helped: tuple[str, ...]
    """Names of the techniques used in good choices, in order, without repeats."""
    mistakes: tuple[str, ...]
    """Names of what went wrong in poor choices."""
    mood_start: int
    mood_end: int

    @property
    def text(self) -> str:
        made = self.good + self.okay + self.poor
        lines = [f"{ENDING_KINDS[self.ending.kind]}: {self.ending.title}.",
                 self.ending.summary,
                 f"You made {made} choices: {self.good} good, {self.okay} okay and "
                 f"{self.poor} poor.",
                 f"The customer's mood went from {self.mood_start} ({mood_label(self.mood_start)}) "
                 f"to {self.mood_end} ({mood_label(self.mood_end)}) out of {MOOD_MAX}."]
        if self.helped:
            lines.append("What helped: " + "; ".join(self.helped) + ".")
        if self.mistakes:
            lines.append("What to avoid next time: " + "; ".join(self.mistakes) + ".")
        return "\n".join(lines)


def summarise(walk: Walk) -> RunSummary:
    """How a finished walk went (``ValueError`` if it has not ended)."""
    if walk.ending is None:
        raise ValueError("the scenario has not ended yet")
    quality = [s.choice.quality for s in walk.steps]

    def names(wanted: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(TECHNIQUES[s.choice.technique] for s in walk.steps
                                   if s.choice.quality == wanted))

    return RunSummary(walk.ending, quality.count("good"), quality.count("okay"),
                      quality.count("poor"), names("good"), names("poor"),
                      walk.scenario.mood_start, walk.mood)
